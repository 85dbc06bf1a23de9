// What the backtest view and the model manager share: labelled form fields, the line that shows
// a refused request (the engine names the field: `from`, `valUntil` …), and a running engine job
// with its progress bar, message and Cancel button, registered with the Jobs panel.
import type { EventPayload } from '../../../../shared/api'
import type { JobView } from '../../services/jobs'
import type { Workbench } from '../context'

/** A `<label>` with its text and control, for the toolbar forms. */
export function field(text: string, control: HTMLElement, name: string): HTMLLabelElement {
  const label = document.createElement('label')
  label.className = 'form-field'
  label.dataset.field = name
  const span = document.createElement('span')
  span.textContent = text
  label.append(span, control)
  return label
}

export function select(options: [value: string, label: string][], value?: string) {
  const s = document.createElement('select')
  for (const [v, l] of options) s.add(new Option(l, v))
  if (value !== undefined) s.value = value
  return s
}

export function input(placeholder: string, width = 7, list?: string): HTMLInputElement {
  const i = document.createElement('input')
  i.type = 'text'
  i.placeholder = placeholder
  i.size = width
  if (list) i.setAttribute('list', list)
  return i
}

/**
 * An error of the engine as the UI shows it: the message, and the request field it names. Some
 * engine checks name the CLI's flag (`--val-until`); the contract's name (`valUntil`) is the one
 * the forms know, so both read the same.
 */
export function describeError(e: unknown): { message: string; field: string | null } {
  const err = e as { message?: string; location?: Record<string, string | number> }
  const raw = err.location?.field
  const field =
    raw === undefined
      ? null
      : String(raw)
          .replace(/^-+/, '')
          .replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  return { message: err.message ?? String(e), field }
}

/**
 * The line a refused request shows: the message, after the field unless the message names it
 * already (the engine's own description, `DexposureError.describe`, starts with "field X: ").
 */
export function errorLine(e: unknown): { text: string; field: string | null } {
  const { message, field } = describeError(e)
  const raw = (e as { location?: Record<string, unknown> }).location?.field
  const named = field === null || message.includes(`field ${String(raw)}`)
  return { text: named ? message : `${field}: ${message}`, field }
}

/** A job started from a form: progress bar, message line, Cancel; one at a time per form. */
export class JobRunner {
  readonly element: HTMLElement
  private readonly bar = document.createElement('progress')
  private readonly message = document.createElement('span')
  private readonly cancelButton = document.createElement('button')
  private jobId: string | null = null
  private off: (() => void) | null = null

  constructor(
    private readonly wb: Workbench,
    name: string,
  ) {
    this.element = document.createElement('div')
    this.element.className = 'job-runner'
    this.element.dataset.runner = name
    this.element.hidden = true
    this.message.className = 'job-runner-message'
    this.cancelButton.type = 'button'
    this.cancelButton.className = 'secondary'
    this.cancelButton.textContent = 'Cancel'
    this.cancelButton.addEventListener('click', () => {
      if (!this.jobId) return
      this.cancelButton.disabled = true
      this.message.textContent = 'cancelling…'
      void this.wb.jobs.cancel(this.jobId).catch(this.wb.report)
    })
    this.element.append(this.bar, this.message, this.cancelButton)
  }

  get running(): boolean {
    return !this.element.hidden
  }

  /**
   * Starts a job through the Jobs service (so the Jobs panel lists it under `label`) and follows
   * its progress here. Resolves with the final event; a refused start rejects (nothing runs).
   */
  async run(
    kind: string,
    label: string,
    start: () => Promise<{ jobId: string }>,
  ): Promise<EventPayload<'job.done'>> {
    this.element.hidden = false
    this.element.dataset.state = 'running'
    this.bar.removeAttribute('value')
    this.message.textContent = 'starting…'
    this.cancelButton.disabled = true
    this.off = this.wb.jobs.changed.on((v: JobView) => {
      if (v.id !== this.jobId || v.state !== 'running') return
      if (v.total) {
        this.bar.max = v.total
        this.bar.value = v.done
      }
      this.message.textContent = `${v.total ? `${v.done}/${v.total} · ` : ''}${v.message ?? ''}`
    })
    try {
      const done = await this.wb.jobs.run(kind, label, async () => {
        const started = await start()
        this.jobId = started.jobId
        this.element.dataset.job = started.jobId
        this.cancelButton.disabled = false
        return started
      })
      this.element.dataset.state = done.state
      return done
    } finally {
      this.off?.()
      this.off = null
      this.jobId = null
      this.element.hidden = true
    }
  }
}
