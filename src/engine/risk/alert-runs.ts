// `dexposure alerts`: the early-warning monitor over the archive. Statistics come from stored runs
// (computed and stored for weeks that have none); staleness is read from the week frames and the
// week content hashes; alerts in the requested range are stored as one run.
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { addWeeks, weekProblem } from '../../shared/dates'
import {
  evaluateAlerts,
  monitor,
  type Alert,
  type AlertEvaluation,
  type MonitorOptions,
  type MonitorWeek,
} from '../../shared/risk/monitor'
import type { Archive } from '../store/archive'
import { float64Of } from '../store/frames'
import { ensureWeekStats, type StatsParams } from './stats-runs'
import { RiskStore } from './store'

export interface AlertsOptions extends MonitorOptions {
  from?: WeekId
  to?: WeekId
  stats?: StatsParams
  onProgress?: (done: number, total: number, week: WeekId) => void
  signal?: AbortSignal
  /** "Now" for the freshness check of the newest week (default: the clock). */
  now?: Date
}

export interface AlertsReport {
  from: WeekId
  to: WeekId
  /** Weeks read (the range plus the history window before it). */
  weeksMonitored: number
  alerts: Alert[]
  evaluation: AlertEvaluation
  /** Age of the newest archived week in days at `now`, and whether it exceeds two weeks. */
  freshness: { newestWeek: WeekId; ageDays: number; stale: boolean }
  runId: number
  synthetic: boolean
}

function unchangedShare(archive: Archive, prev: WeekId, week: WeekId): number | null {
  const q = archive.db.prepare('SELECT node_ids, sizes FROM week_frames WHERE week = ?')
  const a = q.get(prev) as { node_ids: string; sizes: Buffer } | undefined
  const b = q.get(week) as { node_ids: string; sizes: Buffer } | undefined
  if (!a || !b) return null
  const ids = JSON.parse(a.node_ids) as string[]
  const sizes = float64Of(a.sizes)
  const before = new Map<string, number>()
  ids.forEach((id, i) => before.set(id, sizes[i]))
  const idsB = JSON.parse(b.node_ids) as string[]
  const sizesB = float64Of(b.sizes)
  let common = 0
  let same = 0
  idsB.forEach((id, i) => {
    const s = before.get(id)
    if (s === undefined) return
    common++
    if (s === sizesB[i]) same++
  })
  return common ? same / common : null
}

export function alertsRun(archive: Archive, o: AlertsOptions = {}): AlertsReport {
  for (const [field, w] of [
    ['from', o.from],
    ['to', o.to],
  ] as const)
    if (w !== undefined) {
      const p = weekProblem(w)
      if (p) throw new DexposureError('USAGE', p, { field })
    }
  const all = archive.listWeeks()
  if (all.length === 0)
    throw new DexposureError('NOT_FOUND', 'the archive holds no weeks', { file: archive.file })
  const from = o.from ?? all[0].week
  const to = o.to ?? all[all.length - 1].week
  if (from > to)
    throw new DexposureError('USAGE', `--from ${from} is after --to ${to}`, { field: 'from' })
  const window = o.window ?? 42
  const start = addWeeks(from, -window - 1)
  const weeks = all.filter((w) => w.week >= start && w.week <= to)
  if (!weeks.some((w) => w.week >= from))
    throw new DexposureError('NOT_FOUND', `no archived week between ${from} and ${to}`, {
      field: 'from',
    })
  const store = new RiskStore(archive)
  const hashes = new Map(
    (
      archive.db.prepare('SELECT week, content_sha256 AS h FROM weeks').all() as {
        week: string
        h: string
      }[]
    ).map((r) => [r.week, r.h]),
  )
  const series: MonitorWeek[] = []
  weeks.forEach((w, k) => {
    if (o.signal?.aborted) throw new DexposureError('CANCELLED', 'cancelled', { week: w.week })
    const prev = k > 0 ? weeks[k - 1].week : null
    series.push({
      week: w.week,
      values: ensureWeekStats(archive, store, w.week, o.stats),
      unchangedSizeShare: prev ? unchangedShare(archive, prev, w.week) : null,
      sameAsPrevious: prev !== null && hashes.get(prev) === hashes.get(w.week),
    })
    o.onProgress?.(k + 1, weeks.length, w.week)
  })
  const t0 = performance.now()
  const alerts = monitor(series, o).filter((a) => a.week >= from && a.week <= to)
  const evaluation = evaluateAlerts(alerts, { from, to })
  const newest = all[all.length - 1].week
  const now = o.now ?? new Date()
  // A week is named by its Monday and complete a week later.
  const ageDays = Math.floor(
    (now.getTime() - Date.parse(`${addWeeks(newest, 1)}T00:00:00Z`)) / 86_400_000,
  )
  const freshness = { newestWeek: newest, ageDays, stale: ageDays > 14 }
  const runId = store.saveAlerts(
    {
      week: weeks[weeks.length - 1].week,
      targetWeek: weeks[weeks.length - 1].week,
      kind: 'alerts',
      graph: 'observed',
      horizon: 0,
      forecastRun: null,
      params: {
        from,
        to,
        window,
        minHistory: o.minHistory ?? 8,
        zThreshold: o.zThreshold ?? 2,
        staleShare: o.staleShare ?? 0.5,
      },
      weekSha256: store.weekSha256(weeks[weeks.length - 1].week),
      warnings: freshness.stale
        ? [`the newest archived week ${newest} is ${ageDays} days old: import newer data`]
        : [],
      durationMs: performance.now() - t0,
    },
    alerts,
  )
  return {
    from,
    to,
    weeksMonitored: weeks.length,
    alerts,
    evaluation,
    freshness,
    runId,
    synthetic: weeks.some((w) => w.synthetic),
  }
}
