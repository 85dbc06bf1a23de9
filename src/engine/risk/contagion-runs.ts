// `dexposure risk`: stress scenarios through the contagion methods on the observed graph G(t) and,
// with a horizon, on the forecast Ĝ(t+h) and the realised G(t+h) side by side, with the errors of
// the forecast and of persistence (G(t) taken as the prediction of G(t+h)); results stored.
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { addWeeks, targetWeekProblem } from '../../shared/dates'
import { FORWARD_RISK_METRICS, errorSummary, type ErrorSummary } from '../../shared/risk/compare'
import {
  runScenarios,
  type ContagionParams,
  type ScenarioInput,
  type ScenarioRun,
} from '../../shared/risk/contagion/run'
import type { ContagionMethod } from '../../shared/risk/contagion/types'
import { buildRiskGraph, type RiskGraph } from '../../shared/risk/graph'
import { SCENARIOS, formatShockSpec, needsSis, selectShock } from '../../shared/risk/scenarios'
import { computeSis } from '../../shared/risk/sis'
import type { Archive } from '../store/archive'
import { GRAPH_RULE } from '../forecast/run'
import { predictedGraphOfRun, requireForecastRun, type RunModel } from '../forecast/stored-run'
import { loadPredictedGraph } from './predicted-graph'
import {
  checkWeek,
  measureAndStore,
  observedGraph,
  statsParams,
  type StatsParams,
  type StatsReport,
} from './stats-runs'
import { RiskStore, type GraphKind, type RunKey } from './store'

export const DEFAULT_SCENARIOS: ScenarioInput[] = SCENARIOS.map((s) => ({
  name: s.name,
  spec: s.spec,
}))

export interface RiskOptions {
  scenarios?: ScenarioInput[]
  methods?: ContagionMethod[]
  params?: ContagionParams
  stats?: StatsParams
  /** Measure the forecast Ĝ(t+h) of this horizon too (needs a stored forecast run). */
  forecast?: number
  /**
   * The model whose forecast run `forecast` reads (its latest run for the week and horizon); a
   * stored run of another model is refused (CONFLICT naming both). Without it: the latest run.
   */
  forecastModel?: RunModel
  /** Exactly this stored forecast run (checked by the caller against week and horizon). */
  forecastRunId?: number
  /** Without a forecast: measure G(t+h) too and score persistence against it. */
  persistence?: number
  /** Store per-node losses (contagion_node_losses). Default true. */
  nodeLosses?: boolean
  /** Measure and store each graph's network statistics (default true). Without a horizon it may
   * be off (a scenario alone: its graph's stats are null, SIS computed when a shock ranks by it);
   * with one the comparison needs them, so they are measured anyway. */
  measureStats?: boolean
  /** Names of custom scenarios: a custom shock that hits no TVL at all is refused. */
  customNames?: string[]
}

export interface MethodSummary {
  method: ContagionMethod
  variant: string
  totalLoss: number
  totalLossPct: number
  affected: number
  distressed: number
  defaults: number
  rounds: number
  converged: boolean
  outputs: Record<string, number>
  path: ScenarioRun['results'][number]['path']
  topLosses: { node: string; loss: number; relativeLoss: number | null; round: number | null }[]
  warnings: string[]
}

export interface ScenarioSummary {
  scenario: string
  spec: string
  selectedCount: number
  shockedCount: number
  selected: string[]
  warnings: string[]
  results: MethodSummary[]
}

export interface GraphRiskReport {
  graph: GraphKind
  targetWeek: WeekId
  horizon: number
  nodes: number
  edges: number
  statsRunId: number | null
  contagionRunId: number | null
  /** Null when the run measured no statistics (`measureStats: false`). */
  stats: StatsReport | null
  scenarios: ScenarioSummary[]
}

export interface ComparisonRow {
  item: string
  actual: number | null
  forecast: number | null
  persistence: number | null
  forecastError: number | null
  persistenceError: number | null
}

export interface RiskReport {
  week: WeekId
  horizon: number
  graphs: GraphRiskReport[]
  comparison: ComparisonRow[] | null
  compareRunId: number | null
  warnings: string[]
}

export function contagionParams(
  o: RiskOptions,
  scenarios: ScenarioInput[],
  methods: ContagionMethod[],
) {
  const p = o.params ?? {}
  return {
    scenarios: scenarios.map((s) => ({ name: s.name, spec: formatShockSpec(s.spec) })),
    methods,
    distressThreshold: p.distressThreshold ?? 0.1,
    maxRounds: p.maxRounds ?? 10,
    debtRankVariant: p.debtRankVariant ?? 'linear',
    alpha: p.alpha ?? 1,
    beta: p.beta ?? 1,
    stats: statsParams(o.stats),
  }
}

