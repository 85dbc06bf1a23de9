// The numbers of the weekly risk report, gathered through the same engine views the CLI and the UI
// read (risk/views.ts, backtest-store.ts, playback.ts; the forecast lists through forecast-tops.ts,
// which gives forecast/views.ts's rows without loading whole runs), so every figure in the report
// equals what `dexposure stats`, `risk`, `forecast` and `backtest` print. What is not stored yet
// (statistics, forecasts, the contagion run of the asked scenarios) is computed and stored first,
// and named in `computed`.
import type { CallResponse } from '../../shared/api'
import { REPORT_SECTIONS, type ReportRequest, type ReportSection } from '../../shared/api-report'
import { addWeeks } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { decodeFloat64, decodeInt32 } from '../../shared/packed'
import { carriersOfSteps } from '../../shared/risk/carriers'
import type { ContagionMethod } from '../../shared/risk/contagion/types'
import { scenarioByName } from '../../shared/risk/scenarios'
import { readBacktest } from '../forecast/backtest-store'
import type { ModelManifest } from '../forecast/model'
import { runForecast } from '../forecast/run'
import { findForecastRun, modelOfRun, type ForecastRunRow } from '../forecast/stored-run'
import { defaultModel, resolveModelChoices, type ResolvedModel } from '../model-choice'
import type { UniverseView } from '../layout/graph-layout'
import { DEFAULT_SCENARIOS, riskRun } from '../risk/contagion-runs'
import { riskPlayback } from '../risk/playback'
import { checkWeek } from '../risk/stats-runs'
import {
  alertsView,
  ensureStatsRun,
  weeksWithoutStats,
  riskResultView,
  weekSisView,
  weekSpilloverView,
  weekStatsView,
} from '../risk/views'
import { RiskStore } from '../risk/store'
import type { Archive } from '../store/archive'
import { forecastTops, type ForecastEdgeRow, type ForecastNodeRow } from './forecast-tops'
import { weekFrame } from './graph-scene'
import { archiveProvenance, digestArchive, type ArchiveDigest, type Provenance } from './provenance'
import { usdScale } from '../../shared/usd-scale'

/** The statistics the summary tabulates, with how a change is read. */
export const SUMMARY_METRICS: { key: string; label: string; kind: 'usd' | 'count' | 'ratio' }[] = [
  { key: 'total_tvl', label: 'Total TVL (USD)', kind: 'usd' },
  { key: 'total_exposure', label: 'Total exposure (USD)', kind: 'usd' },
  { key: 'n_nodes', label: 'Nodes', kind: 'count' },
  { key: 'n_edges', label: 'Edges', kind: 'count' },
  { key: 'tvl_hhi', label: 'HHI of TVL', kind: 'ratio' },
  { key: 'edge_hhi', label: 'HHI of edge weights', kind: 'ratio' },
  { key: 'top10_tvl_share', label: 'Top-10 TVL share', kind: 'ratio' },
  { key: 'max_sis', label: 'Max SIS', kind: 'ratio' },
]

export interface SummaryRow {
  key: string
  label: string
  kind: 'usd' | 'count' | 'ratio'
  value: number | null
  /** The value 1 and 4 archived weeks earlier (null: no such week or undefined there). */
  value1: number | null
  value4: number | null
}

export interface ForecastPart {
  horizon: number
  targetWeek: string
  run: ForecastRunRow
  fallbacks: { provider: string; error: string }[]
  warnings: string[]
  /** The most likely new edges (forecast.edges kind new), the first TOP_ROWS. */
  newEdges: ForecastEdgeRow[]
  /** The largest predicted exposure changes (forecast.edges kind changes). */
  changes: ForecastEdgeRow[]
  /** The largest predicted TVL changes (forecast.nodes by absChange). */
  nodes: ForecastNodeRow[]
  backtest: CallResponse<'backtest.result'>
  model: { dir: string; manifest: ModelManifest } | null
  /**
   * How the forecast's model was picked: 'chosen' in the request (`models`), the horizon's
   * 'default' model, or — only where no model exists for the horizon — the 'latest' stored run.
   */
  modelChoice: 'chosen' | 'default' | 'latest'
}

