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
  counts         TEXT NOT NULL DEFAULT '{}'
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
CREATE TABLE edges (
  week        TEXT NOT NULL REFERENCES weeks(week) ON DELETE CASCADE,
  idx         INTEGER NOT NULL,
  source      TEXT NOT NULL,
  target      TEXT NOT NULL,
  weight      REAL NOT NULL,
  composition TEXT
);
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
