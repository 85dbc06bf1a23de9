// The model manager: every model a forecast on this archive can use (its own models/hH, then the
// shipped ones) with its manifest facts — training window with the validation and test
// boundaries and how they were split, the data it was trained on, headline validation metrics —
// which one is the engine's default, which one the workbench's views use ("Use this model",
// services/model-choice.ts), and training a new one as a `train` job (`dexposure train`'s
// options; a refused split is shown at its field).
import type { CallResponse } from '../../../../shared/api'
import { chooseModel, MODEL_CHOICE_EVENT, modelInUse } from '../../services/model-choice'
import { smallButton } from '../../ui/dom'
import type { Editor } from '../../workbench/editors'
import type { Workbench } from '../context'
import { HORIZONS } from './backtest-view'
import { errorLine, field, input, JobRunner, select } from './job-form'

type ModelEntry = CallResponse<'models.list'>[number]

export interface ModelsViewActions {
  openCard(m: ModelEntry): void
  backtest(m: ModelEntry): void
}

/** The window's keys in reading order, with the words the manager shows for them. */
const WINDOW_KEYS: [key: string, label: string][] = [
  ['from', 'first anchor'],
  ['until', 'training targets before'],
  ['validation_from', 'validation from'],
  ['validation_until', 'validation targets before'],
  ['last_week_used', 'last week seen'],
  ['test_from', 'test weeks from'],
  ['split', 'split'],
]

const METRICS: [key: string, label: string][] = [
  ['validation_auprc_all_pairs', 'AUPRC (all pairs)'],
  ['validation_ece_all_pairs', 'ECE'],
  ['validation_node_mae', 'node MAE'],
  ['validation_weight_mae', 'weight MAE'],
]

export class ModelsView implements Editor {
  readonly element = document.createElement('div')
  private readonly list = document.createElement('div')
  private readonly runner: JobRunner
  private readonly trainError = document.createElement('p')
  private readonly trainOutcome = document.createElement('p')
  private readonly offs: (() => void)[] = []

  constructor(
    private readonly wb: Workbench,
    private readonly actions: ModelsViewActions,
  ) {
    this.element.className = 'doc-view models-view'
    this.runner = new JobRunner(wb, 'train')
    const title = document.createElement('h2')
    title.textContent = 'Forecast models'
    const intro = document.createElement('p')
    intro.className = 'muted'
    intro.textContent =
      'The engine’s default for a horizon is the archive’s own model (models/hH beside it, ' +
      'written by training) when there is one, else the shipped model. “Use this model” makes ' +
      'the workbench’s forecasts and backtests use another one on this archive (your choice, ' +
      'kept for this archive; the CLI keeps the default).'
    this.list.className = 'models-list'
    this.element.append(title, intro, this.list, this.trainForm())
    const onChoice = (): void => void this.refresh().catch(wb.report)
    window.addEventListener(MODEL_CHOICE_EVENT, onChoice)
    this.offs.push(
      () => window.removeEventListener(MODEL_CHOICE_EVENT, onChoice),
      wb.archive.changed.on(onChoice),
    )
    void this.refresh().catch(wb.report)
  }

  async refresh(): Promise<void> {
    const models = await this.wb.api.call('models.list', {})
    const file = this.wb.archive.info?.file ?? ''
    if (!models.length) {
      const p = document.createElement('p')
      p.className = 'muted'
      p.textContent =
        'No models found: the shipped ones live in resources/models, and training writes models/hH beside the archive.'
      this.list.replaceChildren(p)
      return
    }
    const table = document.createElement('table')
    table.className = 'grid models-table'
    const head = table.createTHead().insertRow()
    for (const [t, num] of [
      ['horizon', true],
      ['model', false],
      ['training window', false],
      ['training data', false],
      ...METRICS.map(([, l]) => [l, true] as [string, boolean]),
      ['', false],
    ] as [string, boolean][]) {
      const th = document.createElement('th')
      th.textContent = t
      if (num) th.className = 'num'
      head.append(th)
    }
    const body = table.createTBody()
    for (const h of [...new Set(models.map((m) => m.horizon))]) {
      const use = modelInUse(file, h, models)
      for (const m of models.filter((x) => x.horizon === h))
        body.append(this.row(m, use.model?.dir === m.dir, use.chosen, file))
      if (use.stale) {
        const tr = body.insertRow()
        const td = tr.insertCell()
        td.colSpan = 5 + METRICS.length
        td.className = 'backtest-warning'
        td.textContent = `⚠ h=${h}: the chosen model ${use.stale} is no longer usable; the views use the default.`
      }
    }
    this.list.replaceChildren(table)
  }

