// Early warning: rolling z-score alerts on key network metrics, with data-staleness checks, and
// their evaluation against known crisis weeks (lead time, precision).
//
// The follow-up project's monitor (reference-spec §7.9) alerts when |z| > 2 against a rolling
// 42-week mean and standard deviation of N1–N5. We monitor N1–N5 as levels, as it does, and a few
// §7.3 statistics as week-over-week changes (the paper's "ΔHHI_t > 2σ" rule): levels of trending
// series such as total TVL would otherwise alert for months during any trend.
import { addWeeks, weeksBetween } from '../dates'

export type MonitorTransform = 'level' | 'change' | 'log-change'

export interface MonitoredMetric {
  key: string
  transform: MonitorTransform
  label: string
}

export const MONITORED_METRICS: MonitoredMetric[] = [
  { key: 'max_pagerank_unweighted', transform: 'level', label: 'N1 max PageRank' },
  { key: 'out_strength_hhi', transform: 'level', label: 'N2 HHI of weighted out-degree' },
  { key: 'density', transform: 'level', label: 'N3 density' },
  { key: 'pagerank_gini', transform: 'level', label: 'N4 Gini of PageRank' },
  { key: 'out_strength_gini', transform: 'level', label: 'N5 Gini of weighted out-degree' },
  { key: 'tvl_hhi', transform: 'change', label: 'Δ TVL HHI' },
  { key: 'top10_tvl_share', transform: 'change', label: 'Δ top-10 TVL share' },
  { key: 'edge_hhi', transform: 'change', label: 'Δ edge-weight HHI' },
  { key: 'spillover_index', transform: 'change', label: 'Δ spillover index' },
  { key: 'total_tvl', transform: 'log-change', label: 'Δ log total TVL' },
  { key: 'total_exposure', transform: 'log-change', label: 'Δ log total exposure' },
]

export interface MonitorOptions {
  /** Rolling window in weeks (the weeks before the one tested). Default 42. */
  window?: number
  /** Fewest earlier values needed before a z-score is computed. Default 8. */
  minHistory?: number
  /** Alert when |z| exceeds this. Default 2. */
  zThreshold?: number
  metrics?: MonitoredMetric[]
  /** Alert when this share of the nodes present in both weeks kept exactly the same TVL. Default 0.5. */
  staleShare?: number
}

export interface MonitorWeek {
  week: string
  values: Record<string, number | null>
  /** Share of nodes present in this and the previous archived week whose TVL did not change. */
  unchangedSizeShare?: number | null
  /** True when the week's content is identical to the previous archived week. */
  sameAsPrevious?: boolean
}

export type AlertKind = 'zscore' | 'gap' | 'stale'

export interface Alert {
  week: string
  kind: AlertKind
  metric: string | null
  value: number | null
  mean: number | null
  std: number | null
  z: number | null
  reason: string
}

const fmt = (x: number) =>
  Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4)

/** The monitored value of one metric per week (null where undefined or the transform cannot apply). */
export function transformSeries(weeks: MonitorWeek[], m: MonitoredMetric): (number | null)[] {
  return weeks.map((w, t) => {
    const x = w.values[m.key]
    if (x === null || x === undefined || !Number.isFinite(x)) return null
    if (m.transform === 'level') return x
    if (t === 0) return null
    const p = weeks[t - 1].values[m.key]
    if (p === null || p === undefined || !Number.isFinite(p)) return null
    if (m.transform === 'change') return x - p
    return x > 0 && p > 0 ? Math.log(x / p) : null
  })
}

