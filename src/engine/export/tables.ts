// Result tables (risk results, forecasts, backtests) as CSV, JSON or Parquet. Each table is a
// statement over the query console's functions and the archive's result tables
// (docs/query-functions.md) exported by the query engine's own exporter (QueryEngine.export): one
// code path with the console's export, the workbench's table exports (`export.table`) and
// `dexposure query --format`, the same writers, the same read-only query process, runs that are
// missing computed first, and files that appear only when complete.
import type { ExportTableName } from '../../shared/api-export'
import type { Archive } from '../store/archive'
import type { QueryParams } from '../query/guard'
import { DexposureError } from '../../shared/errors'
import type { QueryContext, QueryEngine, ExportResult } from '../query/engine'
import type { ExportFormat } from '../query/export'

type Option = 'week' | 'horizon' | 'scenario' | 'run'

export interface TableSpec {
  sql: string
  /** The options the table needs, by parameter name. */
  needs: Option[]
  what: string
}

/** A forecast run's stored pairs (the forecast table's tabs) filtered by `where`. */
const forecastPairs = (where: string) =>
  `SELECT * FROM forecast_edges(:week, :horizon) WHERE ${where}`

export const TABLES: Record<ExportTableName, TableSpec> = {
  'network-stats': {
    sql: 'SELECT * FROM network_stats(:week)',
    needs: ['week'],
    what: 'every statistic of the week (docs/risk.md)',
  },
  sis: {
    sql: 'SELECT * FROM sis(:week)',
    needs: ['week'],
    what: 'systemic importance of every node of the week, by rank',
  },
  spillover: {
    sql: 'SELECT * FROM spillover(:week)',
    needs: ['week'],
    what: 'the sector spillover matrix of the week, one row per cell',
  },
  contagion: {
    sql: 'SELECT * FROM contagion(:week, :scenario)',
    needs: ['week', 'scenario'],
    what: 'per-node losses of a scenario through the three methods',
  },
  'forecast-edges': {
    sql: 'SELECT * FROM forecast_edges(:week, :horizon)',
    needs: ['week', 'horizon'],
    what: 'every stored pair of the forecast run with probability and predicted USD',
  },
  'forecast-nodes': {
    sql: 'SELECT * FROM forecast_nodes(:week, :horizon)',
    needs: ['week', 'horizon'],
    what: 'predicted TVL of every node of the forecast run',
  },
  backtests: {
    sql: `SELECT b.run_id, b.horizon, b.model, b.provider, b.first_week, b.last_week, b.anchors,
       b.created, s.key AS scorer, m.key AS metric, m.value AS value
FROM backtest_runs AS b, json_each(b.result, '$.protocols.paper') AS s, json_each(s.value) AS m
ORDER BY b.run_id, s.key, m.key`,
    needs: [],
    what: 'every stored backtest, one row per run, scorer (model, persistence, edgebank) and metric',
  },
  // ---- the workbench views' tables (export.table): a stored run as the view shows it, whole
  'forecast-new': {
    sql: forecastPairs('exists_at_t = 0'),
    needs: ['week', 'horizon'],
    what: 'the stored pairs absent at t (new relationships), most probable first',
  },
  'forecast-changes': {
    sql: `SELECT f.source, f.source_name, f.target, f.target_name, f.probability,
       e.weight AS weight_at_t, f.predicted_usd,
       ln(1 + max(f.predicted_usd, 0)) - ln(1 + max(e.weight, 0)) AS log_change, f.run_id
FROM forecast_edges(:week, :horizon) AS f
JOIN edges AS e ON e.week = :week AND e.source = f.source AND e.target = f.target
WHERE f.in_graph = 1
ORDER BY abs(log_change) DESC, f.source, f.target`,
    needs: ['week', 'horizon'],
    what: 'edges of t kept in Ĝ(t+h) with their predicted weight change, largest first',
  },
  'forecast-vanishing': {
    sql: `SELECT e.source, e.holder_name AS source_name, e.target, e.issuer_name AS target_name,
       e.weight AS weight_at_t, f.probability
FROM edges_named AS e
LEFT JOIN forecast_edges(:week, :horizon) AS f ON f.source = e.source AND f.target = e.target
WHERE e.week = :week AND coalesce(f.in_graph, 0) = 0
ORDER BY e.weight DESC, e.source, e.target`,
    needs: ['week', 'horizon'],
    what: 'edges of t not in Ĝ(t+h) (probability NULL: below the 0.01 stored), largest first',
  },
  'contagion-totals': {
    sql: `SELECT scenario, method, variant, shock_spec, shock_fraction, total_loss, total_loss_pct,
       distressed_count, default_count, affected_count, rounds, converged, run_id
FROM contagion_results
WHERE run_id = :run AND scenario = :scenario
ORDER BY method`,
    needs: ['run', 'scenario'],
    what: "a stored contagion run's totals of one scenario, one row per method",
  },
  'contagion-losses': {
    sql: `SELECT l.method, l.node_id, p.name, p.category, l.loss, l.relative_loss, l.distress_round,
       l.run_id
FROM contagion_node_losses AS l
LEFT JOIN protocols AS p ON p.id = l.node_id
WHERE l.run_id = :run AND l.scenario = :scenario
ORDER BY l.method, l.loss DESC, l.node_id`,
    needs: ['run', 'scenario'],
    what: "every node hit in a stored contagion run's scenario, by method, largest loss first",
  },
  backtest: {
    sql: `SELECT b.run_id, b.horizon, b.model, b.provider, b.first_week, b.last_week, b.anchors,
       p.key AS protocol, s.key AS scorer,
       replace(substr(m.fullkey, 3), '"', '') AS metric, m.value AS value
FROM backtest_runs AS b, json_each(b.result, '$.protocols') AS p, json_each(p.value) AS s,
  json_tree(s.value) AS m
WHERE b.run_id = :run AND p.key IN ('paper', 'realistic')
  AND m.type IN ('integer', 'real') AND m.fullkey NOT LIKE '%[%'
ORDER BY p.key, s.key, m.fullkey`,
    needs: ['run'],
    what: "one stored backtest's metrics: one row per protocol (paper, realistic), scorer and metric",
  },
  // The stress view's tables: a stored Monte Carlo run (`stress_runs.result`, the JSON
  // `risk.stress.result` answers), one row per scenario and method with the loss distribution over
  // the draws in USD and in % of Ĝ's TVL; the exceedance probabilities as JSON text (the thresholds
  // are the run's own, so they cannot be fixed columns).
  stress: {
    sql: `SELECT r.run_id, r.week, r.horizon, r.target_week, r.forecast_run, r.draws, r.seed,
       sc.value ->> '$.scenario' AS scenario, sc.value ->> '$.spec' AS shock_spec,
       sc.value ->> '$.shocked' AS shocked_nodes,
       m.value ->> '$.method' AS method, m.value ->> '$.variant' AS variant,
       m.value ->> '$.point.totalLoss' AS point_loss, m.value ->> '$.point.totalLossPct' AS point_loss_pct,
       m.value ->> '$.pointPercentile' AS point_percentile,
       m.value ->> '$.loss.mean' AS loss_mean, m.value ->> '$.loss.std' AS loss_std,
       m.value ->> '$.loss.min' AS loss_min, m.value ->> '$.loss.p05' AS loss_p05,
       m.value ->> '$.loss.p50' AS loss_p50, m.value ->> '$.loss.p95' AS loss_p95,
       m.value ->> '$.loss.max' AS loss_max,
       m.value ->> '$.loss.var95' AS var95, m.value ->> '$.loss.cvar95' AS cvar95,
       m.value ->> '$.loss.var99' AS var99, m.value ->> '$.loss.cvar99' AS cvar99,
       m.value ->> '$.lossPct.mean' AS loss_pct_mean, m.value ->> '$.lossPct.var95' AS var95_pct,
       m.value ->> '$.lossPct.cvar95' AS cvar95_pct, m.value ->> '$.lossPct.var99' AS var99_pct,
       m.value ->> '$.lossPct.cvar99' AS cvar99_pct,
       m.value -> '$.exceedance' AS exceedance,
       m.value ->> '$.distressed.mean' AS distressed_mean, m.value ->> '$.distressed.min' AS distressed_min,
       m.value ->> '$.distressed.max' AS distressed_max, m.value ->> '$.defaults.mean' AS defaults_mean,
       m.value ->> '$.defaults.min' AS defaults_min, m.value ->> '$.defaults.max' AS defaults_max,
       m.value ->> '$.distressedNodes.count' AS distressed_nodes
FROM stress_runs AS r, json_each(r.result, '$.scenarios') AS sc, json_each(sc.value, '$.results') AS m
WHERE r.run_id = :run
ORDER BY sc.key, m.key`,
    needs: ['run'],
    what: "a stored stress run's loss distribution over the draws: one row per scenario and method",
  },
  'stress-nodes': {
    sql: `SELECT r.run_id, sc.value ->> '$.scenario' AS scenario, m.value ->> '$.method' AS method,
       n.value ->> '$.node' AS node_id, n.value ->> '$.name' AS name,
       n.value ->> '$.share' AS share_of_draws, n.value ->> '$.meanLoss' AS mean_loss,
       n.value ->> '$.meanRelativeLoss' AS mean_relative_loss
FROM stress_runs AS r, json_each(r.result, '$.scenarios') AS sc, json_each(sc.value, '$.results') AS m,
  json_each(m.value, '$.distressedNodes.top') AS n
WHERE r.run_id = :run
ORDER BY sc.key, m.key, n.key`,
    needs: ['run'],
    what: 'the nodes a stored stress run lists as distressed most often, per scenario and method',
  },
}

