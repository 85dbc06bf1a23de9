// The engine side of the contract's query calls (src/shared/api-query.ts): EngineService spreads
// these handlers into its own. A query runs as a job whose id is the query's id (so it shows in
// the Jobs panel, sends progress while runs are computed, and `query.cancel`/`jobs.cancel` stop
// it), while the call itself answers with the result. Every query of the UI goes into the
// per-user history; exports are jobs of their own.
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type { z } from 'zod'
import type { CallResponse, queryCalls } from '../../shared/api'
import { DexposureError, isDexposureError } from '../../shared/errors'
import type { JobContext, JobRegistry } from '../jobs'
import type { Archive } from '../store/archive'
import { QueryEngine, type EngineOptions, type QueryResult } from './engine'
import { QueryLibrary } from './library'

type QueryCalls = typeof queryCalls
type Handlers = {
  [K in keyof QueryCalls]: (
    request: z.output<QueryCalls[K]['request']>,
  ) => Promise<CallResponse<K>> | CallResponse<K>
}

export class QueryService {
  readonly engine: QueryEngine
  readonly library: QueryLibrary

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
    opts: EngineOptions & { library?: QueryLibrary } = {},
  ) {
    this.engine = new QueryEngine(archive, opts)
    this.library = opts.library ?? new QueryLibrary()
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
        jobId: this.jobs.start(
          'query.export',
          (ctx) =>
            this.engine.export(
              {
                sql: r.sql,
                params: r.params,
                format: r.format,
                target: { path: resolve(r.path) },
                timeoutMs: r.timeoutMs,
                maxRows: r.maxRows ?? null,
              },
              {
                ...progressOf(ctx),
                exported: (rows) =>
                  ctx.progress(rows, null, `${rows} rows written`, { unit: 'rows' }),
              },
            ),
          {
            result: (v) => ({
              path: v.path,
              format: v.format,
              rows: v.rows,
              bytes: v.bytes,
              elapsedMs: v.elapsedMs,
            }),
          },
        ),
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

  private async run(
    r: z.output<QueryCalls['query.run']['request']>,
  ): Promise<CallResponse<'query.run'>> {
    const queryId = r.queryId ?? randomUUID()
    const started = new Date()
    const t0 = performance.now()
    try {
      const result = await this.asJob(queryId, (ctx) =>
        this.engine.run(
          { sql: r.sql, params: r.params, timeoutMs: r.timeoutMs, maxRows: r.maxRows },
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
  }
}

function progressOf(ctx: JobContext) {
  return {
    signal: ctx.signal,
    progress: (done: number, total: number | null, message: string) =>
      ctx.progress(done, total, message),
  }
}
