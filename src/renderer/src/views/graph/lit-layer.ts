// One list of lit edges (an overlay's, a hover's) kept in a texture of its own once it is long
// (edge-layer.ts `topLayerMin`): drawn when it or the camera changes, composited otherwise.
// A list drawn in one colour (every item the same RGB, any alpha: a playback round's carriers, a
// hover's neighbourhood) is kept as optical depth: each pixel holds D = Σ −ln(1 − αᵢ) over the
// edges covering it, in a float target, and is composited in that colour at alpha 1 − e^(−D).
// That is exactly "over" of the same edges in any order — for one colour c, "over" gives
// c·(1 − Π(1 − αᵢ)) whatever the order — so when the list changes and the camera did not, only
// the edges that came are drawn (their depth added) and those that went (their depth taken away):
// a DebtRank round that lights or drops a few hundred of its 74k carriers draws a few hundred
// edges, where drawing the list again took ≈ 0.5 s in software WebGL (BENCHMARKS.md). Lists of
// several colours, and machines without float blending, draw the list again with "over".
import type { RenderParams } from 'sigma/types'
import { EdgeItems, itemChanges, uniformRgb } from './edge-items'
import { ItemTexture, type EdgeProgram } from './edge-program'
import {
  Compositor,
  LayerTarget,
  canvasSize,
  floatBlending,
  frameKey,
  redraw,
} from './layer-target'

/** Frames that drew a lit layer whole, changed it by the edges that came and went, or put it
 * back as it was. */
export interface LitCounts {
  topDrawn: number
  topDelta: number
  topReused: number
}

export class LitLayer {
  private readonly color: LayerTarget
  private readonly depth: LayerTarget
  private readonly colorCompositor: Compositor
  private readonly depthCompositor: Compositor
  /** What the target holding the list now was drawn for: the list's version and the frame's
   * geometry (camera, size, node positions), and for depth the colour and the items. */
  private drawnVersion = -1
  private drawnGeometry: string | null = null
  private drawnIn: 'color' | 'depth' | null = null
  private drawnRgb = 0
  private readonly drawnItems = new EdgeItems()
  private readonly added = new EdgeItems()
  private readonly removed = new EdgeItems()
  private readonly addedTexture = new ItemTexture()
  private readonly removedTexture = new ItemTexture()
  private changes = 0
  /** The list's one RGB (uniformRgb), for the version it was found for. */
  private rgbOf = { version: -1, rgb: null as number | null }

  constructor(
    name: string,
    private readonly program: EdgeProgram,
  ) {
    this.color = new LayerTarget(name)
    this.depth = new LayerTarget(`${name} (depth)`, 'r32f')
    this.colorCompositor = new Compositor(name)
    this.depthCompositor = new Compositor(`${name} (depth)`, 'depth')
  }

  /**
   * Puts `items` (version `version`, synced into `texture`) on the canvas, from the layer when it
   * holds them for this frame, else drawn (whole, or by what changed) into it first.
   */
  render(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    items: EdgeItems,
    texture: ItemTexture,
    version: number,
    xy: Float32Array,
    positionsVersion: number,
    counts: LitCounts,
    /** Draw a changed list by its changes where it can (else whole). */
    deltas = true,
  ): void {
    const { w, h } = canvasSize(p)
    const whole = { x0: 0, y0: 0, x1: w, y1: h }
    const geometry = frameKey(positionsVersion, p)
    if (this.rgbOf.version !== version) this.rgbOf = { version, rgb: uniformRgb(items) }
    const rgb = this.rgbOf.rgb
    if (rgb === null || !floatBlending(gl)) {
      if (this.color.ensure(gl, w, h)) this.drawnIn = null
      if (this.drawnIn !== 'color' || !this.holds(version, geometry)) {
        redraw(gl, this.color, () => this.program.draw(gl, texture, xy, positionsVersion, p))
        this.drawnAt('color', version, geometry)
        counts.topDrawn++
      } else counts.topReused++
      this.colorCompositor.draw(gl, this.color.texture!, p, whole)
      return
    }
    if (this.depth.ensure(gl, w, h)) this.drawnIn = null
    const draw = (t: ItemTexture, blend: 'add' | 'subtract'): void => {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.depth.fbo)
      gl.viewport(0, 0, w, h)
      this.program.draw(gl, t, xy, positionsVersion, p, 0, t.count, blend)
    }
    if (this.drawnIn === 'depth' && this.holds(version, geometry)) counts.topReused++
    else if (
      deltas &&
      this.drawnIn === 'depth' &&
      this.drawnGeometry === geometry &&
      this.drawnRgb === rgb &&
      itemChanges(this.drawnItems, items, this.added, this.removed) &&
      this.added.count + this.removed.count < items.count
    ) {
      this.changes++
      this.addedTexture.sync(gl, this.added, this.changes)
      this.removedTexture.sync(gl, this.removed, this.changes)
      draw(this.addedTexture, 'add')
      draw(this.removedTexture, 'subtract')
      counts.topDelta++
    } else {
      redraw(gl, this.depth, () =>
        this.program.draw(gl, texture, xy, positionsVersion, p, 0, items.count, 'add'),
      )
      counts.topDrawn++
    }
    if (this.drawnIn !== 'depth' || !this.holds(version, geometry)) {
      this.drawnItems.copyFrom(items)
      this.drawnRgb = rgb
      this.drawnAt('depth', version, geometry)
    }
    this.depthCompositor.draw(gl, this.depth.texture!, p, whole, 1, rgb)
  }

  private holds(version: number, geometry: string): boolean {
    return this.drawnVersion === version && this.drawnGeometry === geometry
  }

  private drawnAt(kind: 'color' | 'depth', version: number, geometry: string): void {
    this.drawnIn = kind
    this.drawnVersion = version
    this.drawnGeometry = geometry
  }

  release(): void {
    this.color.release()
    this.depth.release()
    this.colorCompositor.release()
    this.depthCompositor.release()
    this.addedTexture.release()
    this.removedTexture.release()
    this.drawnIn = null
    this.drawnGeometry = null
  }
}