export interface NodeState {
  /** Universe indices of the week's nodes that the scenario touched, with their state. */
  index: Int32Array
  /** 0 healthy (a loss only), 1 distressed, 2 defaulted. */
  state: Int32Array
  loss: Float64Array
  shocked: Int32Array
  /** Edges that carried loss in the step (universe indices). */
  edgeSource: Int32Array
  edgeTarget: Int32Array
}

export interface ScenarioPart {
  scenario: string
  title: string
  spec: string
  results: NonNullable<CallResponse<'risk.result'>>['results']
  /** Playback of the snapshot method: the state after its first and last round. */
  snapshotMethod: ContagionMethod
  first: { round: number; nodes: NodeState } | null
  last: { round: number; nodes: NodeState } | null
}

export interface ReportModel {
  week: string
  sections: ReportSection[]
  horizons: number[]
  scenarios: string[]
  synthetic: boolean
  created: string
  previousWeek: string | null
  week4: string | null
  stats: CallResponse<'week.stats'>
  summary: SummaryRow[]
  sentences: string[]
  sis: CallResponse<'week.sis'>
  spillover: CallResponse<'week.spillover'>
  forecasts: ForecastPart[]
  contagion: {
    run: NonNullable<CallResponse<'risk.result'>>
    scenarios: ScenarioPart[]
  } | null
  alerts: CallResponse<'alerts.list'>
  /** Alerts per week over the timeline's weeks (the 52 up to the report's week). */
  timeline: { week: string; count: number }[]
  universe: UniverseView
  provenance: Provenance
  computed: string[]
}

export interface ModelOptions {
  request: ReportRequest
  /** The universe with stored positions (GraphLayout.universe(true)): the graph images' layout. */
  universe: () => Promise<UniverseView>
  /** The CLI command that reproduces the report (provenance). */
  command: string
  signal?: AbortSignal
  onProgress?: (step: string) => void
}

const SNAPSHOT_METHOD: ContagionMethod = 'reference'
/** Rows of each forecast list. */
const TOP_ROWS = 12
/** The alerts view's default rolling window (weeks of history per monitored week). */
const ALERT_WINDOW = 42
const METHODS: ContagionMethod[] = ['reference', 'debtrank', 'eisenberg-noe']

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
}

/** Everything the report shows, reading stored results and computing the missing ones. */
export async function buildReportModel(archive: Archive, o: ModelOptions): Promise<ReportModel> {
  // With everything stored (a second report of the week) nothing will be written: the archive's
  // sha256 starts now, in a worker, and is ready by the provenance step. Otherwise it starts there,
  // after the last write. Either way the digest is of the file as it is at the end (provenance.ts).
  const digest = everythingStored(archive, o.request) ? digestArchive(archive) : null
  try {
    return await gather(archive, o, digest)
  } catch (e) {
    digest?.cancel()
    throw e
  }
}

/** The weeks whose statistics the alert timeline reads: its 52 weeks and the window before. */
function alertWeeks(weeks: string[], at: number): { from: string; needed: string[] } {
  const from = weeks[Math.max(0, at - 51)]
  const to = weeks[at]
  const needed = weeks.filter((w) => w >= addWeeks(from, -ALERT_WINDOW - 1) && w <= to)
  return { from, needed }
}

