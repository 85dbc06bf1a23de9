// The filter pipeline of the graph explorer, as Gephi Lite's: attribute filters on nodes, then the
// exposure range on edges, then topological filters (ego network), then "hide isolated". Pure
// functions over typed arrays: every step reports what it kept, for the pipeline's counts, and
// the view recomputes only on change (a week switch or a filter edit), never per frame.

/** The union of every week's nodes (the layout's universe), as the graph view holds it. */
export interface Universe {
  count: number
  ids: string[]
  names: (string | null)[]
  categories: string[]
  category: Int32Array
  sectors: string[]
  sector: Int32Array
  /** 0 protocol, 1 token. */
  kind: Int32Array
  x: Float32Array
  y: Float32Array
  /** Largest size of the node over all weeks (USD): global scales. */
  maxSize: Float64Array
}

/** One week in universe indices. */
export interface WeekData {
  week: string
  /** Universe index of each of the week's nodes. */
  nodes: Int32Array
  size: Float64Array
  tvlChange: Float32Array
  edgeSource: Int32Array
  edgeTarget: Int32Array
  edgeWeight: Float64Array
}

export type EgoDirection = 'out' | 'in' | 'both'

export interface FilterState {
  /** Categories kept; null keeps all. */
  categories: string[] | null
  sectors: string[] | null
  kind: 'all' | 'protocol' | 'token'
  /** Node TVL range in USD (inclusive); null keeps all. */
  tvl: [number, number] | null
  /** Edge exposure range in USD (inclusive); null keeps all. */
  exposure: [number, number] | null
  /** Only the neighbourhood of a node: `out` = what it is exposed to (it holds their tokens). */
  ego: { node: string; depth: number; direction: EgoDirection } | null
  hideIsolated: boolean
}

export const NO_FILTERS: FilterState = {
  categories: null,
  sectors: null,
  kind: 'all',
  tvl: null,
  exposure: null,
  ego: null,
  hideIsolated: false,
}

export interface StepCount {
  step: string
  nodes: number
  edges: number
}

export interface FilterResult {
  /** Per universe node: 1 when the node is in the week and kept. */
  nodeKeep: Uint8Array
  /** Per week edge: 1 when kept. */
  edgeKeep: Uint8Array
  steps: StepCount[]
}

/** Whether any filter is active (the view shows a "filtered" badge and a reset button). */
export function isFiltered(f: FilterState): boolean {
  return (
    f.categories !== null ||
    f.sectors !== null ||
    f.kind !== 'all' ||
    f.tvl !== null ||
    f.exposure !== null ||
    f.ego !== null ||
    f.hideIsolated
  )
}

/** What each filter is called in the undo history (the graph's Undo button names the step). */
const FILTER_NAMES: Record<keyof FilterState, string> = {
  categories: 'category filter',
  sectors: 'sector filter',
  kind: 'protocol / token filter',
  tvl: 'TVL range',
  exposure: 'exposure range',
  ego: 'ego network',
  hideIsolated: 'hide isolated',
}

/** The name of a change from `before` to `after`: the one filter changed, "clear filters", or "filters". */
export function filterChangeName(before: FilterState, after: FilterState): string {
  const changed = (Object.keys(FILTER_NAMES) as (keyof FilterState)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  )
  if (changed.length === 1) return FILTER_NAMES[changed[0]]
  return isFiltered(after) ? 'filters' : 'clear filters'
}

