// The backtest editor: choose a horizon and a model (and optionally the first and last anchor
// weeks), run `backtest.run` as a job with progress and cancel, or open a stored run; then the
// tables `dexposure backtest` prints (paper and realistic protocols, model vs persistence vs
// EdgeBank), the node-TVL errors, and the PR curves and reliability diagram the engine stored
// with the run. Everything shown is the stored report (`backtest.result`), so a run reopens as is.
import type { CallResponse } from '../../../../shared/api'
import { MODEL_CHOICE_EVENT, modelInUse } from '../../services/model-choice'
import type { ChartHandle } from '../../ui/chart'
import { factsList } from '../../ui/dom'
import { tableExportButton } from '../../ui/export-dialog'
import { count } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import { prCurveChart, reliabilityChart } from './curves'
import { errorLine, field, input, JobRunner, select } from './job-form'
import {
  CLI_COLUMNS,
  metricTable,
  NODE_COLUMNS,
  PAPER_COLUMNS,
  REALISTIC_COLUMNS,
} from './metric-tables'

type Result = NonNullable<CallResponse<'backtest.result'>>
type ModelEntry = CallResponse<'models.list'>[number]

export const HORIZONS = [1, 4, 8, 12]
const NO_MODEL = '__none__'

export interface BacktestParams {
  runId?: number
  horizon?: number
  model?: string
}

export class BacktestView implements Editor {
  readonly element = document.createElement('div')
  private readonly horizon = select(
    HORIZONS.map((h) => [String(h), `${h} week${h > 1 ? 's' : ''}`]),
    '1',
  )
  private readonly model = select([])
  private readonly from = input('first week', 10, 'backtest-weeks')
  private readonly to = input('last week', 10, 'backtest-weeks')
  private readonly runButton = document.createElement('button')
  private readonly stored = select([])
  private readonly runner: JobRunner
  private readonly error = document.createElement('p')
  private readonly body = document.createElement('div')
  private readonly charts: ChartHandle[] = []
  private models: ModelEntry[] = []
  private result: Result | null = null
  private readonly offs: (() => void)[] = []

  constructor(
    private readonly wb: Workbench,
    private readonly ctx: EditorContext,
    params: BacktestParams,
  ) {
    this.element.className = 'doc-view backtest-view'
    this.runner = new JobRunner(wb, 'backtest')
    if (params.horizon) this.horizon.value = String(params.horizon)
    this.runButton.type = 'button'
    this.runButton.textContent = 'Run backtest'
    this.runButton.dataset.action = 'run'
    this.runButton.addEventListener('click', () => void this.run().catch(wb.report))
    this.horizon.addEventListener('change', () => this.fillModels())
    this.stored.addEventListener('change', () => {
      const id = Number(this.stored.value)
      if (id) void this.open(id).catch(wb.report)
    })
    this.error.className = 'error-text form-error'
    this.error.hidden = true
    const weeks = document.createElement('datalist')
    weeks.id = 'backtest-weeks'
    weeks.append(...[...wb.archive.weeks].reverse().map((w) => new Option(w.week)))
    const title = document.createElement('h2')
    title.textContent = 'Backtest'
    const intro = document.createElement('p')
    intro.className = 'muted'
    intro.textContent =
      'Walk-forward evaluation on archived weeks after the model’s training window ' +
      '(docs/evaluation.md): the same engine and defaults as `dexposure backtest`. ' +
      'Leave the weeks empty for the defaults (a model’s test weeks).'
    const form = document.createElement('div')
    form.className = 'form-row backtest-form'
    form.append(
      field('horizon', this.horizon, 'horizon'),
      field('model', this.model, 'model'),
      field('from', this.from, 'from'),
      field('to', this.to, 'to'),
      this.runButton,
      field('stored runs', this.stored, 'stored'),
    )
    this.body.className = 'backtest-body'
    this.element.append(title, intro, form, weeks, this.error, this.runner.element, this.body)
    this.offs.push(
      wb.theme.changed.on(() => this.result && this.render(this.result)),
      wb.archive.changed.on(() => void this.refreshLists().catch(wb.report)),
    )
    // a model chosen in the manager becomes this form's model for its horizon
    const onChoice = (): void => this.fillModels(true)
    window.addEventListener(MODEL_CHOICE_EVENT, onChoice)
    this.offs.push(() => window.removeEventListener(MODEL_CHOICE_EVENT, onChoice))
    void this.init(params).catch(wb.report)
  }

  private async init(params: BacktestParams): Promise<void> {
    await this.refreshLists()
    if (params.runId) await this.open(params.runId)
    else {
      if (params.horizon) this.prepare(params.horizon, params.model)
      this.showEmpty()
    }
  }