/** Alerts for every week, oldest first. `weeks` must be sorted by week. */
export function monitor(weeks: MonitorWeek[], opts: MonitorOptions = {}): Alert[] {
  const window = opts.window ?? 42
  const minHistory = opts.minHistory ?? 8
  const zThreshold = opts.zThreshold ?? 2
  const staleShare = opts.staleShare ?? 0.5
  const metrics = opts.metrics ?? MONITORED_METRICS
  const alerts: Alert[] = []
  for (let t = 1; t < weeks.length; t++) {
    const gap = weeksBetween(weeks[t - 1].week, weeks[t].week)
    if (gap > 1) {
      const missing = gap - 1
      alerts.push({
        week: weeks[t].week,
        kind: 'gap',
        metric: null,
        value: missing,
        mean: null,
        std: null,
        z: null,
        reason: `${missing} week${missing === 1 ? '' : 's'} missing before this one (previous archived week ${weeks[t - 1].week}); changes span ${gap} weeks`,
      })
    }
    const w = weeks[t]
    if (w.sameAsPrevious)
      alerts.push({
        week: w.week,
        kind: 'stale',
        metric: null,
        value: 1,
        mean: null,
        std: null,
        z: null,
        reason: `content identical to ${weeks[t - 1].week}: the source probably did not update`,
      })
    else if (w.unchangedSizeShare != null && w.unchangedSizeShare >= staleShare)
      alerts.push({
        week: w.week,
        kind: 'stale',
        metric: 'unchanged_size_share',
        value: w.unchangedSizeShare,
        mean: null,
        std: null,
        z: null,
        reason: `${(100 * w.unchangedSizeShare).toFixed(1)} % of the nodes kept exactly last week's TVL: stale source data`,
      })
  }
  for (const m of metrics) {
    const series = transformSeries(weeks, m)
    for (let t = 0; t < weeks.length; t++) {
      const x = series[t]
      if (x === null) continue
      const hist: number[] = []
      for (let s = Math.max(0, t - window); s < t; s++)
        if (series[s] !== null) hist.push(series[s]!)
      if (hist.length < minHistory) continue
      const mean = hist.reduce((a, b) => a + b, 0) / hist.length
      let ss = 0
      for (const h of hist) ss += (h - mean) ** 2
      const std = Math.sqrt(ss / (hist.length - 1))
      if (!(std > 0)) continue
      const z = (x - mean) / std
      if (Math.abs(z) > zThreshold)
        alerts.push({
          week: weeks[t].week,
          kind: 'zscore',
          metric: m.key,
          value: x,
          mean,
          std,
          z,
          reason: `${m.label} ${m.transform === 'level' ? '' : `(${m.transform}) `}= ${fmt(x)}, ${z > 0 ? 'above' : 'below'} its ${hist.length}-week mean ${fmt(mean)} by ${Math.abs(z).toFixed(2)} σ`,
        })
    }
  }
  return alerts.sort(
    (a, b) =>
      a.week.localeCompare(b.week) ||
      a.kind.localeCompare(b.kind) ||
      (a.metric ?? '').localeCompare(b.metric ?? ''),
  )
}

export interface CrisisEvent {
  name: string
  week: string
}

export const CRISIS_EVENTS: CrisisEvent[] = [
  { name: 'Terra/Luna', week: '2022-05-09' },
  { name: 'FTX', week: '2022-11-07' },
]

export interface EventEvaluation {
  name: string
  week: string
  /** Weeks from the first alerted week in [event − lookback, event] to the event; null if none. */
  leadWeeks: number | null
  firstAlertWeek: string | null
  alertsInWindow: number
  detected: boolean
}

export interface AlertEvaluation {
  events: EventEvaluation[]
  /** Alerted weeks (z-score alerts only) inside an event window / all alerted weeks. */
  precision: number | null
  /** Events with an alert in their window / events in the range. */
  recall: number | null
  alertedWeeks: number
  alertedWeeksInWindows: number
  lookbackWeeks: number
  afterWeeks: number
}

/**
 * Evaluates z-score alerts against events: an event window is [event − lookback, event + after]
 * weeks (default 8 and 2). Events outside the monitored range are left out.
 */
export function evaluateAlerts(
  alerts: Alert[],
  range: { from: string; to: string },
  events: CrisisEvent[] = CRISIS_EVENTS,
  opts: { lookbackWeeks?: number; afterWeeks?: number } = {},
): AlertEvaluation {
  const lookback = opts.lookbackWeeks ?? 8
  const after = opts.afterWeeks ?? 2
  const inRange = events.filter((e) => e.week >= range.from && e.week <= range.to)
  const alertedWeeks = [
    ...new Set(alerts.filter((a) => a.kind === 'zscore').map((a) => a.week)),
  ].sort()
  const windows = inRange.map((e) => ({
    e,
    start: addWeeks(e.week, -lookback),
    end: addWeeks(e.week, after),
  }))
  const inWindow = alertedWeeks.filter((w) => windows.some((x) => w >= x.start && w <= x.end))
  const evaluations = windows.map(({ e, start, end }) => {
    const pre = alertedWeeks.filter((w) => w >= start && w <= e.week)
    const all = alertedWeeks.filter((w) => w >= start && w <= end)
    const first = pre[0] ?? null
    return {
      name: e.name,
      week: e.week,
      leadWeeks: first === null ? null : weeksBetween(first, e.week),
      firstAlertWeek: first,
      alertsInWindow: all.length,
      detected: all.length > 0,
    }
  })
  return {
    events: evaluations,
    precision: alertedWeeks.length ? inWindow.length / alertedWeeks.length : null,
    recall: evaluations.length
      ? evaluations.filter((e) => e.detected).length / evaluations.length
      : null,
    alertedWeeks: alertedWeeks.length,
    alertedWeeksInWindows: inWindow.length,
    lookbackWeeks: lookback,
    afterWeeks: after,
  }
}
