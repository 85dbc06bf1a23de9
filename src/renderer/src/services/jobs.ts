// Engine jobs as the UI sees them: every job started from any view, with its progress, state and
// error, for the Jobs panel and the status bar. Cancel goes through the contract.
import type { EventPayload, WorkbenchApi } from '../../../shared/api'
import { Emitter } from './events'
import type { LogService } from './log'
import { runJob } from './run-job'

export interface JobView {
  id: string
  kind: string
  label: string
  state: 'running' | 'done' | 'failed' | 'cancelled'
  done: number
  total: number | null
  message: string | null
  started: Date
  finished: Date | null
  error?: { code: string; message: string; location?: Record<string, string | number> }
}

export class JobsService {
  readonly jobs = new Map<string, JobView>()
  readonly changed = new Emitter<JobView>()

  constructor(
    private readonly api: WorkbenchApi,
    private readonly log: LogService,
  ) {}

  get running(): JobView[] {
    return [...this.jobs.values()].filter((j) => j.state === 'running')
  }

  /**
   * Starts an engine job and follows it to the end. Resolves with the final event whatever the
   * state; failures are also written to the log with the engine's location fields.
   */
  async run(
    kind: string,
    label: string,
    start: () => Promise<{ jobId: string }>,
  ): Promise<EventPayload<'job.done'>> {
    let view: JobView | null = null
    const done = await runJob(
      this.api,
      start,
      (p) => {
        if (!view) return
        view.done = p.done
        view.total = p.total
        view.message = p.message
        this.changed.emit(view)
      },
      (id) => {
        view = {
          id,
          kind,
          label,
          state: 'running',
          done: 0,
          total: null,
          message: null,
          started: new Date(),
          finished: null,
        }
        this.jobs.set(id, view)
        this.changed.emit(view)
      },
    )
    const v = view as JobView | null
    if (v) {
      v.state = done.state
      v.finished = new Date()
      v.message = done.message
      const error = (done as { error?: JobView['error'] }).error
      if (error) v.error = error
      this.changed.emit(v)
      if (done.state === 'failed')
        this.log.add('error', label, error?.message ?? done.message ?? 'failed', error?.location)
      else if (done.state === 'cancelled') this.log.add('warning', label, 'cancelled')
      else this.log.info(label, done.message ?? 'done')
    }
    return done
  }

  async cancel(id: string): Promise<void> {
    await this.api.call('jobs.cancel', { id })
  }
}
