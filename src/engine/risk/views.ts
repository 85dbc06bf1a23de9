// What the workbench's week dashboard and scenario views read: statistics, SIS, spillovers,
// alerts, contagion results and forecast comparisons, from the runs stored in the archive (the same
// tables `dexposure stats`, `risk` and `alerts` write), computing and storing one week's statistics
// when they are missing. Statistics of many weeks are never computed here: the `stats` job does
// that (fillStats), so no call blocks the engine for the whole archive.
import { rowsMatching } from '../../shared/text-filter'
import type { CallRequest, CallResponse } from '../../shared/api'
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { addWeeks, weekProblem } from '../../shared/dates'
import { encodePacked } from '../../shared/packed'
import type { LossPathStep } from '../../shared/risk/contagion/types'
import { evaluateAlerts, type Alert } from '../../shared/risk/monitor'
import { STAT_DEFINITIONS, STAT_KEYS, statDeltas, type NetworkStats } from '../../shared/risk/stats'
import type { Archive } from '../store/archive'
import { UNKNOWN } from '../store/archive'
import { alertsRun } from './alert-runs'
import {
  checkWeek,
  completeStatsRun,
  measureAndStore,
  observedGraph,
  previousWeek,
  statsParams,
} from './stats-runs'
import { canonicalJson, RiskStore } from './store'

const observedKey = (week: WeekId) => ({
  week,
  targetWeek: week,
  graph: 'observed' as const,
  horizon: 0,
  forecastRun: null,
})

/** The stored stats run of an observed week with the default parameters, computed when missing. */
export function ensureStatsRun(
  archive: Archive,
  store: RiskStore,
  week: WeekId,
): { runId: number; cached: boolean } {
  const id = store.findRun({ ...observedKey(week), kind: 'stats', params: statsParams() })
  if (id !== null) {
    completeStatsRun(archive, store, id, week)
    return { runId: id, cached: true }
  }
  const { graph } = observedGraph(archive, week)
  const { report } = measureAndStore({ archive, store, key: observedKey(week), graph })
  return { runId: report.runId!, cached: false }
}

interface RunRow {
  run_id: number
  week: string
  target_week: string
  kind: string
  graph: 'observed' | 'forecast' | 'realised'
  horizon: number
  forecast_run: number | null
  params: string
  warnings: string
  created_at: string
  duration_ms: number
}

const runRow = (archive: Archive, runId: number): RunRow | undefined =>
  archive.db.prepare('SELECT * FROM risk_runs WHERE run_id = ?').get(runId) as RunRow | undefined

/**
 * The week's largest single exposure with the names of its ends: the stats run's stored
 * `max_edge_weight` edge, or (a read-only archive whose run predates it) measured from the week.
 */
function largestExposure(archive: Archive, store: RiskStore, runId: number, week: WeekId) {
  const stored = store.readLargestEdge(runId)
  if (stored !== undefined) {
    if (stored === null) return null
    const protocols = archive.protocols()
    return {
      ...stored,
      sourceName: protocols.get(stored.source)?.name ?? null,
      targetName: protocols.get(stored.target)?.name ?? null,
    }
  }
  const f = archive.loadWeek(week)
  let best = -1
  for (let j = 0; j < f.edgeWeight.length; j++)
    if (best < 0 || f.edgeWeight[j] > f.edgeWeight[best]) best = j
  if (best < 0) return null
  const protocols = archive.protocols()
  const source = f.nodeIds[f.edgeSrc[best]]
  const target = f.nodeIds[f.edgeDst[best]]
  return {
    source,
    target,
    sourceName: protocols.get(source)?.name ?? null,
    targetName: protocols.get(target)?.name ?? null,
    weight: f.edgeWeight[best],
  }
}

