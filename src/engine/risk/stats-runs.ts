// Network statistics of archived weeks: computed once per week version and parameters, stored in
// the archive (network_stats, sis_scores, spillover_cells), read back on later calls.
import type { WeekFrame, WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { weekProblem } from '../../shared/dates'
import { buildRiskGraph, type GraphInput, type RiskGraph } from '../../shared/risk/graph'
import { DEFAULT_SIS_WEIGHTS, type SisWeights } from '../../shared/risk/sis'
import {
  computeNetworkStats,
  largestEdgeOf,
  statDeltas,
  type LargestEdge,
  type NetworkStats,
  type StatKey,
  type WeekStats,
} from '../../shared/risk/stats'
import type { Archive } from '../store/archive'
import { RiskStore, type GraphKind, type RunKey } from './store'

export interface StatsParams {
  sisWeights?: SisWeights
  tailK?: number
}

export function statsParams(p: StatsParams = {}): Record<string, unknown> {
  return { sisWeights: p.sisWeights ?? DEFAULT_SIS_WEIGHTS, tailK: p.tailK ?? 5 }
}

export function checkWeek(archive: Archive, week: string, field = 'week'): WeekId {
  const problem = weekProblem(week)
  if (problem) throw new DexposureError('USAGE', problem, { field })
  if (!archive.hasWeek(week))
    throw new DexposureError(
      'NOT_FOUND',
      `week ${week} is not in the archive (see \`dexposure weeks\`)`,
      {
        week,
        file: archive.file,
      },
    )
  return week
}

export interface SisRow {
  rank: number
  node: string
  score: number
  pagerank: number
  tail: number
  logTvlScaled: number
}

export interface StatsReport {
  week: WeekId
  graph: GraphKind
  targetWeek: WeekId
  horizon: number
  runId: number | null
  /** True when read back from an earlier stored run. */
  cached: boolean
  values: NetworkStats
  /** The edge behind `max_edge_weight` (holder → issuer), null when the graph has no edge. */
  largestEdge: LargestEdge | null
  /** Change from the previous archived week (observed graphs only). */
  previousWeek: WeekId | null
  deltas: Record<string, number | null> | null
  sisTop: SisRow[]
  spillover: {
    level: 'category' | 'sector'
    total: number
    index: number
    top: { from: string; to: string; exposure: number }[]
  }[]
  warnings: string[]
  durationMs: number
}

export function observedGraph(
  archive: Archive,
  week: WeekId,
): { frame: WeekFrame; graph: RiskGraph } {
  const frame = archive.loadWeek(week)
  return { frame, graph: buildRiskGraph(frame, { week }) }
}

/** Computes statistics of any graph (no storage). */
export function measure(g: RiskGraph, params: StatsParams = {}): WeekStats {
  return computeNetworkStats(g, {
    sis: { weights: params.sisWeights, tailK: params.tailK },
  })
}

function sisTopRows(g: RiskGraph, s: WeekStats['sis'], k: number): SisRow[] {
  const out: SisRow[] = []
  for (let r = 0; r < Math.min(k, g.n); r++) {
    const i = s.order[r]
    out.push({
      rank: r + 1,
      node: g.nodeIds[i],
      score: s.scores[i],
      pagerank: s.pagerank[i],
      tail: s.tail[i],
      logTvlScaled: s.logTvlScaled[i],
    })
  }
  return out
}

function spilloverSummary(w: WeekStats, top: number): StatsReport['spillover'] {
  return [w.spillover.category, w.spillover.sector].map((sp) => ({
    level: sp.level,
    total: sp.total,
    index: sp.index,
    top: sp.cells.filter((c) => c.from !== c.to).slice(0, top),
  }))
}

export interface MeasureGraphOptions {
  archive: Archive
  store: RiskStore
  key: Omit<RunKey, 'kind' | 'params'>
  graph: RiskGraph
  params?: StatsParams
  topK?: number
  notes?: string[]
}

/** Measures a graph and stores the run; returns the report and the in-memory results. */
export function measureAndStore(o: MeasureGraphOptions): { report: StatsReport; stats: WeekStats } {
  const t0 = performance.now()
  const stats = measure(o.graph, o.params)
  const warnings = [...(o.notes ?? []), ...stats.warnings]
  const durationMs = performance.now() - t0
  const runId = o.store.saveStats(
    {
      ...o.key,
      kind: 'stats',
      params: statsParams(o.params),
      weekSha256: o.store.weekSha256(o.key.targetWeek),
      warnings,
      durationMs,
    },
    o.graph,
    stats.values,
    stats.sis,
    [stats.spillover.category, stats.spillover.sector],
    stats.largestEdge,
  )
  return {
    stats,
    report: {
      week: o.key.week,
      graph: o.key.graph,
      targetWeek: o.key.targetWeek,
      horizon: o.key.horizon,
      runId,
      cached: false,
      values: stats.values,
      largestEdge: stats.largestEdge,
      previousWeek: null,
      deltas: null,
      sisTop: sisTopRows(o.graph, stats.sis, o.topK ?? 20),
      spillover: spilloverSummary(stats, 10),
      warnings,
      durationMs,
    },
  }
}

const observedKey = (week: WeekId) => ({
  week,
  targetWeek: week,
  graph: 'observed' as const,
  horizon: 0,
  forecastRun: null,
})

/**
 * The stored statistics of an observed week, computing and storing them when missing. Cheap on
 * repeat calls: alerts and time series lean on it.
 */
export function ensureWeekStats(
  archive: Archive,
  store: RiskStore,
  week: WeekId,
  params: StatsParams = {},
): NetworkStats {
  const runId = store.findRun({ ...observedKey(week), kind: 'stats', params: statsParams(params) })
  if (runId !== null) {
    completeStatsRun(archive, store, runId, week)
    return store.readStats(runId)
  }
  const { graph } = observedGraph(archive, week)
  return measureAndStore({ archive, store, key: observedKey(week), graph, params }).stats.values
}

/**
 * Adds `max_edge_weight` (with its edge) to an observed week's stats run stored before the
 * statistic existed, from the week's graph as a new run would measure it. Nothing to do on a
 * complete run; a read-only archive keeps the run as it is (the value reads as null).
 */
export function completeStatsRun(
  archive: Archive,
  store: RiskStore,
  runId: number,
  week: WeekId,
): void {
  if (archive.readonly || archive.schemaVersion() < 8 || !store.lacksLargestEdge(runId)) return
  store.addLargestEdge(runId, largestEdgeOf(observedGraph(archive, week).graph))
}

export function previousWeek(archive: Archive, week: WeekId): WeekId | null {
  const r = archive.db
    .prepare('SELECT week FROM weeks WHERE week < ? ORDER BY week DESC LIMIT 1')
    .get(week) as { week: string } | undefined
  return r?.week ?? null
}

/** `dexposure stats --week W`: full statistics of one observed week, stored, with deltas. */
export function weekStats(
  archive: Archive,
  week: string,
  opts: { params?: StatsParams; topK?: number } = {},
): StatsReport {
  checkWeek(archive, week)
  const store = new RiskStore(archive)
  const { graph } = observedGraph(archive, week)
  const { report } = measureAndStore({
    archive,
    store,
    key: observedKey(week),
    graph,
    params: opts.params,
    topK: opts.topK,
  })
  const prev = previousWeek(archive, week)
  if (prev) {
    report.previousWeek = prev
    report.deltas = statDeltas(report.values, ensureWeekStats(archive, store, prev, opts.params))
  }
  return report
}

export interface SeriesPoint {
  week: WeekId
  values: NetworkStats
}

/** Statistics for every archived week in [from, to], oldest first (computed where missing). */
export function statsSeries(
  archive: Archive,
  opts: {
    from?: WeekId
    to?: WeekId
    params?: StatsParams
    onProgress?: (done: number, total: number, week: WeekId) => void
    signal?: AbortSignal
  } = {},
): SeriesPoint[] {
  const store = new RiskStore(archive)
  const weeks = archive
    .listWeeks()
    .map((w) => w.week)
    .filter((w) => (!opts.from || w >= opts.from) && (!opts.to || w <= opts.to))
  const out: SeriesPoint[] = []
  weeks.forEach((week, k) => {
    if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'cancelled', { week })
    out.push({ week, values: ensureWeekStats(archive, store, week, opts.params) })
    opts.onProgress?.(k + 1, weeks.length, week)
  })
  return out
}

export function graphOf(input: GraphInput, week: WeekId): RiskGraph {
  return buildRiskGraph(input, { week })
}

export type { StatKey }