/** The kind of stored run a table's `run` names: what `dexposure export --run` must point at. */
export type RunKind = 'contagion' | 'backtest' | 'stress'

export const RUN_KIND: Partial<Record<ExportTableName, RunKind>> = {
  'contagion-totals': 'contagion',
  'contagion-losses': 'contagion',
  backtest: 'backtest',
  stress: 'stress',
  'stress-nodes': 'stress',
}

/** The command that stores a run of each kind (for a message when none is stored). */
export const RUN_COMMAND: Record<RunKind, string> = {
  contagion: 'dexposure risk --week W [--scenario S]',
  backtest: 'dexposure backtest --horizon H',
  stress: 'dexposure risk --week W --forecast H --monte-carlo N',
}

/** The statement that lists a kind's stored runs with what they were run on (for messages). */
export const RUN_LISTING: Record<RunKind, string> = {
  contagion:
    "SELECT run_id, week, graph, horizon, created_at FROM risk_runs WHERE kind = 'contagion' ORDER BY run_id",
  backtest:
    'SELECT run_id, horizon, model, first_week, last_week, created FROM backtest_runs ORDER BY run_id',
  stress: 'SELECT run_id, week, horizon, draws, seed, created FROM stress_runs ORDER BY run_id',
}

/** Which stored runs a listing keeps: a week (contagion, stress), a horizon, a scenario (contagion). */
export interface RunFilter {
  week?: string
  horizon?: number
  scenario?: string
}