export function weekStatsView(archive: Archive, week: string): CallResponse<'week.stats'> {
  checkWeek(archive, week)
  const t0 = performance.now()
  const store = new RiskStore(archive)
  const { runId, cached } = ensureStatsRun(archive, store, week)
  const values = store.readStats(runId)
  const prev = previousWeek(archive, week)
  const prevRun = prev ? ensureStatsRun(archive, store, prev).runId : null
  const previous: NetworkStats | null = prevRun !== null ? store.readStats(prevRun) : null
  const row = runRow(archive, runId)!
  const synthetic = archive.db.prepare('SELECT synthetic FROM weeks WHERE week = ?').get(week) as {
    synthetic: number
  }
  return {
    week,
    synthetic: synthetic.synthetic === 1,
    runId,
    cached,
    created: row.created_at,
    values,
    previousWeek: prev,
    previous,
    deltas: previous ? statDeltas(values, previous) : null,
    largestExposure: largestExposure(archive, store, runId, week),
    previousLargestExposure:
      prev && prevRun !== null
        ? (largestExposure(archive, store, prevRun, prev)?.weight ?? null)
        : null,
    definitions: STAT_DEFINITIONS.map((d) => ({ key: d.key, label: d.label })),
    warnings: JSON.parse(row.warnings) as string[],
    durationMs: performance.now() - t0,
  }
}

/** The latest default-parameter stats run of every observed week that has one. */
function storedStatsRuns(archive: Archive): Map<string, number> {
  const rows = archive.db
    .prepare(
      `SELECT week, max(run_id) AS run_id FROM risk_runs
       WHERE kind = 'stats' AND graph = 'observed' AND horizon = 0 AND forecast_run IS NULL
         AND week = target_week AND params = ? GROUP BY week`,
    )
    .all(canonicalJson(statsParams())) as { week: string; run_id: number }[]
  return new Map(rows.map((r) => [r.week, r.run_id]))
}

/** Archived weeks without stored statistics, oldest first. */
export function weeksWithoutStats(archive: Archive, among?: string[]): string[] {
  const have = storedStatsRuns(archive)
  return (among ?? archive.listWeeks().map((w) => w.week)).filter((w) => !have.has(w))
}

/**
 * Weeks whose stored statistics run predates `max_edge_weight` (schema 8): the `stats` job adds
 * the statistic to them. None on a read-only archive, which cannot be completed.
 */
export function weeksWithIncompleteStats(archive: Archive): string[] {
  if (archive.readonly || archive.schemaVersion() < 8) return []
  const ids = [...storedStatsRuns(archive)]
  if (!ids.length) return []
  const lacking = new Set(
    (
      archive.db
        .prepare(
          `SELECT j.value AS run_id FROM json_each(?) j WHERE NOT EXISTS (
             SELECT 1 FROM network_stats s WHERE s.run_id = j.value AND s.metric = 'max_edge_weight')`,
        )
        .all(JSON.stringify(ids.map(([, id]) => id))) as { run_id: number }[]
    ).map((r) => r.run_id),
  )
  return ids.filter(([, id]) => lacking.has(id)).map(([w]) => w)
}

/** What the `stats` job has to do: weeks without statistics, then incomplete ones, oldest first. */
export function weeksToFill(archive: Archive): string[] {
  return [...weeksWithoutStats(archive), ...weeksWithIncompleteStats(archive)].sort()
}

/**
 * Computes the missing weeks' statistics (and completes runs stored before a statistic existed)
 * one at a time, yielding between weeks (the `stats` job).
 */
export async function fillStats(
  archive: Archive,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number, week: string) => void },
): Promise<{ computed: number }> {
  const missing = weeksToFill(archive)
  const store = new RiskStore(archive)
  let done = 0
  for (const week of missing) {
    if (opts.signal?.aborted)
      throw new DexposureError('CANCELLED', 'statistics cancelled', { week })
    // another call may have computed it meanwhile (week.stats); a run stored before
    // max_edge_weight is completed
    ensureStatsRun(archive, store, week)
    opts.onProgress?.(++done, missing.length, week)
    await new Promise((r) => setImmediate(r))
  }
  return { computed: done }
}

