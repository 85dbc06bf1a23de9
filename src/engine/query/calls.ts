// The engine side of the contract's query calls (src/shared/api-query.ts): EngineService spreads
// these handlers into its own. A query runs as a job whose id is the query's id (so it shows in
// the Jobs panel, sends progress while runs are computed, and `query.cancel`/`jobs.cancel` stop
// it), while the call itself answers with the result. Every query of the UI goes into the
// per-user history; exports are jobs of their own, to a path or to the engine's download folder.
import { randomUUID } from 'node:crypto'
import { basename, resolve } from 'node:path'
import type { z } from 'zod'
import type { CallResponse, queryCalls } from '../../shared/api'
import type { QueryExportResultSchema } from '../../shared/api-query'
import { DexposureError, isDexposureError } from '../../shared/errors'
import { downloadName, Downloads, TABLE_MIME } from '../export/downloads'
import type { JobContext, JobRegistry } from '../jobs'
import type { Archive } from '../store/archive'
import { QueryEngine, type EngineOptions, type ExportResult, type QueryResult } from './engine'
import type { ExportFormat } from './export'
import type { QueryParams } from './guard'
import { QueryLibrary } from './library'

type QueryExportResult = z.infer<typeof QueryExportResultSchema>

type QueryCalls = typeof queryCalls
type Handlers = {
  [K in keyof QueryCalls]: (
    request: z.output<QueryCalls[K]['request']>,
  ) => Promise<CallResponse<K>> | CallResponse<K>
}

/** What `exportJob` writes: one statement, to `path` or (none) to a download named `name`. */
export interface ExportJobRequest {
  sql: string
  params?: QueryParams
  format: ExportFormat
  path?: string
  /** The download's file name (the format's extension is added when missing). */
  name: string
  timeoutMs?: number
  maxRows?: number | null
  /** horizon → model folder or name: the forecast functions' default model (query.run's). */
  models?: Record<string, string>
}

