// The graph form every risk tool works on: a week (observed or predicted) as typed arrays plus
// compressed sparse rows in both directions, built once and shared by all statistics, PageRank,
// SIS and the contagion methods. Edges are holder → issuer with a positive USD weight.
import { DexposureError } from '../errors'

/** A week-shaped graph: what archive.loadWeek returns and what a forecast produces. */
export interface GraphInput {
  nodeIds: string[]
  /** USD size (TVL) per node. */
  sizes: ArrayLike<number>
  /** Fine category per node ("Unknown" when absent). */
  categories: string[]
  /** Coarse sector per node ("Unknown" when absent). */
  sectors: string[]
  edgeSrc: ArrayLike<number>
  edgeDst: ArrayLike<number>
  /** Linear USD weight per edge. */
  edgeWeight: ArrayLike<number>
}

export interface RiskGraph {
  n: number
  e: number
  nodeIds: string[]
  /** Sizes with negatives and non-finite values clipped to 0. */
  sizes: Float64Array
  categories: string[]
  sectors: string[]
  src: Int32Array
  dst: Int32Array
  weight: Float64Array
  /** Out-CSR (holder → issuers): edges of node i are outEdge[outPtr[i] .. outPtr[i+1]). */
  outPtr: Int32Array
  outEdge: Int32Array
  /** In-CSR (issuer ← holders). */
  inPtr: Int32Array
  inEdge: Int32Array
  outDegree: Int32Array
  inDegree: Int32Array
  /** Σ outgoing weight (holdings in other nodes) and Σ incoming weight (issued, held by others). */
  outStrength: Float64Array
  inStrength: Float64Array
  /** Edges dropped while building (weight ≤ 0 or not finite): forecast graphs may carry them. */
  droppedEdges: number
  index: Map<string, number>
}

/**
 * Builds the CSR form. Edges with weight ≤ 0 or non-finite are dropped and counted (the reference
 * drops weight ≤ 0 when converting predictions); endpoints out of range or self-loops are bad input.
 */
export function buildRiskGraph(g: GraphInput, where: { week?: string } = {}): RiskGraph {
  const n = g.nodeIds.length
  if (g.sizes.length !== n || g.categories.length !== n || g.sectors.length !== n)
    throw new DexposureError('BAD_INPUT', 'node arrays differ in length', {
      ...where,
      field: 'nodes',
    })
  const m = g.edgeSrc.length
  if (g.edgeDst.length !== m || g.edgeWeight.length !== m)
    throw new DexposureError('BAD_INPUT', 'edge arrays differ in length', {
      ...where,
      field: 'edges',
    })
  const sizes = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = g.sizes[i]
    sizes[i] = Number.isFinite(s) && s > 0 ? s : 0
  }
  let keep = 0
  for (let j = 0; j < m; j++) {
    const s = g.edgeSrc[j]
    const d = g.edgeDst[j]
    if (!(s >= 0 && s < n && d >= 0 && d < n) || !Number.isInteger(s) || !Number.isInteger(d))
      throw new DexposureError('BAD_INPUT', `edge ${j} has an endpoint outside 0..${n - 1}`, {
        ...where,
        field: 'edges',
        offset: j,
      })
    if (s === d)
      throw new DexposureError('BAD_INPUT', `edge ${j} is a self-loop`, {
        ...where,
        field: 'edges',
        offset: j,
      })
    const w = g.edgeWeight[j]
    if (Number.isFinite(w) && w > 0) keep++
  }
  const src = new Int32Array(keep)
  const dst = new Int32Array(keep)
  const weight = new Float64Array(keep)
  for (let j = 0, k = 0; j < m; j++) {
    const w = g.edgeWeight[j]
    if (!(Number.isFinite(w) && w > 0)) continue
    src[k] = g.edgeSrc[j]
    dst[k] = g.edgeDst[j]
    weight[k++] = w
  }
  const outDegree = new Int32Array(n)
  const inDegree = new Int32Array(n)
  const outStrength = new Float64Array(n)
  const inStrength = new Float64Array(n)
  for (let j = 0; j < keep; j++) {
    outDegree[src[j]]++
    inDegree[dst[j]]++
    outStrength[src[j]] += weight[j]
    inStrength[dst[j]] += weight[j]
  }
  const outPtr = prefix(outDegree)
  const inPtr = prefix(inDegree)
  const outEdge = new Int32Array(keep)
  const inEdge = new Int32Array(keep)
  const oFill = outPtr.slice(0, n)
  const iFill = inPtr.slice(0, n)
  for (let j = 0; j < keep; j++) {
    outEdge[oFill[src[j]]++] = j
    inEdge[iFill[dst[j]]++] = j
  }
  const index = new Map<string, number>()
  for (let i = 0; i < n; i++) index.set(g.nodeIds[i], i)
  return {
    n,
    e: keep,
    nodeIds: g.nodeIds,
    sizes,
    categories: g.categories,
    sectors: g.sectors,
    src,
    dst,
    weight,
    outPtr,
    outEdge,
    inPtr,
    inEdge,
    outDegree,
    inDegree,
    outStrength,
    inStrength,
    droppedEdges: m - keep,
    index,
  }
}

function prefix(counts: Int32Array): Int32Array {
  const p = new Int32Array(counts.length + 1)
  for (let i = 0; i < counts.length; i++) p[i + 1] = p[i] + counts[i]
  return p
}

export function totalOf(xs: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]
  return s
}

/** Node indices ordered by `key` descending; ties by index (stable, deterministic). */
export function rankDescending(key: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(key.length)
  for (let i = 0; i < idx.length; i++) idx[i] = i
  return idx.sort((a, b) => key[b] - key[a] || a - b)
}
