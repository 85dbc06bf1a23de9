// The risk views' two charts, with ECharts as the rest of the renderer (ui/chart.ts, drawn once its
// chunk is loaded): the loss by round of a scenario, one line per method, with a marker at the
// round the graph plays; and the histogram of a Monte Carlo loss distribution with its VaR lines.
import { optionChart, type ChartHandle } from '../../ui/chart'
import { usd } from '../../ui/format'
import type { ThemeColors } from '../../workbench/theme'

export interface RoundSeries {
  name: string
  color: string
  /** [round, cumulative loss USD]. */
  points: [number, number][]
}

export interface RoundChart {
  /** Draws a dashed vertical line at a round (null: none). */
  mark(round: number | null): void
  resize(): void
  dispose(): void
}

const grid = (theme: ThemeColors) => (theme.kind === 'dark' ? '#2c3440' : '#e8ecf1')

export function roundChart(
  host: HTMLElement,
  series: RoundSeries[],
  theme: ThemeColors,
): RoundChart {
  const top = 28
  const bottom = 30
  const handle = optionChart(host, theme, {
    grid: { left: 62, right: 16, top, bottom },
    // one line that scrolls: wrapped in a narrow split it covered the plot's top
    legend: { top: 0, type: 'scroll', textStyle: { color: theme.text } },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => usd(v) },
    xAxis: {
      type: 'value',
      name: 'round',
      nameLocation: 'middle',
      nameGap: 20,
      minInterval: 1,
      axisLine: { lineStyle: { color: theme.muted } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { formatter: (v: number) => usd(v) },
      splitLine: { lineStyle: { color: grid(theme) } },
    },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      step: false,
      showSymbol: s.points.length <= 30,
      lineStyle: { width: 1.8, color: s.color },
      itemStyle: { color: s.color },
      data: s.points,
    })),
  })
  // The round marker is an element over the canvas, moved at each playback step: an ECharts
  // markLine is an option, and setting one lays the whole chart out again (≈ 20 ms a step, CPU
  // profile of a real-scale DebtRank playback).
  if (getComputedStyle(host).position === 'static') host.style.position = 'relative'
  const marker = document.createElement('div')
  marker.className = 'round-marker'
  Object.assign(marker.style, {
    position: 'absolute',
    top: `${top}px`,
    bottom: `${bottom}px`,
    width: '0',
    borderLeft: `1px dashed ${theme.muted}`,
    pointerEvents: 'none',
    zIndex: '1',
  })
  host.append(marker)
  let marked: number | null = null
  const place = (): void => {
    const chart = handle.chart()
    const x =
      marked === null || !chart ? NaN : Number(chart.convertToPixel({ xAxisIndex: 0 }, marked))
    marker.hidden = !Number.isFinite(x)
    if (!marker.hidden) marker.style.left = `${Math.round(x)}px`
    marker.dataset.round = marked === null ? '' : String(marked)
  }
  place()
  void handle.drawn.then(place)
  const resize = (): void => {
    handle.resize()
    place()
  }
  // the host narrows when the editor is split beside a graph: ECharts keeps its canvas's width
  // until told
  let width = host.clientWidth
  const observer = new ResizeObserver(() => {
    if (host.clientWidth === width) return
    width = host.clientWidth
    resize()
  })
  observer.observe(host)
  return {
    mark: (round) => {
      marked = round
      place()
    },
    resize,
    dispose: () => {
      observer.disconnect()
      handle.dispose()
      marker.remove()
    },
  }
}

export interface HistogramInput {
  from: number
  to: number
  counts: number[]
  /** Vertical lines (e.g. VaR 95 %, VaR 99 %) at values on the same axis. */
  lines: { label: string; value: number; color: string }[]
  color: string
  /** Formats a value of the axis (e.g. "12.3 %"). */
  format: (v: number) => string
}

/** Bars of equal-width bins; x is the bin centre on a value axis so the VaR lines fall in place. */
export function histogramChart(
  host: HTMLElement,
  h: HistogramInput,
  theme: ThemeColors,
): ChartHandle {
  const n = h.counts.length
  const w = n > 0 && h.to > h.from ? (h.to - h.from) / n : 0
  const data = h.counts.map((c, b) => [h.from + (b + 0.5) * w, c])
  const pad = w || Math.max(Math.abs(h.from) * 0.01, 1e-6)
  return optionChart(host, theme, {
    grid: { left: 44, right: 16, top: 22, bottom: 34 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { value: [number, number] }) =>
        `${h.format(p.value[0] - w / 2)} … ${h.format(p.value[0] + w / 2)}: ${p.value[1]} draws`,
    },
    xAxis: {
      type: 'value',
      min: h.from - pad,
      max: h.to + pad,
      name: 'loss, % of total TVL',
      nameLocation: 'middle',
      nameGap: 22,
      axisLabel: { formatter: (v: number) => h.format(v) },
      axisLine: { lineStyle: { color: theme.muted } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: 'draws',
      minInterval: 1,
      splitLine: { lineStyle: { color: grid(theme) } },
    },
    series: [
      {
        type: 'bar',
        barWidth: '92%',
        barCategoryGap: 0,
        itemStyle: { color: h.color },
        data,
        markLine: {
          silent: true,
          symbol: 'none',
          data: h.lines.map((l) => ({
            xAxis: l.value,
            lineStyle: { color: l.color, type: 'dashed' },
            // along the line, so close lines (VaR 95 and 99) do not print over each other
            label: { formatter: l.label, color: l.color, position: 'insideEndTop', fontSize: 10 },
          })),
        },
      },
    ],
  })
}