export function statsSeriesView(
  archive: Archive,
  metrics: string[] | undefined,
): Omit<CallResponse<'stats.series'>, 'jobId'> {
  const unknown = (metrics ?? []).filter((m) => !(STAT_KEYS as string[]).includes(m))
  if (unknown.length)
    throw new DexposureError('USAGE', `unknown metrics: ${unknown.join(', ')}`, {
      field: 'metrics',
    })
  const keys = metrics ?? STAT_KEYS
  const weeks = archive.listWeeks().map((w) => w.week)
  const position = new Map(weeks.map((w, i) => [w, i]))
  const runs = storedStatsRuns(archive)
  const present = new Int32Array(weeks.length)
  const series = new Map(keys.map((k) => [k, new Float64Array(weeks.length).fill(NaN)]))
  const byRun = new Map<number, number>()
  for (const [w, id] of runs) {
    const i = position.get(w)
    if (i === undefined) continue
    present[i] = 1
    byRun.set(id, i)
  }
  const rows = archive.db
    .prepare(
      `SELECT s.run_id, s.metric, s.value FROM network_stats s
       WHERE s.run_id IN (SELECT value FROM json_each(?))`,
    )
    .raw()
    .all(JSON.stringify([...byRun.keys()])) as [number, string, number | null][]
  for (const [id, metric, value] of rows) {
    const arr = series.get(metric)
    if (arr && value !== null) arr[byRun.get(id)!] = value
  }
  const stored = byRun.size
  return {
    weeks,
    present: encodePacked(present),
    metrics: Object.fromEntries([...series].map(([k, a]) => [k, encodePacked(a)])),
    stored,
    // runs stored before max_edge_weight count as missing: the `stats` job completes them
    missing: weeks.length - stored + weeksWithIncompleteStats(archive).length,
  }
}

export function weekSisView(
  archive: Archive,
  r: CallRequest<'week.sis'>,
): CallResponse<'week.sis'> {
  checkWeek(archive, r.week)
  const store = new RiskStore(archive)
  const { runId } = ensureStatsRun(archive, store, r.week)
  const prev = previousWeek(archive, r.week)
  const read = (id: number) =>
    archive.db
      .prepare(
        `SELECT node_id, rank, score, pagerank, pagerank_scaled, tail_exposure, log_tvl_scaled
         FROM sis_scores WHERE run_id = ?`,
      )
      .raw()
      .all(id) as [string, number, number, number, number, number, number][]
  const previousRank = new Map<string, number>()
  if (prev)
    for (const row of read(ensureStatsRun(archive, store, prev).runId))
      previousRank.set(row[0], row[1])
  const protocols = archive.protocols()
  const all = read(runId).map(
    ([node, rank, score, pagerank, pagerankScaled, tail, logTvlScaled]) => {
      const p = protocols.get(node)
      const before = previousRank.get(node)
      return {
        rank,
        node,
        name: p?.name ?? null,
        category: p?.category || UNKNOWN,
        sector: p?.sector || UNKNOWN,
        score,
        pagerank,
        pagerankScaled,
        tail,
        logTvlScaled,
        previousRank: before ?? null,
        rankChange: before === undefined ? null : before - rank,
      }
    },
  )
  const rows = rowsMatching(all, r.filter)
  type Row = (typeof all)[number]
  const sort = r.sort ?? 'rank'
  const key: (x: Row) => number | string = {
    rank: (x: Row) => x.rank,
    score: (x: Row) => x.score,
    pagerank: (x: Row) => x.pagerank,
    tail: (x: Row) => x.tail,
    logTvl: (x: Row) => x.logTvlScaled,
    // nodes new this week sort after every ranked move, either way
    rankChange: (x: Row) => x.rankChange ?? Number.NEGATIVE_INFINITY,
    node: (x: Row) => x.node,
    name: (x: Row) => x.name ?? '',
  }[sort]
  // rank and text read naturally ascending; scores and moves descending
  const dir =
    (r.order ?? (['rank', 'node', 'name'].includes(sort) ? 'asc' : 'desc')) === 'asc' ? 1 : -1
  rows.sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    const c = ka < kb ? -1 : ka > kb ? 1 : 0
    return c * dir || a.rank - b.rank
  })
  const params = JSON.parse(runRow(archive, runId)!.params) as {
    sisWeights: { pagerank: number; tail: number; tvl: number }
    tailK: number
  }
  const offset = r.offset ?? 0
  return {
    week: r.week,
    runId,
    previousWeek: prev,
    weights: params.sisWeights,
    tailK: params.tailK,
    nodes: all.length,
    total: rows.length,
    offset,
    rows: rows.slice(offset, offset + (r.limit ?? 100)),
  }
}

