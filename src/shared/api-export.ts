// The contract of graph exports (issue 13 §2): `export.graph` writes a week, a range of weeks, a
// forecast graph Ĝ or the explorer's filtered view as GEXF, GraphML, CSV, DeXposure JSON or
// Parquet (a job); `export.table` writes a result table (CSV, JSON, Parquet) through the query
// console's exporter; `export.read` hands a finished export's bytes to a face that cannot read the
// engine's disk (the browser, the sandboxed Electron page). The CLI's `dexposure export` runs the
// same engine code (src/engine/export/).
import { z } from 'zod'
import { ForecastModelsSchema } from './api-query'

export const GRAPH_EXPORT_FORMATS = ['gexf', 'graphml', 'csv', 'dexposure-json', 'parquet'] as const
export type GraphExportFormat = (typeof GRAPH_EXPORT_FORMATS)[number]

const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a week YYYY-MM-DD')

/** What to export. */
export const GraphExportTargetSchema = z.discriminatedUnion('kind', [
  /** One archived week. */
  z.object({ kind: z.literal('week'), week }),
  /** Every archived week from `from` to `to` (inclusive): dynamic GEXF, or a `week` column. */
  z.object({ kind: z.literal('range'), from: week, to: week }),
  /**
   * The forecast graph Ĝ(t+h) of the stored forecast run for (week, horizon): its in-graph pairs,
   * or with `threshold` every stored pair with probability ≥ threshold (≥ 0.01, the floor stored).
   */
  z.object({
    kind: z.literal('forecast'),
    week,
    horizon: z.number().int().min(1).max(52),
    threshold: z.number().min(0.01).max(1).optional(),
    runId: z.number().int().positive().optional(),
    /**
     * The model whose run is exported (a folder or a listed name, as risk.run's `model`): its
     * latest run of (week, horizon), not a newer run of another model; with `runId`, that run
     * must be this model's (CONFLICT).
     */
    model: z.string().min(1).max(4096).optional(),
  }),
  /**
   * An explicit subset of one week (the explorer's current filtered view): node ids, and the edges
   * as pairs of positions in `nodes` (`[s0, t0, s1, t1, …]`, compact enough for a real-scale week
   * under the API's 1 MiB body). Weights and attributes come from the archive.
   */
  z.object({
    kind: z.literal('view'),
    week,
    nodes: z.array(z.string().min(1).max(512)).max(200_000),
    edges: z.array(z.number().int().min(0)).max(1_000_000),
    /** Words for the file's description (the filters applied), optional. */
    description: z.string().max(2000).optional(),
  }),
])
export type GraphExportTarget = z.infer<typeof GraphExportTargetSchema>

export const GraphExportFileSchema = z.object({
  /** Absolute path where the engine wrote it. */
  path: z.string(),
  /** The file name a download should get. */
  name: z.string(),
  role: z.enum(['graph', 'nodes', 'edges']),
  bytes: z.number().int(),
  mime: z.string(),
  /** For `export.read` when the export went to the engine's download folder (no `path` asked). */
  downloadId: z.string().nullable(),
})

/** `result` of a finished `export.graph` job and what `dexposure export --json` prints. */
export const GraphExportResultSchema = z.object({
  format: z.enum(GRAPH_EXPORT_FORMATS),
  kind: z.enum(['week', 'range', 'forecast', 'view']),
  weeks: z.array(z.string()),
  nodes: z.number().int(),
  edges: z.number().int(),
  files: z.array(GraphExportFileSchema),
  synthetic: z.boolean(),
  /** The forecast run read (forecast exports). */
  forecastRun: z.number().int().nullable(),
  elapsedMs: z.number(),
  warnings: z.array(z.string()),
})
export type GraphExportResult = z.infer<typeof GraphExportResultSchema>

/**
 * The result tables `export.table` writes (src/engine/export/tables.ts holds their SQL; the CLI's
 * `dexposure export --table` takes the same names).
 */
export const EXPORT_TABLES = [
  'network-stats',
  'sis',
  'spillover',
  'contagion',
  'forecast-edges',
  'forecast-nodes',
  'backtests',
  'forecast-new',
  'forecast-changes',
  'forecast-vanishing',
  'contagion-totals',
  'contagion-losses',
  'backtest',
  'stress',
  'stress-nodes',
] as const
export type ExportTableName = (typeof EXPORT_TABLES)[number]

export const TABLE_EXPORT_FORMATS = ['csv', 'json', 'parquet'] as const
export type TableExportFormat = (typeof TABLE_EXPORT_FORMATS)[number]

export const TableExportRequestSchema = z.object({
  table: z.enum(EXPORT_TABLES),
  format: z.enum(TABLE_EXPORT_FORMATS),
  week: week.optional(),
  horizon: z.number().int().min(1).max(52).optional(),
  scenario: z.string().min(1).max(500).optional(),
  /**
   * A stored run: risk_runs.run_id (contagion-*), backtest_runs.run_id (backtest),
   * stress_runs.run_id (stress, stress-nodes).
   */
  run: z.number().int().positive().optional(),
  /**
   * The forecast tables (forecast-*) only: horizon → model folder or name, as query.export's
   * `models` — the table reads that model's latest run (the run the forecast table shows), not the
   * latest of any model.
   */
  models: ForecastModelsSchema,
  /** The file to write on the engine's machine; none: a download (`downloadId`). */
  path: z.string().min(1).optional(),
  /** A download's file name (default: the table and its options); the extension is added. */
  name: z.string().min(1).max(200).optional(),
})
export type TableExportRequest = z.infer<typeof TableExportRequestSchema>

export const exportCalls = {
  /**
   * Exports a graph as a job (`{ jobId }`, progress per week, `result` GraphExportResultSchema).
   * With `path` the engine writes there (a temporary file renamed when complete; CSV and Parquet
   * write `<stem>_nodes.<ext>` and `<stem>_edges.<ext>`); without, it writes to its download folder
   * and each file carries a `downloadId` for `export.read`. Errors: NOT_FOUND (unknown week, no
   * forecast run), USAGE (a format the target cannot take, a bad range, a view naming a node or
   * edge the week lacks).
   */
  'export.graph': {
    request: z.object({
      target: GraphExportTargetSchema,
      format: z.enum(GRAPH_EXPORT_FORMATS),
      path: z.string().min(1).optional(),
    }),
    response: z.object({ jobId: z.string() }),
  },
  /**
   * Exports a result table whole (`{ jobId }`; the job's `result` is QueryExportResultSchema of
   * api-query.ts): the table's statement runs through the query console's exporter, the same code
   * as `query.export`, computing a run it needs that is not stored. Errors: USAGE (an option the
   * table needs is missing; a missing `run` lists the stored runs of the table's kind), NOT_FOUND
   * (unknown week; a `run` that is not stored, not of the table's kind — contagion, backtest,
   * stress — or not of the request's week, horizon or scenario, named with the stored runs of that
   * kind, the check `dexposure export --table` makes), BAD_INPUT (a value that does not fit its
   * Parquet column).
   */
  'export.table': {
    request: TableExportRequestSchema,
    response: z.object({ jobId: z.string() }),
  },
  /**
   * A chunk of a finished export in the download folder (base64, at most 8 MiB a call). The file is
   * deleted once its last chunk was read, or 15 minutes after the export.
   */
  'export.read': {
    request: z.object({
      downloadId: z.string().min(1).max(128),
      offset: z.number().int().min(0).optional(),
    }),
    response: z.object({
      name: z.string(),
      mime: z.string(),
      bytes: z.number().int(),
      offset: z.number().int(),
      data: z.string(),
      done: z.boolean(),
    }),
  },
} as const
