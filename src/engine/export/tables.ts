// Result tables (risk results, forecasts, backtests) as CSV, JSON or Parquet. Each table is a
// statement over the query console's functions (docs/query-functions.md) exported by the query
// engine's own exporter (QueryEngine.export): one code path with the console's export and
// `dexposure query --format`, the same writers, the same read-only query process, runs that are
// missing computed first, and files that appear only when complete.
import type { QueryParams } from '../query/guard'
import { DexposureError } from '../../shared/errors'
import type { QueryContext, QueryEngine, ExportResult } from '../query/engine'
import type { ExportFormat } from '../query/export'

export interface TableSpec {
  sql: string
  /** The options the table needs, by parameter name. */
  needs: ('week' | 'horizon' | 'scenario')[]
  what: string
}

export const TABLES: Record<string, TableSpec> = {
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
FROM backtest_runs AS b, json_each(b.result, '$.paper') AS s, json_each(s.value) AS m
ORDER BY b.run_id, s.key, m.key`,
    needs: [],
    what: 'every stored backtest, one row per run, scorer (model, persistence, edgebank) and metric',
  },
}

export interface TableExportRequest {
  table: string
  week?: string
  horizon?: number
  scenario?: string
  format: ExportFormat
  target: { path: string } | { fd: number }
}

/** The statement and parameters of a named table; USAGE naming the missing option. */
export function tableStatement(req: Omit<TableExportRequest, 'format' | 'target'>): {
  sql: string
  params: QueryParams
} {
  const spec = TABLES[req.table]
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
