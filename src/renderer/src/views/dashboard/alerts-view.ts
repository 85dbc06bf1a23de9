// The dashboard's alerts: the early-warning alerts (`alerts.list`, the `alerts` engine: z-scores of
// the monitored statistics, gaps, stale data) of the shown week, a timeline of alerts across every
// archived week, and the list of all of them. Each alert links to its week (its dashboard, or its
// graph) and to its metric (the metric's chart).
import type { CallResponse } from '../../../../shared/api'
import { count } from '../../ui/format'
import { alertTimeline } from './alert-timeline'

type Alerts = CallResponse<'alerts.list'>
type Alert = Alerts['alerts'][number]

export interface AlertsHost {
  week: string
  weeks: string[]
  /** A statistic's label (its definition in docs/risk.md). */
  label(metric: string): string
  openWeek(week: string): void
  openGraph(week: string): void
  openMetric(metric: string, week: string): void
}

const KIND_LABEL: Record<Alert['kind'], string> = {
  zscore: 'z-score',
  gap: 'gap',
  stale: 'stale',
}

export function renderAlerts(
  host: AlertsHost,
  r: Alerts | null,
  pending: string | null,
): HTMLElement {
  const section = document.createElement('section')
  section.className = 'dash-section dash-alerts'
  const head = document.createElement('header')
  const h = document.createElement('h3')
  h.textContent = 'Alerts'
  head.append(h)
  section.append(head)
  if (!r || r.state === 'pending') {
    const p = document.createElement('p')
    p.className = 'muted'
    p.textContent = !r
      ? 'Loading the alerts…'
      : (pending ?? 'Alerts need the statistics of every week; they are being computed.')
    section.append(p)
    section.dataset.state = r ? 'pending' : 'loading'
    return section
  }
  section.dataset.state = 'ready'
  const mine = r.alerts.filter((a) => a.week === host.week)
  const sub = document.createElement('p')
  sub.className = 'muted'
  sub.textContent =
    `${count(r.alerts.length)} alerts over ${count(r.weeksMonitored)} weeks monitored` +
    (r.from && r.to ? ` (${r.from} … ${r.to})` : '') +
    (r.freshness?.stale
      ? ` · newest week ${r.freshness.newestWeek} is ${r.freshness.ageDays} days old`
      : '')
  head.append(sub)

  const weekBox = document.createElement('div')
  weekBox.className = 'dash-week-alerts'
  const h4 = document.createElement('h4')
  h4.textContent = mine.length
    ? `This week: ${mine.length} alert${mine.length > 1 ? 's' : ''}`
    : 'This week: no alert'
  weekBox.append(h4)
  if (mine.length) weekBox.append(alertList(host, mine, false))
  section.append(weekBox, timeline(host, r.alerts))
  if (r.alerts.length) {
    const all = document.createElement('details')
    all.className = 'dash-all-alerts'
    const sum = document.createElement('summary')
    sum.textContent = `All alerts (${count(r.alerts.length)}), newest first`
    all.append(sum)
    all.addEventListener(
      'toggle',
      () =>
        all.open &&
        all.childElementCount === 1 &&
        all.append(alertList(host, [...r.alerts].reverse(), true)),
    )
    section.append(all)
  }
  return section
}

function alertList(host: AlertsHost, alerts: Alert[], withWeek: boolean): HTMLElement {
  const ul = document.createElement('ul')
  ul.className = 'alert-list'
  for (const a of alerts) {
    const li = document.createElement('li')
    li.dataset.week = a.week
    li.dataset.kind = a.kind
    if (a.metric) li.dataset.metric = a.metric
    const kind = document.createElement('span')
    kind.className = `alert-kind ${a.kind}`
    kind.textContent = KIND_LABEL[a.kind]
    li.append(kind, ' ')
    if (withWeek) {
      const w = link(a.week, `Open the dashboard of ${a.week}`, () => host.openWeek(a.week))
      w.dataset.link = 'week'
      li.append(w, ' ')
    }
    if (a.metric) {
      const metric = a.metric
      const m = link(host.label(metric), `Chart of ${metric} across every week`, () =>
        host.openMetric(metric, a.week),
      )
      m.dataset.link = 'metric'
      li.append(m, ' ')
    }
    const reason = document.createElement('span')
    reason.className = 'muted'
    reason.textContent = a.reason
    const g = link('graph', `Open the graph of ${a.week}`, () => host.openGraph(a.week))
    g.dataset.link = 'graph'
    li.append(reason, ' · ', g)
    ul.append(li)
  }
  return ul
}

/** One mark per week with alerts along every archived week; the shown week is marked. */
function timeline(host: AlertsHost, alerts: Alert[]): HTMLElement {
  const box = document.createElement('div')
  box.className = 'alert-timeline'
  box.setAttribute('aria-label', 'Alerts across weeks')
  const bins = alertTimeline(host.weeks, alerts)
  const n = Math.max(1, host.weeks.length - 1)
  const most = Math.max(1, ...bins.map((b) => b.total))
  const at = host.weeks.indexOf(host.week)
  if (at >= 0) {
    const now = document.createElement('i')
    now.className = 'now'
    now.style.left = `${(at / n) * 100}%`
    now.title = `${host.week} (this dashboard)`
    box.append(now)
  }
  for (const b of bins) {
    const mark = document.createElement('button')
    mark.type = 'button'
    mark.className = `mark ${b.zscore >= b.gap + b.stale ? 'zscore' : b.gap >= b.stale ? 'gap' : 'stale'}`
    mark.dataset.week = b.week
    mark.style.left = `${(b.index / n) * 100}%`
    mark.style.height = `${30 + 70 * (b.total / most)}%`
    mark.title =
      `${b.week}: ${b.total} alert${b.total > 1 ? 's' : ''}` +
      (b.metrics.length ? ` (${b.metrics.map((m) => host.label(m)).join(', ')})` : '') +
      ' — open its dashboard'
    mark.setAttribute('aria-label', mark.title)
    mark.addEventListener('click', () => host.openWeek(b.week))
    box.append(mark)
  }
  const axis = document.createElement('div')
  axis.className = 'alert-axis muted'
  axis.append(span(host.weeks[0] ?? ''), span(host.weeks.at(-1) ?? ''))
  const wrap = document.createElement('div')
  wrap.className = 'alert-timeline-wrap'
  wrap.append(box, axis)
  return wrap
}

function span(text: string): HTMLElement {
  const s = document.createElement('span')
  s.textContent = text
  return s
}

function link(text: string, title: string, fn: () => void): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = 'link'
  b.textContent = text
  b.title = title
  b.addEventListener('click', fn)
  return b
}