export class QueryService {
  readonly engine: QueryEngine
  readonly library: QueryLibrary
  /** Where exports without a path go (shared with the graph exports: one `export.read`). */
  readonly downloads: Downloads

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
    opts: EngineOptions & { library?: QueryLibrary; downloads?: Downloads } = {},
  ) {
    this.engine = new QueryEngine(archive, opts)
    this.library = opts.library ?? new QueryLibrary()
    this.downloads = opts.downloads ?? new Downloads()
  }

  handlers(): Handlers {
    return {
      'query.run': (r) => this.run(r),
      'query.cancel': (r) => ({
        ok: this.jobs.list().some((j) => j.id === r.queryId && j.kind === 'query')
          ? this.jobs.cancel(r.queryId)
          : false,
      }),
      'query.schema': () => this.engine.schema(),
      'query.export': (r) => ({
        jobId: this.exportJob('query.export', {
          sql: r.sql,
          params: r.params,
          format: r.format,
          path: r.path,
          name: r.name ?? 'query',
          timeoutMs: r.timeoutMs,
          maxRows: r.maxRows ?? null,
          models: r.models,
        }),
      }),
      'query.history': (r) =>
        this.library.history({
          search: r.search,
          limit: r.limit,
          archive: (r.scope ?? 'archive') === 'archive' ? this.archive.file : undefined,
        }),
      'query.saved.list': () => this.library.saved(),
      'query.saved.save': (r) => this.library.save(r),
      'query.saved.delete': (r) => ({ ok: this.library.delete(r.name) }),
    }
  }

  /**
   * Starts a job that streams every row of one statement into a file: `path` on the engine's
   * machine, or without it a download (its `downloadId` reads it back through `export.read`). The
   * one code path of the console's export and the views' table exports (`export.table`).
   */
  exportJob(kind: string, req: ExportJobRequest): string {
    const ext = `.${req.format}`
    const name = downloadName(
      req.name.toLowerCase().endsWith(ext) ? req.name : `${req.name}${ext}`,
      `query${ext}`,
    )
    return this.jobs.start(
      kind,
      async (ctx): Promise<QueryExportResult> => {
        const path = req.path === undefined ? this.downloads.slot(name) : resolve(req.path)
        let v: ExportResult
        try {
          v = await this.engine.export(
            {
              sql: req.sql,
              params: req.params,
              format: req.format,
              target: { path },
              timeoutMs: req.timeoutMs,
              maxRows: req.maxRows,
              models: req.models,
            },
            {
              ...progressOf(ctx),
              exported: (rows) =>
                ctx.progress(rows, null, `${rows} rows written`, { unit: 'rows' }),
            },
          )
        } catch (e) {
          if (req.path === undefined) this.downloads.discard(path)
          throw e
        }
        const mime = TABLE_MIME[req.format]
        return {
          path,
          name: req.path === undefined ? name : basename(path),
          mime,
          format: v.format,
          rows: v.rows,
          bytes: v.bytes,
          elapsedMs: v.elapsedMs,
          downloadId:
            req.path === undefined ? this.downloads.offer(path, name, mime, v.bytes) : null,
        }
      },
      {
        result: (v) => v as unknown as Record<string, unknown>,
        // one log line per export in the UI, naming the file (the download's name, or the path)
        message: (v) => `${v.rows} rows → ${v.downloadId ? v.name : v.path} (${v.bytes} bytes)`,
      },
    )
  }

  private async run(
    r: z.output<QueryCalls['query.run']['request']>,
  ): Promise<CallResponse<'query.run'>> {
    const queryId = r.queryId ?? randomUUID()
    const started = new Date()
    const t0 = performance.now()
    try {
      const result = await this.asJob(queryId, (ctx) =>
        this.engine.run(
          {
            sql: r.sql,
            params: r.params,
            timeoutMs: r.timeoutMs,
            maxRows: r.maxRows,
            models: r.models,
          },
          progressOf(ctx),
        ),
      )
      this.remember(r.sql, started, t0, result, null)
      return { queryId, ...result }
    } catch (e) {
      this.remember(r.sql, started, t0, null, e)
      throw e
    }
  }

  /** Runs `work` as the job `id` and answers with its value (or its error). */
  private asJob(id: string, work: (ctx: JobContext) => Promise<QueryResult>): Promise<QueryResult> {
    return new Promise<QueryResult>((resolvePromise, reject) => {
      let began = false
      const onDone = (d: { id: string; state: string }) => {
        // a job cancelled before it began never runs: its job.done is the only news of it
        if (d.id !== id) return
        this.jobs.off('job.done', onDone)
        if (!began && d.state === 'cancelled')
          reject(new DexposureError('CANCELLED', 'query cancelled'))
      }
      this.jobs.on('job.done', onDone)
      try {
        this.jobs.start(
          'query',
          async (ctx) => {
            began = true
            try {
              const v = await work(ctx)
              resolvePromise(v)
              return v
            } catch (e) {
              reject(e as Error)
              throw e
            }
          },
          {
            id,
            result: (v) => ({
              statements: v.statements.length,
              rows: v.statements.reduce((n, s) => n + s.rowCount, 0),
              elapsedMs: v.elapsedMs,
            }),
          },
        )
      } catch (e) {
        this.jobs.off('job.done', onDone)
        reject(e as Error)
      }
    })
  }

  private remember(
    sql: string,
    started: Date,
    t0: number,
    result: QueryResult | null,
    error: unknown,
  ): void {
    try {
      this.library.record({
        time: started.toISOString(),
        archive: resolve(this.archive.file),
        sql,
        durationMs: performance.now() - t0,
        rows: result ? result.statements.reduce((n, s) => n + s.rowCount, 0) : null,
        statements: result?.statements.length ?? 0,
        error: result
          ? null
          : {
              code: isDexposureError(error) ? error.code : 'INTERNAL',
              message: isDexposureError(error)
                ? error.describe()
                : String((error as Error)?.message ?? error),
            },
      })
    } catch {
      // the history is a convenience: a full disk must not fail the query
    }
  }

  close(): void {
    this.engine.close()
    this.downloads.close()
  }
}

function progressOf(ctx: JobContext) {
  return {
    signal: ctx.signal,
    progress: (done: number, total: number | null, message: string) =>
      ctx.progress(done, total, message),
  }
}