export function checkContagionParams(p: ContagionParams): void {
  const unit = (name: string, v: number | undefined, lowOpen = false) => {
    if (v === undefined) return
    if (!Number.isFinite(v) || v > 1 || (lowOpen ? v <= 0 : v < 0))
      throw new DexposureError(
        'USAGE',
        `${name} must be in ${lowOpen ? '(0, 1]' : '[0, 1]'}, not ${v}`,
        { field: name },
      )
  }
  unit('alpha', p.alpha)
  unit('beta', p.beta)
  unit('distress-threshold', p.distressThreshold)
  if (p.maxRounds !== undefined && !(Number.isInteger(p.maxRounds) && p.maxRounds >= 1))
    throw new DexposureError('USAGE', `max-rounds must be a positive integer, not ${p.maxRounds}`, {
      field: 'max-rounds',
    })
}

function summarise(g: RiskGraph, s: ScenarioRun): ScenarioSummary {
  return {
    scenario: s.scenario,
    spec: s.spec,
    selectedCount: s.selected.length,
    shockedCount: s.results[0]?.shocked.length ?? 0,
    selected: s.selected.slice(0, 20),
    warnings: s.warnings,
    results: s.results.map((r) => {
      const order = Array.from({ length: g.n }, (_, i) => i)
        .filter((i) => r.nodeLoss[i] > 0)
        .sort((a, b) => r.nodeLoss[b] - r.nodeLoss[a] || a - b)
        .slice(0, 10)
      return {
        method: r.method,
        variant: r.variant,
        totalLoss: r.totalLoss,
        totalLossPct: r.totalLossPct,
        affected: r.affectedCount,
        distressed: r.distressedCount,
        defaults: r.defaultCount,
        rounds: r.rounds,
        converged: r.converged,
        outputs: r.outputs,
        path: r.path,
        topLosses: order.map((i) => ({
          node: g.nodeIds[i],
          loss: r.nodeLoss[i],
          relativeLoss: g.sizes[i] > 0 ? r.nodeLoss[i] / g.sizes[i] : null,
          round: r.distressRound[i] >= 0 ? r.distressRound[i] : null,
        })),
        warnings: r.warnings,
      }
    }),
  }
}

interface MeasuredGraph {
  key: Omit<RunKey, 'kind' | 'params'>
  graph: RiskGraph
  notes: string[]
}

function measureGraph(
  archive: Archive,
  store: RiskStore,
  m: MeasuredGraph,
  o: RiskOptions,
  scenarios: ScenarioInput[],
  methods: ContagionMethod[],
): GraphRiskReport {
  const measured =
    o.measureStats === false
      ? null
      : measureAndStore({
          archive,
          store,
          key: m.key,
          graph: m.graph,
          params: o.stats,
          notes: m.notes,
        })
  const sis =
    measured?.stats.sis.scores ??
    (scenarios.some((s) => needsSis(s.spec))
      ? computeSis(m.graph, { weights: o.stats?.sisWeights, tailK: o.stats?.tailK }).scores
      : undefined)
  const t0 = performance.now()
  const runs = runScenarios(m.graph, scenarios, methods, o.params, {
    sis,
    week: m.key.targetWeek,
  })
  const durationMs = performance.now() - t0
  const contagionRunId = store.saveContagion(
    {
      ...m.key,
      kind: 'contagion',
      params: contagionParams(o, scenarios, methods),
      weekSha256: store.weekSha256(m.key.targetWeek),
      warnings: m.notes,
      durationMs,
    },
    m.graph,
    runs,
    { nodeLosses: o.nodeLosses ?? true },
  )
  return {
    graph: m.key.graph,
    targetWeek: m.key.targetWeek,
    horizon: m.key.horizon,
    nodes: m.graph.n,
    edges: m.graph.e,
    statsRunId: measured?.report.runId ?? null,
    contagionRunId,
    stats: measured?.report ?? null,
    scenarios: runs.map((r) => summarise(m.graph, r)),
  }
}

/** Refuses a custom shock that names nothing with value: the user asked for something specific. */
function checkCustomShocks(
  g: RiskGraph,
  scenarios: ScenarioInput[],
  custom: string[],
  week: WeekId,
): void {
  for (const s of scenarios) {
    if (!custom.includes(s.name)) continue
    const sel = selectShock(g, s.spec, { week, sis: new Float64Array(g.n) })
    if (!sel.nodes.some((i) => g.sizes[i] > 0))
      throw new DexposureError(
        'BAD_INPUT',
        sel.nodes.length === 0
          ? `shock ${formatShockSpec(s.spec)} selects no node in week ${week}`
          : `shock ${formatShockSpec(s.spec)} selects only nodes with zero TVL in week ${week} (${sel.nodes
              .slice(0, 5)
              .map((i) => g.nodeIds[i])
              .join(', ')}): nothing to lose`,
        { field: 'shock', week },
      )
  }
}

