// The Risk side view: the scenario runner and the stress run. A scenario is a built-in one (the
// engine's list, as `dexposure risk --scenario` knows them) or a custom shock typed in the
// `--shock` grammar (checked as it is typed with the engine's own parser; the selected graph node
// or a node found by name can be added to it). Method(s), distress threshold and rounds; on the
// observed week or its forecast graph (h = 1/4/8/12). Run starts the engine job (`risk.run`, or
// `risk.stress` for Monte Carlo draws on the forecast) with progress and Cancel here and in the
// Jobs panel, then opens the result in an editor.
import { modelForForecast } from '../../services/model-choice'
import type { CallRequest, EventPayload } from '../../../../shared/api'
import { CONTAGION_METHOD_NAMES } from '../../../../shared/api-names'
import { SCENARIOS } from '../../../../shared/risk/scenarios'
import type { ApiError } from '../../services/api-client'
import type { JobView } from '../../services/jobs'
import { count } from '../../ui/format'
import type { SideView } from '../../workbench/parts'
import type { Workbench } from '../context'
import { h } from './elements'
import { METHOD_LABELS, type MethodName } from './playback-model'
import {
  addNodeToShock,
  checkShock,
  describeShockProblem,
  type ShockCheck,
  type WeekVocabulary,
} from './shock-check'

export const HORIZONS = [1, 4, 8, 12] as const
const CUSTOM = '__custom'

/** What the runner hands the editors it opens. */
export interface RunnerHooks {
  openScenario(runId: number, scenario: string, week: string): void
  openStress(runId: number, week: string, horizon: number): void
}

function field(labelText: string, control: HTMLElement, hint?: string): HTMLElement {
  const l = h('label', 'risk-field', h('span', 'risk-field-label', labelText), control)
  if (hint) l.title = hint
  return l
}

function numberInput(
  value: number,
  min: number,
  max: number,
  step: number,
  name: string,
): HTMLInputElement {
  const i = h('input')
  i.type = 'number'
  i.min = String(min)
  i.max = String(max)
  i.step = String(step)
  i.value = String(value)
  i.name = name
  return i
}

