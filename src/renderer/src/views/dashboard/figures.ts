// The week dashboard's key figures: which statistics of `dexposure stats` it shows, how each is
// formatted, its change since the previous archived week, and its points across every week (the
// sparkline and the full chart). Pure: the view renders what these functions return.
import { count, usd } from '../../ui/format'

export type FigureUnit = 'usd' | 'count' | 'ratio'

export interface FigureDef {
  /** A statistic of docs/risk.md (the key `stats --json` gives in `values`). */
  key: string
  label: string
  unit: FigureUnit
  /** Why an analyst reads it (the card's tooltip). */
  hint: string
}

/** The figures in the order the dashboard shows them. */
export const FIGURES: FigureDef[] = [
  { key: 'total_tvl', label: 'Total TVL', unit: 'usd', hint: 'Σ node TVL' },
  {
    key: 'total_exposure',
    label: 'Exposure',
    unit: 'usd',
    hint: 'Σ edge weight (holder → issuer)',
  },
  { key: 'n_nodes', label: 'Nodes', unit: 'count', hint: 'protocols and tokens in the week' },
  { key: 'n_edges', label: 'Edges', unit: 'count', hint: 'exposures with weight > 0' },
  { key: 'density', label: 'Density', unit: 'ratio', hint: 'E / (N(N−1))' },
  { key: 'tvl_hhi', label: 'TVL HHI', unit: 'ratio', hint: 'Herfindahl index of node TVL' },
  { key: 'tvl_gini', label: 'TVL Gini', unit: 'ratio', hint: 'Gini of positive node TVL' },
  {
    key: 'top10_tvl_share',
    label: 'Top-10 TVL share',
    unit: 'ratio',
    hint: 'share of TVL held by the 10 largest nodes',
  },
  {
    key: 'max_pagerank',
    label: 'Max PageRank',
    unit: 'ratio',
    hint: 'largest weighted PageRank: how much importance one node concentrates',
  },
  {
    key: 'pagerank_gini',
    label: 'PageRank Gini',
    unit: 'ratio',
    hint: 'Gini of unweighted PageRank (monitor N4): concentration of importance',
  },
  {
    key: 'max_edge_weight',
    label: 'Largest exposure',
    unit: 'usd',
    hint: 'the largest single exposure of the week (one holder → issuer edge)',
  },
]

/** A value in its unit, short (cards, table cells). */
export function formatValue(x: number | null | undefined, unit: FigureUnit): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  if (unit === 'usd') return usd(x)
  if (unit === 'count') return count(Math.round(x))
  return formatRatio(x)
}

/** A statistic between 0 and 1 (or a small real): 4 significant digits, no exponent for ≥ 1e-4. */
export function formatRatio(x: number): string {
  const a = Math.abs(x)
  if (a === 0) return '0'
  if (a < 1e-4) return x.toExponential(2)
  return Number(x.toPrecision(4)).toString()
}

export interface FigureDelta {
  /** value − previous. */
  abs: number
  /** (value − previous) / |previous|; null when previous is 0. */
  rel: number | null
  direction: 'up' | 'down' | 'flat'
}

/** The week-over-week change, or null when either week has no value. */
export function figureDelta(
  value: number | null | undefined,
  previous: number | null | undefined,
): FigureDelta | null {
  if (value === null || value === undefined || previous === null || previous === undefined)
    return null
  if (!Number.isFinite(value) || !Number.isFinite(previous)) return null
  const abs = value - previous
  // a change of a few ulps is no change (sums in another order give them)
  const flat = Math.abs(abs) <= 1e-12 * Math.max(Math.abs(value), Math.abs(previous), 1e-300)
  return {
    abs: flat ? 0 : abs,
    rel: previous === 0 ? null : flat ? 0 : abs / Math.abs(previous),
    direction: flat ? 'flat' : abs > 0 ? 'up' : 'down',
  }
}

/** "▲ $1.20B (+4.1 %)", "▼ 0.0123", "no change" — USD and counts with their relative change. */
export function formatDelta(d: FigureDelta | null, unit: FigureUnit): string {
  if (!d) return 'no previous week'
  if (d.direction === 'flat') return 'no change'
  const arrow = d.direction === 'up' ? '▲' : '▼'
  const sign = d.abs > 0 ? '+' : '−'
  const mag = Math.abs(d.abs)
  const abs =
    unit === 'usd' ? usd(mag) : unit === 'count' ? count(Math.round(mag)) : formatRatio(mag)
  const rel =
    d.rel === null || unit === 'ratio' ? '' : ` (${sign}${(Math.abs(d.rel) * 100).toFixed(1)} %)`
  return `${arrow} ${sign}${abs}${rel}`
}

/** The [week, value] points of a series, skipping weeks without a value (not stored, undefined). */
export function seriesPoints(weeks: string[], values: ArrayLike<number>): [string, number][] {
  const out: [string, number][] = []
  for (let i = 0; i < weeks.length; i++) {
    const v = values[i]
    if (Number.isFinite(v)) out.push([weeks[i], v])
  }
  return out
}
