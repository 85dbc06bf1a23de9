// The contract's query console calls (issue 12): SQL over the archive with the forecast and risk
// functions (docs/query-functions.md), cancel, the schema the editor completes from, exports,
// history and saved queries. `src/shared/api.ts` spreads `queryCalls` into its `calls`; the engine
// answers them in src/engine/query/calls.ts.
//
// A query is one call that answers with its result. Its id (`queryId`, chosen by the caller or
// made by the engine) is also a job id: while the runs it names are computed first (a forecast
// can take seconds) the job sends `job.progress` events, `query.cancel` (or `jobs.cancel`) stops
// it, and `job.done` ends it. Errors carry a position in the SQL for the editor: `location.offset`
// (0-based, UTF-16 code units like a JavaScript string index and Monaco's getPositionAt),
// `line`, `column` (1-based) and `length` of the token to underline.
import { z } from 'zod'

const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a week YYYY-MM-DD')

/** Most characters of SQL one call takes. */
export const QUERY_MAX_SQL = 1_000_000
/** Most rows one `query.run` returns (default 10,000). */
export const QUERY_MAX_ROWS = 100_000
/** Longest time limit (ms; default 10 s for a query, 10 min for an export). */
export const QUERY_MAX_TIMEOUT_MS = 600_000

export const QueryParamValueSchema = z.union([z.string(), z.number(), z.null()])
/** Named parameters (`{week: '2022-05-09'}` for `:week`, `@week` or `$week`) or positional (`?`). */
export const QueryParamsSchema = z.union([
  z.record(z.string(), QueryParamValueSchema),
  z.array(QueryParamValueSchema),
])

/** A BLOB cell: its size and its first 32 bytes in hex. */
export const QueryBlobSchema = z.object({
  type: z.literal('blob'),
  bytes: z.number().int(),
  hex: z.string(),
})
/** A cell: number, text (non-finite numbers as 'Infinity', '-Infinity'), NULL, or a BLOB. */
export type QueryCell = string | number | null | z.infer<typeof QueryBlobSchema>

const isCell = (v: unknown): boolean =>
  v === null ||
  typeof v === 'string' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'object' &&
    (v as { type?: unknown }).type === 'blob' &&
    typeof (v as { bytes?: unknown }).bytes === 'number' &&
    typeof (v as { hex?: unknown }).hex === 'string')

/**
 * Column-major cells: `data[c][r]`. Checked with one loop rather than a zod union per cell (a
 * 100k-row result is a million cells: 25 ms here, 300 ms through a union).
 */
export const QueryDataSchema = z.custom<QueryCell[][]>(
  (v) =>
    Array.isArray(v) &&
    v.every((col) => {
      if (!Array.isArray(col)) return false
      for (let i = 0; i < col.length; i++) if (!isCell(col[i])) return false
      return true
    }),
  { message: 'expected one array of cells per column' },
)

export const QueryColumnSchema = z.object({
  name: z.string(),
  /** Declared type of the column it reads (TEXT, REAL, INTEGER, …); null for an expression. */
  declaredType: z.string().nullable(),
  /** What the returned values are: 'number', 'text', 'blob', 'null' (all NULL) or 'mixed'. */
  kind: z.enum(['number', 'text', 'blob', 'null', 'mixed']),
  /** The table (or query function) and column it reads directly, else null. */
  table: z.string().nullable(),
  column: z.string().nullable(),
})

export const QueryStatementResultSchema = z.object({
  /** Offsets of the statement in the request's SQL. */
  from: z.number().int(),
  to: z.number().int(),
  columns: z.array(QueryColumnSchema),
  data: QueryDataSchema,
  rowCount: z.number().int(),
  /** More rows exist than were returned (maxRows, or 64 MB of values). */
  truncated: z.boolean(),
  truncatedBy: z.enum(['rows', 'bytes']).nullable(),
  /** All rows of the statement when counting the rest took ≤ 200 ms; else null. */
  total: z.number().int().nullable(),
  /** Text cells cut at 1,000,000 characters. */
  cutCells: z.number().int(),
  elapsedMs: z.number(),
})