const SPILL_STATS = {
  category: [
    'spillover_total',
    'spillover_index',
    'category_connectivity_density',
    'cross_category_exposure_ratio',
  ],
  sector: [
    'sector_spillover_total',
    'sector_spillover_index',
    'sector_connectivity_density',
    'cross_sector_exposure_ratio',
  ],
} as const

export function weekSpilloverView(
  archive: Archive,
  week: string,
  level: 'category' | 'sector',
): CallResponse<'week.spillover'> {
  checkWeek(archive, week)
  const store = new RiskStore(archive)
  const { runId } = ensureStatsRun(archive, store, week)
  const cells = archive.db
    .prepare(
      'SELECT from_sector, to_sector, exposure FROM spillover_cells WHERE run_id = ? AND level = ?',
    )
    .raw()
    .all(runId, level) as [string, string, number][]
  const involvement = new Map<string, number>()
  for (const [a, b, x] of cells) {
    involvement.set(a, (involvement.get(a) ?? 0) + x)
    involvement.set(b, (involvement.get(b) ?? 0) + x)
  }
  const labels = [...involvement.keys()].sort(
    (a, b) => involvement.get(b)! - involvement.get(a)! || a.localeCompare(b),
  )
  const at = new Map(labels.map((l, i) => [l, i]))
  const k = labels.length
  const matrix = new Float64Array(k * k)
  const rowTotals = new Array<number>(k).fill(0)
  const colTotals = new Array<number>(k).fill(0)
  let total = 0
  for (const [a, b, x] of cells) {
    const i = at.get(a)!
    const j = at.get(b)!
    matrix[i * k + j] += x
    rowTotals[i] += x
    colTotals[j] += x
    total += x
  }
  const v = store.readStats(runId)
  const [t, idx, density, ratio] = SPILL_STATS[level]
  return {
    week,
    level,
    runId,
    labels,
    matrix: encodePacked(matrix),
    rowTotals,
    colTotals,
    total,
    crossTotal: v[t],
    index: v[idx],
    connectivityDensity: v[density],
    crossRatio: v[ratio],
  }
}

/** alerts.list: stored alerts when still valid, computed (and stored) when every week has statistics. */
export function alertsView(
  archive: Archive,
  r: CallRequest<'alerts.list'>,
  startFill: () => string | null,
): CallResponse<'alerts.list'> {
  for (const [field, w] of [
    ['from', r.from],
    ['to', r.to],
  ] as const)
    if (w !== undefined) {
      const p = weekProblem(w)
      if (p) throw new DexposureError('USAGE', p, { field })
    }
  const all = archive.listWeeks()
  const synthetic = all.some((w) => w.synthetic)
  const empty = {
    from: r.from ?? null,
    to: r.to ?? null,
    runId: null,
    weeksMonitored: 0,
    alerts: [],
    evaluation: null,
    freshness: null,
    synthetic,
  }
  if (all.length === 0) return { state: 'ready', jobId: null, missing: 0, ...empty }
  const from = r.from ?? all[0].week
  const to = r.to ?? all[all.length - 1].week
  if (from > to)
    throw new DexposureError('USAGE', `from ${from} is after to ${to}`, { field: 'from' })
  const window = r.window ?? 42
  const minHistory = r.minHistory ?? 8
  if (minHistory > window)
    throw new DexposureError('USAGE', 'minHistory cannot exceed window', { field: 'minHistory' })
  const zThreshold = r.z ?? 2
  const start = addWeeks(from, -window - 1)
  const needed = all.map((w) => w.week).filter((w) => w >= start && w <= to)
  const missing = weeksWithoutStats(archive, needed).length
  if (missing > 0) {
    const jobId = r.fill === false ? null : startFill()
    return { state: 'pending', jobId, missing, ...empty, from, to, weeksMonitored: needed.length }
  }
  const params = { from, to, window, minHistory, zThreshold, staleShare: 0.5 }
  // a stored run is valid until the next import (any week of the window may have changed)
  const lastImport =
    (
      archive.db.prepare('SELECT max(finished_at) AS t FROM imports').get() as {
        t: string | null
      }
    ).t ?? ''
  const stored = archive.db
    .prepare(
      `SELECT run_id FROM risk_runs WHERE kind = 'alerts' AND params = ? AND created_at >= ?
       ORDER BY run_id DESC LIMIT 1`,
    )
    .get(canonicalJson(params), lastImport) as { run_id: number } | undefined
  let runId: number
  let alerts: Alert[]
  if (stored) {
    runId = stored.run_id
    alerts = archive.db
      .prepare(
        'SELECT week, kind, metric, value, mean, std, z, reason FROM alerts WHERE run_id = ? ORDER BY alert_id',
      )
      .all(runId) as Alert[]
  } else {
    const report = alertsRun(archive, { from, to, window, minHistory, zThreshold })
    runId = report.runId
    alerts = report.alerts
  }
  const newest = all[all.length - 1].week
  const ageDays = Math.floor(
    (Date.now() - Date.parse(`${addWeeks(newest, 1)}T00:00:00Z`)) / 86_400_000,
  )
  return {
    state: 'ready',
    jobId: null,
    missing: 0,
    from,
    to,
    runId,
    weeksMonitored: needed.length,
    alerts: alerts.map((a) => ({ ...a, ...finite(a) })),
    evaluation: evaluateAlerts(alerts, { from, to }),
    freshness: { newestWeek: newest, ageDays, stale: ageDays > 14 },
    synthetic,
  }
}

