// The report editor: a builder (week, forecast horizons, scenarios, sections, paper) beside a live
// preview of the engine's HTML report in a sandboxed iframe (srcdoc: no script, no network, its
// own opaque origin), and "Save HTML" / "Save PDF". Every build is the engine's `report.build`
// job — the same code path as `dexposure report` — with progress and Cancel here and in the Jobs
// panel. A change of the form rebuilds the preview after a short pause.
import type { CallRequest, ReportResult } from '../../../../shared/api'
import {
  REPORT_DEFAULT_HORIZONS,
  REPORT_SECTION_TITLES,
  REPORT_SECTIONS,
  type ReportSection,
} from '../../../../shared/api-names'
import { SCENARIOS } from '../../../../shared/risk/scenarios'
import { chosenModels, modelForForecast } from '../../services/model-choice'
import { runJob } from '../../services/run-job'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import { h } from '../risk/elements'
import { saveBlob } from '../../services/downloads'

export const HORIZONS = [1, 4, 8, 12] as const

export interface ReportParams {
  week?: string
  horizons?: number[]
  scenarios?: string[]
  sections?: ReportSection[]
  paper?: 'a4' | 'letter'
}

function checkboxes(
  name: string,
  items: { value: string; label: string; title?: string }[],
  checked: (v: string) => boolean,
): { box: HTMLElement; inputs: HTMLInputElement[] } {
  const inputs = items.map((it) => {
    const c = h('input')
    c.type = 'checkbox'
    c.name = name
    c.value = it.value
    c.checked = checked(it.value)
    return c
  })
  const box = h(
    'div',
    `report-checks report-${name}`,
    ...inputs.map((c, i) => {
      const l = h('label', '', c, ` ${items[i].label}`)
      if (items[i].title) l.title = items[i].title!
      return l
    }),
  )
  return { box, inputs }
}

export class ReportEditor implements Editor {
  readonly element: HTMLElement
  private readonly week = h('select', 'report-week')
  private readonly paper = h('select', 'report-paper')
  private readonly horizons: HTMLInputElement[]
  private readonly scenarios: HTMLInputElement[]
  private readonly sections: HTMLInputElement[]
  private readonly status = h('div', 'report-status muted')
  private readonly progress = h('progress', 'report-progress')
  private readonly cancelBtn = h('button', 'small report-cancel', 'Cancel')
  private readonly previewBtn = h('button', 'report-preview-btn', 'Preview')
  private readonly saveHtmlBtn = h('button', 'report-save-html', 'Save HTML')
  private readonly savePdfBtn = h('button', 'report-save-pdf', 'Save PDF')
  private readonly frame = h('iframe', 'report-frame')
  /** The preview shown and the request it was built from. */
  private shown: { key: string; result: ReportResult } | null = null
  private running: { jobId: string | null; key: string } | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  private pending = false
  private disposed = false