/** A stored run the query read (computed by it when `computed`). */
export const QueryRunSchema = z.object({
  kind: z.enum(['forecast', 'stats', 'contagion']),
  week,
  horizon: z.number().int().nullable(),
  model: z.string().nullable(),
  scenario: z.string().nullable(),
  method: z.string().nullable(),
  runId: z.number().int(),
  computed: z.boolean(),
})

export const QueryResultSchema = z.object({
  queryId: z.string(),
  /** One result per statement, in order. */
  statements: z.array(QueryStatementResultSchema),
  runs: z.array(QueryRunSchema),
  /** Time spent preparing runs before the SQL ran. */
  prepareMs: z.number(),
  elapsedMs: z.number(),
  /** The archive holds SYNTHETIC demo data: label the result. */
  synthetic: z.boolean(),
})

const ColumnInfoSchema = z.object({
  name: z.string(),
  type: z.string(),
  notNull: z.boolean(),
  primaryKey: z.boolean(),
})

export const QuerySchemaSchema = z.object({
  /** Tables and views of the archive (schema 'main') and the views for people ('temp'). */
  tables: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['table', 'view']),
      schema: z.enum(['main', 'temp']),
      columns: z.array(ColumnInfoSchema),
      doc: z.string().nullable(),
    }),
  ),
  /** The query functions: signature, parameters, result columns (table functions), docs, cost. */
  functions: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['table', 'scalar']),
      signature: z.string(),
      params: z.array(
        z.object({ name: z.string(), type: z.string(), optional: z.boolean(), doc: z.string() }),
      ),
      columns: z.array(z.object({ name: z.string(), type: z.string(), doc: z.string() })),
      returns: z.string().nullable(),
      doc: z.string(),
      cost: z.string(),
    }),
  ),
  /** Every archived week, oldest first (week literals for completion). */
  weeks: z.array(week),
  /** The PRAGMAs a query may read. */
  pragmas: z.array(z.string()),
  /** The formats `query.export` can write in this build (Parquet only with its writer). */
  exportFormats: z.array(z.enum(['csv', 'json', 'parquet'])),
})

export const QueryHistoryEntrySchema = z.object({
  id: z.string(),
  /** ISO time the query started. */
  time: z.string(),
  /** The archive it ran on (absolute path). */
  archive: z.string(),
  /** The SQL (cut at 65,536 characters). */
  sql: z.string(),
  durationMs: z.number(),
  /** Rows returned (all statements), or null when it failed. */
  rows: z.number().int().nullable(),
  statements: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
})

export const SavedQuerySchema = z.object({
  /** File name without `.sql`: the id for save and delete. */
  name: z.string(),
  title: z.string(),
  /** The SQL without its title comment. */
  sql: z.string(),
  /** 'user': the per-user folder; 'example': shipped with the app (read-only). */
  source: z.enum(['user', 'example']),
  path: z.string(),
  /** ISO time of the file's last change. */
  modified: z.string(),
})

/** `result` of a finished `query.export` (and `export.table`) job. */
export const QueryExportResultSchema = z.object({
  /** Where the engine wrote it (its download folder when no path was asked). */
  path: z.string(),
  /** The file name a download should get. */
  name: z.string(),
  mime: z.string(),
  format: z.enum(['csv', 'json', 'parquet']),
  rows: z.number().int(),
  bytes: z.number().int(),
  elapsedMs: z.number(),
  /** For `export.read` when no path was asked (the file is in the engine's download folder). */
  downloadId: z.string().nullable(),
})

const sql = z.string().min(1).max(QUERY_MAX_SQL)
/** horizon in weeks (text) → a model folder or a model name listed for that horizon. */
export const ForecastModelsSchema = z
  .record(
    z.string().regex(/^[1-9]\d{0,2}$/, 'expected a horizon in weeks, e.g. "4"'),
    z.string().min(1).max(4096),
  )
  .optional()
const timeoutMs = z.number().int().min(1).max(QUERY_MAX_TIMEOUT_MS).optional()