/** Whether the report finds every statistic, forecast and contagion run it needs stored. */
function everythingStored(archive: Archive, r: ReportRequest): boolean {
  if (!archive.hasWeek(r.week)) return false
  const weeks = archive.listWeeks().map((w) => w.week)
  const { needed } = alertWeeks(weeks, weeks.indexOf(r.week))
  if (weeksWithoutStats(archive, needed).length) return false
  const has = (s: ReportSection) => !r.sections || r.sections.includes(s)
  if (has('forecast')) {
    const models = reportModels(archive, r)
    if ((r.horizons ?? []).some((h) => !reportRun(archive, r.week, h, models.get(h) ?? null)))
      return false
  }
  if (has('contagion')) {
    const wanted = r.scenarios?.length
      ? [...new Set(r.scenarios.map((s) => scenarioByName(s).name))]
      : DEFAULT_SCENARIOS.map((s) => s.name)
    if (!latestCovering(archive, r.week, wanted)) return false
  }
  return true
}

async function gather(
  archive: Archive,
  o: ModelOptions,
  early: ArchiveDigest | null,
): Promise<ReportModel> {
  const r = o.request
  const week = checkWeek(archive, r.week)
  const sections = REPORT_SECTIONS.filter((s) => !r.sections || r.sections.includes(s))
  const has = (s: ReportSection) => sections.includes(s)
  const computed: string[] = []
  const step = (s: string) => {
    cancelled(o.signal)
    o.onProgress?.(s)
  }
  const weeks = archive.listWeeks().map((w) => w.week)
  const at = weeks.indexOf(week)
  const previousWeek = at > 0 ? weeks[at - 1] : null
  const week4 = at >= 4 ? weeks[at - 4] : null

  step('statistics')
  const stats = weekStatsView(archive, week)
  if (!stats.cached) computed.push(`statistics of ${week}`)
  const back = (w: string | null) => {
    if (!w) return null
    const s = weekStatsView(archive, w)
    if (!s.cached) computed.push(`statistics of ${w}`)
    return s.values
  }
  const v1 = back(previousWeek)
  const v4 = back(week4)
  const summary: SummaryRow[] = SUMMARY_METRICS.map((m) => ({
    ...m,
    value: stats.values[m.key] ?? null,
    value1: v1?.[m.key] ?? null,
    value4: v4?.[m.key] ?? null,
  }))

  step('systemic importance')
  const sis = weekSisView(archive, { week, limit: 20, sort: 'rank', order: 'asc' })
  step('spillovers')
  const spillover = weekSpilloverView(archive, week, 'sector')

  const horizons = [...new Set(r.horizons ?? [])].sort((a, b) => a - b)
  const forecasts: ForecastPart[] = []
  const models = has('forecast') ? reportModels(archive, r) : new Map<number, ResolvedModel>()
  if (has('forecast'))
    for (const h of horizons) {
      step(`forecast h=${h}`)
      const model = models.get(h) ?? null
      let run = reportRun(archive, week, h, model)
      if (!run) {
        // computed with the model the report reads (the chosen or default one), by its folder
        const res = await runForecast(archive, {
          week,
          horizon: h,
          modelDir: model?.dir,
          top: 0,
          signal: o.signal,
        })
        computed.push(
          `forecast of ${week}, h=${h} (run ${res.run_id}, model ${res.model}${model?.how === 'chosen' ? ', chosen' : ''})`,
        )
        run = findForecastRun(archive, { runId: res.run_id })!
      }
      const tops = forecastTops(archive, run, weekFrame(archive, week), TOP_ROWS)
      forecasts.push({
        horizon: h,
        targetWeek: run.target_week,
        run,
        fallbacks: JSON.parse(run.fallbacks) as { provider: string; error: string }[],
        warnings: JSON.parse(run.warnings) as string[],
        ...tops,
        backtest: readBacktest(archive, { horizon: h }),
        model: model ? { dir: model.dir, manifest: model.manifest } : modelOfRun(archive.file, run),
        modelChoice: model?.how ?? 'latest',
      })
    }

  let universe: UniverseView | null = null
  const getUniverse = async () => (universe ??= await o.universe())

  let contagion: ReportModel['contagion'] = null
  const scenarioNames = (r.scenarios ?? []).length
    ? [...new Set(r.scenarios!.map((s) => scenarioByName(s).name))]
    : null
  if (has('contagion')) {
    step('contagion')
    const wanted = scenarioNames ?? DEFAULT_SCENARIOS.map((s) => s.name)
    let run = latestCovering(archive, week, wanted)
    if (!run) {
      const report = riskRun(archive, week, {
        scenarios: wanted.map((n) => ({ name: n, spec: scenarioByName(n).spec })),
      })
      const id = report.graphs[0].contagionRunId!
      computed.push(`contagion run ${id} of ${week} (${wanted.length} scenarios)`)
      run = riskResultView(archive, { runId: id, top: 10 })!
    }
    const view = await getUniverse()
    const scenarios: ScenarioPart[] = []
    for (const name of wanted) {
      step(`scenario ${name}`)
      const results = run.results.filter((x) => x.scenario === name)
      const def = scenarioByName(name)
      const part: ScenarioPart = {
        scenario: name,
        title: def.title,
        spec: results[0]?.shockSpec ?? '',
        results,
        snapshotMethod: SNAPSHOT_METHOD,
        first: null,
        last: null,
      }
      if (results.some((x) => x.method === SNAPSHOT_METHOD)) {
        const p = riskPlayback(archive, view, run.runId, name, SNAPSHOT_METHOD)
        const snaps = snapshots(p)
        part.first = snaps.first
        part.last = snaps.last
      }
      scenarios.push(part)
    }
    contagion = { run, scenarios }
  }

  step('alerts')
  // the monitor reads the 52 weeks up to the report's week, each against the 42 before it (the
  // alerts view's default window): compute and store the statistics those weeks lack first
  const { from, needed } = alertWeeks(weeks, at)
  const lacking = weeksWithoutStats(archive, needed)
  const store = new RiskStore(archive)
  for (const w of lacking) {
    cancelled(o.signal)
    ensureStatsRun(archive, store, w)
    await new Promise((r) => setImmediate(r))
  }
  if (lacking.length)
    computed.push(`statistics of ${lacking.length} week${lacking.length > 1 ? 's' : ''} (alerts)`)
  const alerts = alertsView(archive, { from, to: week, window: ALERT_WINDOW, fill: false }, () => {
    throw new DexposureError('INTERNAL', 'the alerts still lack statistics')
  })
  const counts = new Map<string, number>()
  for (const a of alerts.alerts) counts.set(a.week, (counts.get(a.week) ?? 0) + 1)
  const timeline = weeks
    .slice(Math.max(0, at - 51), at + 1)
    .map((w) => ({ week: w, count: counts.get(w) ?? 0 }))

  step('graph layout')
  const view = await getUniverse()

  step('provenance')
  const used = [week, previousWeek, week4, ...forecasts.map((f) => f.targetWeek)].filter(
    (w): w is string => !!w && archive.hasWeek(w),
  )
  const provenance = await archiveProvenance(archive, {
    weeks: [...new Set(used)].sort(),
    command: o.command,
    signal: o.signal,
    digest: early ?? undefined,
  })

  return {
    week,
    sections,
    horizons,
    scenarios: contagion?.scenarios.map((s) => s.scenario) ?? scenarioNames ?? [],
    synthetic: stats.synthetic,
    created: new Date().toISOString(),
    previousWeek,
    week4,
    stats,
    summary,
    sentences: summarySentences(week, summary, stats, sis, previousWeek, week4),
    sis,
    spillover,
    forecasts,
    contagion,
    alerts,
    timeline,
    universe: view,
    provenance,
    computed,
  }
}

