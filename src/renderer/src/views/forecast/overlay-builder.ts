// The forecast overlay as a pure function of a stored forecast and a probability threshold θ:
// the graph at θ is every pair with calibrated p ≥ θ. Edges of week t below θ are predicted to
// vanish (recoloured), those above are recoloured by their predicted weight change, pairs absent
// at t with p ≥ θ are drawn as extra edges (opacity = p), and every node of t is coloured by its
// predicted TVL change. `prepareForecast` does the per-run work once (pair lookups, sorting), so a
// move of the threshold slider only walks arrays: a few ms on a real-scale week.
import { changeColor, type LegendEntry } from '../graph/appearance'
import { pairKey, type GraphOverlay, type OverlayEdge } from '../graph/overlay'

/** A stored forecast as the `forecast.frame` call sends it, decoded (universe indices). */
export interface ForecastData {
  week: string
  horizon: number
  targetWeek: string
  expectedEdges: number
  graphEdges: number
  nodes: Int32Array
  predictedLogChange: Float32Array
  pairSource: Int32Array
  pairTarget: Int32Array
  probability: Float32Array
  predictedWeight: Float64Array
  /** bit 0 edge at t, bit 1 in Ĝ(t+h). */
  flags: Int32Array
}

/** The edges of week t (universe indices), as the graph view holds them. */
export interface WeekEdges {
  edgeSource: Int32Array
  edgeTarget: Int32Array
  edgeWeight: Float64Array
}

/** Colours the overlay draws with (the theme's diff colours, and one for predicted edges). */
export interface ForecastColors {
  /** Pairs absent at t, predicted to appear (sigma 4 draws no dashed edges: its own colour). */
  appear: string
  vanish: string
  grew: string
  shrank: string
  /** The week's ordinary edge colour (edges predicted to persist about unchanged keep it). */
  edge: string
}

/** Predicted weight change beyond which an edge counts as growing or shrinking: ±10 %. */
export const WEIGHT_CHANGE = Math.log(1.1)

/** Node bins of the predicted TVL change (relative, upper bounds) with their ramp positions. */
export const TVL_BINS: { label: string; upTo: number; ramp: number }[] = [
  { label: 'TVL ≤ −20 %', upTo: -0.2, ramp: -1 },
  { label: 'TVL −20 … −5 %', upTo: -0.05, ramp: -0.75 },
  { label: 'TVL −5 … −1 %', upTo: -0.01, ramp: -0.5 },
  { label: 'TVL ±1 %', upTo: 0.01, ramp: 0 },
  { label: 'TVL +1 … +5 %', upTo: 0.05, ramp: 0.5 },
  { label: 'TVL +5 … +20 %', upTo: 0.2, ramp: 0.75 },
  { label: 'TVL ≥ +20 %', upTo: Infinity, ramp: 1 },
]

/** The bin of a predicted log change ln(1+TVL_{t+h}) − ln(1+TVL_t). */
export function tvlBin(logChange: number): number {
  const rel = Math.expm1(logChange)
  let b = 0
  while (rel > TVL_BINS[b].upTo) b++
  return b
}

export interface PreparedForecast {
  data: ForecastData
  /** Per week edge: its key, the stored p (0 when the run did not store it: p < 0.01) and the
   * predicted log change of its weight (NaN when not stored). */
  edgeKey: string[]
  edgeP: Float32Array
  edgeChange: Float64Array
  /** Stored pairs absent at t, most probable first, and their probabilities (descending). */
  appearOrder: Int32Array
  appearP: Float32Array
  /** Node colours and legend entries: they do not depend on the threshold. */
  nodeColors: Map<string, string>
  nodeLegend: LegendEntry[]
  /** The Ĝ(t+h) cut: the smallest probability of a pair in the predicted graph. */
  cut: number
}

/** The per-run work, once: where each week edge is among the stored pairs, the appearing pairs
 * by probability, the node colours. `ids` are the universe's node ids. */
