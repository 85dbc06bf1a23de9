// The backtest's two charts, drawn from the curves the engine stored with the run (the ones
// `dexposure backtest --plots` writes as SVG): precision–recall over all pairs, as steps (the area
// average precision measures), and a reliability diagram (one dot per non-empty bin against the
// diagonal), model vs persistence vs EdgeBank.
import type { CallResponse } from '../../../../shared/api'
import { decodeFloat64 } from '../../../../shared/packed'
import { optionChart, type ChartHandle } from '../../ui/chart'
import type { ThemeColors } from '../../workbench/theme'

type Curves = NonNullable<CallResponse<'backtest.result'>>['curves']

/** The scorers the charts compare, in legend order: the engine's curve key and its label. */
export const CHART_SCORERS: { key: string; label: string }[] = [
  { key: 'model', label: 'model' },
  { key: 'persistence', label: 'persistence' },
  { key: 'edgebank_all', label: 'EdgeBank (all)' },
]

/** The colour of a scorer in both charts and the tables' swatches. */
export function scorerColor(key: string, theme: ThemeColors): string {
  if (key === 'model') return theme.accent
  if (key === 'persistence') return theme.shrank
  return theme.added
}

function baseOption(theme: ThemeColors, x: string, y: string) {
  const axis = (name: string) => ({
    type: 'value' as const,
    min: 0,
    max: 1,
    name,
    nameLocation: 'middle' as const,
    nameGap: 26,
    axisLine: { lineStyle: { color: theme.muted } },
    splitLine: { lineStyle: { color: theme.kind === 'dark' ? '#2c3440' : '#e8ecf1' } },
  })
  return {
    grid: { left: 48, right: 14, top: 30, bottom: 40 },
    legend: { top: 0, textStyle: { color: theme.text } },
    tooltip: {
      trigger: 'item' as const,
      valueFormatter: (v: number) => (typeof v === 'number' ? v.toFixed(4) : String(v)),
    },
    xAxis: axis(x),
    yAxis: axis(y),
  }
}

/** Precision against recall for each scorer the run has a curve of. */
export function prCurveChart(host: HTMLElement, curves: Curves, theme: ThemeColors): ChartHandle {
  return optionChart(host, theme, {
    ...baseOption(theme, 'recall', 'precision'),
    series: CHART_SCORERS.filter((s) => curves[s.key]).map((s) => {
      const recall = decodeFloat64(curves[s.key].prRecall)
      const precision = decodeFloat64(curves[s.key].prPrecision)
      return {
        type: 'line',
        name: s.label,
        // vertical first, as the CLI's SVG: precision P_n holds over (R_{n-1}, R_n], the area AP sums
        step: 'start',
        showSymbol: false,
        lineStyle: { width: 1.8, color: scorerColor(s.key, theme) },
        itemStyle: { color: scorerColor(s.key, theme) },
        data: Array.from(recall, (r, i) => [r, precision[i]]),
      }
    }),
  })
}

/** Observed rate against mean predicted probability per bin, with the diagonal of perfect calibration. */
export function reliabilityChart(
  host: HTMLElement,
  curves: Curves,
  theme: ThemeColors,
): ChartHandle {
  return optionChart(host, theme, {
    ...baseOption(theme, 'predicted probability', 'observed frequency'),
    series: [
      {
        type: 'line',
        name: 'perfect calibration',
        silent: true,
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 1, color: theme.muted },
        itemStyle: { color: theme.muted },
        data: [
          [0, 0],
          [1, 1],
        ],
      },
      ...CHART_SCORERS.filter((s) => curves[s.key]).map((s) => ({
        type: 'line',
        name: s.label,
        symbol: 'circle',
        symbolSize: 6,
        lineStyle: { width: 1.2, color: scorerColor(s.key, theme) },
        itemStyle: { color: scorerColor(s.key, theme) },
        data: curves[s.key].reliability
          .filter((b) => b.count > 0 && b.meanPredicted !== null && b.observedRate !== null)
          .map((b) => [b.meanPredicted, b.observedRate, b.count]),
      })),
    ],
  })
}