/**
 * The model each of the report's horizons reads: the request's choice (`models`, checked: USAGE
 * or NOT_FOUND naming `models.H`), else the horizon's default model; a horizon with neither is
 * absent (the report then reads the latest stored run, and computing one fails naming the gap).
 */
export function reportModels(archive: Archive, r: ReportRequest): Map<number, ResolvedModel> {
  const horizons = [...new Set(r.horizons ?? [])]
  const out = resolveModelChoices(archive.file, r.models, 'models', horizons)
  for (const h of horizons)
    if (!out.has(h)) {
      const d = defaultModel(archive.file, h)
      if (d) out.set(h, d)
    }
  return out
}

/** The stored run a report reads for a horizon: the latest of its model (never another's). */
function reportRun(
  archive: Archive,
  week: string,
  horizon: number,
  model: ResolvedModel | null,
): ForecastRunRow | null {
  return findForecastRun(archive, { week, horizon, ...(model ? { model } : {}) })
}

/** The newest observed contagion run of the week holding every wanted scenario with all methods. */
function latestCovering(
  archive: Archive,
  week: string,
  wanted: string[],
): NonNullable<CallResponse<'risk.result'>> | null {
  const ids = archive.db
    .prepare(
      `SELECT run_id FROM risk_runs WHERE kind = 'contagion' AND week = ? AND graph = 'observed'
       ORDER BY run_id DESC LIMIT 20`,
    )
    .all(week) as { run_id: number }[]
  for (const { run_id } of ids) {
    const run = riskResultView(archive, { runId: run_id, top: 10 })
    if (!run) continue
    const ok = wanted.every((s) =>
      METHODS.every((m) => run.results.some((x) => x.scenario === s && x.method === m)),
    )
    if (ok) return { ...run, results: run.results.filter((x) => wanted.includes(x.scenario)) }
  }
  return null
}