export function riskRun(archive: Archive, week: string, o: RiskOptions = {}): RiskReport {
  checkWeek(archive, week)
  if (o.forecast !== undefined && o.persistence !== undefined)
    throw new DexposureError(
      'USAGE',
      'give either a forecast horizon or a persistence horizon, not both',
      {
        field: 'forecast',
      },
    )
  const horizon = o.forecast ?? o.persistence ?? 0
  if (!Number.isInteger(horizon) || horizon < 0)
    throw new DexposureError(
      'USAGE',
      `horizon must be a positive whole number of weeks, not ${horizon}`,
      {
        field: 'horizon',
      },
    )
  checkContagionParams(o.params ?? {})
  const scenarios = o.scenarios ?? DEFAULT_SCENARIOS
  const methods = o.methods ?? ['reference', 'debtrank', 'eisenberg-noe']
  const store = new RiskStore(archive)
  const { graph: gt } = observedGraph(archive, week)
  checkCustomShocks(gt, scenarios, o.customNames ?? [], week)
  const warnings: string[] = []
  const graphs: MeasuredGraph[] = [
    {
      key: { week, targetWeek: week, graph: 'observed', horizon: 0, forecastRun: null },
      graph: gt,
      notes: [],
    },
  ]
  if (horizon > 0) {
    const beyond = targetWeekProblem(week, horizon)
    if (beyond) throw new DexposureError('USAGE', beyond, { field: 'horizon' })
    const target = addWeeks(week, horizon)
    if (o.forecast !== undefined) {
      const p =
        o.forecastRunId !== undefined
          ? predictedGraphOfRun(
              archive,
              requireForecastRun(archive, { runId: o.forecastRunId }),
              GRAPH_RULE,
            )
          : o.forecastModel
            ? predictedGraphOfRun(
                archive,
                requireForecastRun(archive, { week, horizon, model: o.forecastModel }),
                GRAPH_RULE,
              )
            : loadPredictedGraph(archive, week, horizon)
      graphs.push({
        key: {
          week,
          targetWeek: p.targetWeek,
          graph: 'forecast',
          horizon,
          forecastRun: p.forecastRunId,
        },
        graph: buildRiskGraph(p.graph, { week: p.targetWeek }),
        notes: p.notes ?? [],
      })
    }
    if (archive.hasWeek(target))
      graphs.push({
        key: { week, targetWeek: target, graph: 'realised', horizon, forecastRun: null },
        graph: observedGraph(archive, target).graph,
        notes: [],
      })
    else if (o.persistence !== undefined)
      throw new DexposureError(
        'NOT_FOUND',
        `week ${target} (${week} + ${horizon} weeks) is not in the archive: persistence cannot be scored`,
        { week: target },
      )
    else
      warnings.push(
        `week ${target} is not archived yet: no realised graph to score the forecast against`,
      )
  }
  // a comparison scores each graph's statistics
  const measureOpts = horizon > 0 ? { ...o, measureStats: true } : o
  const reports = graphs.map((m) =>
    measureGraph(archive, store, m, measureOpts, scenarios, methods),
  )
  let comparison: ComparisonRow[] | null = null
  let compareRunId: number | null = null
  const realised = reports.find((r) => r.graph === 'realised')
  if (realised) {
    const observed = reports[0]
    const forecast = reports.find((r) => r.graph === 'forecast') ?? null
    comparison = compareReports(observed, forecast, realised)
    const rows = comparison.flatMap((c) => [
      ...(forecast
        ? [
            {
              item: c.item,
              predictor: 'forecast' as const,
              predicted: c.forecast,
              actual: c.actual,
            },
          ]
        : []),
      {
        item: c.item,
        predictor: 'persistence' as const,
        predicted: c.persistence,
        actual: c.actual,
      },
    ])
    compareRunId = store.saveComparison(
      {
        week,
        targetWeek: realised.targetWeek,
        kind: 'compare',
        graph: forecast ? 'forecast' : 'observed',
        horizon,
        forecastRun: forecast
          ? graphs.find((g) => g.key.graph === 'forecast')!.key.forecastRun
          : null,
        params: contagionParams(o, scenarios, methods),
        weekSha256: store.weekSha256(week),
        warnings: [],
        durationMs: 0,
      },
      rows,
    )
  }
  return { week, horizon, graphs: reports, comparison, compareRunId, warnings }
}

