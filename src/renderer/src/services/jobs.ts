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
  /** Jobs whose view shows their failure itself (see `shownByItsView`). */
  private readonly shownByView = new Set<string>()
  /** Jobs whose view writes the Log's line for their success itself (see `loggedByItsView`). */
  private readonly loggedByView = new Set<string>()

  constructor(
    private readonly api: WorkbenchApi,
    private readonly log: LogService,
  ) {
    // Every job shows, wherever it was started: this page, the Electron menu, another window,
    // the engine itself (the first layout of an archive).
    api.on('job.progress', (p) => {
      const v = this.jobs.get(p.id) ?? this.adopt(p.id, p.kind)
      if (v.state !== 'running') return
      v.done = p.done
      v.total = p.total
      v.message = p.message
      this.changed.emit(v)
    })
    api.on('job.done', (d) => {
      const v = this.jobs.get(d.id) ?? this.adopt(d.id, d.kind)
      if (v.state !== 'running') return
      v.state = d.state
      v.finished = new Date()
      v.message = d.message
      if (d.error) v.error = d.error
      this.changed.emit(v)
      const shown = this.shownByView.delete(d.id)
      const logged = this.loggedByView.delete(d.id)
      if (d.state === 'failed')
        this.log.add(
          'error',
          v.label,
          d.error?.message ?? d.message ?? 'failed',
          d.error?.location,
          shown,
        )
      else if (d.state === 'cancelled') this.log.add('warning', v.label, 'cancelled')
      else if (!logged) this.log.info(v.label, d.message ?? 'done')
    })
  }

  /** Jobs already running when the page loaded (after a reload, or started elsewhere). */
  async loadRunning(): Promise<void> {
    for (const j of await this.api.call('jobs.list', {})) {
      const v = this.jobs.get(j.id) ?? this.adopt(j.id, j.kind)
      if (j.progress) {
        v.done = j.progress.done
        v.total = j.progress.total
        v.message = j.progress.message
      }
      v.started = new Date(j.startedAt)
      this.changed.emit(v)
    }
  }

  private adopt(
    id: string,
    kind: string,
    label = kind.charAt(0).toUpperCase() + kind.slice(1),
  ): JobView {
    const v: JobView = {
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
    this.jobs.set(id, v)
    return v
  }

  /**
   * The view that starts job `id` shows its failure where the user looks (the query console's
   * error box): the failure still gets its one Problems entry, marked `shown` so no toast repeats
   * the same message.
   */
  shownByItsView(id: string): void {
    this.shownByView.add(id)
  }

  /**
   * The view that starts job `id` writes the Log's one line for its success itself, naming what
   * came of it (the report editor's "saved FILE" for the build a save started): no second "done"
   * line here. A failure or a cancel is still logged here. Call it as soon as the id is known
   * (before the job can end: a job that ends first is logged as usual).
   */
  loggedByItsView(id: string): void {
    this.loggedByView.add(id)
  }

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
    // runJob subscribes before the call that starts the job, so a quick job cannot end unseen;
    // the global listeners above keep the view, this only names it
    return runJob(
      this.api,
      start,
      () => {},
      (id) => {
        const v = this.jobs.get(id) ?? this.adopt(id, kind, label)
        v.label = label
        this.changed.emit(v)
      },
    )
  }

  async cancel(id: string): Promise<void> {
    await this.api.call('jobs.cancel', { id })
  }
}