const RUN_IDS: Record<RunKind, string> = {
  contagion: `SELECT run_id FROM risk_runs AS r WHERE kind = 'contagion'
  AND (:week IS NULL OR week = :week) AND (:horizon IS NULL OR horizon = :horizon)
  AND (:scenario IS NULL OR EXISTS (SELECT 1 FROM contagion_results AS c
    WHERE c.run_id = r.run_id AND c.scenario = :scenario))
ORDER BY run_id`,
  backtest: `SELECT run_id FROM backtest_runs WHERE (:horizon IS NULL OR horizon = :horizon)
  AND (:week IS NULL OR :week BETWEEN first_week AND last_week) AND :scenario IS NULL
ORDER BY run_id`,
  stress: `SELECT run_id FROM stress_runs
  WHERE (:week IS NULL OR week = :week) AND (:horizon IS NULL OR horizon = :horizon)
    AND (:scenario IS NULL OR EXISTS (SELECT 1 FROM json_each(result, '$.scenarios') AS s
      WHERE s.value ->> '$.scenario' = :scenario))
ORDER BY run_id`,
}

/** Ids of the stored runs of a kind that fit the filter, oldest first. */
export function storedRuns(archive: Archive, kind: RunKind, filter: RunFilter = {}): number[] {
  return archive.db
    .prepare(RUN_IDS[kind])
    .pluck()
    .all({
      week: filter.week ?? null,
      horizon: filter.horizon ?? null,
      scenario: filter.scenario ?? null,
    }) as number[]
}

/** "of 2025-08-18, h=4, with scenario S" — the filter in words ('' when none). */
function filterWords(f: RunFilter): string {
  const words: string[] = []
  if (f.week !== undefined) words.push(`of ${f.week}`)
  if (f.horizon !== undefined) words.push(`h=${f.horizon}`)
  if (f.scenario !== undefined) words.push(`with scenario ${f.scenario}`)
  return words.length ? ` ${words.join(', ')}` : ''
}

/** The newest ids, at most 20, with the count when there are more. */
function idList(ids: number[]): string {
  if (ids.length <= 20) return ids.join(', ')
  return `${ids.slice(-20).join(', ')} (the newest 20 of ${ids.length})`
}

/**
 * Checks the stored run a table reads (`run` given) or says which runs the user can pick (`run`
 * missing: USAGE naming `--run`; a run that is not stored, or not one of the filter's: NOT_FOUND).
 * Tables without a run pass, unless given one (USAGE).
 */