export function applyFilters(u: Universe, w: WeekData, f: FilterState): FilterResult {
  const nodeKeep = new Uint8Array(u.count)
  const edgeKeep = new Uint8Array(w.edgeSource.length)
  const steps: StepCount[] = []
  const count = (a: Uint8Array): number => a.reduce((s, v) => s + v, 0)
  const edgesBetweenKept = (): void => {
    for (let e = 0; e < edgeKeep.length; e++)
      edgeKeep[e] = nodeKeep[w.edgeSource[e]] & nodeKeep[w.edgeTarget[e]] & (edgeKeep[e] | 0)
  }

  // 1. nodes of the week, by attribute
  const cats = f.categories ? new Set(f.categories.map((c) => u.categories.indexOf(c))) : null
  const secs = f.sectors ? new Set(f.sectors.map((s) => u.sectors.indexOf(s))) : null
  const kind = f.kind === 'protocol' ? 0 : f.kind === 'token' ? 1 : -1
  for (let i = 0; i < w.nodes.length; i++) {
    const n = w.nodes[i]
    if (cats && !cats.has(u.category[n])) continue
    if (secs && !secs.has(u.sector[n])) continue
    if (kind >= 0 && u.kind[n] !== kind) continue
    if (f.tvl && (w.size[i] < f.tvl[0] || w.size[i] > f.tvl[1])) continue
    nodeKeep[n] = 1
  }
  edgeKeep.fill(1)
  edgesBetweenKept()
  steps.push({ step: 'attributes', nodes: count(nodeKeep), edges: count(edgeKeep) })

  // 2. edges by exposure
  if (f.exposure) {
    const [lo, hi] = f.exposure
    for (let e = 0; e < edgeKeep.length; e++)
      if (edgeKeep[e] && (w.edgeWeight[e] < lo || w.edgeWeight[e] > hi)) edgeKeep[e] = 0
    steps.push({ step: 'exposure', nodes: count(nodeKeep), edges: count(edgeKeep) })
  }

  // 3. ego network over the kept edges
  if (f.ego) {
    const start = u.ids.indexOf(f.ego.node)
    const reach = new Uint8Array(u.count)
    if (start >= 0 && nodeKeep[start]) {
      reach[start] = 1
      let frontier = [start]
      for (let d = 0; d < f.ego.depth && frontier.length; d++) {
        const inFrontier = new Uint8Array(u.count)
        for (const n of frontier) inFrontier[n] = 1
        const next: number[] = []
        for (let e = 0; e < edgeKeep.length; e++) {
          if (!edgeKeep[e]) continue
          const s = w.edgeSource[e]
          const t = w.edgeTarget[e]
          if (f.ego.direction !== 'in' && inFrontier[s] && !reach[t]) {
            reach[t] = 1
            next.push(t)
          }
          if (f.ego.direction !== 'out' && inFrontier[t] && !reach[s]) {
            reach[s] = 1
            next.push(s)
          }
        }
        frontier = next
      }
    }
    for (let n = 0; n < u.count; n++) nodeKeep[n] &= reach[n]
    edgesBetweenKept()
    steps.push({ step: 'ego', nodes: count(nodeKeep), edges: count(edgeKeep) })
  }

  // 4. isolated nodes (no kept edge left)
  if (f.hideIsolated) {
    const linked = new Uint8Array(u.count)
    for (let e = 0; e < edgeKeep.length; e++)
      if (edgeKeep[e]) linked[w.edgeSource[e]] = linked[w.edgeTarget[e]] = 1
    for (let n = 0; n < u.count; n++) nodeKeep[n] &= linked[n]
    steps.push({ step: 'isolated', nodes: count(nodeKeep), edges: count(edgeKeep) })
  }
  return { nodeKeep, edgeKeep, steps }
}

export interface Histogram {
  /** Bin edges in USD, log-spaced: bins + 1 values. */
  edges: number[]
  all: number[]
  kept: number[]
}

/** A log-scale histogram of positive USD values, all vs kept, for the range filters. */
export function logHistogram(values: Float64Array, keep: Uint8Array | null, bins = 24): Histogram {
  let lo = Infinity
  let hi = 0
  for (const v of values)
    if (v > 0) {
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  if (!(hi > 0)) return { edges: [], all: [], kept: [] }
  const a = Math.log10(lo)
  const b = Math.log10(hi) + 1e-9
  const width = (b - a) / bins || 1
  const all = new Array<number>(bins).fill(0)
  const kept = new Array<number>(bins).fill(0)
  values.forEach((v, i) => {
    if (!(v > 0)) return
    const k = Math.min(bins - 1, Math.floor((Math.log10(v) - a) / width))
    all[k]++
    if (!keep || keep[i]) kept[k]++
  })
  const edges = Array.from({ length: bins + 1 }, (_, k) => 10 ** (a + k * width))
  return { edges, all, kept }
}
