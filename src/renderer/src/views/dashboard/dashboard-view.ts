// The week dashboard, one editor tab per week: key figures with their change since the previous
// archived week and sparklines across every week (a click opens the figure's full chart), the SIS
// ranking, the spillover heatmap and the alerts. Every number comes from the engine's stored runs
// (the tables `dexposure stats` and `alerts` write), through the contract: the week's statistics
// are computed and stored on first open; the other weeks' statistics, which the sparklines and
// alerts need, are filled by the engine's `stats` job, with progress, while the rest shows.
import type { CallResponse } from '../../../../shared/api'
import { decodeFloat64 } from '../../../../shared/packed'
import { lineChart, type ChartHandle } from '../../ui/chart'
import { sparkline } from '../../ui/sparkline'
import { tableExportButton } from '../../ui/export-dialog'
import { usd } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import type { JobView } from '../../services/jobs'
import { renderAlerts } from './alerts-view'
import { cellEdges } from './cells'
import {
  FIGURES,
  figureDelta,
  formatDelta,
  formatValue,
  seriesPoints,
  type FigureUnit,
} from './figures'
import { pairKey } from '../graph/overlay'
import { overlayOnGraph, showOnGraph } from './graph-link'
import { SisTable } from './sis-table'
import { SpilloverView, type SpillLevel } from './spillover-view'

type Stats = CallResponse<'week.stats'>
type Alerts = CallResponse<'alerts.list'>

export interface DashboardParams {
  week: string
  level?: SpillLevel
  metric?: string | null
}

/** Test and benchmark hooks: what each dashboard shows, by editor id. */
export interface DashboardStatus {
  week: string
  /** 'ready' once the figures, SIS table and heatmap are drawn. */
  state: 'loading' | 'ready' | 'failed'
  /** ms from opening (or reloading) to 'ready'. */
  readyMs: number | null
  /** Whether the week's statistics were read back (true) or computed by this open. */
  cached: boolean | null
  /** Sparklines: 'filling' while the stats job computes missing weeks. */
  series: 'loading' | 'filling' | 'ready'
  alerts: 'loading' | 'pending' | 'ready'
  /** ms from opening to sparklines and alerts drawn. */
  completeMs: number | null
  sis: { sort: string; order: string; filter: string; rows: number } | null
  /** The metric whose chart shows. */
  chart: string | null
  /** The last spillover cell shown on the graph, and how many edges it has. */
  cell: {
    level: string
    from: string
    to: string
    edges: number
    usd: number
    graph: string
  } | null
  error: string | null
  /** Where the time to 'ready' went (ms): week.stats (computing the week and the previous one
   * when missing), drawing the figures, then the SIS page and the heatmap (loaded and drawn). */
  timings: Record<string, number>
}

declare global {
  interface Window {
    __dashboards?: Record<string, DashboardStatus>
  }
}

export class DashboardView implements Editor {
  readonly element: HTMLElement
  private readonly status: DashboardStatus
  private readonly params: Required<DashboardParams>
  private stats: Stats | null = null
  private series: CallResponse<'stats.series'> | null = null
  private seriesValues = new Map<string, Float64Array>()
  private alerts: Alerts | null = null
  private chart: ChartHandle | null = null
  private readonly figuresBox: HTMLElement
  private readonly chartBox: HTMLElement
  private readonly headBox: HTMLElement
  private readonly alertsBox: HTMLElement
  private readonly progress: HTMLElement
  private sis: SisTable | null = null
  private spill: SpilloverView | null = null
  private readonly offs: (() => void)[] = []
  private t0 = performance.now()
  private disposed = false

  constructor(
    private readonly wb: Workbench,
    private readonly ctx: EditorContext,
    params: DashboardParams,
  ) {
    this.params = {
      week: params.week,
      level: params.level ?? 'category',
      metric: params.metric ?? null,
    }
    this.status = {
      week: params.week,
      state: 'loading',
      readyMs: null,
      cached: null,
      series: 'loading',
      alerts: 'loading',
      completeMs: null,
      sis: null,
      chart: null,
      cell: null,
      error: null,
      timings: {},
    }
    ;(window.__dashboards ??= {})[ctx.id] = this.status
    this.element = document.createElement('div')
    this.element.className = 'dashboard'
    this.element.dataset.editor = ctx.id
    this.element.dataset.week = params.week
    this.headBox = div('dash-head')
    this.progress = div('dash-progress muted')
    this.figuresBox = div('dash-figures')
    this.chartBox = div('dash-chart')
    this.chartBox.hidden = true
    this.alertsBox = div('dash-alerts-box')
    this.element.append(this.headBox, this.progress, this.figuresBox, this.chartBox)
    this.offs.push(
      wb.theme.changed.on(() => {
        if (this.params.metric) this.showChart(this.params.metric)
      }),
      wb.jobs.changed.on((j) => this.jobChanged(j)),
      // an import may change the week and its neighbours: read everything again
      wb.archive.changed.on(() => {
        if (this.status.state !== 'loading' && wb.archive.has(this.params.week))
          void this.load().catch((e) => this.fail(e))
      }),
    )
    void this.load().catch((e) => this.fail(e))
  }

