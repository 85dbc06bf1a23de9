// The backtest's metric tables: model vs persistence vs EdgeBank (all weeks), first the row
// `dexposure backtest` prints, then each protocol in full and the node-TVL errors. A cell keeps
// the exact value in `data-value` and its place in `backtest --json` in `data-metric`
// (`paper.auprc`, `realistic.precision_at.1000`, …), so a test can compare it with the CLI.
import type { CallResponse } from '../../../../shared/api'
import type { ThemeColors } from '../../workbench/theme'
import { scorerColor } from './curves'

type Result = NonNullable<CallResponse<'backtest.result'>>
export type Scorer = 'model' | 'persistence' | 'edgebank'

export interface MetricColumn {
  label: string
  /** `paper.<metric>` or `realistic.<metric>[.<key>]`, as in `backtest --json`'s `protocols`. */
  metric: string
  /** Which way is better (the best value of a column is set in bold). */
  better: 'high' | 'low'
  title?: string
}

/** The columns of the table `dexposure backtest` prints. */
export const CLI_COLUMNS: MetricColumn[] = [
  { label: 'paper AUPRC', metric: 'paper.auprc', better: 'high' },
  { label: 'AUROC', metric: 'paper.auroc', better: 'high' },
  { label: 'weight MAE', metric: 'paper.weight_mae', better: 'low' },
  { label: 'node MAE', metric: 'paper.node_mae', better: 'low' },
  { label: 'real AUPRC', metric: 'realistic.auprc', better: 'high' },
  { label: 'ECE', metric: 'realistic.ece', better: 'low' },
  { label: 'P@1000', metric: 'realistic.precision_at.1000', better: 'high' },
  { label: 'new-edge AUPRC', metric: 'realistic.new_edges.auprc', better: 'high' },
]

export const PAPER_COLUMNS: MetricColumn[] = [
  { label: 'AUPRC', metric: 'paper.auprc', better: 'high' },
  { label: 'AUROC', metric: 'paper.auroc', better: 'high' },
  {
    label: 'weight MAE',
    metric: 'paper.weight_mae',
    better: 'low',
    title: 'log1p(USD) error on the true edges at t+h',
  },
  { label: 'weight RMSE', metric: 'paper.weight_rmse', better: 'low' },
  {
    label: 'USD-weighted MAE',
    metric: 'paper.weighted_mae',
    better: 'low',
    title: 'weight MAE weighted by the true USD weight',
  },
]

export const REALISTIC_COLUMNS: MetricColumn[] = [
  { label: 'AUPRC', metric: 'realistic.auprc', better: 'high' },
  {
    label: 'ECE',
    metric: 'realistic.ece',
    better: 'low',
    title: 'expected calibration error over all pairs',
  },
  { label: 'P@100', metric: 'realistic.precision_at.100', better: 'high' },
  { label: 'P@1000', metric: 'realistic.precision_at.1000', better: 'high' },
  { label: 'P@10000', metric: 'realistic.precision_at.10000', better: 'high' },
  { label: 'R@1000', metric: 'realistic.recall_at.1000', better: 'high' },
  { label: 'R@10000', metric: 'realistic.recall_at.10000', better: 'high' },
  {
    label: 'new-edge AUPRC',
    metric: 'realistic.new_edges.auprc',
    better: 'high',
    title: 'only pairs that are not an edge at t',
  },
  { label: 'new-edge ECE', metric: 'realistic.new_edges.ece', better: 'low' },
]

export const NODE_COLUMNS: MetricColumn[] = [
  {
    label: 'node MAE',
    metric: 'paper.node_mae',
    better: 'low',
    title: 'error of ln(1+TVL) at t+h over the nodes of t',
  },
  { label: 'node RMSE', metric: 'paper.node_rmse', better: 'low' },
]

/** The scorers a result has, in the CLI's order (the model only when the run had one). */
export function scorersOf(r: Result): Scorer[] {
  return (['model', 'persistence', 'edgebank'] as const).filter((k) => r.paper[k] !== null)
}

/** A metric of a scorer by its `backtest --json` path; null when undefined. */
export function metricValue(r: Result, scorer: Scorer, metric: string): number | null {
  const [protocol, ...rest] = metric.split('.')
  let v: unknown = protocol === 'paper' ? r.paper[scorer] : r.realistic[scorer]
  for (const k of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : null
  return typeof v === 'number' ? v : null
}

const fixed4 = (x: number | null): string => (x === null ? '—' : x.toFixed(4))

export function metricTable(
  r: Result,
  columns: MetricColumn[],
  theme: ThemeColors,
  name: string,
): HTMLTableElement {
  const scorers = scorersOf(r)
  const table = document.createElement('table')
  table.className = 'grid backtest-table'
  table.dataset.table = name
  const head = table.createTHead().insertRow()
  const corner = document.createElement('th')
  corner.textContent = 'scorer'
  head.append(corner)
  for (const c of columns) {
    const th = document.createElement('th')
    th.className = 'num'
    th.textContent = c.label
    if (c.title) th.title = c.title
    head.append(th)
  }
  const best = columns.map((c) => {
    const vs = scorers.map((s) => metricValue(r, s, c.metric)).filter((v) => v !== null)
    return vs.length > 1 ? (c.better === 'high' ? Math.max(...vs) : Math.min(...vs)) : null
  })
  const body = table.createTBody()
  for (const s of scorers) {
    const tr = body.insertRow()
    tr.dataset.scorer = s
    const label = tr.insertCell()
    const swatch = document.createElement('i')
    swatch.className = 'swatch'
    swatch.style.background = scorerColor(s === 'edgebank' ? 'edgebank_all' : s, theme)
    label.append(
      swatch,
      s === 'edgebank'
        ? 'EdgeBank (all)'
        : s === 'model'
          ? `model${r.provider ? ` (${r.provider})` : ''}`
          : s,
    )
    columns.forEach((c, i) => {
      const v = metricValue(r, s, c.metric)
      const td = tr.insertCell()
      td.className = 'num'
      td.dataset.metric = c.metric
      td.dataset.value = v === null ? 'null' : String(v)
      td.textContent = fixed4(v)
      if (v !== null && v === best[i]) td.classList.add('best')
    })
  }
  return table
}
