// Long work (imports, demo fills, forecasts) runs as a job: an id, progress events, cancellation
// through an AbortSignal, and a final state. The UI shows progress and offers Cancel.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { EventPayload } from '../shared/api'
import { DexposureError, isDexposureError } from '../shared/errors'

export interface JobContext {
  signal: AbortSignal
  progress(done: number, total: number | null, message?: string): void
}

type JobState = EventPayload<'job.done'>['state']

interface Job {
  id: string
  kind: string
  controller: AbortController
}

export class JobRegistry extends EventEmitter {
  /** Running jobs only: a finished job is forgotten once its 'job.done' is emitted. */
  private readonly running = new Map<string, Job>()

  /**
   * Starts `run` in the background and returns the job id at once. `run` begins on the next
   * microtask, so no event of the job is emitted before its caller has the id.
   */
  start(kind: string, run: (ctx: JobContext) => Promise<unknown>): string {
    const id = randomUUID()
    const job: Job = { id, kind, controller: new AbortController() }
    this.running.set(id, job)
    const ctx: JobContext = {
      signal: job.controller.signal,
      progress: (done, total, message) => {
        if (this.running.has(id))
          this.emit('job.progress', { id, kind, done, total, message: message ?? null })
      },
    }
    Promise.resolve()
      // a job cancelled before it began does not run at all
      .then(() => {
        job.controller.signal.throwIfAborted()
        return run(ctx)
      })
      .then(
        () => this.finish(job, 'done', null),
        (e: unknown) => {
          const cancelled =
            job.controller.signal.aborted || (isDexposureError(e) && e.code === 'CANCELLED')
          const message = isDexposureError(e)
            ? e.describe()
            : e instanceof Error
              ? e.message
              : String(e)
          this.finish(job, cancelled ? 'cancelled' : 'failed', message)
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

  private finish(job: Job, state: JobState, message: string | null): void {
    this.running.delete(job.id)
    this.emit('job.done', { id: job.id, kind: job.kind, state, message })
  }
}