  /** Models and stored runs, read again when the archive changes or a run is stored. */
  async refreshLists(): Promise<void> {
    const [models, runs] = await Promise.all([
      this.wb.api.call('models.list', {}),
      this.wb.api.call('backtest.list', { limit: 200 }),
    ])
    this.models = models
    this.fillModels()
    const current = this.stored.value
    this.stored.replaceChildren(
      new Option(runs.length ? `${runs.length} stored…` : 'none stored', ''),
      ...runs.map(
        (r) =>
          new Option(
            `#${r.runId} h=${r.horizon} · ${r.model ?? 'baselines only'} · ${r.firstWeek} … ${r.lastWeek}${r.stale ? ' (stale)' : ''}`,
            String(r.runId),
          ),
      ),
    )
    this.stored.value = runs.some((r) => String(r.runId) === current) ? current : ''
  }

  /** The horizon's models, the one the views use preselected; and "baselines only". */
  private fillModels(preferInUse = false): void {
    const h = Number(this.horizon.value)
    const file = this.wb.archive.info?.file ?? ''
    const use = modelInUse(file, h, this.models)
    const previous = this.model.value
    const options = this.models
      .filter((m) => m.horizon === h)
      .map((m) => {
        const o = new Option(
          `${m.name} (${m.source})${m.isDefault ? ' · default' : ''}${use.model?.dir === m.dir ? ' · in use' : ''}${m.problem ? ' · unusable' : ''}`,
          m.dir,
        )
        o.disabled = m.problem !== null
        o.title = m.problem ?? m.dir
        return o
      })
    this.model.replaceChildren(...options, new Option('none: baselines only', NO_MODEL))
    const keep = !preferInUse && options.find((o) => o.value === previous && !o.disabled)
    this.model.value = keep ? previous : (use.model?.dir ?? NO_MODEL)
  }

  /** Sets the form for a new run (from a model's card or the model manager). */
  prepare(horizon: number, model?: string): void {
    this.horizon.value = String(horizon)
    this.fillModels()
    if (model && [...this.model.options].some((o) => o.value === model && !o.disabled))
      this.model.value = model
    this.runButton.focus()
  }

  /** Opens the stored run in this tab (its id is kept with the layout). */
  async open(runId: number): Promise<void> {
    const r = await this.wb.api.call('backtest.result', { runId })
    if (!r) {
      this.showEmpty(`Backtest #${runId} is no longer stored in this archive.`)
      return
    }
    this.result = r
    this.horizon.value = String(r.horizon)
    this.fillModels()
    if (r.modelDir && [...this.model.options].some((o) => o.value === r.modelDir))
      this.model.value = r.modelDir
    else if (!r.modelDir) this.model.value = NO_MODEL
    this.stored.value = [...this.stored.options].some((o) => o.value === String(runId))
      ? String(runId)
      : ''
    this.ctx.setTitle(`Backtest h=${r.horizon} #${r.runId}`)
    this.ctx.saveParams({ runId })
    this.render(r)
  }

  /** Runs a backtest with the form's options; a refused request is shown at the form. */
  async run(): Promise<void> {
    if (this.runner.running) return
    this.error.hidden = true
    const horizon = Number(this.horizon.value)
    const model = this.model.value === NO_MODEL ? null : this.model.value
    const request = {
      horizon,
      model,
      ...(this.from.value.trim() ? { from: this.from.value.trim() } : {}),
      ...(this.to.value.trim() ? { to: this.to.value.trim() } : {}),
    }
    this.runButton.disabled = true
    try {
      const label = `Backtest h=${horizon}${model === null ? ' (baselines)' : ''}`
      const done = await this.runner.run('backtest', label, () =>
        this.wb.api.call('backtest.run', request),
      )
      if (done.state === 'done') {
        await this.refreshLists()
        await this.open(Number(done.result?.runId))
      } else if (done.state === 'cancelled') this.showOutcome('Backtest cancelled: nothing stored.')
      else this.showError(done.error ?? { message: done.message ?? 'the backtest failed' })
    } catch (e) {
      // refused before it started (a bad week, a model folder that is gone, a running backtest)
      this.showError(e)
    } finally {
      this.runButton.disabled = false
    }
  }

  private showError(e: unknown): void {
    const { text, field: name } = errorLine(e)
    this.error.textContent = text
    this.error.dataset.field = name ?? ''
    this.error.hidden = false
  }

  private showOutcome(text: string): void {
    const p = document.createElement('p')
    p.className = 'backtest-outcome'
    p.textContent = text
    this.body.prepend(p)
  }

  private showEmpty(text?: string): void {
    this.disposeCharts()
    const p = document.createElement('p')
    p.className = 'muted'
    p.textContent =
      text ??
      'No backtest open. Run one with the options above, or open a stored run (`dexposure backtest` stores nothing; runs from the workbench are kept in the archive).'
    this.body.replaceChildren(p)
  }