/** The node states after the first step (the shock and round 1 where there is one) and the last. */
function snapshots(p: CallResponse<'risk.playback'>): {
  first: ScenarioPart['first']
  last: ScenarioPart['last']
} {
  const nodes = decodeInt32(p.nodes)
  const shocked = decodeInt32(p.shocked)
  const carriers = carriersOfSteps(
    p.steps.map((s) => ({
      source: decodeInt32(s.edgeSource),
      target: decodeInt32(s.edgeTarget),
      stopped: decodeInt32(s.edgeStopped),
    })),
  )
  const state = new Int32Array(nodes.length)
  const loss = new Float64Array(nodes.length)
  const snap = (k: number): { round: number; nodes: NodeState } => {
    const s = p.steps[k]
    const touched: number[] = []
    for (let i = 0; i < nodes.length; i++) if (loss[i] > 0 || state[i] > 0) touched.push(i)
    return {
      round: s.round,
      nodes: {
        index: Int32Array.from(touched, (i) => nodes[i]),
        state: Int32Array.from(touched, (i) => state[i]),
        loss: Float64Array.from(touched, (i) => loss[i]),
        shocked,
        edgeSource: carriers[k].source,
        edgeTarget: carriers[k].target,
      },
    }
  }
  let first: ScenarioPart['first'] = null
  // round 0 is the shock itself; the first round of spreading shows where it goes first
  const firstAt = Math.min(1, p.steps.length - 1)
  for (let k = 0; k < p.steps.length; k++) {
    const s = p.steps[k]
    const changed = decodeInt32(s.changed)
    const nl = decodeFloat64(s.nodeLoss)
    const ns = decodeInt32(s.nodeState)
    for (let j = 0; j < changed.length; j++) {
      loss[changed[j]] = nl[j]
      state[changed[j]] = ns[j]
    }
    if (k === firstAt) first = snap(k)
  }
  const last = p.steps.length ? snap(p.steps.length - 1) : null
  return { first, last }
}

const pct = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : (a - b) / Math.abs(b)

