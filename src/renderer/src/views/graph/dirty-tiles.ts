// The part of a cached picture to draw again when a few of its items changed look (node-cache.ts:
// a playback round resizes tens of a real-scale week's nodes): the canvas as a grid of square
// tiles, each marked when a changed item's old or new box touches it. Tiles rather than the boxes
// themselves because the region is then cleared and masked in a few rectangles (rows of marked
// tiles) however many items changed, and an item is tested against it in constant time.
import type { GlRect } from './layer-target'

export class DirtyTiles {
  readonly cols: number
  readonly rows: number
  private readonly marked: Uint8Array
  /** Marked tiles. */
  count = 0

  constructor(
    /** The canvas in GL pixels. */
    readonly w: number,
    readonly h: number,
    /** Tile side in GL pixels; a multiple of the picking buffer's downsizing keeps a tile's
     * picking pixels its own. */
    readonly tile = 32,
  ) {
    this.cols = Math.max(1, Math.ceil(w / tile))
    this.rows = Math.max(1, Math.ceil(h / tile))
    this.marked = new Uint8Array(this.cols * this.rows)
  }

  /** Marks the tiles a box (centre and half extent, GL pixels) touches; one off the canvas marks
   * nothing. */
  add(x: number, y: number, half: number): void {
    const c = this.cells(x, y, half)
    if (!c) return
    for (let r = c.r0; r <= c.r1; r++)
      for (let k = c.c0; k <= c.c1; k++) {
        const at = r * this.cols + k
        if (!this.marked[at]) {
          this.marked[at] = 1
          this.count++
        }
      }
  }

  /** Whether a box (centre and half extent) touches a marked tile. */
  touches(x: number, y: number, half: number): boolean {
    const c = this.cells(x, y, half)
    if (!c) return false
    for (let r = c.r0; r <= c.r1; r++)
      for (let k = c.c0; k <= c.c1; k++) if (this.marked[r * this.cols + k]) return true
    return false
  }

  /** The share of the canvas marked. */
  share(): number {
    return this.count / (this.cols * this.rows)
  }

  /** The marked region as rectangles: each row's runs of marked tiles, clipped to the canvas. */
  rects(): GlRect[] {
    const out: GlRect[] = []
    const t = this.tile
    for (let r = 0; r < this.rows; r++) {
      let k = 0
      while (k < this.cols) {
        if (!this.marked[r * this.cols + k]) {
          k++
          continue
        }
        const from = k
        while (k < this.cols && this.marked[r * this.cols + k]) k++
        out.push({
          x0: from * t,
          y0: r * t,
          x1: Math.min(this.w, k * t),
          y1: Math.min(this.h, (r + 1) * t),
        })
      }
    }
    return out
  }

  private cells(
    x: number,
    y: number,
    half: number,
  ): { c0: number; c1: number; r0: number; r1: number } | null {
    if (!(half >= 0) || !Number.isFinite(x) || !Number.isFinite(y)) return null
    const x0 = Math.max(0, x - half)
    const x1 = Math.min(this.w - 1e-9, x + half)
    const y0 = Math.max(0, y - half)
    const y1 = Math.min(this.h - 1e-9, y + half)
    if (x0 > x1 || y0 > y1) return null
    const t = this.tile
    return {
      c0: Math.floor(x0 / t),
      c1: Math.floor(x1 / t),
      r0: Math.floor(y0 / t),
      r1: Math.floor(y1 / t),
    }
  }
}