export function checkTableRun(
  archive: Archive,
  table: string,
  run: number | undefined,
  filter: RunFilter = {},
): void {
  const kind = Object.hasOwn(RUN_KIND, table) ? RUN_KIND[table as ExportTableName] : undefined
  if (!kind) {
    // a run given to a table that reads none would be ignored (and named in the file name)
    if (run !== undefined && Object.hasOwn(TABLES, table))
      throw new DexposureError(
        'USAGE',
        `--run does not go with --table ${table} (only with ${Object.keys(RUN_KIND).join(', ')})`,
        { field: 'run' },
      )
    return
  }
  const ids = storedRuns(archive, kind, filter)
  if (run !== undefined && ids.includes(run)) return
  const where = filterWords(filter)
  const stored = `stored ${kind} runs${where}: ${idList(ids)} (\`dexposure query "${RUN_LISTING[kind]}"\` lists them)`
  const none = `no ${kind} run${where} is stored: \`${RUN_COMMAND[kind]}\` stores one`
  if (run === undefined)
    throw new DexposureError(
      'USAGE',
      `the ${table} table needs --run ID` + (ids.length ? `: ${stored}` : `, and ${none}`),
      { field: 'run' },
    )
  throw new DexposureError(
    'NOT_FOUND',
    `${whyNot(archive, kind, run, where)}` + (ids.length ? `; ${stored}` : `, and ${none}`),
    { field: 'run' },
  )
}

/**
 * Why run `run` is not one the table can read: stored but not of the filter's week, horizon or
 * scenario; a risk run of another kind (contagion tables read risk_runs, which also hold the
 * statistics, comparison and alerts runs); or not stored at all.
 */
function whyNot(archive: Archive, kind: RunKind, run: number, where: string): string {
  if (where && storedRuns(archive, kind).includes(run))
    return `${kind} run ${run} is stored, but it is not one${where}`
  if (kind === 'contagion') {
    const other = archive.db
      .prepare('SELECT kind FROM risk_runs WHERE run_id = ?')
      .pluck()
      .get(run) as string | undefined
    if (other !== undefined) return `run ${run} is a ${other} run, not a contagion run`
  }
  return `${kind} run ${run}${where} is not stored`
}

/**
 * The statement of a named table once the stored run it reads is checked: the one check behind
 * `export.table` and `dexposure export --table`. USAGE for a missing option (a missing run lists
 * the stored runs to pick from) or a model choice given to a table that reads no forecast
 * (naming `modelsField`), NOT_FOUND for a run that is not stored, not of the table's kind or not
 * of the request's week, horizon or scenario (naming it and listing those stored).
 */
export function checkedTableStatement(
  archive: Archive,
  req: Omit<TableExportRequest, 'format' | 'target'>,
  modelsField = 'models',
): { sql: string; params: QueryParams } {
  checkTableRun(archive, req.table, req.run, {
    week: req.week,
    horizon: req.horizon,
    scenario: req.scenario,
  })
  const statement = tableStatement(req)
  if (req.models && !/\bforecast_(edges|nodes)\(/.test(statement.sql))
    throw new DexposureError(
      'USAGE',
      `${modelsField}: the ${req.table} table reads no forecast; only the forecast-* tables take a model`,
      { field: modelsField },
    )
  return statement
}

/** A download's file name for a table: the table and its options, e.g. `sis-2022-05-09.csv`. */
export function tableFileName(
  req: Omit<TableExportRequest, 'format' | 'target'>,
  format: ExportFormat,
): string {
  const parts: string[] = [req.table]
  if (req.week !== undefined) parts.push(req.week)
  if (req.horizon !== undefined) parts.push(`h${req.horizon}`)
  if (req.run !== undefined) parts.push(`run${req.run}`)
  if (req.scenario !== undefined) parts.push(req.scenario.replace(/[^A-Za-z0-9._-]+/g, '_'))
  return `${parts.join('-')}.${format}`
}

export interface TableExportRequest {
  table: string
  week?: string
  horizon?: number
  scenario?: string
  /** A stored run (risk, backtest) for the views' tables. */
  run?: number
  /** The forecast tables only: horizon → model folder or listed name (the chosen model's run). */
  models?: Record<string, string>
  format: ExportFormat
  target: { path: string } | { fd: number }
}

/** The statement and parameters of a named table; USAGE naming the missing option. */
export function tableStatement(req: Omit<TableExportRequest, 'format' | 'target'>): {
  sql: string
  params: QueryParams
} {
  const spec = Object.hasOwn(TABLES, req.table) ? TABLES[req.table as ExportTableName] : undefined
  if (!spec)
    throw new DexposureError(
      'USAGE',
      `unknown table "${req.table}"; one of ${Object.keys(TABLES).join(', ')}`,
      { field: 'table' },
    )
  const params: Record<string, string | number> = {}
  for (const need of spec.needs) {
    const v = req[need]
    if (v === undefined)
      throw new DexposureError('USAGE', `the ${req.table} table needs --${need}`, {
        field: need,
      })
    params[need] = v
  }
  return { sql: spec.sql, params }
}

export function exportTable(
  engine: QueryEngine,
  req: TableExportRequest,
  ctx: QueryContext = {},
): Promise<ExportResult> {
  const { sql, params } = tableStatement(req)
  return engine.export(
    { sql, params, models: req.models, format: req.format, target: req.target },
    ctx,
  )
}