export function prepareForecast(
  data: ForecastData,
  ids: string[],
  week: WeekEdges,
): PreparedForecast {
  const n = ids.length
  const stored = new Map<number, number>()
  let cut = Infinity
  const appear: number[] = []
  for (let k = 0; k < data.pairSource.length; k++) {
    stored.set(data.pairSource[k] * n + data.pairTarget[k], k)
    if (data.flags[k] & 2 && data.probability[k] < cut) cut = data.probability[k]
    if (!(data.flags[k] & 1)) appear.push(k)
  }
  appear.sort((a, b) => data.probability[b] - data.probability[a] || a - b)
  const m = week.edgeSource.length
  const edgeKey = new Array<string>(m)
  const edgeP = new Float32Array(m)
  const edgeChange = new Float64Array(m).fill(NaN)
  for (let e = 0; e < m; e++) {
    const s = week.edgeSource[e]
    const t = week.edgeTarget[e]
    edgeKey[e] = pairKey(ids[s], ids[t])
    const k = stored.get(s * n + t)
    if (k === undefined) continue
    edgeP[e] = data.probability[k]
    edgeChange[e] =
      Math.log1p(Math.max(data.predictedWeight[k], 0)) - Math.log1p(Math.max(week.edgeWeight[e], 0))
  }
  const nodeColors = new Map<string, string>()
  const binCounts = new Array<number>(TVL_BINS.length).fill(0)
  const binColors = TVL_BINS.map((b) => changeColor(b.ramp))
  for (let i = 0; i < data.nodes.length; i++) {
    const b = tvlBin(data.predictedLogChange[i])
    binCounts[b]++
    nodeColors.set(ids[data.nodes[i]], binColors[b])
  }
  const nodeLegend = TVL_BINS.map((b, i) => ({
    label: b.label,
    color: binColors[i],
    count: binCounts[i],
  })).filter((l) => l.count > 0)
  return {
    data,
    edgeKey,
    edgeP,
    edgeChange,
    appearOrder: Int32Array.from(appear),
    appearP: Float32Array.from(appear, (k) => data.probability[k]),
    nodeColors,
    nodeLegend,
    cut: Number.isFinite(cut) ? cut : 1,
  }
}

/** How the graph at a threshold splits, for the view's counts and the legend. */
export interface OverlayCounts {
  threshold: number
  /** Pairs absent at t with p ≥ θ, and how many of them are drawn (at most `maxAppear`). */
  appear: number
  appearDrawn: number
  vanish: number
  grew: number
  shrank: number
  steady: number
  /** Edges of the graph at θ: the week's edges kept plus the appearing pairs. */
  edgesAtThreshold: number
  expectedEdges: number
}

/** Number of leading entries of a descending array that are ≥ x (binary search). */
function countAtLeast(desc: Float32Array, x: number): number {
  let lo = 0
  let hi = desc.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (desc[mid] >= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Float32 probabilities compared with a threshold typed as a decimal (0.21 is not a float32). */
const asF32 = (x: number): number => Math.fround(x)

export function buildForecastOverlay(
  p: PreparedForecast,
  threshold: number,
  colors: ForecastColors,
  ids: string[],
  maxAppear = 25_000,
): { overlay: GraphOverlay; counts: OverlayCounts } {
  const d = p.data
  const theta = asF32(threshold)
  const edgeColors = new Map<string, string>()
  let vanish = 0
  let grew = 0
  let shrank = 0
  let steady = 0
  for (let e = 0; e < p.edgeKey.length; e++) {
    if (p.edgeP[e] < theta || p.edgeP[e] === 0) {
      vanish++
      edgeColors.set(p.edgeKey[e], colors.vanish)
    } else if (p.edgeChange[e] > WEIGHT_CHANGE) {
      grew++
      edgeColors.set(p.edgeKey[e], colors.grew)
    } else if (p.edgeChange[e] < -WEIGHT_CHANGE) {
      shrank++
      edgeColors.set(p.edgeKey[e], colors.shrank)
    } else steady++
  }
  const appear = countAtLeast(p.appearP, theta)
  const drawn = Math.min(appear, maxAppear)
  const extraEdges: OverlayEdge[] = new Array(drawn)
  for (let i = 0; i < drawn; i++) {
    const k = p.appearOrder[i]
    extraEdges[i] = {
      source: ids[d.pairSource[k]],
      target: ids[d.pairTarget[k]],
      color: colors.appear,
      // opacity carries the calibrated probability; a floor keeps the faintest ones visible
      opacity: 0.15 + 0.85 * d.probability[k],
      size: 1,
    }
  }
  const counts: OverlayCounts = {
    threshold,
    appear,
    appearDrawn: drawn,
    vanish,
    grew,
    shrank,
    steady,
    edgesAtThreshold: grew + shrank + steady + appear,
    expectedEdges: d.expectedEdges,
  }
  const pct = (x: number): string => (x < 0.01 ? x.toPrecision(2) : x.toFixed(2))
  const fmt = (x: number): string => Math.round(x).toLocaleString('en')
  const legend: LegendEntry[] = [
    {
      label:
        `predicted new, p ≥ ${pct(threshold)} (violet; opacity = p, not dashed)` +
        (drawn < appear ? `; the ${fmt(drawn)} most probable drawn` : ''),
      color: colors.appear,
      count: appear,
    },
    { label: `vanishing (p < ${pct(threshold)})`, color: colors.vanish, count: vanish },
    { label: 'weight grows > 10 %', color: colors.grew, count: grew },
    { label: 'weight shrinks > 10 %', color: colors.shrank, count: shrank },
    { label: 'persists (±10 %)', color: colors.edge, count: steady },
    ...p.nodeLegend,
  ]
  return {
    overlay: {
      title:
        `Forecast h=${d.horizon} → ${d.targetWeek} · p ≥ ${pct(threshold)} · ` +
        `${fmt(counts.edgesAtThreshold)} edges (Σp ${fmt(d.expectedEdges)} expected)`,
      legend,
      nodeColors: p.nodeColors,
      edgeColors,
      extraEdges,
    },
    counts,
  }
}
