// The query console's engine: checks a query (query/guard.ts), prepares the runs it names
// (query/prepare.ts), runs it in the query process with a time limit (query/host.ts), and turns
// what comes back into a result or an error with its position in the SQL. Also exports (every
// row, streamed to a file by the query process) and the schema the editor completes from.
import { randomBytes } from 'node:crypto'
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { DexposureError } from '../../shared/errors'
import { identName, type Token } from '../../shared/sql/tokens'
import type { Archive } from '../store/archive'
import { QUERY_FUNCTIONS, QUERY_VIEWS, TABLE_DOCS, signatureOf } from './catalog'
import { exportAvailable, exportBackend, type ExportFormat } from './export'
import {
  PRAGMA_READ_ONLY,
  buildSql,
  checkQuery,
  originalOffset,
  sqlLocation,
  type CheckedStatement,
  type QueryParams,
} from './guard'
import { formatSeconds, QueryProcess, type Isolation } from './host'
import { inlineCalls } from './inline'
import { keyOf, prepareRuns, type PreparedRun, type PrepareContext } from './prepare'
import { resolveModelChoices } from '../model-choice'
import type {
  ForecastModelRef,
  FromWorker,
  RunLimits,
  SchemaObject,
  StatementResult,
  WorkerError,
} from './protocol'

export const DEFAULT_TIMEOUT_MS = 10_000
export const DEFAULT_MAX_ROWS = 10_000
/** Most rows one run returns (the grid scrolls 100k rows). */
export const MAX_ROWS_LIMIT = 100_000
export const MAX_TIMEOUT_MS = 600_000
/** Exports stream for minutes on a real-scale archive: their own limit. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 600_000
const LIMITS: Omit<RunLimits, 'maxRows'> = {
  maxBytes: 64 * 1024 * 1024,
  maxCellChars: 1_000_000,
  countBudgetMs: 200,
}

export interface QueryRequest {
  sql: string
  params?: QueryParams
  timeoutMs?: number
  maxRows?: number
  /**
   * horizon (text) → a model folder or name: forecast functions called without a model read (or
   * compute) that model's run for the horizon instead of the latest run of any model.
   */
  models?: Record<string, string>
}

export interface QueryStatementResult extends StatementResult {
  /** Offsets of the statement in the request's SQL. */
  from: number
  to: number
}

export interface QueryResult {
  statements: QueryStatementResult[]
  /** The runs the query read (computed ones included). */
  runs: PreparedRun[]
  /** Time spent computing runs before the query ran. */
  prepareMs: number
  elapsedMs: number
  /** The archive holds SYNTHETIC demo data. */
  synthetic: boolean
}

export interface ExportRequest {
  sql: string
  params?: QueryParams
  format: ExportFormat
  /** A file to write (created; never the archive), or a descriptor (the CLI's stdout). */
  target: { path: string } | { fd: number }
  timeoutMs?: number
  /** Stop after this many rows (default: every row). */
  maxRows?: number | null
  /** As QueryRequest's: the forecast functions' default model per horizon. */
  models?: Record<string, string>
}

export interface ExportResult {
  path: string | null
  format: ExportFormat
  rows: number
  bytes: number
  columns: string[]
  runs: PreparedRun[]
  elapsedMs: number
}

export interface QueryContext extends PrepareContext {
  /** Export progress: rows and bytes written so far. */
  exported?: (rows: number, bytes: number) => void
}

export interface EngineOptions {
  isolation?: Isolation
  script?: string
}

export class QueryEngine {
  /** The process interactive queries run in (exports get their own). */
  readonly process: QueryProcess
  private readonly inflight = new Map<string, Promise<PreparedRun>>()
  private readonly exports = new Set<QueryProcess>()

  constructor(
    readonly archive: Archive,
    private readonly opts: EngineOptions = {},
  ) {
    this.process = new QueryProcess(resolve(archive.file), opts)
  }

