// Numbered schema migrations. The schema version lives in the file (PRAGMA user_version), so any
// SQLite client can tell which layout it is looking at. Never edit a released migration: add one.
import type Database from 'better-sqlite3'
import { DexposureError } from '../../shared/errors'

export interface Migration {
  version: number
  name: string
  sql: string
}

// Rowids of `nodes` and `edges` are week_number · 2^24 + position (see rowKey in archive.ts), so a
// week's rows are one contiguous rowid range: deleting or scanning a week needs no extra index.
// Edge rows carry no week/position columns (they are in the rowid; the `edges` view adds them
// back through `weeks.row_base`): two fewer bound values per row is ~20 % faster inserts of the
// 8.7 M edges of a real-scale import (measured).
// `edges` deliberately has no secondary index: two text indexes cost ~5 µs per edge on insert
// (measured; 8.7 M edges in a real-scale import), which alone would make importing slower than
// parsing the file in Python. A node's edges are found through `nodes.out_edges`/`in_edges`
// (int32 positions of its edges in that week) instead.
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'archive core: weeks, nodes, edges, frames, protocols, token issuers, import log',
    sql: `
CREATE TABLE archive_info (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE imports (
  import_id       INTEGER PRIMARY KEY,
  source          TEXT NOT NULL,
  format          TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  bytes           INTEGER NOT NULL,
  started_at      TEXT NOT NULL,
  finished_at     TEXT NOT NULL,
  duration_ms     INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('ok', 'unchanged')),
  weeks_inserted  INTEGER NOT NULL,
  weeks_replaced  INTEGER NOT NULL,
  weeks_unchanged INTEGER NOT NULL,
  counts          TEXT NOT NULL DEFAULT '{}',
  rows            TEXT NOT NULL DEFAULT '{}',
  options         TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE weeks (
  week           TEXT PRIMARY KEY,
  n_nodes        INTEGER NOT NULL,
  n_edges        INTEGER NOT NULL,
  total_tvl      REAL NOT NULL,
  total_exposure REAL NOT NULL,
  content_sha256 TEXT NOT NULL,
  synthetic      INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  import_id      INTEGER REFERENCES imports(import_id),
  counts         TEXT NOT NULL DEFAULT '{}',
  row_base       INTEGER NOT NULL
);
CREATE TABLE nodes (
  week            TEXT NOT NULL REFERENCES weeks(week) ON DELETE CASCADE,
  idx             INTEGER NOT NULL,
  node_id         TEXT NOT NULL,
  size            REAL NOT NULL,
  composition     TEXT,
  log_tvl         REAL NOT NULL,
  n_token_types   INTEGER NOT NULL,
  max_token_share REAL NOT NULL,
  token_entropy   REAL NOT NULL,
  tvl_change      REAL NOT NULL,
  in_degree       INTEGER NOT NULL,
  out_degree      INTEGER NOT NULL,
  out_edges       BLOB NOT NULL,
  in_edges        BLOB NOT NULL
);
CREATE UNIQUE INDEX nodes_by_node ON nodes(node_id, week);
CREATE TABLE edge_rows (
  source      TEXT NOT NULL,
  target      TEXT NOT NULL,
  weight      REAL NOT NULL,
  composition TEXT
);
CREATE VIEW edges AS
  SELECT w.week AS week, e.rowid - w.row_base AS idx, e.source AS source, e.target AS target,
         e.weight AS weight, e.composition AS composition
  FROM weeks w JOIN edge_rows e ON e.rowid BETWEEN w.row_base AND w.row_base + 16777215;
CREATE TABLE week_frames (
  week           TEXT PRIMARY KEY REFERENCES weeks(week) ON DELETE CASCADE,
  feature_schema INTEGER NOT NULL,
  node_ids       TEXT NOT NULL,
  sizes          BLOB NOT NULL,
  features       BLOB NOT NULL,
  edge_src       BLOB NOT NULL,
  edge_dst       BLOB NOT NULL,
  edge_weight    BLOB NOT NULL
);
CREATE TABLE protocols (
  id       TEXT PRIMARY KEY,
  name     TEXT,
  category TEXT,
  sector   TEXT
);
CREATE TABLE token_issuers (
  token     TEXT PRIMARY KEY,
  issuer    TEXT NOT NULL,
  grp       TEXT,
  frequency INTEGER
);
`,
  },
  {
    version: 2,
    name: 'risk results: runs, network statistics, SIS, spillovers, contagion, comparisons, alerts',
    // Documented table by table in docs/risk.md. Results belong to the week version they were
    // computed on: replacing a week deletes them (ON DELETE CASCADE).
    sql: `
CREATE TABLE risk_runs (
  run_id       INTEGER PRIMARY KEY,
  week         TEXT NOT NULL REFERENCES weeks(week) ON DELETE CASCADE,
  target_week  TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('stats', 'contagion', 'compare', 'alerts')),
  graph        TEXT NOT NULL CHECK (graph IN ('observed', 'forecast', 'realised')),
  horizon      INTEGER NOT NULL DEFAULT 0,
  forecast_run INTEGER,
  week_sha256  TEXT,
  params       TEXT NOT NULL DEFAULT '{}',
  warnings     TEXT NOT NULL DEFAULT '[]',
  created_at   TEXT NOT NULL,
  duration_ms  REAL NOT NULL
);
CREATE INDEX risk_runs_by_week ON risk_runs(week, kind, graph, horizon);
CREATE TABLE network_stats (
  run_id INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, metric)
) WITHOUT ROWID;
CREATE TABLE sis_scores (
  run_id          INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  node_id         TEXT NOT NULL,
  rank            INTEGER NOT NULL,
  score           REAL NOT NULL,
  pagerank        REAL NOT NULL,
  pagerank_scaled REAL NOT NULL,
  tail_exposure   REAL NOT NULL,
  log_tvl_scaled  REAL NOT NULL,
  PRIMARY KEY (run_id, node_id)
) WITHOUT ROWID;
CREATE TABLE spillover_cells (
  run_id      INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  level       TEXT NOT NULL CHECK (level IN ('category', 'sector')),
  from_sector TEXT NOT NULL,
  to_sector   TEXT NOT NULL,
  exposure    REAL NOT NULL,
  PRIMARY KEY (run_id, level, from_sector, to_sector)
) WITHOUT ROWID;
CREATE TABLE contagion_results (
  run_id           INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  scenario         TEXT NOT NULL,
  method           TEXT NOT NULL CHECK (method IN ('reference', 'debtrank', 'eisenberg-noe')),
  variant          TEXT NOT NULL,
  shock_spec       TEXT NOT NULL,
  shock_fraction   REAL NOT NULL,
  shocked_nodes    TEXT NOT NULL,
  total_loss       REAL NOT NULL,
  total_loss_pct   REAL NOT NULL,
  affected_count   INTEGER NOT NULL,
  distressed_count INTEGER NOT NULL,
  default_count    INTEGER NOT NULL,
  rounds           INTEGER NOT NULL,
  converged        INTEGER NOT NULL CHECK (converged IN (0, 1)),
  outputs          TEXT NOT NULL DEFAULT '{}',
  loss_path        TEXT NOT NULL DEFAULT '[]',
  warnings         TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, scenario, method)
) WITHOUT ROWID;
CREATE TABLE contagion_node_losses (
  run_id         INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  scenario       TEXT NOT NULL,
  method         TEXT NOT NULL,
  node_id        TEXT NOT NULL,
  loss           REAL NOT NULL,
  relative_loss  REAL,
  distress_round INTEGER,
  PRIMARY KEY (run_id, scenario, method, node_id)
) WITHOUT ROWID;
CREATE TABLE risk_comparisons (
  run_id    INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  item      TEXT NOT NULL,
  predictor TEXT NOT NULL CHECK (predictor IN ('forecast', 'persistence')),
  predicted REAL,
  actual    REAL,
  abs_error REAL,
  PRIMARY KEY (run_id, item, predictor)
) WITHOUT ROWID;
CREATE TABLE alerts (
  alert_id INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL REFERENCES risk_runs(run_id) ON DELETE CASCADE,
  week     TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('zscore', 'gap', 'stale')),
  metric   TEXT,
  value    REAL,
  mean     REAL,
  std      REAL,
  z        REAL,
  reason   TEXT NOT NULL
);
CREATE INDEX alerts_by_run ON alerts(run_id, week);
CREATE VIEW latest_network_stats AS
  SELECT r.week, r.target_week, r.graph, r.horizon, s.metric, s.value, r.run_id
  FROM network_stats s JOIN risk_runs r USING (run_id)
  WHERE r.run_id = (
    SELECT max(r2.run_id) FROM risk_runs r2
    WHERE r2.kind = 'stats' AND r2.week = r.week AND r2.graph = r.graph AND r2.horizon = r.horizon
  );
`,
  },
  {
    version: 3,
    name: 'forecast runs: predicted edges, node TVL and the predicted graph',
    // Documented in docs/forecasting.md. A run keeps the anchor week's data version: replacing the
    // anchor week deletes its forecasts.
    sql: `
CREATE TABLE forecast_runs (
  run_id        INTEGER PRIMARY KEY,
  week          TEXT NOT NULL REFERENCES weeks(week) ON DELETE CASCADE,
  horizon       INTEGER NOT NULL,
  target_week   TEXT NOT NULL,
  model         TEXT NOT NULL,
  model_sha256  TEXT NOT NULL,
  provider      TEXT NOT NULL,
  fallbacks     TEXT NOT NULL DEFAULT '[]',
  created       TEXT NOT NULL,
  duration_ms   INTEGER NOT NULL,
  nodes         INTEGER NOT NULL,
  pairs_scored  INTEGER NOT NULL,
  exhaustive    INTEGER NOT NULL CHECK (exhaustive IN (0, 1)),
  expected_edges REAL NOT NULL,
  graph_rule    TEXT NOT NULL,
  graph_edges   INTEGER NOT NULL
);
CREATE INDEX forecast_runs_by_week ON forecast_runs(week, horizon);
CREATE TABLE forecast_edges (
  run_id               INTEGER NOT NULL REFERENCES forecast_runs(run_id) ON DELETE CASCADE,
  source               TEXT NOT NULL,
  target               TEXT NOT NULL,
  probability          REAL NOT NULL,
  predicted_weight_usd REAL NOT NULL,
  exists_at_t          INTEGER NOT NULL CHECK (exists_at_t IN (0, 1)),
  in_graph             INTEGER NOT NULL CHECK (in_graph IN (0, 1))
);
CREATE INDEX forecast_edges_by_run ON forecast_edges(run_id, probability DESC);
CREATE TABLE forecast_nodes (
  run_id               INTEGER NOT NULL REFERENCES forecast_runs(run_id) ON DELETE CASCADE,
  node_id              TEXT NOT NULL,
  tvl_t                REAL NOT NULL,
  predicted_log_change REAL NOT NULL,
  predicted_tvl        REAL NOT NULL
);
CREATE INDEX forecast_nodes_by_run ON forecast_nodes(run_id);
`,
  },
  {
    version: 4,
    name: 'pair-memory checkpoints: derived data that lets a forecast skip most of the walk',
    // Documented in docs/archive-schema.md. Derived from the weeks, never imported: a checkpoint is
    // used only while no later import has written a week at or before it (import_id against
    // weeks.import_id), so nothing has to delete it, and dropping the table's rows loses nothing but
    // time.
    sql: `
CREATE TABLE pair_memory_checkpoints (
  week      TEXT PRIMARY KEY REFERENCES weeks(week) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  node_ids  TEXT NOT NULL,
  pairs     BLOB NOT NULL,
  created   TEXT NOT NULL
);
`,
  },
  {
    version: 5,
    name: "forecast runs keep their warnings (e.g. a model trained on data unlike the archive's)",
    // Documented in docs/forecasting.md. Runs stored before it have none.
    sql: `ALTER TABLE forecast_runs ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';`,
  },
  {
    version: 6,
    name: 'graph layout: stable node positions over the union of all weeks, and the runs that wrote them',
    // Documented in docs/archive-schema.md. Derived data (src/engine/layout/): emptying both tables
    // loses only the time of the next layout. No foreign key to `nodes`: a position belongs to a
    // node id across weeks, not to one week's row. AUTOINCREMENT so a run id is never reused: the
    // universe's revision is built from it and must not repeat after the tables are emptied.
    sql: `
CREATE TABLE node_positions (
  node_id TEXT PRIMARY KEY,
  idx     INTEGER NOT NULL UNIQUE,
  x       REAL NOT NULL,
  y       REAL NOT NULL,
  pinned  INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1))
);
CREATE TABLE layout_runs (
  run_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('full', 'relayout', 'incremental')),
  created     TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  iterations  INTEGER NOT NULL,
  nodes       INTEGER NOT NULL,
  moved       INTEGER NOT NULL,
  pinned      INTEGER NOT NULL,
  edges       INTEGER NOT NULL,
  import_id   INTEGER NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'backtest results and Monte Carlo stress runs, stored for the workbench views',
    // Documented in docs/archive-schema.md (and docs/evaluation.md, docs/risk.md). Both keep their
    // whole report as JSON (the CLI's --json shapes): views read them back as they were computed.
    // A backtest spans many weeks, so it keeps the archive's import id instead of a foreign key and
    // is reported stale after a later import; a stress run belongs to its forecast run.
    sql: `
CREATE TABLE backtest_runs (
  run_id       INTEGER PRIMARY KEY,
  horizon      INTEGER NOT NULL,
  model        TEXT,
  model_dir    TEXT,
  model_sha256 TEXT,
  provider     TEXT,
  first_week   TEXT NOT NULL,
  last_week    TEXT NOT NULL,
  anchors      INTEGER NOT NULL,
  params       TEXT NOT NULL DEFAULT '{}',
  import_id    INTEGER NOT NULL,
  created      TEXT NOT NULL,
  duration_ms  REAL NOT NULL,
  result       TEXT NOT NULL
);
CREATE INDEX backtest_runs_by_horizon ON backtest_runs(horizon, run_id);
CREATE TABLE stress_runs (
  run_id       INTEGER PRIMARY KEY,
  week         TEXT NOT NULL REFERENCES weeks(week) ON DELETE CASCADE,
  horizon      INTEGER NOT NULL,
  target_week  TEXT NOT NULL,
  forecast_run INTEGER NOT NULL REFERENCES forecast_runs(run_id) ON DELETE CASCADE,
  draws        INTEGER NOT NULL,
  seed         INTEGER NOT NULL,
  params       TEXT NOT NULL DEFAULT '{}',
  created      TEXT NOT NULL,
  duration_ms  REAL NOT NULL,
  result       TEXT NOT NULL
);
CREATE INDEX stress_runs_by_week ON stress_runs(week, horizon, run_id);
`,
  },
  {
    version: 8,
    name: 'network statistics name the edge behind an edge statistic (max_edge_weight)',
    // Documented in docs/risk.md. The holder and issuer of the largest single edge are stored on
    // its `network_stats` row; other rows leave them NULL. Runs stored before it lack the
    // max_edge_weight row: `stats.fill` (and `week.stats` for its week) adds it from the week.
    sql: `
ALTER TABLE network_stats ADD COLUMN source TEXT;
ALTER TABLE network_stats ADD COLUMN target TEXT;
`,
  },
  {
    version: 9,
    name: "forecast runs keep their recalibration on the archive's own past (or why it was skipped)",
    // Documented in docs/forecasting.md: `calibration` holds the forecast's JSON `calibration`
    // object (src/engine/forecast/stages/recalibrate.ts). Runs stored before it have NULL.
    sql: `ALTER TABLE forecast_runs ADD COLUMN calibration TEXT;`,
  },
  {
    version: 10,
    name: "forecast runs keep their pairs as packed columns too (the views' first read)",
    // Documented in docs/forecasting.md and src/engine/forecast/packed-pairs.ts: the run's
    // forecast_edges rows again as one BLOB, read instead of the rows where it matches them. Runs
    // stored before it have NULL and are read from the rows.
    sql: `ALTER TABLE forecast_runs ADD COLUMN pairs_packed BLOB;`,
  },
]

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version

/** Brings the file to SCHEMA_VERSION, one transaction per migration. Refuses files from the future. */
export function migrate(db: Database.Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION)
    throw new DexposureError(
      'ARCHIVE',
      `archive schema version ${current} is newer than this program understands (${SCHEMA_VERSION}); upgrade DeXposure Workbench`,
      { file },
    )
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
  return SCHEMA_VERSION
}
