// The alert timeline's pure parts: alerts grouped by week along every archived week (the strip the
// dashboard draws), the SIS table's rank-change label, and which statistic an alert is about.
export interface TimelineAlert {
  week: string
  kind: 'zscore' | 'gap' | 'stale'
  metric: string | null
}

export interface TimelineBin {
  week: string
  /** Position of the week among the archived weeks (0 = oldest). */
  index: number
  zscore: number
  gap: number
  stale: number
  total: number
  metrics: string[]
}

/** One bin per week that has alerts, oldest first; alerts on weeks not archived are left out. */
export function alertTimeline(weeks: string[], alerts: TimelineAlert[]): TimelineBin[] {
  const at = new Map(weeks.map((w, i) => [w, i]))
  const bins = new Map<string, TimelineBin>()
  for (const a of alerts) {
    const index = at.get(a.week)
    if (index === undefined) continue
    let b = bins.get(a.week)
    if (!b) {
      b = { week: a.week, index, zscore: 0, gap: 0, stale: 0, total: 0, metrics: [] }
      bins.set(a.week, b)
    }
    b[a.kind]++
    b.total++
    if (a.metric && !b.metrics.includes(a.metric)) b.metrics.push(a.metric)
  }
  return [...bins.values()].sort((x, y) => x.index - y.index)
}

/** "▲ 3" moved up three places, "▼ 2" down, "=" unchanged, "new" not ranked last week. */
export function rankChangeLabel(change: number | null): string {
  if (change === null) return 'new'
  if (change === 0) return '='
  return change > 0 ? `▲ ${change}` : `▼ ${-change}`
}
