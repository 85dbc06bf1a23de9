// The spillover heatmap's pure parts: which edges of a week make up one cell (holder label →
// issuer label, at the category or coarse-sector level), so a click can show them on the graph,
// and the cell's colour ramp. The engine sums the same edges into the cell (src/shared/risk/
// spillover.ts): labels from the universe (the protocol's category or sector, "Unknown" when it
// has none, as the engine names it) and only edges with a positive weight.

/** What the matching needs of the graph's universe and of one week's frame. */
export interface CellUniverse {
  ids: string[]
  categories: string[]
  category: Int32Array
  sectors: string[]
  sector: Int32Array
}

export interface CellWeek {
  edgeSource: Int32Array
  edgeTarget: Int32Array
  edgeWeight: Float64Array
}

export interface CellEdges {
  edges: { source: string; target: string; weight: number }[]
  /** Σ weight of those edges (the cell's value). */
  total: number
}

/** The week's edges whose holder has label `from` and issuer label `to` at `level`. */
export function cellEdges(
  u: CellUniverse,
  w: CellWeek,
  level: 'category' | 'sector',
  from: string,
  to: string,
): CellEdges {
  const names = level === 'category' ? u.categories : u.sectors
  const code = level === 'category' ? u.category : u.sector
  const a = names.indexOf(from)
  const b = names.indexOf(to)
  const edges: CellEdges['edges'] = []
  let total = 0
  if (a < 0 || b < 0) return { edges, total }
  for (let e = 0; e < w.edgeSource.length; e++) {
    const s = w.edgeSource[e]
    const t = w.edgeTarget[e]
    const x = w.edgeWeight[e]
    if (!(x > 0) || code[s] !== a || code[t] !== b) continue
    edges.push({ source: u.ids[s], target: u.ids[t], weight: x })
    total += x
  }
  return { edges, total }
}

/** Share of the largest cell → a colour between the surface and the accent (log scale: cells
 * span orders of magnitude, a linear ramp would show one dark cell and the rest blank). */
export function heatShare(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0
  const floor = max * 1e-6
  if (value <= floor) return 0.04
  return Math.min(1, Math.max(0.04, Math.log(value / floor) / Math.log(max / floor)))
}