  constructor(
    private readonly wb: Workbench,
    private readonly ctx: EditorContext,
    params: ReportParams,
  ) {
    this.week.setAttribute('aria-label', 'Week')
    this.paper.setAttribute('aria-label', 'Paper')
    this.paper.append(new Option('A4', 'a4'), new Option('Letter', 'letter'))
    this.paper.value = params.paper ?? 'a4'
    const hz = params.horizons ?? REPORT_DEFAULT_HORIZONS
    const h1 = checkboxes(
      'horizon',
      HORIZONS.map((x) => ({ value: String(x), label: `h=${x}` })),
      (v) => hz.includes(Number(v)),
    )
    this.horizons = h1.inputs
    const sc = params.scenarios ?? SCENARIOS.map((s) => s.name)
    const s1 = checkboxes(
      'scenario',
      SCENARIOS.map((s) => ({ value: s.name, label: s.name, title: s.title })),
      (v) => sc.includes(v),
    )
    this.scenarios = s1.inputs
    const se = params.sections ?? [...REPORT_SECTIONS]
    const x1 = checkboxes(
      'section',
      REPORT_SECTIONS.map((s) => ({ value: s, label: REPORT_SECTION_TITLES[s] })),
      (v) => se.includes(v as ReportSection),
    )
    this.sections = x1.inputs
    this.fillWeeks(params.week)

    // no script, no same-origin: the report is a document to read, never code to run
    this.frame.setAttribute('sandbox', '')
    this.frame.title = 'Report preview'
    this.progress.hidden = true
    this.cancelBtn.hidden = true
    this.status.setAttribute('role', 'status')
    for (const b of [this.previewBtn, this.saveHtmlBtn, this.savePdfBtn, this.cancelBtn])
      b.type = 'button'
    this.previewBtn.addEventListener('click', () => void this.preview().catch(wb.report))
    this.saveHtmlBtn.addEventListener('click', () => void this.save('html').catch(wb.report))
    this.savePdfBtn.addEventListener('click', () => void this.save('pdf').catch(wb.report))
    this.cancelBtn.addEventListener('click', () => {
      const id = this.running?.jobId
      if (id) void wb.jobs.cancel(id).catch(wb.report)
    })

    const field = (label: string, control: HTMLElement) =>
      h('label', 'report-field', h('span', 'report-field-label', label), control)
    const form = h(
      'form',
      'report-builder',
      h('h3', '', 'Weekly risk report'),
      field('Week', this.week),
      h('fieldset', '', h('legend', '', 'Forecast horizons'), h1.box),
      h('fieldset', '', h('legend', '', 'Scenarios'), s1.box),
      h('fieldset', '', h('legend', '', 'Sections'), x1.box),
      field('Paper', this.paper),
      h('div', 'report-actions', this.previewBtn, this.saveHtmlBtn, this.savePdfBtn),
      h('div', 'report-run', this.progress, this.cancelBtn),
      this.status,
    )
    form.addEventListener('submit', (e) => e.preventDefault())
    form.addEventListener('change', () => {
      this.ctx.saveParams({ ...this.params() })
      this.schedule()
    })
    this.element = h('div', 'report-editor', form, h('div', 'report-preview', this.frame))
    this.setStatus('Building the preview…')
    this.schedule(0)
  }

  private fillWeeks(want?: string): void {
    const keep = want ?? this.week.value
    this.week.replaceChildren(
      ...[...this.wb.archive.weeks].reverse().map((w) => new Option(w.week, w.week)),
    )
    this.week.value =
      keep && this.wb.archive.has(keep)
        ? keep
        : (this.wb.selection.current.week ?? this.wb.archive.lastWeek ?? '')
  }

  private params(): Required<ReportParams> {
    const on = (xs: HTMLInputElement[]) => xs.filter((x) => x.checked).map((x) => x.value)
    return {
      week: this.week.value,
      horizons: on(this.horizons).map(Number),
      scenarios: on(this.scenarios),
      sections: on(this.sections) as ReportSection[],
      paper: this.paper.value as 'a4' | 'letter',
    }
  }

  private request(format: 'html' | 'pdf'): CallRequest<'report.build'> {
    const p = this.params()
    if (!p.week) throw new Error('this archive has no week to report on')
    if (p.sections.length === 0) throw new Error('choose at least one section')
    return {
      week: p.week,
      horizons: p.horizons,
      // none ticked: the contagion section runs every scenario (the engine's default)
      scenarios: p.scenarios.length ? p.scenarios : undefined,
      sections: p.sections,
      paper: p.paper,
      format,
    }
  }

