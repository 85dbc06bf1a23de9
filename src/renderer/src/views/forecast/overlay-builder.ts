// The forecast overlay as a pure function of a stored forecast and a probability threshold θ:
// the graph at θ is every pair with calibrated p ≥ θ. Edges of week t below θ are predicted to
// vanish (recoloured), those above are recoloured by their predicted weight change, pairs absent
// at t with p ≥ θ are drawn as extra edges (opacity = p), and every node of t is coloured by its
// predicted TVL change. `prepareForecast` does the per-run work once (the week's edges among the
// stored pairs, node colours), so a move of the threshold slider only walks arrays: a few ms on a
// real-scale week. The overlay names edges by universe index (typed pairs, not pairKey strings).
import { changeColor, type LegendEntry } from '../graph/appearance'
import type { EdgePairs, GraphOverlay } from '../graph/overlay'

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
  /** The probabilities of all stored pairs absent at t, descending (the pairs above carry only
   * the most probable of them: at least as many as the overlay draws). */
  newProbability: Float32Array
  /** The smallest probability of a pair in Ĝ(t+h). */
  cut: number
}

/** The most pairs absent at t the overlay draws (the most probable ones): the graph stays
 * legible and a real-scale run's frame stays small (its 277k new pairs would triple it). */
export const MAX_APPEAR = 25_000

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
  /** The week's edges (universe indices) the overlay recolours. */
  week: WeekEdges
  /** Per week edge: the stored p (0 when the run did not store it: p < 0.01) and the predicted
   * log change of its weight (NaN when not stored). */
  edgeP: Float32Array
  edgeChange: Float64Array
  /** The stored pairs absent at t that came with their ends, most probable first, and the
   * probabilities of all of them (descending: `appearP[i]` is the p of `appearOrder[i]`). */
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
  // the pairs come in descending probability (the frame's contract): those absent at t are in
  // the order the overlay draws them, and only the week's own edges need a lookup
  const stored = new Map<number, number>()
  const appear: number[] = []
  for (let k = 0; k < data.pairSource.length; k++) {
    if (data.flags[k] & 1) stored.set(data.pairSource[k] * n + data.pairTarget[k], k)
    else appear.push(k)
  }
  const m = week.edgeSource.length
  const edgeP = new Float32Array(m)
  const edgeChange = new Float64Array(m).fill(NaN)
  for (let e = 0; e < m; e++) {
    const k = stored.get(week.edgeSource[e] * n + week.edgeTarget[e])
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
    week,
    edgeP,
    edgeChange,
    appearOrder: Int32Array.from(appear),
    appearP: data.newProbability,
    nodeColors,
    nodeLegend,
    cut: data.cut,
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
  maxAppear = MAX_APPEAR,
): { overlay: GraphOverlay; counts: OverlayCounts } {
  const d = p.data
  const theta = asF32(threshold)
  // the week's edges by class (0 steady, 1 vanish, 2 grew, 3 shrank): counted, then gathered
  const m = p.edgeP.length
  const cls = new Uint8Array(m)
  const n = [0, 0, 0, 0]
  for (let e = 0; e < m; e++) {
    const c =
      p.edgeP[e] < theta || p.edgeP[e] === 0
        ? 1
        : p.edgeChange[e] > WEIGHT_CHANGE
          ? 2
          : p.edgeChange[e] < -WEIGHT_CHANGE
            ? 3
            : 0
    cls[e] = c
    n[c]++
  }
  const [steady, vanish, grew, shrank] = n
  const sets = [1, 2, 3].map((c) => ({
    source: new Int32Array(n[c]),
    target: new Int32Array(n[c]),
  }))
  const at = [0, 0, 0, 0]
  for (let e = 0; e < m; e++) {
    const c = cls[e]
    if (c === 0) continue
    const set = sets[c - 1]
    set.source[at[c]] = p.week.edgeSource[e]
    set.target[at[c]++] = p.week.edgeTarget[e]
  }
  const edgePairs: EdgePairs[] = [colors.vanish, colors.grew, colors.shrank].map((color, i) => ({
    ...sets[i],
    color,
  }))
  const appear = countAtLeast(p.appearP, theta)
  const drawn = Math.min(appear, maxAppear, p.appearOrder.length)
  const source = new Int32Array(drawn)
  const target = new Int32Array(drawn)
  const opacity = new Float32Array(drawn)
  for (let i = 0; i < drawn; i++) {
    const k = p.appearOrder[i]
    source[i] = d.pairSource[k]
    target[i] = d.pairTarget[k]
    // opacity carries the calibrated probability; a floor keeps the faintest ones visible
    opacity[i] = 0.15 + 0.85 * d.probability[k]
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
      edgePairs,
      extraPairs: { source, target, opacity, color: colors.appear, size: 1 },
    },
    counts,
  }
}