  private row(m: ModelEntry, inUse: boolean, chosen: boolean, file: string): HTMLTableRowElement {
    const tr = document.createElement('tr')
    tr.dataset.model = m.dir
    tr.dataset.horizon = String(m.horizon)
    tr.dataset.source = m.source
    if (inUse) tr.classList.add('in-use')
    const h = tr.insertCell()
    h.className = 'num'
    h.textContent = `h=${m.horizon}`
    const name = tr.insertCell()
    const strong = document.createElement('strong')
    strong.textContent = m.name
    const badges = document.createElement('div')
    badges.className = 'model-badges'
    const badge = (text: string, cls: string, title: string) => {
      const b = document.createElement('span')
      b.className = `model-badge ${cls}`
      b.textContent = text
      b.title = title
      badges.append(b)
    }
    badge(
      m.source,
      m.source,
      m.source === 'archive' ? 'trained for this archive' : 'shipped with the workbench',
    )
    if (m.isDefault) badge('default', 'default', 'the engine’s default for this horizon')
    if (inUse)
      badge(
        'in use',
        'in-use',
        chosen ? 'chosen for the workbench’s views' : 'the views use the default',
      )
    if (m.problem) badge('unusable', 'problem', m.problem)
    // the folder's last two parts (models/h1) on screen, the whole path on hover
    const dir = document.createElement('small')
    dir.className = 'muted model-dir'
    dir.textContent = `…/${m.dir.split(/[\\/]/).slice(-2).join('/')}`
    dir.title = m.dir
    name.append(strong, badges, dir)
    const win = tr.insertCell()
    win.className = 'model-window'
    win.dataset.cell = 'window'
    for (const [k, label] of WINDOW_KEYS) {
      const v = m.trainingWindow[k]
      if (v === undefined) continue
      const line = document.createElement('div')
      line.dataset.key = k
      line.textContent = `${label}: ${v}`
      win.append(line)
    }
    if (!win.childElementCount) win.textContent = m.problem ? '—' : 'not recorded'
    const data = tr.insertCell()
    data.dataset.cell = 'data'
    data.textContent =
      m.synthetic === null
        ? 'not recorded'
        : `${m.synthetic ? 'synthetic' : 'real'}${m.maxNodes === null ? '' : ` · ≤ ${m.maxNodes.toLocaleString('en')} nodes/week`}`
    if (m.synthetic) data.classList.add('synthetic-note')
    for (const [k] of METRICS) {
      const td = tr.insertCell()
      td.className = 'num'
      const v = m.metrics[k]
      td.textContent = v === undefined ? '—' : v.toFixed(4)
    }
    const act = tr.insertCell()
    act.className = 'model-actions'
    const use = smallButton(inUse ? 'In use' : 'Use this model', () => {
      chooseModel(file, m.horizon, m.isDefault ? null : m.dir)
      this.wb.log.info('models', `forecasts and backtests at h=${m.horizon} now use ${m.dir}`)
    })
    use.dataset.action = 'use'
    use.disabled = inUse || m.problem !== null
    const card = smallButton('Card', () => this.actions.openCard(m))
    card.dataset.action = 'card'
    const bt = smallButton('Backtest…', () => this.actions.backtest(m))
    bt.dataset.action = 'backtest'
    bt.disabled = m.problem !== null
    act.append(use, card, bt)
    return tr
  }