export const queryCalls = {
  /**
   * Runs SQL (one or more statements, read-only) and answers with every statement's result. The
   * forecast and risk runs the SQL names with literal or bound arguments are computed first when
   * not stored (job.progress events under `queryId`). Errors: BAD_INPUT (refused or wrong SQL, with
   * its position), USAGE (a missing parameter), NOT_FOUND (unknown week, no model for a horizon),
   * LIMIT (past `timeoutMs`, default 10 s, or out of memory), CANCELLED.
   */
  'query.run': {
    request: z.object({
      sql,
      params: QueryParamsSchema.optional(),
      timeoutMs,
      /** Rows returned per statement (default 10,000). */
      maxRows: z.number().int().min(0).max(QUERY_MAX_ROWS).optional(),
      /** The id to give the query (to cancel it before it answers); default a random UUID. */
      queryId: z.string().min(1).max(128).optional(),
      /**
       * The forecast model per horizon (horizon in weeks as text → a model folder or a model name
       * listed for it; the workbench's model choice): forecast_edges, forecast_nodes and link_prob
       * called without a model read that model's latest run (computing one when a literal call
       * names a missing one). A horizon without a choice: the latest run of any model.
       */
      models: ForecastModelsSchema,
    }),
    response: QueryResultSchema,
  },
  /** Stops a running query (its call fails with CANCELLED); false when none runs with that id. */
  'query.cancel': {
    request: z.object({ queryId: z.string().min(1) }),
    response: z.object({ ok: z.boolean() }),
  },
  /** What completion and hover docs need: tables and views with typed columns, functions, weeks. */
  'query.schema': { request: z.object({}), response: QuerySchemaSchema },
  /**
   * Streams every row of one statement into a file (a job: `{ jobId }`, progress in rows, result
   * QueryExportResultSchema). CSV through the spreadsheet-safe CSV writer; JSON as an array of
   * objects; Parquet through hyparquet-writer (src/engine/query/parquet.ts). The file appears
   * when complete (a temporary file beside it until then); never over the archive. Without
   * `path` it goes to the engine's download folder and the result's `downloadId` reads it back
   * through `export.read` (the browser and the sandboxed Electron page cannot read the engine's
   * disk).
   */
  'query.export': {
    request: z.object({
      sql,
      params: QueryParamsSchema.optional(),
      format: z.enum(['csv', 'json', 'parquet']),
      /** The file to write (absolute, or relative to the engine's working folder); none: a download. */
      path: z.string().min(1).optional(),
      /** A download's file name (default `query.<format>`); the format's extension is added. */
      name: z.string().min(1).max(200).optional(),
      timeoutMs,
      maxRows: z.number().int().min(0).optional(),
      /** As query.run's `models`: the export reads the same runs as the result it exports. */
      models: ForecastModelsSchema,
    }),
    response: z.object({ jobId: z.string() }),
  },
  /** The query history (per user, beside the archives; newest first; the last 500 kept). */
  'query.history': {
    request: z.object({
      /** Words that must all appear in the SQL or the error (any case). */
      search: z.string().max(1000).optional(),
      /** Only queries of the open archive (default) or of every archive. */
      scope: z.enum(['archive', 'all']).optional(),
      limit: z.number().int().positive().max(500).optional(),
    }),
    response: z.array(QueryHistoryEntrySchema),
  },
  /** Saved queries (the per-user folder's .sql files) and the examples shipped with the app. */
  'query.saved.list': { request: z.object({}), response: z.array(SavedQuerySchema) },
  /** Saves a query as `<name>.sql` with a `-- title:` comment (name default: from the title). */
  'query.saved.save': {
    request: z.object({
      title: z.string().min(1).max(200),
      sql: z.string().max(QUERY_MAX_SQL),
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'letters, digits, . _ - (at most 80)')
        .optional(),
    }),
    response: SavedQuerySchema,
  },
  /** Deletes a saved query (an example cannot be deleted: USAGE); false when there is none. */
  'query.saved.delete': {
    request: z.object({ name: z.string().min(1) }),
    response: z.object({ ok: z.boolean() }),
  },
} as const