const fin = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x)
const finite = (a: Alert) => ({
  value: fin(a.value),
  mean: fin(a.mean),
  std: fin(a.std),
  z: fin(a.z),
})

// ---- contagion runs

interface ResultRow {
  scenario: string
  method: 'reference' | 'debtrank' | 'eisenberg-noe'
  variant: string
  shock_spec: string
  shock_fraction: number
  shocked_nodes: string
  total_loss: number
  total_loss_pct: number
  affected_count: number
  distressed_count: number
  default_count: number
  rounds: number
  converged: number
  outputs: string
  loss_path: string
  warnings: string
}

export function contagionRun(archive: Archive, runId: number): RunRow {
  const run = runRow(archive, runId)
  if (!run || run.kind !== 'contagion')
    throw new DexposureError('NOT_FOUND', `no contagion run ${runId}`, { field: 'runId' })
  return run
}

export function riskResultView(
  archive: Archive,
  r: CallRequest<'risk.result'>,
): CallResponse<'risk.result'> {
  let run: RunRow | undefined
  if (r.runId !== undefined) run = contagionRun(archive, r.runId)
  else {
    const graph = r.graph ?? 'observed'
    const horizon = r.horizon ?? (graph === 'observed' ? 0 : undefined)
    const id = archive.db
      .prepare(
        `SELECT r.run_id FROM risk_runs r WHERE r.kind = 'contagion' AND r.week = ? AND r.graph = ?
           AND (? IS NULL OR r.horizon = ?)
           AND EXISTS (SELECT 1 FROM contagion_results c WHERE c.run_id = r.run_id
             AND (? IS NULL OR c.scenario = ?) AND (? IS NULL OR c.method = ?))
         ORDER BY r.run_id DESC LIMIT 1`,
      )
      .get(
        r.week,
        graph,
        horizon ?? null,
        horizon ?? null,
        r.scenario ?? null,
        r.scenario ?? null,
        r.method ?? null,
        r.method ?? null,
      ) as { run_id: number } | undefined
    if (!id) return null
    run = runRow(archive, id.run_id)!
  }
  const params = JSON.parse(run.params) as {
    scenarios?: { name: string }[]
    methods?: string[]
  }
  const rows = (
    archive.db
      .prepare(
        `SELECT * FROM contagion_results WHERE run_id = ? AND (? IS NULL OR scenario = ?)
         AND (? IS NULL OR method = ?)`,
      )
      .all(
        run.run_id,
        r.scenario ?? null,
        r.scenario ?? null,
        r.method ?? null,
        r.method ?? null,
      ) as ResultRow[]
  ).sort((a, b) => {
    const s = (params.scenarios ?? []).map((x) => x.name)
    const m = params.methods ?? []
    return (
      s.indexOf(a.scenario) - s.indexOf(b.scenario) || m.indexOf(a.method) - m.indexOf(b.method)
    )
  })
  const top = r.top ?? 20
  const protocols = archive.protocols()
  const losses = archive.db.prepare(
    `SELECT node_id, loss, relative_loss, distress_round FROM contagion_node_losses
     WHERE run_id = ? AND scenario = ? AND method = ? ORDER BY loss DESC, node_id LIMIT ?`,
  )
  const hit = archive.db.prepare(
    'SELECT count(*) AS c FROM contagion_node_losses WHERE run_id = ? AND scenario = ? AND method = ?',
  )
  return {
    runId: run.run_id,
    week: run.week,
    targetWeek: run.target_week,
    graph: run.graph,
    horizon: run.horizon,
    forecastRun: run.forecast_run,
    created: run.created_at,
    params: JSON.parse(run.params) as Record<string, unknown>,
    warnings: JSON.parse(run.warnings) as string[],
    results: rows.map((x) => {
      const shocked = JSON.parse(x.shocked_nodes) as string[]
      const outputs = JSON.parse(x.outputs) as Record<string, number | null>
      return {
        scenario: x.scenario,
        method: x.method,
        variant: x.variant,
        shockSpec: x.shock_spec,
        shockFraction: x.shock_fraction,
        shockedCount: shocked.length,
        shocked: shocked.slice(0, 100),
        totalLoss: x.total_loss,
        totalLossPct: x.total_loss_pct,
        affected: x.affected_count,
        distressed: x.distressed_count,
        defaults: x.default_count,
        rounds: x.rounds,
        converged: x.converged === 1,
        outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, fin(v)])),
        lossPath: JSON.parse(x.loss_path) as LossPathStep[],
        warnings: JSON.parse(x.warnings) as string[],
        nodesHit: (hit.get(run.run_id, x.scenario, x.method) as { c: number }).c,
        topLosses: (
          losses.all(run.run_id, x.scenario, x.method, top) as {
            node_id: string
            loss: number
            relative_loss: number | null
            distress_round: number | null
          }[]
        ).map((n) => ({
          node: n.node_id,
          name: protocols.get(n.node_id)?.name ?? null,
          loss: n.loss,
          relativeLoss: fin(n.relative_loss),
          distressRound: n.distress_round,
        })),
      }
    }),
  }
}