  private trainForm(): HTMLElement {
    const box = document.createElement('section')
    box.className = 'train-section'
    const h = document.createElement('h3')
    h.textContent = 'Train a model for this archive'
    const note = document.createElement('p')
    note.className = 'muted'
    note.textContent =
      '`dexposure train` as a job (PyTorch from Debian; minutes on the demo archive). It writes ' +
      'models/hH beside the archive, which becomes the default for that horizon. Split: auto ' +
      'trains on the first 70 % of the weeks and validates on the next 15 %, leaving the rest for ' +
      'backtests; --until, --val-until or --val-weeks set the boundaries yourself.'
    const horizon = select(
      HORIZONS.map((x) => [String(x), `${x} week${x > 1 ? 's' : ''}`]),
      '1',
    )
    const split = select(
      [
        ['auto', 'auto (70 / 15 / 15 %)'],
        ['paper', 'paper (2024-07-22 / 2025-01-01)'],
      ],
      'auto',
    )
    const until = input('YYYY-MM-DD', 10, 'train-weeks')
    const weeks = document.createElement('datalist')
    weeks.id = 'train-weeks'
    weeks.append(...this.wb.archive.weeks.map((w) => new Option(w.week)))
    const valUntil = input('YYYY-MM-DD', 10)
    const valWeeks = input('weeks', 4)
    const epochs = input('12', 3)
    const train = document.createElement('button')
    train.type = 'button'
    train.textContent = 'Train…'
    train.dataset.action = 'train'
    this.trainError.className = 'error-text form-error'
    this.trainError.hidden = true
    this.trainOutcome.className = 'train-outcome'
    this.trainOutcome.hidden = true
    const form = document.createElement('div')
    form.className = 'form-row train-form'
    form.append(
      field('horizon', horizon, 'horizon'),
      field('split', split, 'split'),
      field('--until', until, 'until'),
      field('--val-until', valUntil, 'valUntil'),
      field('--val-weeks', valWeeks, 'valWeeks'),
      field('epochs', epochs, 'epochs'),
      train,
    )
    const num = (i: HTMLInputElement) => (i.value.trim() === '' ? undefined : Number(i.value))
    const text = (i: HTMLInputElement) => (i.value.trim() === '' ? undefined : i.value.trim())
    train.addEventListener('click', () => {
      if (this.runner.running) return
      this.trainError.hidden = true
      this.trainOutcome.hidden = true
      for (const f of form.querySelectorAll('.form-field.invalid')) f.classList.remove('invalid')
      const h = Number(horizon.value)
      const request = {
        horizon: h,
        split: split.value as 'auto' | 'paper',
        until: text(until),
        valUntil: text(valUntil),
        valWeeks: num(valWeeks),
        epochs: num(epochs),
      }
      train.disabled = true
      void this.runner
        .run('train', `Train h=${h}`, () => this.wb.api.call('train.run', request))
        .then(async (done) => {
          if (done.state === 'done') {
            const w = (done.result?.trainingWindow ?? {}) as Record<string, string>
            this.outcome(
              `Trained ${String(done.result?.modelDir)} (window ${w.from ?? '?'} … ${w.last_week_used ?? '?'}); it is now the default for h=${h}.`,
            )
            await this.refresh()
          } else if (done.state === 'cancelled')
            this.outcome('Training cancelled: no model written.')
          else this.fail(done.error ?? { message: done.message ?? 'training failed' }, form)
        })
        .catch((e: unknown) => this.fail(e, form))
        .finally(() => (train.disabled = false))
    })
    box.append(h, note, form, weeks, this.trainError, this.runner.element, this.trainOutcome)
    return box
  }

  private outcome(text: string): void {
    this.trainOutcome.textContent = text
    this.trainOutcome.hidden = false
  }

  /** A refused request or a failed job, at the field it names when it names one. */
  private fail(e: unknown, form: HTMLElement): void {
    const { text, field: name } = errorLine(e)
    this.trainError.textContent = text
    this.trainError.dataset.field = name ?? ''
    this.trainError.hidden = false
    if (name) form.querySelector(`.form-field[data-field="${name}"]`)?.classList.add('invalid')
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off()
  }
}
