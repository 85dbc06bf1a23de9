// Long work (imports, demo fills, forecasts) runs as a job: an id, progress events, cancellation
// through an AbortSignal, and a final state. The UI shows progress and offers Cancel.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { EventPayload } from '../shared/api'
import { DexposureError } from '../shared/errors'

export interface JobContext {
  signal: AbortSignal
  progress(done: number, total: number | null, message?: string): void
}

interface Job {
  id: string
  kind: string
  controller: AbortController
  state: EventPayload<'job.done'>['state']
}

export class JobRegistry extends EventEmitter {
  private readonly jobs = new Map<string, Job>()

  /** Starts `run` in the background and returns the job id at once. */
  start(kind: string, run: (ctx: JobContext) => Promise<unknown>): string {
    const id = randomUUID()
    const job: Job = { id, kind, controller: new AbortController(), state: 'running' }
    this.jobs.set(id, job)
    const ctx: JobContext = {
      signal: job.controller.signal,
      progress: (done, total, message) =>
        this.emit('job.progress', { id, kind, done, total, message: message ?? null }),
    }
    run(ctx).then(
      () => this.finish(job, 'done', null),
      (e: unknown) => {
        const cancelled =
          job.controller.signal.aborted || (e instanceof DexposureError && e.code === 'CANCELLED')
        this.finish(
          job,
          cancelled ? 'cancelled' : 'failed',
          e instanceof Error ? e.message : String(e),
        )
      },
    )
    return id
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id)
    if (!job || job.state !== 'running') return false
    job.controller.abort()
    return true
  }

  private finish(job: Job, state: Job['state'], message: string | null): void {
    job.state = state
    this.emit('job.done', { id: job.id, kind: job.kind, state, message })
  }
}
