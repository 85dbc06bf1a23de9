// Charts in the renderer: ECharts (canvas), tree-shaken to the parts we use. The same library
// renders SVG strings for reports, so the app and its exports draw alike. Colours come from the
// theme (ECharts, like WebGL, cannot read CSS variables).
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, DataZoomComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { ThemeColors } from '../workbench/theme'
import { usd as compactUsd } from './format'

echarts.use([
  LineChart,
  BarChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
])

export interface LineSeries {
  name: string
  /** [week, value] points, weeks as YYYY-MM-DD. */
  points: [string, number][]
  color?: string
  /** Values are USD (axis and tooltip formatted as such). */
  usd?: boolean
}

export interface ChartHandle {
  resize(): void
  dispose(): void
}

/** A time-series line chart with a tooltip and zoom slider; `marker` draws a vertical line at a week. */
export function lineChart(
  host: HTMLElement,
  series: LineSeries[],
  theme: ThemeColors,
  marker?: string,
): ChartHandle {
  const chart = echarts.init(host, undefined, { renderer: 'canvas' })
  const usd = series.some((s) => s.usd)
  chart.setOption({
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: theme.muted, fontSize: 11 },
    grid: { left: 56, right: 12, top: 14, bottom: 44 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number) => (usd ? compactUsd(v) : String(v)),
    },
    xAxis: {
      type: 'time',
      axisLine: { lineStyle: { color: theme.muted } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { formatter: (v: number) => (usd ? compactUsd(v) : String(v)) },
      splitLine: { lineStyle: { color: theme.kind === 'dark' ? '#2c3440' : '#e8ecf1' } },
    },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      showSymbol: false,
      sampling: 'lttb',
      lineStyle: { width: 1.6, color: s.color ?? theme.accent },
      itemStyle: { color: s.color ?? theme.accent },
      data: s.points,
      markLine: marker
        ? {
            silent: true,
            symbol: 'none',
            lineStyle: { color: theme.muted, type: 'dashed' },
            label: { show: false },
            data: [{ xAxis: marker }],
          }
        : undefined,
    })),
  })
  return { resize: () => chart.resize(), dispose: () => chart.dispose() }
}

/** A horizontal bar chart of categories (the query console's "category with a number"). */
export function barChart(
  host: HTMLElement,
  bars: { label: string; value: number }[],
  theme: ThemeColors,
  opts: { name: string; usd?: boolean },
): ChartHandle {
  const chart = echarts.init(host, undefined, { renderer: 'canvas' })
  const fmt = (v: number): string => (opts.usd ? compactUsd(v) : v.toLocaleString('en'))
  // largest at the top: ECharts draws a category axis from the bottom up
  const rows = [...bars].reverse()
  chart.setOption({
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { color: theme.muted, fontSize: 11 },
    grid: { left: 8, right: 24, top: 10, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: fmt },
    xAxis: {
      type: 'value',
      axisLabel: { formatter: fmt },
      splitLine: { lineStyle: { color: theme.kind === 'dark' ? '#2c3440' : '#e8ecf1' } },
    },
    yAxis: {
      type: 'category',
      data: rows.map((b) => b.label),
      axisLabel: { width: 180, overflow: 'truncate' },
      axisLine: { lineStyle: { color: theme.muted } },
    },
    series: [
      {
        type: 'bar',
        name: opts.name,
        data: rows.map((b) => b.value),
        itemStyle: { color: theme.accent },
        barMaxWidth: 18,
      },
    ],
  })
  return { resize: () => chart.resize(), dispose: () => chart.dispose() }
}

/** A tiny inline SVG sparkline (no library: a few dozen points, drawn in lists and tooltips). */
export function sparkline(
  values: number[],
  width = 80,
  height = 18,
  color = 'currentColor',
): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('width', String(width))
  svg.setAttribute('height', String(height))
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
  svg.setAttribute('class', 'sparkline')
  svg.setAttribute('aria-hidden', 'true')
  if (values.length > 1) {
    const lo = Math.min(...values)
    const hi = Math.max(...values)
    const span = hi - lo || 1
    const pts = values
      .map(
        (v, i) =>
          `${((i / (values.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - ((v - lo) / span) * (height - 2)).toFixed(1)}`,
      )
      .join(' ')
    const line = document.createElementNS(ns, 'polyline')
    line.setAttribute('points', pts)
    line.setAttribute('fill', 'none')
    line.setAttribute('stroke', color)
    line.setAttribute('stroke-width', '1.2')
    svg.append(line)
  }
  return svg
}