  async run(req: QueryRequest, ctx: QueryContext = {}): Promise<QueryResult> {
    const t0 = performance.now()
    const timeoutMs = checkTimeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const maxRows = req.maxRows ?? DEFAULT_MAX_ROWS
    if (!Number.isInteger(maxRows) || maxRows < 0 || maxRows > MAX_ROWS_LIMIT)
      throw new DexposureError(
        'USAGE',
        `maxRows must be a whole number from 0 to ${MAX_ROWS_LIMIT}`,
        {
          field: 'maxRows',
        },
      )
    const checked = checkQuery(req.sql, req.params ?? {})
    const forecastModels = this.chooseModels(checked, req.models)
    const prepared = await prepareRuns(
      this.archive,
      req.sql,
      checked.flatMap((s) => s.needs),
      ctx,
      this.inflight,
    )
    this.inline(checked, prepared)
    const runs = [...prepared.values()]
    const prepareMs = performance.now() - t0
    const answer = await this.process.request(
      (id) => ({
        type: 'run',
        id,
        statements: checked.map((s) => ({
          sql: s.sql,
          positional: s.bind.positional,
          named: s.bind.named,
        })),
        limits: { ...LIMITS, maxRows },
        forecastModels,
      }),
      { timeoutMs, signal: ctx.signal },
    )
    if (answer.type === 'error') throw queryError(req.sql, checked, answer.error)
    if (answer.type !== 'result') throw unexpected(answer)
    return {
      statements: answer.results.map((r, i) => ({
        ...r,
        columns: r.columns.map(publicColumn),
        from: checked[i].start,
        to: checked[i].end,
      })),
      runs,
      prepareMs,
      elapsedMs: performance.now() - t0,
      synthetic: this.archive.hasSynthetic(),
    }
  }