/** A few sentences generated from the numbers: what moved, by how much, and who leads. */
export function summarySentences(
  week: string,
  rows: SummaryRow[],
  stats: CallResponse<'week.stats'>,
  sis: CallResponse<'week.sis'>,
  previousWeek: string | null,
  week4: string | null,
): string[] {
  const get = (k: string) => rows.find((r) => r.key === k)!
  const tvl = get('total_tvl')
  const exp = get('total_exposure')
  const nodes = get('n_nodes')
  const edges = get('n_edges')
  const hhi = get('tvl_hhi')
  const out: string[] = []
  const move = (r: SummaryRow, base: number | null, usd: boolean) => {
    const c = pct(r.value, base)
    if (c === null) return 'unchanged (no earlier week)'
    const dir = Math.abs(c) < 0.0005 ? 'flat' : c > 0 ? 'up' : 'down'
    const size = `${(Math.abs(c) * 100).toFixed(1)} %`
    return dir === 'flat'
      ? 'flat'
      : `${dir} ${size}${usd ? ` (${signedUsd((r.value ?? 0) - (base ?? 0))})` : ''}`
  }
  out.push(
    `In the week of ${week} the network held ${fmtUsd(tvl.value)} of TVL across ${fmtInt(nodes.value)} nodes and ${fmtInt(edges.value)} exposure edges carrying ${fmtUsd(exp.value)}.`,
  )
  if (previousWeek)
    out.push(
      `Against ${previousWeek}, TVL is ${move(tvl, tvl.value1, true)} and exposure ${move(exp, exp.value1, true)}; edges ${deltaCount(edges.value, edges.value1)}.`,
    )
  if (week4)
    out.push(
      `Over four weeks (since ${week4}) TVL is ${move(tvl, tvl.value4, true)} and exposure ${move(exp, exp.value4, true)}.`,
    )
  if (hhi.value !== null) {
    const level = hhi.value > 0.25 ? 'highly' : hhi.value > 0.15 ? 'moderately' : 'not'
    const d =
      hhi.value1 === null
        ? ''
        : `, ${hhi.value >= hhi.value1 ? 'up' : 'down'} from ${hhi.value1.toFixed(4)}`
    out.push(
      `TVL concentration (HHI ${hhi.value.toFixed(4)}${d}) is ${level} concentrated by the usual 0.15/0.25 thresholds.`,
    )
  }
  const top = sis.rows[0]
  if (top) {
    const mover = [...sis.rows]
      .filter((x) => x.rankChange !== null && x.rankChange !== 0)
      .sort((a, b) => Math.abs(b.rankChange!) - Math.abs(a.rankChange!))[0]
    out.push(
      `The most systemically important node is ${top.name ?? top.node} (SIS ${top.score.toFixed(3)})${mover ? `; the largest move in the top 20 is ${mover.name ?? mover.node}, ${mover.rankChange! > 0 ? 'up' : 'down'} ${Math.abs(mover.rankChange!)} places` : ''}.`,
    )
  }
  if (stats.largestExposure) {
    const e = stats.largestExposure
    out.push(
      `The largest single exposure is ${e.sourceName ?? e.source} → ${e.targetName ?? e.target} at ${fmtUsd(e.weight)}.`,
    )
  }
  return out
}

const deltaCount = (a: number | null, b: number | null) =>
  a === null || b === null
    ? 'unchanged'
    : a === b
      ? 'unchanged'
      : `${a > b ? 'up' : 'down'} ${fmtInt(Math.abs(a - b))}`

/** USD with thousands separators, whole dollars (the summary table's exact figure). */
export const fmtUsdExact = (v: number | null): string =>
  v === null ? '—' : `$${Math.round(v).toLocaleString('en-US')}`

export const fmtInt = (v: number | null): string =>
  v === null ? '—' : Math.round(v).toLocaleString('en-US')

/** USD in K/M/B/T for sentences. */
export function fmtUsd(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  const [d, s] = usdScale(a)
  return `${v < 0 ? '−' : ''}$${(a / d).toFixed(d === 1 ? 0 : 2)}${s}`
}

const signedUsd = (v: number) => `${v >= 0 ? '+' : '−'}${fmtUsd(Math.abs(v))}`
