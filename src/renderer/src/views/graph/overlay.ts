// An overlay drawn on a graph view over its week: a forecast (edges predicted to appear or vanish,
// nodes by predicted TVL change), a contagion round (nodes by state and loss, edges that carried
// it), a spillover cell or a query result (a set of edges or nodes). Views outside the graph build
// one and hand it to `GraphView.setOverlay`; the graph keeps its positions, filters and camera.
import type { LegendEntry } from './appearance'

/** Key of a directed pair, as overlays name edges: `${source}→${target}` by node id. */
export const pairKey = (source: string, target: string): string => `${source}\u2192${target}`

/** A directed pair of universe nodes (by index, `universeSize` nodes) as one number: hashed far
 * faster than `pairKey`'s string where an overlay names tens of thousands of edges. */
export const pairCode = (source: number, target: number, universeSize: number): number =>
  source * universeSize + target

/** Edges of the week in one colour, named by the universe indices of their ends (item k: from
 * `source[k]` to `target[k]`). */
export interface EdgePairs {
  source: Int32Array
  target: Int32Array
  color: string
}

export interface OverlayEdge {
  source: string
  target: string
  color: string
  /** Width in pixels (default: the week's width for that exposure, else 1). */
  size?: number
  /** 0–1 (e.g. a predicted edge's calibrated probability). */
  opacity?: number
}

export interface GraphOverlay {
  /** Shown in the caption, e.g. "Forecast h=4 · p ≥ 0.50 · 312 expected edges". */
  title: string
  /** Legend entries replacing the colour legend while the overlay shows. */
  legend: LegendEntry[]
  /** Node colours by id; nodes of the week without one are dimmed. Absent: colours unchanged. */
  nodeColors?: Map<string, string>
  /** Node sizes in pixels by id (e.g. by loss); others keep their TVL size. */
  nodeSizes?: Map<string, number>
  /** Nodes marked with a ring and a label (e.g. the shocked nodes). */
  marked?: Set<string>
  /** Edges of the week (by pairKey) recoloured; with `dimOtherEdges` the rest fade out. */
  edgeColors?: Map<string, string>
  /** Edges of the week recoloured, by universe index, each set in its colour (as `edgeColors`,
   * after it; a later set wins): for overlays that light tens of thousands, e.g. a contagion
   * round's carriers or a forecast's vanishing and changing edges, where building and looking up
   * pairKey strings cost ≈ 0.1 s a step. Pairs that are not edges of the week are ignored. */
  edgePairs?: EdgePairs[]
  dimOtherEdges?: boolean
  /** Edges drawn that are not in the week (predicted to appear), by pairKey-unique source/target. */
  extraEdges?: OverlayEdge[]
  /** As `extraEdges`, by universe index, in one colour and width (a forecast's 25k predicted
   * pairs: their ids as strings and objects cost ≈ 50 ms a show). Drawn after `extraEdges`. */
  extraPairs?: ExtraPairs
}

/** Edges not in the week (item k: from `source[k]` to `target[k]`, opacity `opacity[k]`). */
export interface ExtraPairs {
  source: Int32Array
  target: Int32Array
  opacity: Float32Array
  color: string
  /** Width in pixels. */
  size: number
}

/** How many edges an overlay adds to the week. */
export const extraCount = (o: GraphOverlay | null | undefined): number =>
  (o?.extraEdges?.length ?? 0) + (o?.extraPairs?.source.length ?? 0)