  /**
   * Streams every row of one statement into a file (through a temporary file beside it, renamed
   * when complete; removed on failure, cancel or time limit) or a descriptor.
   */
  async export(req: ExportRequest, ctx: QueryContext = {}): Promise<ExportResult> {
    const t0 = performance.now()
    const timeoutMs = checkTimeout(req.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS)
    if (!exportAvailable(req.format)) exportBackend(req.format) // throws, naming what is missing
    const path = 'path' in req.target ? this.checkExportPath(req.target.path) : null
    const checked = checkQuery(req.sql, req.params ?? {})
    if (checked.length !== 1)
      throw new DexposureError(
        'USAGE',
        `an export takes one statement; this SQL has ${checked.length}`,
        sqlLocation(req.sql, checked[1]?.start ?? 0),
      )
    const forecastModels = this.chooseModels(checked, req.models)
    const prepared = await prepareRuns(this.archive, req.sql, checked[0].needs, ctx, this.inflight)
    this.inline(checked, prepared)
    const runs = [...prepared.values()]
    const temp = path
      ? join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`)
      : null
    const proc = new QueryProcess(this.process.file, {
      ...this.opts,
      inheritStdout: 'fd' in req.target && req.target.fd === 1,
    })
    this.exports.add(proc)
    try {
      const answer = await proc.request(
        (id) => ({
          type: 'export',
          id,
          statement: {
            sql: checked[0].sql,
            positional: checked[0].bind.positional,
            named: checked[0].bind.named,
          },
          format: req.format,
          target: temp ? { path: temp } : req.target,
          maxRows: req.maxRows ?? null,
          forecastModels,
        }),
        {
          timeoutMs,
          signal: ctx.signal,
          onMessage: (m: FromWorker) => {
            if (m.type === 'progress') ctx.exported?.(m.rows, m.bytes)
          },
        },
      )
      if (answer.type === 'error') throw queryError(req.sql, checked, answer.error)
      if (answer.type !== 'exported') throw unexpected(answer)
      if (temp && path) renameSync(temp, path)
      return {
        path,
        format: req.format,
        rows: answer.rows,
        bytes: answer.bytes,
        columns: answer.columns,
        runs,
        elapsedMs: performance.now() - t0,
      }
    } finally {
      proc.close()
      this.exports.delete(proc)
      if (temp) rmSync(temp, { force: true })
    }
  }

  /**
   * The console's model choices (horizon → folder or name; USAGE/NOT_FOUND naming `models.H`):
   * marked on the forecast needs that name no model, so the engine reads or computes the chosen
   * model's run, and returned for the query process, whose functions default to them too.
   */
  private chooseModels(
    checked: CheckedStatement[],
    models: Record<string, string> | undefined,
  ): Record<string, ForecastModelRef> {
    const resolved = resolveModelChoices(this.archive.file, models, 'models')
    for (const st of checked)
      for (const need of st.needs)
        if (need.kind === 'forecast' && need.model === null) {
          const m = resolved.get(need.horizon)
          if (m) need.chosen = { name: m.name, sha256: m.sha256, dir: m.dir }
        }
    return Object.fromEntries(
      [...resolved].map(([h, m]) => [String(h), { name: m.name, sha256: m.sha256 }]),
    )
  }

  /** Calls over prepared runs and on literal nodes become subqueries (query/inline.ts). */
  private inline(checked: CheckedStatement[], prepared: Map<string, PreparedRun>): void {
    for (const st of checked) {
      const replacements = inlineCalls(st, (need) => prepared.get(keyOf(need))?.runId)
      if (replacements.length === 0) continue
      const built = buildSql(st.tokens, st.renamed, replacements)
      st.sql = built.sql
      st.offsets = built.offsets
    }
  }

  /** A file an export may write: not a folder, not the archive or its WAL, in a folder that exists. */
  private checkExportPath(p: string): string {
    const path = resolve(p)
    const archive = resolve(this.archive.file)
    if ([archive, `${archive}-wal`, `${archive}-shm`, `${archive}-journal`].includes(path))
      throw new DexposureError('USAGE', 'an export cannot write over the archive', { file: path })
    if (existsSync(path) && statSync(path).isDirectory())
      throw new DexposureError('USAGE', 'the export path is a folder; give a file name', {
        file: path,
      })
    if (!existsSync(dirname(path)))
      throw new DexposureError('NOT_FOUND', `the folder ${dirname(path)} does not exist`, {
        file: path,
      })
    return path
  }

  /** Tables, views (with columns and types), the query functions, the weeks, the pragmas. */
  async schema(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<QuerySchema> {
    const answer = await this.process.request((id) => ({ type: 'schema', id }), { timeoutMs })
    if (answer.type !== 'schema') throw unexpected(answer)
    const viewDocs = new Map(QUERY_VIEWS.map((v) => [v.name, v.doc]))
    return {
      tables: answer.objects.map((o: SchemaObject) => ({
        ...o,
        doc: (o.schema === 'temp' ? viewDocs.get(o.name) : TABLE_DOCS[o.name]) ?? null,
      })),
      functions: QUERY_FUNCTIONS.map((f) => ({
        name: f.name,
        kind: f.kind,
        signature: signatureOf(f),
        params: f.params,
        columns: f.columns,
        returns: f.returns ?? null,
        doc: f.doc,
        cost: f.cost,
      })),
      weeks: answer.weeks,
      pragmas: [...PRAGMA_READ_ONLY].sort(),
      exportFormats: (['csv', 'json', 'parquet'] as const).filter(exportAvailable),
    }
  }

  close(): void {
    this.process.close()
    for (const p of this.exports) p.close()
  }
}

export interface QuerySchema {
  tables: (SchemaObject & { doc: string | null })[]
  functions: {
    name: string
    kind: 'table' | 'scalar'
    signature: string
    params: { name: string; type: string; optional: boolean; doc: string }[]
    columns: { name: string; type: string; doc: string }[]
    returns: string | null
    doc: string
    cost: string
  }[]
  weeks: string[]
  pragmas: string[]
  /** The formats `export` can write in this build. */
  exportFormats: ExportFormat[]
}

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms < 1 || ms > MAX_TIMEOUT_MS)
    throw new DexposureError(
      'USAGE',
      `the time limit must be between 1 ms and ${formatSeconds(MAX_TIMEOUT_MS)}`,
      { field: 'timeoutMs' },
    )
  return Math.round(ms)
}

function unexpected(m: { type: string }): DexposureError {
  return new DexposureError('INTERNAL', `unexpected answer from the query process: ${m.type}`)
}

const PUBLIC_NAMES = QUERY_FUNCTIONS.filter((f) => f.registered !== f.name)

const BY_REGISTERED = new Map(QUERY_FUNCTIONS.map((f) => [f.registered, f]))

/** A column read from a query function: its public name and the type the catalog declares. */
function publicColumn(c: StatementResult['columns'][number]): StatementResult['columns'][number] {
  const f = c.table === null ? undefined : BY_REGISTERED.get(c.table)
  if (!f) return c
  const col = f.columns.find((x) => x.name === c.column)
  const param = f.params.find((x) => x.name === c.column || `${x.name}_arg` === c.column)
  return { ...c, table: f.name, declaredType: c.declaredType ?? col?.type ?? param?.type ?? null }
}

/** The worker's error as the caller sees it: a code, the message, the position in the SQL. */
export function queryError(
  sql: string,
  checked: CheckedStatement[],
  e: WorkerError,
): DexposureError {
  const st = checked[e.statement] ?? checked[0]
  let message = e.message
  for (const f of PUBLIC_NAMES) message = message.replaceAll(f.registered, f.name)
  const prefix = checked.length > 1 ? `statement ${e.statement + 1}: ` : ''
  let offset = st.start
  let length = 0
  if (e.offset !== undefined) {
    offset = originalOffset(st, e.offset)
    const tok = st.sig.find((t) => t.start === offset)
    length = tok ? tok.end - tok.start : 0
  } else if (e.kind === 'function' && e.fn) {
    const call = st.calls.find((c) => c.spec.name === e.fn)
    if (call) {
      offset = call.start
      length = call.end - call.start
    }
  } else {
    const named = locateName(st.sig, message)
    if (named) {
      offset = named.start
      length = named.end - named.start
    }
  }
  const location = sqlLocation(sql, offset, length)
  if (e.kind === 'function') return new DexposureError(e.code as never, prefix + message, location)
  if (e.kind === 'internal') return new DexposureError('INTERNAL', prefix + message, location)
  const code = e.code
  if (code === 'SQLITE_NOMEM')
    return new DexposureError('LIMIT', `${prefix}the query ran out of memory`, location)
  if (
    code.startsWith('SQLITE_CORRUPT') ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN')
  )
    return new DexposureError('ARCHIVE', prefix + message, location)
  if (code.startsWith('SQLITE_BUSY'))
    return new DexposureError('CONFLICT', prefix + message, location)
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_AUTH')
    return new DexposureError(
      'BAD_INPUT',
      `${prefix}${message} (the query console only reads)`,
      location,
    )
  return new DexposureError('BAD_INPUT', prefix + message, location)
}

/** The token a SQLite message names ("no such column: x", "no such table: t", …). */
function locateName(sig: Token[], message: string): Token | null {
  const m =
    /no such (?:column|table|function|module): (?:main\.|temp\.)?(\S+)/.exec(message) ??
    /ambiguous column name: (\S+)/.exec(message) ??
    /(?:wrong number of arguments to function|misuse of (?:aggregate|window) function|too many arguments on) (\w+)/.exec(
      message,
    ) ??
    /^(\w+)\(\) may not be used/.exec(message)
  if (!m) return null
  const parts = m[1].replace(/\(\)$/, '').toLowerCase().split('.')
  const last = parts[parts.length - 1]
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]
    if ((t.kind === 'ident' || t.kind === 'qident') && identName(t).toLowerCase() === last) {
      // "t.c": the qualifier before the column
      if (parts.length > 1 && sig[i - 1]?.text === '.' && sig[i - 2]) return sig[i - 2]
      return t
    }
  }
  return null
}