export function riskComparisonView(
  archive: Archive,
  week: string,
  horizon: number,
  forecastRun?: number,
): CallResponse<'risk.comparison'> {
  // with a forecast run: only a comparison that scored that run (the chosen model's forecast),
  // never one of another model's run
  const run = archive.db
    .prepare(
      `SELECT * FROM risk_runs WHERE kind = 'compare' AND week = ? AND horizon = ?
       AND (? IS NULL OR forecast_run = ?) ORDER BY run_id DESC LIMIT 1`,
    )
    .get(week, horizon, forecastRun ?? null, forecastRun ?? null) as RunRow | undefined
  if (!run) return null
  const rows = archive.db
    .prepare(
      'SELECT item, predictor, predicted, actual, abs_error FROM risk_comparisons WHERE run_id = ?',
    )
    .all(run.run_id) as {
    item: string
    predictor: 'forecast' | 'persistence'
    predicted: number | null
    actual: number | null
    abs_error: number | null
  }[]
  const out = new Map<
    string,
    {
      item: string
      actual: number | null
      forecast: number | null
      persistence: number | null
      forecastError: number | null
      persistenceError: number | null
    }
  >()
  for (const x of rows) {
    let o = out.get(x.item)
    if (!o) {
      o = {
        item: x.item,
        actual: x.actual,
        forecast: null,
        persistence: null,
        forecastError: null,
        persistenceError: null,
      }
      out.set(x.item, o)
    }
    if (x.predictor === 'forecast') {
      o.forecast = x.predicted
      o.forecastError = x.abs_error
    } else {
      o.persistence = x.predicted
      o.persistenceError = x.abs_error
    }
  }
  return {
    runId: run.run_id,
    week: run.week,
    targetWeek: run.target_week,
    horizon: run.horizon,
    graph: run.graph,
    forecastRun: run.forecast_run,
    rows: [...out.values()],
  }
}
