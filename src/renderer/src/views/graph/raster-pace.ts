// How many edges one frame can rasterise within a time budget, learnt from the frames that drew
// the whole base list: the time from issuing the draw to the next animation frame. With a GPU
// that is about a frame interval and nothing is split. In software WebGL (SwiftShader: machines
// without a usable GPU) the page waits at the next frame for the raster — the compositor reads
// the canvas back, and sigma's hover picking reads its buffer after every frame — so after a
// camera move the edge layer draws a large base over several frames, showing its last picture
// moved meanwhile, and no frame (nor the pointer's picking read) waits for the whole week.

/** Frames that drew fewer edges than this say little about the cost of one. */
const MEASURED_MIN = 10_000

export class RasterPace {
  /** ms per edge of the last whole draw measured; null before one. */
  private perEdgeMs: number | null = null
  /** Edges per frame set from outside (stories draw the small demo's week in parts), or null. */
  fixed: number | null = null

  constructor(
    /** The raster time a frame of edges may take. */
    readonly budgetMs = 40,
    /** Never fewer edges a frame than this (a frame's fixed costs would dominate). */
    readonly minChunk = 4_000,
  ) {}

  /** A whole draw of `edges` took `ms` from its draw call to the next frame. */
  record(edges: number, ms: number): void {
    if (edges >= MEASURED_MIN && ms > 0) this.perEdgeMs = ms / edges
  }

  /** Edges to draw per frame out of `count`: all of them unless the last measured draw says
   * they would take longer than the budget. */
  chunk(count: number): number {
    if (this.fixed !== null) return Math.min(count, Math.max(1, this.fixed))
    if (this.perEdgeMs === null) return count
    const fits = Math.floor(this.budgetMs / this.perEdgeMs)
    return Math.min(count, Math.max(this.minChunk, fits))
  }
}