const lossItem = (scenario: string, method: string) => `loss_pct:${scenario}:${method}`

function itemValues(r: GraphRiskReport): Map<string, number | null> {
  const m = new Map<string, number | null>()
  // (a comparison always measures its graphs' statistics: riskRun)
  for (const k of FORWARD_RISK_METRICS) m.set(k, r.stats?.values[k] ?? null)
  for (const s of r.scenarios)
    for (const x of s.results) m.set(lossItem(s.scenario, x.method), x.totalLossPct)
  return m
}

function compareReports(
  observed: GraphRiskReport,
  forecast: GraphRiskReport | null,
  realised: GraphRiskReport,
): ComparisonRow[] {
  const a = itemValues(realised)
  const p = itemValues(observed)
  const f = forecast ? itemValues(forecast) : null
  const err = (x: number | null | undefined, y: number | null | undefined) =>
    x === null || x === undefined || y === null || y === undefined ? null : Math.abs(x - y)
  return [...a.keys()].map((item) => ({
    item,
    actual: a.get(item) ?? null,
    forecast: f ? (f.get(item) ?? null) : null,
    persistence: p.get(item) ?? null,
    forecastError: f ? err(f.get(item), a.get(item)) : null,
    persistenceError: err(p.get(item), a.get(item)),
  }))
}

export interface BacktestReport {
  horizon: number
  anchors: WeekId[]
  skipped: { week: WeekId; reason: string }[]
  predictors: ('forecast' | 'persistence')[]
  summary: { item: string; predictor: 'forecast' | 'persistence'; errors: ErrorSummary }[]
}

/**
 * Persistence (and, with `forecast`, the forecast) as predictors of G(t+h) over every archived
 * anchor week in [from, to] whose t+h is archived (reference-spec §7.7 forward risk and predictive
 * contagion): MAE, RMSE, relative error and correlation per metric and scenario.
 */
export function riskBacktest(
  archive: Archive,
  o: RiskOptions & {
    from: WeekId
    to: WeekId
    horizon: number
    withForecast?: boolean
    onProgress?: (done: number, total: number, week: WeekId) => void
    signal?: AbortSignal
  },
): BacktestReport {
  const anchors = archive
    .listWeeks()
    .map((w) => w.week)
    .filter((w) => w >= o.from && w <= o.to)
  if (anchors.length === 0)
    throw new DexposureError('NOT_FOUND', `no archived week between ${o.from} and ${o.to}`, {
      field: 'from',
    })
  const used: WeekId[] = []
  const skipped: { week: WeekId; reason: string }[] = []
  const pairs = new Map<string, [number | null, number | null][]>()
  const push = (item: string, predictor: string, x: number | null, y: number | null) => {
    const k = `${predictor}\u0000${item}`
    if (!pairs.has(k)) pairs.set(k, [])
    pairs.get(k)!.push([x, y])
  }
  anchors.forEach((week, k) => {
    if (o.signal?.aborted) throw new DexposureError('CANCELLED', 'cancelled', { week })
    const beyond = targetWeekProblem(week, o.horizon)
    const target = beyond ? null : addWeeks(week, o.horizon)
    if (target === null) skipped.push({ week, reason: beyond as string })
    else if (!archive.hasWeek(target)) skipped.push({ week, reason: `${target} not archived` })
    else {
      try {
        const r = riskRun(archive, week, {
          ...o,
          forecast: o.withForecast ? o.horizon : undefined,
          persistence: o.withForecast ? undefined : o.horizon,
          nodeLosses: false,
        })
        for (const c of r.comparison ?? []) {
          push(c.item, 'persistence', c.persistence, c.actual)
          if (o.withForecast) push(c.item, 'forecast', c.forecast, c.actual)
        }
        used.push(week)
      } catch (e) {
        // an anchor without a forecast run (of the chosen model, when one is) is skipped, named
        const missing =
          e instanceof DexposureError &&
          o.withForecast &&
          (e.code === 'NOT_FOUND' || (e.code === 'CONFLICT' && o.forecastModel !== undefined))
        if (!missing) throw e
        skipped.push({ week, reason: e.message })
      }
    }
    o.onProgress?.(k + 1, anchors.length, week)
  })
  const summary = [...pairs.entries()].map(([k, v]) => {
    const [predictor, item] = k.split('\u0000') as ['forecast' | 'persistence', string]
    return { item, predictor, errors: errorSummary(v) }
  })
  return {
    horizon: o.horizon,
    anchors: used,
    skipped,
    predictors: o.withForecast ? ['forecast', 'persistence'] : ['persistence'],
    summary,
  }
}