  private schedule(ms = 700): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.preview().catch((e: unknown) => this.fail(e))
    }, ms)
  }

  private setStatus(text: string, tone: '' | 'error' = ''): void {
    this.status.textContent = text
    this.status.dataset.tone = tone
  }

  private fail(e: unknown): void {
    this.setStatus(e instanceof Error ? e.message : String(e), 'error')
    this.wb.report(e)
  }

  /**
   * Builds the report as a job and resolves with its result (null when cancelled or failed). A
   * build for a save leaves the Log's line to the save: one line per saved file, naming it.
   */
  private async build(format: 'html' | 'pdf', forSave = false): Promise<ReportResult | null> {
    const req = this.request(format)
    const key = this.key(req)
    this.running = { jobId: null, key }
    this.progress.hidden = false
    this.progress.removeAttribute('value')
    this.cancelBtn.hidden = false
    this.element.dataset.state = 'building'
    const label = `Report ${req.week}${format === 'pdf' ? ' (PDF)' : ''}`
    try {
      const models = await this.modelsInUse(req)
      const done = await runJob(
        this.wb.api,
        () => this.wb.api.call('report.build', { ...req, ...(models ? { models } : {}) }),
        (p) => {
          if (p.total) {
            this.progress.max = p.total
            this.progress.value = p.done
          }
          if (p.message) this.setStatus(`${label}: ${p.message}…`)
        },
        (id) => {
          // the Jobs panel lists it too (JobsService adopts every job from its events)
          if (this.running) this.running.jobId = id
          if (forSave) this.wb.jobs.loggedByItsView(id)
        },
      )
      if (done.state === 'cancelled') {
        this.setStatus('Cancelled.')
        return null
      }
      if (done.state !== 'done' || !done.result) {
        this.setStatus(done.error?.message ?? done.message ?? 'the report failed', 'error')
        return null
      }
      // a job's result is untyped in the contract: checked here, with the schema loaded on use
      const { ReportResultSchema } = await import('../../../../shared/api-report')
      const result = ReportResultSchema.parse(done.result)
      // the HTML of a PDF build is the same document: keep it as the preview
      this.show(key, result)
      return result
    } finally {
      this.running = null
      this.progress.hidden = true
      this.cancelBtn.hidden = true
      this.element.dataset.state = 'idle'
      if (this.pending && !this.disposed) {
        this.pending = false
        this.schedule(0)
      }
    }
  }

  /** What a built report depends on: the request and the models chosen for the forecasts. */
  private key(req: CallRequest<'report.build'>): string {
    const file = this.wb.archive.info?.file
    return JSON.stringify({ ...req, format: undefined, models: file ? chosenModels(file) : {} })
  }

  /**
   * The models chosen for the report's horizons (model manager), as `report.build`'s `models`:
   * the engine then reads or computes each chosen model's forecast, never another model's, and
   * uses the horizon's default model where none is chosen (or a choice is stale: its folder is
   * gone, and the views fall back to the default too). Undefined when nothing is chosen.
   */
  private async modelsInUse(
    req: CallRequest<'report.build'>,
  ): Promise<Record<string, string> | undefined> {
    if (req.sections && !req.sections.includes('forecast')) return undefined
    const models: Record<string, string> = {}
    for (const horizon of req.horizons ?? REPORT_DEFAULT_HORIZONS) {
      const use = await modelForForecast(this.wb, horizon)
      if (use.dir !== undefined) models[String(horizon)] = use.dir
    }
    return Object.keys(models).length ? models : undefined
  }

  private show(key: string, result: ReportResult): void {
    this.shown = { key, result }
    this.frame.srcdoc = result.html
    this.element.dataset.previewWeek = result.week
    const computed = result.computed.length ? ` Computed first: ${result.computed.join('; ')}.` : ''
    this.setStatus(
      `Week ${result.week}, ${result.sections.length} sections, built in ${(result.elapsedMs / 1000).toFixed(1)} s.${computed}`,
    )
  }

  /** Rebuilds the preview unless it already shows the form's report. */
  private async preview(): Promise<void> {
    if (this.disposed || !this.wb.archive.weeks.length) return
    const key = this.key(this.request('html'))
    if (this.shown?.key === key) return
    if (this.running) {
      this.pending = true
      return
    }
    await this.build('html')
  }

  private async save(format: 'html' | 'pdf'): Promise<void> {
    if (this.running) {
      this.wb.flash('A report is being built: wait for it or cancel it.', 'warning')
      return
    }
    const key = this.key(this.request(format))
    const result =
      format === 'html' && this.shown?.key === key
        ? this.shown.result
        : await this.build(format, true)
    if (!result) return
    const name = `dexposure-report-${result.week}.${format}`
    if (format === 'pdf') {
      if (!result.pdfBase64) throw new Error('the engine returned no PDF')
      const bytes = Uint8Array.from(atob(result.pdfBase64), (c) => c.charCodeAt(0))
      saveBlob(new Blob([bytes], { type: 'application/pdf' }), name)
    } else saveBlob(new Blob([result.html], { type: 'text/html' }), name)
    // the save's one Log line (its build, when it needed one, logs none of its own)
    this.wb.log.info('report', `saved ${name}`)
    this.setStatus(`Saved ${name}.`)
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    const id = this.running?.jobId
    if (id) void this.wb.jobs.cancel(id).catch(this.wb.report)
  }
}
