// How many items (edges, nodes) one frame can rasterise within a time budget, learnt from the
// frames that drew them: the time from issuing the draw to the next animation frame. With a GPU
// that is about a frame interval and nothing is split. In software WebGL (SwiftShader: machines
// without a usable GPU) the page waits at the next frame for the raster — the compositor reads
// the canvas back — so a large week's edges (after a switch or a camera move) and nodes (after a
// camera move) are drawn in parts over several frames, and no frame waits for the whole week.
// Each frame that drew a part corrects the estimate: with a frame's fixed costs F and c ms an
// item, a part of x items leads to the next part B·x / (F + c·x), which settles where a frame
// takes the budget B.

export class RasterPace {
  /** ms per item of the last draw measured; null before one. */
  private perItemMs: number | null = null
  /** Items per frame set from outside (stories draw the small demo's week in parts), or null. */
  fixed: number | null = null

  constructor(
    /** The time a frame that draws a part may take, all of it. */
    readonly budgetMs = 70,
    /** Never fewer items a frame than this (a frame's fixed costs would dominate). */
    readonly minChunk = 1_000,
    /** Fewer items than this are always drawn whole (a small week: one frame, however slow the
     * machine, and no half-drawn picture to see or screenshot). */
    readonly minSplit = 10_000,
  ) {}

  /** A draw of `items` (all of them, or a part) took `ms` from its draw call to the next frame. */
  record(items: number, ms: number): void {
    if (items > 0 && ms > 0) this.perItemMs = ms / items
  }

  /** Items to draw per frame out of `count`: all of them unless the last measured draw says
   * they would take longer than the budget (the pace's, or `budgetMs`). Before any draw was
   * measured, a large list starts with `minSplit` items, whose frame sizes the next part (with a
   * GPU: the rest). */
  chunk(count: number, budgetMs = this.budgetMs): number {
    if (this.fixed !== null) return Math.min(count, Math.max(1, this.fixed))
    if (count < this.minSplit) return count
    if (this.perItemMs === null) return this.minSplit
    const fits = Math.floor(budgetMs / this.perItemMs)
    return Math.min(count, Math.max(this.minChunk, fits))
  }

  /** Measures the draw just issued: `items` drawn, timed to the next animation frame. */
  time(items: number): void {
    const t0 = performance.now()
    requestAnimationFrame(() => this.record(items, performance.now() - t0))
  }
}

/** One pace per kind of item for every graph view: what a frame costs is the machine's (and a
 * view opened later starts from what the others measured; views side by side share the frames). */
export const PACES = {
  edges: new RasterPace(70, 1_000, 10_000),
  nodes: new RasterPace(70, 500, 5_000),
}
