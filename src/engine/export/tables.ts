// Result tables (risk results, forecasts, backtests) as CSV, JSON or Parquet. Each table is a
// statement over the query console's functions and the archive's result tables
// (docs/query-functions.md) exported by the query engine's own exporter (QueryEngine.export): one
// code path with the console's export, the workbench's table exports (`export.table`) and
// `dexposure query --format`, the same writers, the same read-only query process, runs that are
// missing computed first, and files that appear only when complete.
import type { ExportTableName } from '../../shared/api-export'
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
  return engine.export({ sql, params, format: req.format, target: req.target }, ctx)
}
