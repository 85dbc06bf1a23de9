// Long work (imports, demo fills, forecasts) runs as a job: an id, progress events, cancellation
// through an AbortSignal, and a final state. The UI shows progress and offers Cancel.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { EventPayload } from '../shared/api'
import { DexposureError, isDexposureError } from '../shared/errors'

/** Optional details of a progress step (e.g. an import counts bytes and weeks). */
export interface JobProgressDetail {
  /** What `done` and `total` count ('bytes', 'pairs', …). */
  unit?: string
  weeksDone?: number
  week?: string
}

export interface JobContext {
  signal: AbortSignal
  progress(done: number, total: number | null, message?: string, detail?: JobProgressDetail): void
}

export interface JobOptions<T> {
  /** A small summary of the job's value for its `job.done` event (e.g. an import's weeks). */
  result?: (value: T) => Record<string, unknown> | undefined
  /**
   * The `job.done` message of a job that finished (e.g. the file an export wrote, which the UI's
   * log line then names); default none.
   */
  message?: (value: T) => string | null
  /**
   * The job's id when the caller chose it (a query's id, known to the UI before the call answers,
   * so it can cancel); CONFLICT when a running job has it. Default: a random UUID.
   */
  id?: string
}

type JobState = EventPayload<'job.done'>['state']
type JobDone = EventPayload<'job.done'>
type JobProgress = EventPayload<'job.progress'>

interface Job {
  id: string
  kind: string
  controller: AbortController
  startedAt: string
  last: JobProgress | null
}

/** A running job as `jobs.list` reports it, so a reloaded UI can show it again. */
export interface RunningJob {
  id: string
  kind: string
  state: 'running'
  message: string | null
  startedAt: string
  progress: { done: number; total: number | null; message: string | null } | null
}

export class JobRegistry extends EventEmitter {
  /** Running jobs only: a finished job is forgotten once its 'job.done' is emitted. */
  private readonly running = new Map<string, Job>()

  /**
   * Starts `run` in the background and returns the job id at once. `run` begins on the next
   * microtask, so no event of the job is emitted before its caller has the id.
   */
  start<T>(kind: string, run: (ctx: JobContext) => Promise<T>, opts: JobOptions<T> = {}): string {
    const id = opts.id ?? randomUUID()
    if (this.running.has(id)) throw new DexposureError('CONFLICT', `a job with id ${id} is running`)
    const job: Job = {
      id,
      kind,
      controller: new AbortController(),
      startedAt: new Date().toISOString(),
      last: null,
    }
    this.running.set(id, job)
    const ctx: JobContext = {
      signal: job.controller.signal,
      progress: (done, total, message, detail) => {
        if (!this.running.has(id)) return
        const payload: JobProgress = { id, kind, done, total, message: message ?? null }
        if (detail) Object.assign(payload, withoutUndefined(detail))
        job.last = payload
        this.emit('job.progress', payload)
      },
    }
    Promise.resolve()
      // a job cancelled before it began does not run at all
      .then(() => {
        job.controller.signal.throwIfAborted()
        return run(ctx)
      })
      .then(
        (value) => {
          let result: Record<string, unknown> | undefined
          try {
            result = opts.result?.(value)
          } catch {
            // a summary that cannot be made must not turn a finished job into a failed one
            result = undefined
          }
          let message: string | null
          try {
            message = opts.message?.(value) ?? null
          } catch {
            message = null // nor a message that cannot be made
          }
          this.finish(job, 'done', message, result ? { result } : {})
        },
        (e: unknown) => {
          const cancelled =
            job.controller.signal.aborted || (isDexposureError(e) && e.code === 'CANCELLED')
          const message = isDexposureError(e)
            ? e.describe()
            : e instanceof Error
              ? e.message
              : String(e)
          const code = cancelled ? 'CANCELLED' : isDexposureError(e) ? e.code : 'INTERNAL'
          const location =
            isDexposureError(e) && Object.keys(e.location).length > 0
              ? { location: withoutUndefined({ ...e.location }) }
              : {}
          this.finish(job, cancelled ? 'cancelled' : 'failed', message, {
            error: { code, message, ...location },
          })
        },
      )
    return id
  }

  /** Asks a running job to stop (its signal aborts); false when no such job is running. */
  cancel(id: string): boolean {
    const job = this.running.get(id)
    if (!job || job.controller.signal.aborted) return false
    job.controller.abort(new DexposureError('CANCELLED', `${job.kind} cancelled`))
    return true
  }

  /** Ids of the jobs still running. */
  list(): { id: string; kind: string }[] {
    return [...this.running.values()].map(({ id, kind }) => ({ id, kind }))
  }

  /** The running jobs with their start time and latest progress. */
  snapshot(): RunningJob[] {
    return [...this.running.values()].map((j) => ({
      id: j.id,
      kind: j.kind,
      state: 'running',
      message: j.last?.message ?? null,
      startedAt: j.startedAt,
      progress: j.last ? { done: j.last.done, total: j.last.total, message: j.last.message } : null,
    }))
  }

  private finish(
    job: Job,
    state: JobState,
    message: string | null,
    extra: Pick<JobDone, 'error' | 'result'>,
  ): void {
    this.running.delete(job.id)
    this.emit('job.done', { id: job.id, kind: job.kind, state, message, ...extra })
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