  private disposeCharts(): void {
    for (const c of this.charts.splice(0)) c.dispose()
  }

  private render(r: Result): void {
    this.disposeCharts()
    const theme = this.wb.theme.colors
    const h3 = document.createElement('h3')
    h3.textContent =
      `h=${r.horizon} · ${r.model ?? 'baselines only'} · ${r.anchors} anchor week${r.anchors === 1 ? '' : 's'} ` +
      `${r.firstWeek} … ${r.lastWeek}`
    const warnings: string[] = []
    if (r.stale)
      warnings.push('An import changed the archive after this backtest ran: run it again.')
    if (r.synthetic)
      warnings.push('Synthetic demo data: these figures say nothing about real exposures.')
    const realBase = r.pairs.realisticPositives / Math.max(1, r.pairs.realistic)
    const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)} %`)
    const params = Object.entries(r.params)
      .map(([k, v]) => `${k} ${v === null ? 'default' : String(v)}`)
      .join(' · ')
    const facts = factsList([
      ['model', r.modelDir ?? 'none (baselines only)'],
      ['provider', r.provider ?? '—'],
      ['options', params],
      [
        'pairs',
        `paper ${count(r.pairs.paper)} (${count(r.pairs.paperPositives)} positives, 1:${r.negRatio}) · ` +
          `realistic ${count(r.pairs.realistic)} (${count(r.pairs.realisticPositives)} positives, base rate ${realBase.toExponential(2)})`,
      ],
      [
        'candidate recall',
        `mean ${pct(r.candidateRecall.mean)}, min ${pct(r.candidateRecall.min)} (target ${pct(r.candidateRecall.target)}); new edges ${pct(r.candidateRecall.newEdgeMean)}`,
      ],
      [
        'ran',
        `${r.created.slice(0, 16).replace('T', ' ')} UTC in ${(r.durationMs / 1000).toFixed(1)} s (run #${r.runId})`,
      ],
    ])
    const notes = warnings.map((w) => {
      const p = document.createElement('p')
      p.className = 'backtest-warning'
      p.textContent = `⚠ ${w}`
      return p
    })
    const section = (title: string, note: string, ...content: HTMLElement[]) => {
      const s = document.createElement('section')
      s.className = 'backtest-section'
      const h = document.createElement('h4')
      h.textContent = title
      const n = document.createElement('p')
      n.className = 'muted'
      n.textContent = note
      s.append(h, n, ...content)
      return s
    }
    const chartBox = (name: string, title: string) => {
      const box = document.createElement('figure')
      box.className = 'backtest-chart'
      const cap = document.createElement('figcaption')
      cap.textContent = title
      const host = document.createElement('div')
      host.className = 'backtest-chart-host'
      host.dataset.chart = name
      box.append(cap, host)
      return { box, host }
    }
    const pr = chartBox('pr', 'Precision–recall over all pairs (realistic protocol)')
    const rel = chartBox('reliability', 'Reliability: observed frequency per probability bin')
    const charts = document.createElement('div')
    charts.className = 'backtest-charts'
    charts.append(pr.box, rel.box)
    // every metric of the run (both protocols, every scorer), one row each
    const exportBtn = tableExportButton(this.wb, `the metrics of backtest #${r.runId}`, () => ({
      table: 'backtest',
      run: r.runId,
    }))
    this.body.replaceChildren(
      h3,
      ...notes,
      facts,
      exportBtn,
      section(
        'Summary',
        'The table `dexposure backtest` prints for these options (best of each column in bold).',
        metricTable(r, CLI_COLUMNS, theme, 'cli'),
      ),
      charts,
      section(
        'Paper protocol',
        `True edges at t+h against ${r.negRatio} random non-edges each, as the reference measures ` +
          '(optimistic: the realistic protocol below is the one to trust).',
        metricTable(r, PAPER_COLUMNS, theme, 'paper'),
      ),
      section(
        'Realistic protocol',
        'Every ordered pair of nodes of t (or the candidate set on large weeks) at its true base ' +
          'rate; precision and recall at the K most probable pairs.',
        metricTable(r, REALISTIC_COLUMNS, theme, 'realistic'),
      ),
      section(
        'Node TVL',
        'Error of the predicted ln(1+TVL) at t+h; the baselines predict no change.',
        metricTable(r, NODE_COLUMNS, theme, 'node'),
      ),
    )
    // ECharts measures its host: draw once the elements are in the page
    this.charts.push(prCurveChart(pr.host, r.curves, theme))
    this.charts.push(reliabilityChart(rel.host, r.curves, theme))
  }

  onResize(): void {
    for (const c of this.charts) c.resize()
  }

  onVisible(visible: boolean): void {
    if (visible) this.onResize()
  }

  dispose(): void {
    this.disposeCharts()
    for (const off of this.offs.splice(0)) off()
  }
}