/** A number in [min, max] from an input, or an error naming the field. */
function readNumber(i: HTMLInputElement, what: string, integer = false): number {
  const v = Number(i.value)
  const min = Number(i.min)
  const max = Number(i.max)
  if (
    i.value.trim() === '' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  )
    throw new Error(
      `${what} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    )
  return v
}

export function riskSideView(wb: Workbench, hooks: RunnerHooks): SideView {
  let rendered = false
  const view: SideView = {
    id: 'risk',
    title: 'Risk',
    icon: 'flame',
    order: 30,
    render: (host) => {
      rendered = true
      build(host)
    },
  }

  // ---- controls (built once; the archive and selection fill them) -------------------------------
  const week = h('select', 'risk-week')
  week.setAttribute('aria-label', 'Week')
  const graphKind = h('select', 'risk-graph')
  graphKind.setAttribute('aria-label', 'Graph')
  graphKind.append(new Option('observed week', 'observed'))
  for (const hz of HORIZONS) graphKind.append(new Option(`forecast h=${hz}`, String(hz)))
  const scenario = h('select', 'risk-scenario')
  scenario.setAttribute('aria-label', 'Scenario')
  for (const s of SCENARIOS) scenario.append(new Option(s.title, s.name))
  scenario.append(new Option('Custom shock…', CUSTOM))
  scenario.value = 'top5-protocols'
  const shock = h('input', 'risk-shock')
  shock.type = 'text'
  shock.spellcheck = false
  shock.placeholder = 'top:5:sis@30%  ·  nodes:182,1839@1  ·  category:Lending@0.5'
  shock.setAttribute('aria-label', 'Custom shock')
  const shockMsg = h('div', 'risk-shock-message muted')
  shockMsg.setAttribute('role', 'status')
  const addSelected = h('button', 'small', 'Add the selected node')
  addSelected.type = 'button'
  const nodeSearch = h('input', 'risk-node-search')
  nodeSearch.type = 'search'
  nodeSearch.placeholder = 'Find a node by name or id…'
  nodeSearch.setAttribute('aria-label', 'Find a node to shock')
  const nodeHits = h('ul', 'tree risk-node-hits')
  const customBox = h(
    'div',
    'risk-custom',
    field(
      'Shock',
      shock,
      'SPEC := TERM (+ TERM)* [@ FRACTION]; terms nodes:, category:, category~:, sector:, top:K[:tvl|sis|exposure]',
    ),
    shockMsg,
    h('div', 'row', addSelected),
    nodeSearch,
    nodeHits,
  )
  const methodBoxes = CONTAGION_METHOD_NAMES.map((m) => {
    const c = h('input')
    c.type = 'checkbox'
    c.checked = true
    c.value = m
    c.name = 'method'
    return c
  })
  const methods = h(
    'div',
    'risk-methods',
    ...methodBoxes.map((c) => h('label', '', c, ` ${METHOD_LABELS[c.value as MethodName]}`)),
  )
  const threshold = numberInput(0.1, 0, 1, 0.01, 'threshold')
  const rounds = numberInput(10, 1, 1000, 1, 'rounds')
  const runBtn = h('button', 'risk-run', 'Run scenario')
  runBtn.type = 'button'
  const runStatus = h('div', 'risk-status muted')
  runStatus.setAttribute('role', 'status')
  const cancelBtn = h('button', 'small risk-cancel', 'Cancel')
  cancelBtn.type = 'button'
  cancelBtn.hidden = true
  const progress = h('progress', 'risk-progress')
  progress.hidden = true

  // stress
  const stressHorizon = h('select', 'stress-horizon')
  stressHorizon.setAttribute('aria-label', 'Horizon')
  for (const hz of HORIZONS) stressHorizon.append(new Option(`h=${hz}`, String(hz)))
  stressHorizon.value = '4'
  const draws = numberInput(200, 1, 10_000, 1, 'draws')
  const seed = numberInput(1, 0, 2 ** 31 - 1, 1, 'seed')
  const stressMethod = h('select', 'stress-method')
  stressMethod.setAttribute('aria-label', 'Method')
  stressMethod.append(new Option('all three', 'all'))
  for (const m of CONTAGION_METHOD_NAMES) stressMethod.append(new Option(METHOD_LABELS[m], m))
  const lossThresholds = h('input', 'stress-thresholds')
  lossThresholds.type = 'text'
  lossThresholds.value = '1, 5, 10'
  const stressBtn = h('button', 'stress-run', 'Run stress')
  stressBtn.type = 'button'
  const stressStatus = h('div', 'risk-status stress-status muted')
  stressStatus.setAttribute('role', 'status')
  const stressCancel = h('button', 'small stress-cancel', 'Cancel')
  stressCancel.type = 'button'
  stressCancel.hidden = true
  const stressProgress = h('progress', 'risk-progress')
  stressProgress.hidden = true

  // ---- behaviour -------------------------------------------------------------------------------
  let vocabulary: WeekVocabulary | null = null
  let lastCheck: ShockCheck | null = null

  const fillWeeks = (): void => {
    const keep = week.value
    week.replaceChildren(...[...wb.archive.weeks].reverse().map((w) => new Option(w.week, w.week)))
    week.value =
      keep && wb.archive.has(keep) ? keep : (wb.selection.current.week ?? wb.archive.lastWeek ?? '')
  }
  /** Follows the week the active graph shows. */
  const syncWeek = (): void => {
    const w = wb.selection.current.week
    if (w && wb.archive.has(w) && w !== week.value) {
      week.value = w
      void loadVocabulary().catch(wb.report)
    }
  }
  const loadVocabulary = async (): Promise<void> => {
    const w = week.value
    if (!w) return
    const [u, frame] = await Promise.all([wb.data.loadUniverse(), wb.data.loadWeek(w)])
    const nodes = new Set<string>()
    const cats = new Set<string>()
    const secs = new Set<string>()
    for (const i of frame.nodes) {
      nodes.add(u.ids[i])
      cats.add(u.categories[u.category[i]])
      secs.add(u.sectors[u.sector[i]])
    }
    if (week.value !== w) return
    vocabulary = { week: w, nodes, categories: [...cats], sectors: [...secs] }
    validate()
  }
  const validate = (): void => {
    const custom = scenario.value === CUSTOM
    customBox.hidden = !custom
    if (!custom) {
      shock.setCustomValidity('')
      return
    }
    const text = shock.value
    if (!text.trim()) {
      lastCheck = null
      shockMsg.className = 'risk-shock-message muted'
      shockMsg.textContent = 'Type a shock, add the selected node, or find one below.'
      shock.setCustomValidity('')
      return
    }
    const c = checkShock(text, vocabulary ?? undefined)
    lastCheck = c
    if (c.ok) {
      shockMsg.className = `risk-shock-message ${c.warnings.length ? 'warning' : 'ok'}`
      shockMsg.textContent = `✓ ${c.canonical}${c.warnings.length ? ` — ${c.warnings.join('; ')}` : ''}`
      shock.setCustomValidity('')
    } else {
      shockMsg.className = 'risk-shock-message error'
      shockMsg.textContent = describeShockProblem(c)
      if (c.offset !== null) shockMsg.dataset.offset = String(c.offset)
      shock.setCustomValidity(c.message)
    }
    shock.setAttribute('aria-invalid', String(!c.ok))
  }
  const addNode = (id: string): void => {
    if (scenario.value !== CUSTOM) scenario.value = CUSTOM
    shock.value = addNodeToShock(shock.value, id)
    validate()
  }
  addSelected.addEventListener('click', () => {
    const id = wb.selection.current.node
    if (!id)
      wb.flash('Select a node on the graph first (click it), then add it to the shock.', 'warning')
    else addNode(id)
  })
  nodeSearch.addEventListener('input', () => void searchNodes().catch(wb.report))
  const searchNodes = async (): Promise<void> => {
    const q = nodeSearch.value.trim().toLowerCase()
    if (q.length < 2) {
      nodeHits.replaceChildren()
      return
    }
    const u = await wb.data.loadUniverse()
    const hits: number[] = []
    for (let i = 0; i < u.count && hits.length < 8; i++)
      if (
        (vocabulary?.nodes.has(u.ids[i]) ?? true) &&
        ((u.names[i] ?? '').toLowerCase().includes(q) || u.ids[i].toLowerCase() === q)
      )
        hits.push(i)
    nodeHits.replaceChildren(
      ...hits.map((i) => {
        const li = h(
          'li',
          '',
          h('span', '', u.names[i] ?? u.ids[i]),
          h('small', '', ` ${u.ids[i]} · ${u.categories[u.category[i]]}`),
        )
        li.dataset.node = u.ids[i]
        li.tabIndex = 0
        const pick = (): void => {
          addNode(u.ids[i])
          nodeSearch.value = ''
          nodeHits.replaceChildren()
        }
        li.addEventListener('click', pick)
        li.addEventListener('keydown', (e) => e.key === 'Enter' && pick())
        return li
      }),
    )
    if (!hits.length) nodeHits.append(h('li', 'missing', `no node of week ${week.value} matches`))
  }
  shock.addEventListener('input', validate)
  scenario.addEventListener('change', validate)
  week.addEventListener('change', () => void loadVocabulary().catch(wb.report))

  /** Scenario or custom shock of the form, checked (throws a message for the status line). */
  const shockRequest = (): { scenarios?: string[]; shocks?: string[]; name: string } => {
    if (scenario.value !== CUSTOM) return { scenarios: [scenario.value], name: scenario.value }
    validate()
    if (!lastCheck) throw new Error('Type a custom shock first.')
    if (!lastCheck.ok)
      throw new Error(`The shock does not parse: ${describeShockProblem(lastCheck)}`)
    return { shocks: [shock.value.trim()], name: 'custom' }
  }
  const chosenMethods = (): MethodName[] => {
    const m = methodBoxes.filter((c) => c.checked).map((c) => c.value as MethodName)
    if (!m.length) throw new Error('Choose at least one method.')
    return m
  }

  /** Runs one job with progress and Cancel in the view; resolves with the final event. */
  const runWithProgress = async (
    kind: string,
    label: string,
    start: () => Promise<{ jobId: string }>,
    ui: {
      status: HTMLElement
      cancel: HTMLButtonElement
      bar: HTMLProgressElement
      button: HTMLButtonElement
    },
  ): Promise<EventPayload<'job.done'>> => {
    let jobId: string | null = null
    const show = (j: JobView): void => {
      if (j.id !== jobId || j.state !== 'running') return
      if (j.total) {
        ui.bar.max = j.total
        ui.bar.value = Math.min(j.done, j.total)
      } else ui.bar.removeAttribute('value')
      ui.status.textContent = `${label}: ${j.total ? `${Math.floor((100 * j.done) / j.total)} %` : 'running'}${j.message ? ` · ${j.message}` : ''}`
    }
    const off = wb.jobs.changed.on(show)
    const cancel = (): void => {
      if (jobId) void wb.jobs.cancel(jobId).catch(wb.report)
    }
    ui.cancel.addEventListener('click', cancel)
    ui.button.disabled = true
    ui.status.className = `${ui.status.className.replace(/ (error|ok)\b/g, '')}`
    ui.status.textContent = `${label}: starting…`
    try {
      const done = await wb.jobs.run(kind, label, async () => {
        const started = await start()
        jobId = started.jobId
        ui.cancel.hidden = false
        ui.bar.hidden = false
        ui.bar.removeAttribute('value')
        return started
      })
      return done
    } finally {
      off()
      ui.cancel.removeEventListener('click', cancel)
      ui.cancel.hidden = true
      ui.bar.hidden = true
      ui.button.disabled = false
    }
  }

  const say = (el: HTMLElement, text: string, tone: 'error' | 'ok' | '' = ''): void => {
    el.className = `${el.className.replace(/ (error|ok)\b/g, '')}${tone ? ` ${tone}` : ''}`
    el.textContent = text
  }

  /** The engine's refusal, said where the analyst looks (the shock, or the status line). */
  const refused = (e: unknown, status: HTMLElement, horizon: number | null): void => {
    const err = e as ApiError
    const field = err.location?.field
    if (typeof field === 'string' && field.startsWith('shocks')) {
      shockMsg.className = 'risk-shock-message error'
      shockMsg.textContent = err.message
    }
    say(status, err.message ?? String(e), 'error')
    // no stored forecast, or only another model's (CONFLICT naming both): offer to forecast with
    // the model in use
    const noRun = err.code === 'NOT_FOUND' && /no forecast run/.test(err.message)
    const otherModel = err.code === 'CONFLICT' && field === 'model'
    if (horizon !== null && (noRun || otherModel)) {
      const b = h(
        'button',
        'small',
        `Run the forecast h=${horizon} from ${week.value}${otherModel ? ' with the model in use' : ''} first`,
      )
      b.type = 'button'
      b.dataset.action = 'forecast-first'
      b.addEventListener('click', () => void forecastFirst(horizon, status).catch(wb.report))
      status.append(' ', b)
    }
  }

  const forecastFirst = async (horizon: number, status: HTMLElement): Promise<void> => {
    const w = week.value
    say(status, `Forecasting h=${horizon} from ${w}…`)
    const use = await modelForForecast(wb, horizon)
    const done = await wb.jobs.run('forecast', `Forecast h=${horizon} from ${w}`, () =>
      wb.api.call('forecast.run', { week: w, horizon, model: use.dir }),
    )
    say(
      status,
      done.state === 'done'
        ? `Forecast h=${horizon} from ${w} stored: run again.`
        : `The forecast ${done.state}: ${done.error?.message ?? done.message ?? ''}`,
      done.state === 'done' ? 'ok' : 'error',
    )
  }

  /**
   * The model the views use for a horizon (chosen in the model manager, else the default), as the
   * folder the engine reads the stored forecast run of: a run of another model is refused by the
   * engine (CONFLICT naming both), never measured in its place.
   */
  const modelInUseDir = async (horizon: number): Promise<string | undefined> =>
    (await modelForForecast(wb, horizon)).model?.dir

  const runScenario = async (): Promise<void> => {
    const w = week.value
    let req: CallRequest<'risk.run'>
    let name: string
    let horizon: number | null = null
    try {
      const s = shockRequest()
      name = s.name
      horizon = graphKind.value === 'observed' ? null : Number(graphKind.value)
      req = {
        week: w,
        graph: horizon === null ? 'observed' : { forecast: horizon },
        // a scenario alone: the week's statistics are the dashboard's (a forecast graph's
        // comparison measures them anyway)
        ...(horizon === null ? { stats: false } : {}),
        ...(s.scenarios ? { scenarios: s.scenarios } : { shocks: s.shocks }),
        methods: chosenMethods(),
        threshold: readNumber(threshold, 'The distress threshold'),
        rounds: readNumber(rounds, 'Rounds', true),
      }
    } catch (e) {
      say(runStatus, (e as Error).message, 'error')
      return
    }
    const label = `Scenario ${name} on ${w}${horizon ? ` (forecast h=${horizon})` : ''}`
    if (horizon !== null) {
      const model = await modelInUseDir(horizon)
      if (model) req.model = model
    }
    let done: EventPayload<'job.done'>
    try {
      done = await runWithProgress('risk', label, () => wb.api.call('risk.run', req), {
        status: runStatus,
        cancel: cancelBtn,
        bar: progress,
        button: runBtn,
      })
    } catch (e) {
      refused(e, runStatus, horizon)
      return
    }
    if (done.state !== 'done') {
      say(
        runStatus,
        `${label}: ${done.state}${done.error ? `: ${done.error.message}` : ''}`,
        done.state === 'failed' ? 'error' : '',
      )
      return
    }
    const graphs = (done.result?.graphs ?? []) as { graph: string; contagionRunId: number | null }[]
    const mine = graphs.find((g) => g.graph === (horizon === null ? 'observed' : 'forecast'))
    if (!mine?.contagionRunId) {
      say(runStatus, `${label}: the job stored no contagion run`, 'error')
      return
    }
    say(runStatus, `${label}: done (run ${mine.contagionRunId}).`, 'ok')
    hooks.openScenario(mine.contagionRunId, name, w)
  }

  const runStress = async (): Promise<void> => {
    const w = week.value
    const horizon = Number(stressHorizon.value)
    let req: CallRequest<'risk.stress'>
    try {
      const s = shockRequest()
      const thresholds = lossThresholds.value
        .split(/[,\s]+/)
        .filter(Boolean)
        .map(Number)
      if (!thresholds.length || thresholds.some((x) => !(x > 0 && x <= 100)))
        throw new Error(
          'Loss thresholds are percentages of total TVL in (0, 100], separated by commas.',
        )
      req = {
        week: w,
        horizon,
        draws: readNumber(draws, 'Draws', true),
        seed: readNumber(seed, 'The seed', true),
        ...(s.scenarios ? { scenarios: s.scenarios } : { shocks: s.shocks }),
        methods:
          stressMethod.value === 'all'
            ? [...CONTAGION_METHOD_NAMES]
            : [stressMethod.value as MethodName],
        threshold: readNumber(threshold, 'The distress threshold'),
        rounds: readNumber(rounds, 'Rounds', true),
        lossThresholds: thresholds,
      }
    } catch (e) {
      say(stressStatus, (e as Error).message, 'error')
      return
    }
    const label = `Stress ${w} h=${horizon}, ${count(req.draws!)} draws`
    const model = await modelInUseDir(horizon)
    if (model) req.model = model
    let done: EventPayload<'job.done'>
    try {
      done = await runWithProgress('stress', label, () => wb.api.call('risk.stress', req), {
        status: stressStatus,
        cancel: stressCancel,
        bar: stressProgress,
        button: stressBtn,
      })
    } catch (e) {
      refused(e, stressStatus, horizon)
      return
    }
    if (done.state !== 'done') {
      say(
        stressStatus,
        `${label}: ${done.state}${done.error ? `: ${done.error.message}` : ''}`,
        done.state === 'failed' ? 'error' : '',
      )
      return
    }
    const runId = Number(done.result?.runId)
    if (!Number.isInteger(runId) || runId <= 0) {
      say(stressStatus, `${label}: the job stored no stress run`, 'error')
      return
    }
    say(stressStatus, `${label}: done (run ${runId}).`, 'ok')
    hooks.openStress(runId, w, horizon)
  }

  runBtn.addEventListener('click', () => void runScenario().catch(wb.report))
  stressBtn.addEventListener('click', () => void runStress().catch(wb.report))
  shock.addEventListener('keydown', (e) => e.key === 'Enter' && void runScenario().catch(wb.report))

  // ---- layout ----------------------------------------------------------------------------------
  const build = (host: HTMLElement): void => {
    fillWeeks()
    const scenarioSection = h(
      'details',
      'side-section risk-runner',
      h('summary', '', 'Scenario'),
      h(
        'div',
        'side-section-body',
        field('Week', week),
        field('Graph', graphKind, 'The observed week, or the stored forecast Ĝ(t+h) from it'),
        field('Shock', scenario),
        customBox,
        h('div', 'risk-field', h('span', 'risk-field-label', 'Methods'), methods),
        h(
          'div',
          'risk-inline',
          field(
            'Distress threshold',
            threshold,
            'Relative loss above which a node is distressed (default 0.1)',
          ),
          field('Rounds', rounds, "The reference cascade's round limit (default 10)"),
        ),
        h('div', 'row', runBtn, cancelBtn),
        progress,
        runStatus,
      ),
    )
    scenarioSection.open = true
    const stressSection = h(
      'details',
      'side-section risk-stress',
      h('summary', '', 'Stress under forecast uncertainty'),
      h(
        'div',
        'side-section-body',
        h(
          'p',
          'muted',
          'Draws N graphs from the stored forecast (edges by their calibrated probabilities, weights around the prediction) and runs the shock above on each.',
        ),
        h(
          'div',
          'risk-inline',
          field('Horizon', stressHorizon),
          field('Draws (N)', draws),
          field('Seed', seed),
        ),
        field('Method', stressMethod),
        field(
          'Loss thresholds (% of TVL)',
          lossThresholds,
          'P(loss > threshold) is reported for each',
        ),
        h('div', 'row', stressBtn, stressCancel),
        stressProgress,
        stressStatus,
      ),
    )
    stressSection.open = true
    host.replaceChildren(h('div', 'side-title', 'Risk'), scenarioSection, stressSection)
    validate()
    void loadVocabulary().catch(wb.report)
  }

  wb.archive.changed.on(() => {
    if (!rendered) return
    fillWeeks()
    void loadVocabulary().catch(wb.report)
  })
  // follow the graph's week when it changes, not on every node selection (the analyst may have
  // picked another week here)
  let seenWeek = wb.selection.current.week
  wb.selection.changed.on((s) => {
    if (s.week === seenWeek) return
    seenWeek = s.week
    if (rendered) syncWeek()
  })
  return view
}
