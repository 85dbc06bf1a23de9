// Charts in the renderer: ECharts (canvas), tree-shaken to the parts we use (ui/echarts.ts). The
// same library renders SVG strings for reports, so the app and its exports draw alike. Colours come
// from the theme (ECharts, like WebGL, cannot read CSS variables).
//
// ECharts is a chunk of its own, loaded on the first chart or while idle after the first graph
// frame (preloadCharts): a chart asked for before it arrives is drawn when it does, and its handle
// works meanwhile.
import type { EChartsType } from 'echarts/core'
import type { ThemeColors } from '../workbench/theme'
import { usd as compactUsd } from './format'

type ChartLib = typeof import('./echarts')

let lib: ChartLib | null = null
let loading: Promise<ChartLib> | null = null

/** The ECharts chunk, loaded once (a failed load is asked for again by the next chart). */
export function loadCharts(): Promise<ChartLib> {
  loading ??= import('./echarts').then(
    (m) => (lib = m),
    (e: unknown) => {
      loading = null
      throw e
    },
  )
  return loading
}

/** Loads the ECharts chunk in an idle moment, so that the first chart opens without waiting. */
export function preloadCharts(): void {
  if (lib || loading) return
  requestIdleCallback(
    () =>
      void loadCharts().catch((e: unknown) =>
        // the next chart asks again and shows the error in its place
        console.warn('The charts could not be loaded ahead:', e),
      ),
    { timeout: 5000 },
  )
}

export interface ChartHandle {
  resize(): void
  dispose(): void
  /** Resolves once the chart is drawn (at once when ECharts is loaded), or when it is disposed or
   * could not be drawn (then false). */
  readonly drawn: Promise<boolean>
}

export interface DeferredChart extends ChartHandle {
  /** The ECharts instance once drawn; null before, after dispose, or when loading failed. */
  chart(): EChartsType | null
}

/**
 * Draws a chart into `host` with ECharts: at once when the chunk is loaded, else when it arrives
 * (unless disposed by then). A chunk that fails to load leaves its error in the host's place.
 */
export function deferredChart(
  host: HTMLElement,
  draw: (init: ChartLib['init']) => EChartsType,
): DeferredChart {
  let chart: EChartsType | null = null
  let disposed = false
  const paint = (l: ChartLib): boolean => {
    if (disposed) return false
    chart = draw(l.init)
    return true
  }
  const drawn: Promise<boolean> = lib
    ? Promise.resolve(paint(lib))
    : loadCharts().then(paint, (e: unknown) => {
        if (disposed) return false
        const message = document.createElement('p')
        message.className = 'chart-error'
        // a browser keeps a failed module load for the page's life: only a reload asks again
        message.textContent = `The chart could not be loaded (${e instanceof Error ? e.message : String(e)}). Reload the window to try again.`
        host.replaceChildren(message)
        console.error(e)
        return false
      })
  return {
    chart: () => chart,
    resize: () => chart?.resize(),
    dispose: () => {
      disposed = true
      chart?.dispose()
      chart = null
    },
    drawn,
  }
}

/** A chart of one ECharts option over the renderer's common base: no animation, transparent,
 * the theme's muted text. */
export function optionChart(
  host: HTMLElement,
  theme: ThemeColors,
  option: Record<string, unknown>,
): DeferredChart {
  return deferredChart(host, (init) => {
    const chart = init(host, undefined, { renderer: 'canvas' })
    chart.setOption({
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { color: theme.muted, fontSize: 11 },
      ...option,
    })
    return chart
  })
}

export interface LineSeries {
  name: string
  /** [week, value] points, weeks as YYYY-MM-DD. */
  points: [string, number][]
  color?: string
  /** Values are USD (axis and tooltip formatted as such). */
  usd?: boolean
}

/** A time-series line chart with a tooltip and zoom slider; `marker` draws a vertical line at a week. */
export function lineChart(
  host: HTMLElement,
  series: LineSeries[],
  theme: ThemeColors,
  marker?: string,
): ChartHandle {
  const usd = series.some((s) => s.usd)
  return optionChart(host, theme, {
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
}

/** A horizontal bar chart of categories (the query console's "category with a number"). */
export function barChart(
  host: HTMLElement,
  bars: { label: string; value: number }[],
  theme: ThemeColors,
  opts: { name: string; usd?: boolean },
): ChartHandle {
  const fmt = (v: number): string => (opts.usd ? compactUsd(v) : v.toLocaleString('en'))
  // largest at the top: ECharts draws a category axis from the bottom up
  const rows = [...bars].reverse()
  return optionChart(host, theme, {
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
}