  // ---- editor ---------------------------------------------------------------------------------

  onActive(): void {
    this.wb.selection.set({ week: this.params.week })
  }

  onResize(): void {
    this.chart?.resize()
  }

  onVisible(visible: boolean): void {
    if (visible) this.chart?.resize()
  }

  dispose(): void {
    this.disposed = true
    for (const off of this.offs.splice(0)) off()
    this.chart?.dispose()
    this.chart = null
    delete window.__dashboards?.[this.ctx.id]
  }

  // ---- loading --------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const week = this.params.week
    this.t0 = performance.now()
    this.status.state = 'loading'
    this.status.completeMs = null
    this.status.series = 'loading'
    this.status.alerts = 'loading'
    this.element.replaceChildren(this.headBox, this.progress, this.figuresBox, this.chartBox)
    this.ctx.setTitle(`Dashboard ${week}`)
    this.progress.textContent = 'Reading the week’s statistics (computed and stored on first open)…'
    this.sis = new SisTable({
      api: this.wb.api,
      week,
      openNode: (node) => this.openNode(node),
      report: (e) => this.wb.report(e),
      onRendered: (s) => (this.status.sis = s),
    })
    // every node's SIS of the week, as the engine holds it (not only the page shown)
    this.sis.element
      .querySelector('header')
      ?.append(
        tableExportButton(this.wb, `the SIS table of ${week}`, () => ({ table: 'sis', week })),
      )
    this.spill = new SpilloverView({
      api: this.wb.api,
      week,
      level: this.params.level,
      openCell: (level, from, to) =>
        void this.openCell(level, from, to).catch((e) => this.wb.report(e)),
      levelChanged: (level) => {
        this.params.level = level
        this.save()
      },
      report: (e) => this.wb.report(e),
    })
    // week.stats first: it computes and stores the week (and the previous one) when missing, which
    // the SIS table and the heatmap then read back instead of computing the same run twice
    const stats = await this.wb.api.call('week.stats', { week })
    if (this.disposed) return
    const t1 = performance.now()
    this.stats = stats
    this.status.cached = stats.cached
    // the figures first; the SIS page and the heatmap fill their sections as they arrive
    this.drawHead()
    this.drawFigures()
    const grid = div('dash-grid')
    grid.append(this.sis.element, this.spill.element)
    this.element.append(grid, this.alertsBox)
    this.drawAlerts()
    this.progress.textContent = 'Reading the SIS ranking and the spillovers…'
    const t2 = performance.now()
    await Promise.all([this.sis.load(), this.spill.load()])
    if (this.disposed) return
    this.status.state = 'ready'
    this.status.readyMs = performance.now() - this.t0
    this.status.timings = {
      stats: t1 - this.t0,
      engineStats: stats.durationMs,
      figures: t2 - t1,
      sisAndSpillover: performance.now() - t2,
    }
    this.progress.textContent = ''
    if (this.params.metric) this.showChart(this.params.metric)
    await this.loadSeries()
  }

  /** Sparklines and alerts: stored series now; missing weeks through the engine's `stats` job. */
  private async loadSeries(): Promise<void> {
    const [series, alerts] = await Promise.all([
      this.wb.api.call('stats.series', { fill: false }),
      this.wb.api.call('alerts.list', { fill: false }),
    ])
    if (this.disposed) return
    this.setSeries(series)
    this.alerts = alerts
    this.status.alerts = alerts.state === 'ready' ? 'ready' : 'pending'
    this.drawAlerts()
    if (series.missing === 0 && alerts.state === 'ready') return this.complete()
    this.status.series = 'filling'
    this.progress.textContent = `Computing the statistics of ${series.missing} more weeks for the sparklines and alerts…`
    const done = await this.wb.jobs
      .run('stats', 'Statistics of every week', async () => {
        const r = await this.wb.api.call('stats.fill', {})
        // nothing left to compute (another view filled it meanwhile): no job to follow
        if (!r.jobId) throw new NothingToFill()
        return { jobId: r.jobId }
      })
      .catch((e) => {
        if (e instanceof NothingToFill) return null
        throw e
      })
    if (this.disposed) return
    if (done && done.state !== 'done') {
      this.progress.textContent =
        done.state === 'cancelled'
          ? 'Computing the other weeks was cancelled: sparklines and alerts show the weeks stored so far.'
          : `Computing the other weeks failed: ${done.error?.message ?? done.message ?? ''}`
      this.status.series = 'ready'
      return
    }
    const [s2, a2] = await Promise.all([
      this.wb.api.call('stats.series', { fill: false }),
      this.wb.api.call('alerts.list', { fill: false }),
    ])
    if (this.disposed) return
    this.setSeries(s2)
    this.alerts = a2
    this.status.alerts = a2.state === 'ready' ? 'ready' : 'pending'
    this.drawAlerts()
    this.complete()
  }

  private complete(): void {
    this.progress.textContent = ''
    this.status.series = 'ready'
    this.status.completeMs = performance.now() - this.t0
  }

  private jobChanged(j: JobView): void {
    if (j.kind !== 'stats' || j.state !== 'running' || this.status.series !== 'filling') return
    const total = j.total ?? 0
    this.progress.textContent = total
      ? `Computing the statistics of every week for the sparklines and alerts: ${j.done} of ${total} (${j.message ?? ''})…`
      : 'Computing the statistics of every week…'
  }

  private setSeries(s: CallResponse<'stats.series'>): void {
    this.series = s
    this.seriesValues = new Map(Object.entries(s.metrics).map(([k, v]) => [k, decodeFloat64(v)]))
    this.drawFigures()
    if (this.params.metric) this.showChart(this.params.metric)
  }

  private fail(e: unknown): void {
    this.status.state = 'failed'
    this.status.error = (e as Error).message
    this.progress.textContent = `The dashboard could not be loaded: ${(e as Error).message}`
    this.progress.classList.add('error')
    this.wb.report(e)
  }

  private save(): void {
    this.ctx.saveParams({ ...this.params })
  }

  // ---- drawing --------------------------------------------------------------------------------

  private drawHead(): void {
    const s = this.stats!
    const h = document.createElement('h2')
    h.textContent = `Week of ${s.week}`
    const facts = div('muted dash-sub')
    facts.textContent =
      `${s.cached ? 'Stored statistics' : 'Computed and stored now'} (run ${s.runId}, ${s.created.slice(0, 16).replace('T', ' ')})` +
      (s.previousWeek
        ? ` · changes vs ${s.previousWeek}`
        : ' · the first archived week: no change to show')
    const actions = div('row dash-actions')
    const graph = document.createElement('button')
    graph.type = 'button'
    graph.className = 'small'
    graph.textContent = 'Open the graph'
    graph.addEventListener(
      'click',
      () => void showOnGraph(this.wb, this.ctx.id, s.week).catch((e) => this.wb.report(e)),
    )
    actions.append(graph)
    const prev = this.wb.archive.step(s.week, -1)
    const next = this.wb.archive.step(s.week, 1)
    for (const [label, w] of [
      ['◀ Previous week', prev],
      ['Next week ▶', next],
    ] as const) {
      if (!w || w === s.week) continue
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'small'
      b.textContent = label
      b.title = `Open the dashboard of ${w}`
      b.addEventListener('click', () => openDashboard(this.wb, w, this.ctx.id))
      actions.append(b)
    }
    this.headBox.replaceChildren(h, actions, facts)
    if (s.synthetic) {
      const b = document.createElement('span')
      b.className = 'badge synthetic'
      b.textContent = 'SYNTHETIC DEMO DATA'
      h.append(' ', b)
    }
    for (const w of s.warnings) {
      const p = div('dash-warning')
      p.textContent = `⚠ ${w}`
      this.headBox.append(p)
    }
  }

  private drawFigures(): void {
    const s = this.stats
    if (!s) return
    const le = s.largestExposure
    const cards = FIGURES.map((f) => {
      // max_edge_weight: a read-only archive stored before the statistic has no value; the
      // engine then measures the week's edge (largestExposure) instead
      const largest = f.key === 'max_edge_weight'
      const card = this.card(
        f.key,
        f.label,
        largest && le
          ? `${f.hint}: ${le.sourceName ?? le.source} holds ${usd(le.weight)} of ${le.targetName ?? le.target}`
          : f.hint,
        f.unit,
        s.values[f.key] ?? (largest ? (le?.weight ?? null) : null),
        s.previous?.[f.key] ?? (largest ? s.previousLargestExposure : null),
      )
      if (largest && le) {
        const pair = div('figure-pair')
        pair.textContent = `${le.sourceName ?? le.source} → ${le.targetName ?? le.target}`
        // before the sparkline, under the value it explains
        card.insertBefore(pair, card.querySelector('.figure-delta'))
      }
      return card
    })
    this.figuresBox.replaceChildren(...cards)
  }

  private card(
    key: string,
    label: string,
    hint: string,
    unit: FigureUnit,
    value: number | null,
    previous: number | null,
  ): HTMLElement {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'figure'
    b.dataset.metric = key
    if (value !== null) b.dataset.value = String(value)
    b.classList.toggle('active', this.params.metric === key)
    const name = div('figure-label')
    name.textContent = label
    const v = div('figure-value')
    v.textContent = formatValue(value, unit)
    const d = figureDelta(value, previous)
    const delta = div(`figure-delta ${d?.direction ?? 'none'}`)
    delta.textContent = formatDelta(d, unit)
    if (d) delta.dataset.delta = String(d.abs)
    b.append(name, v, delta)
    const values = this.seriesValues.get(key)
    if (values && this.series) {
      const pts = seriesPoints(this.series.weeks, values)
      const spark = sparkline(
        pts.map((p) => p[1]),
        140,
        22,
      )
      spark.dataset.points = String(pts.length)
      b.append(spark)
      b.title = `${hint}\n${pts.length} weeks · click for the chart`
      b.addEventListener('click', () => this.showChart(key))
    } else {
      const wait = div('figure-spark-wait muted')
      wait.textContent = this.series ? 'no series' : 'series loading…'
      b.append(wait)
      b.title = hint
      b.addEventListener('click', () => this.showChart(key))
    }
    return b
  }

  /** The full time series of a statistic, with the dashboard's week marked. */
  showChart(metric: string): void {
    this.params.metric = metric
    this.status.chart = metric
    this.save()
    for (const f of this.figuresBox.querySelectorAll<HTMLElement>('.figure'))
      f.classList.toggle('active', f.dataset.metric === metric)
    this.chart?.dispose()
    this.chart = null
    const def = FIGURES.find((f) => f.key === metric)
    const label = def?.label ?? this.label(metric)
    const head = div('dash-chart-head')
    const h = document.createElement('h3')
    h.textContent = `${label} across every week`
    const sub = document.createElement('small')
    sub.className = 'muted'
    sub.textContent = ` ${metric}`
    h.append(sub)
    const close = document.createElement('button')
    close.type = 'button'
    close.className = 'icon codicon codicon-close'
    close.title = 'Close the chart'
    close.setAttribute('aria-label', 'Close the chart')
    close.addEventListener('click', () => {
      this.chart?.dispose()
      this.chart = null
      this.chartBox.hidden = true
      this.params.metric = null
      this.status.chart = null
      this.save()
      for (const f of this.figuresBox.querySelectorAll<HTMLElement>('.figure'))
        f.classList.remove('active')
    })
    const le = this.stats?.largestExposure
    if (metric === 'max_edge_weight' && le) {
      // the series is one edge per week; this week's edge is on the graph in one click
      const show = document.createElement('button')
      show.type = 'button'
      show.className = 'small'
      show.dataset.action = 'show-largest'
      show.textContent = `Show ${le.sourceName ?? le.source} → ${le.targetName ?? le.target} on the graph`
      show.addEventListener('click', () => void this.openLargest().catch((e) => this.wb.report(e)))
      head.append(h, show, close)
    } else head.append(h, close)
    const host = div('dash-chart-canvas')
    this.chartBox.replaceChildren(head, host)
    this.chartBox.hidden = false
    this.chartBox.dataset.metric = metric
    const values = this.seriesValues.get(metric)
    if (!values || !this.series) {
      host.classList.add('muted')
      host.textContent =
        this.status.series === 'filling'
          ? 'The statistics of the other weeks are being computed; the chart follows.'
          : 'Loading the series…'
      delete this.chartBox.dataset.points
      return
    }
    const points = seriesPoints(this.series.weeks, values)
    this.chartBox.dataset.points = String(points.length)
    // the statistics in USD say so in their definition ("Σ node TVL (USD)")
    const isUsd = def ? def.unit === 'usd' : this.label(metric).includes('USD')
    this.chart = lineChart(
      host,
      [{ name: label, points, usd: isUsd }],
      this.wb.theme.colors,
      this.params.week,
    )
    this.chartBox.scrollIntoView({ block: 'nearest' })
  }

  private drawAlerts(): void {
    const pending =
      this.alerts?.state === 'pending'
        ? `Alerts need the statistics of every week: ${this.alerts.missing} weeks are being computed.`
        : null
    this.alertsBox.replaceChildren(
      renderAlerts(
        {
          week: this.params.week,
          weeks: this.wb.archive.weeks.map((w) => w.week),
          label: (m) => this.label(m),
          openWeek: (w) => openDashboard(this.wb, w, this.ctx.id),
          openGraph: (w) =>
            void showOnGraph(this.wb, this.ctx.id, w).catch((e) => this.wb.report(e)),
          openMetric: (m) => this.showChart(m),
        },
        this.alerts,
        pending,
      ),
    )
  }

  private label(metric: string): string {
    const f = FIGURES.find((x) => x.key === metric)
    if (f) return f.label
    return this.stats?.definitions.find((d) => d.key === metric)?.label ?? metric
  }

  // ---- to the graph ---------------------------------------------------------------------------

  private openNode(node: string): void {
    void showOnGraph(this.wb, this.ctx.id, this.params.week, node).catch((e) => this.wb.report(e))
  }

  /** Shows the week's largest exposure on a graph of the week: its edge marked, the holder
   * selected, the other edges dimmed. */
  private async openLargest(): Promise<void> {
    const le = this.stats?.largestExposure
    if (!le) return
    const color = this.wb.theme.colors.highlight
    const holder = le.sourceName ?? le.source
    const issuer = le.targetName ?? le.target
    const g = await overlayOnGraph(this.wb, this.ctx.id, this.params.week, {
      title: `Largest exposure: ${holder} → ${issuer} · ${usd(le.weight)}`,
      legend: [{ label: `${holder} holds ${issuer}`, color, count: 1 }],
      edgeColors: new Map([[pairKey(le.source, le.target), color]]),
      dimOtherEdges: true,
    })
    g.selectNode(le.source, true)
  }

  /** Shows the edges of a spillover cell on a graph of the week, the others dimmed. */
  private async openCell(level: SpillLevel, from: string, to: string): Promise<void> {
    const week = this.params.week
    const [u, w] = await Promise.all([this.wb.data.loadUniverse(), this.wb.data.loadWeek(week)])
    const { edges, total } = cellEdges(u, w, level, from, to)
    const color = this.wb.theme.colors.highlight
    const edgeColors = new Map(edges.map((e) => [pairKey(e.source, e.target), color]))
    const what = level === 'category' ? 'category' : 'sector'
    const title = `Spillover ${from} → ${to} (${what}): ${edges.length} edges · ${usd(total)}`
    const g = await overlayOnGraph(this.wb, this.ctx.id, week, {
      title,
      legend: [{ label: `holder ${from} → issuer ${to}`, color, count: edges.length }],
      edgeColors,
      dimOtherEdges: true,
    })
    const gid = this.wb.editors.ids().find((id) => this.wb.graphById(id) === g) ?? ''
    this.status.cell = { level, from, to, edges: edges.length, usd: total, graph: gid }
  }
}

/** Thrown when `stats.fill` finds nothing missing (no job started). */
class NothingToFill extends Error {}

function div(className: string): HTMLElement {
  const d = document.createElement('div')
  d.className = className
  return d
}

/** Opens (or focuses) the dashboard tab of a week; from another dashboard (`beside`), as a tab of
 * that dashboard's group, so a graph beside it stays where it is. */
export function openDashboard(wb: Workbench, week: string, beside?: string): void {
  if (beside && wb.editors.dock.getPanel(beside)) wb.editors.dock.getPanel(beside)!.api.setActive()
  wb.editors.open({
    id: `dashboard-${week}`,
    type: 'dashboard',
    title: `Dashboard ${week}`,
    params: { week },
  })
}
