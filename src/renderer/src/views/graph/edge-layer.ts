// The week's edges, drawn by our own program (edge-program.ts) as a layer of sigma at the `edges`
// depth: sigma itself holds no edge. Why: sigma 4 keeps edges in graphology and re-processes every
// one on each structural change (≈ 1.4 s of JS a week switch at 75k edges), and rasterises every
// edge on every frame (in software WebGL — SwiftShader: machines without a usable GPU, and every
// machine our tests and benches run on — ≈ 1 s at 75k edges, paid again by a hover or a
// playback step that changes no edge).
// Two lists are drawn: the base edges (every shown edge, in the view's colours) and the lit edges
// over them (an overlay's, e.g. the edges a playback step carried loss over, then a hovered
// node's). The base is drawn into an offscreen texture when it or the camera changes and copied to
// the screen otherwise; while the camera moves (sigma's `hideEdgesOnMove`) its last picture is
// shown moved with the camera, and drawn again at rest. The lit edges are drawn each frame while
// they are few (a hover's tens), and from `topLayerMin` on kept in a texture of their own per
// list (lit-layer.ts), drawn when they change — by the edges that came and went, where the list
// has one colour (a DebtRank step lights up to the whole week, mostly the same from step to
// step) — and composited otherwise. A lit edge is also in the base, under its lit look. An overlay
// that fades the week's other edges (a playback round, a spillover cell) shows the base's picture
// at a lower opacity (`dim`) rather than drawing the base again in fainter colours: entering or
// leaving it costs a composite, not a raster of the week. Where rasterising the whole base takes
// longer than a frame's budget (raster-pace.ts), the base is drawn in parts over the next frames
// into a second target: after a camera move the last picture is shown moved until the new one is
// whole; after a change of the edges (a week switch) the new picture is shown as it comes.
import type Sigma from 'sigma'
import type { RenderParams } from 'sigma/types'
import { EdgeItems, ITEM_WORDS } from './edge-items'
import { EdgeProgram, ItemTexture } from './edge-program'
import { LitLayer } from './lit-layer'
import { PACES } from './raster-pace'
import {
  Compositor,
  LayerTarget,
  addLayer,
  canvasSize,
  clearTarget,
  frameKey,
  movedRect,
  redraw,
  type DrawnAt,
  type GlRect,
} from './layer-target'

/** Why an edge is lit; drawn in this order (a hover's edges on top). */
export type LitReason = 'overlay' | 'hover'
const LIT_ORDER: readonly LitReason[] = ['overlay', 'hover']

/** Where the layer finds each universe node's position in sigma's framed graph space. */
export interface NodePositions {
  /** x, y per universe node, and a version bumped when any moved. */
  positions(): { xy: Float32Array; version: number }
  /** Whether this frame draws the nodes' cached picture again (node-cache.ts): a part of the
   * edges then waits for a frame that does not. */
  drawsIn?(p: RenderParams): boolean
}

interface Captor {
  isMoving: boolean
  draggedEvents: number
  currentWheelDirection: number
}

/** The time a frame that shows a new picture in parts may take: the week appears in the first
 * frame and is whole about when one draw would have finished (in SwiftShader, parts of 70 ms made
 * a real-scale week whole ≈ 0.5 s later, 150 ms a forecast overlay ≈ 0.7 s later, 200 ms neither:
 * BENCHMARKS.md); the 70 ms of camera moves keep panning fluid. */
const REVEAL_BUDGET_MS = 200
/** … but for its first part, drawn in the frame that also draws the new week's nodes: small, so
 * that the week (its nodes and largest exposures) is on screen soon after the switch. */
const FIRST_REVEAL_BUDGET_MS = 60

/** Zeroed frame counters of an edge layer (`EdgeLayer.counts`). */
export const edgeFrameCounts = () => ({
  drawn: 0,
  reused: 0,
  moved: 0,
  parts: 0,
  topDrawn: 0,
  topDelta: 0,
  topReused: 0,
})

export class EdgeLayer {
  /** Every shown edge, in the view's colours (the view swaps in a new list, then calls
   * `baseChanged`). */
  base = new EdgeItems()
  /** Lit edges by reason (likewise, then `litChanged`). */
  readonly lit: Record<LitReason, EdgeItems> = { overlay: new EdgeItems(), hover: new EdgeItems() }
  /** Frames that finished drawing the base, copied it, showed it moved, or drew a part of the
   * next picture; and draws of a lit list's layer whole, by its changes, or put back as it was. */
  readonly counts = edgeFrameCounts()
  /** Edges per frame when the base is drawn in parts (shared by every view). */
  readonly pace = PACES.edges
  /** A lit list is kept in a layer of its own from this many edges on; fewer are drawn each
   * frame: the layer costs a full-canvas composite a frame, about what drawing a thousand edges
   * costs in software WebGL. Stories set it to compare the two. */
  topLayerMin = 1000
  /** Off: a changed lit list's layer is drawn whole, not by the edges that came and went
   * (stories compare the two). */
  litDeltas = true
  /** Off: the layer draws nothing (a story has sigma draw the same edges, to compare). */
  enabled = true
  /** The base's picture is shown at this opacity (1: as drawn). */
  dim = 1
  /** The last frame showed the base as it is now, whole (not moved, not in part drawn). */
  whole = true

  private baseVersion = 0
  private readonly litVersions: Record<LitReason, number> = { overlay: 0, hover: 0 }
  private readonly program = new EdgeProgram()
  private readonly baseTexture = new ItemTexture()
  private readonly litTextures: Record<LitReason, ItemTexture> = {
    overlay: new ItemTexture(),
    hover: new ItemTexture(),
  }
  private target = new LayerTarget('edge layer')
  /** The base being drawn in parts (then swapped with `target`), its frame key, its next item. */
  private pending = new LayerTarget('edge layer, next picture')
  private pendingKey: string | null = null
  private pendingFrom = 0
  private readonly litLayers: Record<LitReason, LitLayer> = {
    overlay: new LitLayer('lit edge layer (overlay)', this.program),
    hover: new LitLayer('lit edge layer (hover)', this.program),
  }
  private readonly compositor = new Compositor('edge layer')
  private drawnKey: string | null = null
  private drawn: DrawnAt | null = null
  private positionsVersion = -1

  constructor(
    private readonly sigma: Sigma,
    private readonly nodes: NodePositions,
  ) {
    addLayer(
      sigma,
      'edge-layer',
      'edges',
      (gl, p) => this.render(gl, p),
      () => this.release(),
    )
    // reachable from sigma, for stories and benches
    Object.defineProperty(sigma, 'dxEdgeLayer', { value: this, configurable: true })
  }

  /** The base list changed (the view refilled it): the next frame draws it again. */
  baseChanged(): void {
    this.baseVersion++
  }

  /** A lit list changed (`why`'s, or both). */
  litChanged(why?: LitReason): void {
    for (const r of why ? [why] : LIT_ORDER) this.litVersions[r]++
  }

  /**
   * For stories and benches: the base edges handed to sigma's own edge program instead (added to
   * its graph in the layer's order, with their colours and widths; this layer off), or, `false`,
   * taken back. The graph's nodes carry their universe index as `i`. Returns the ms it took.
   */
  drawBySigma(on: boolean): number {
    const t0 = performance.now()
    const g = this.sigma.getGraph()
    this.enabled = !on
    if (!on) g.clearEdges()
    else {
      const key: string[] = []
      g.forEachNode((k, a) => (key[a.i as number] = k))
      for (let k = 0; k < this.base.count; k++) {
        const [o, c] = [k * ITEM_WORDS, this.base.color(k)]
        g.addDirectedEdgeWithKey(`t${k}`, key[this.base.data[o]], key[this.base.data[o + 1]], {
          color: `rgba(${c & 255}, ${(c >>> 8) & 255}, ${(c >>> 16) & 255}, ${(c >>> 24) / 255})`,
          size: this.base.width(k),
        })
      }
    }
    this.sigma.refresh()
    return performance.now() - t0
  }

  /** Base item `k`'s colour as shown (packed RGBA: its alpha times `dim`). */
  baseColor(k: number): number {
    const c = this.base.color(k)
    if (this.dim === 1) return c
    return ((c & 0xffffff) | (Math.round((c >>> 24) * this.dim) << 24)) >>> 0
  }

  /** How many edges are lit now. */
  get litCount(): number {
    return this.lit.overlay.count + this.lit.hover.count
  }

  private render(gl: WebGL2RenderingContext, p: RenderParams): void {
    if (!this.enabled) return
    const { xy, version } = this.nodes.positions()
    if (version !== this.positionsVersion) {
      // node positions are part of both pictures
      this.positionsVersion = version
      this.baseVersion++
      this.litChanged()
    }
    const { w, h } = canvasSize(p)
    if (this.moving()) {
      this.whole = false
      const to = this.target.fbo && movedRect(this.sigma, this.drawn, this.baseVersion, w, h)
      if (to) {
        this.show(gl, p, to)
        this.counts.moved++
      }
      return
    }
    this.drawBase(gl, p, xy, w, h)
    this.drawLit(gl, p, xy, w, h)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    gl.viewport(0, 0, w, h)
  }

  private drawBase(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    xy: Float32Array,
    w: number,
    h: number,
  ): void {
    if (this.target.ensure(gl, w, h)) {
      this.drawnKey = null
      this.drawn = null
      // the compositor and the program are compiled with the layer, not at the first frame that
      // lights many edges (a compile the main thread waits for in software WebGL)
      this.compositor.prepare(gl)
      this.program.prepare(gl)
    }
    const whole = { x0: 0, y0: 0, x1: w, y1: h }
    const key = frameKey(this.baseVersion, p)
    this.whole = true
    if (key === this.drawnKey) {
      this.counts.reused++
      this.show(gl, p, whole)
      return
    }
    this.baseTexture.sync(gl, this.base, this.baseVersion)
    const count = this.base.count
    // in parts (below): while they come, the last picture moved where the camera alone changed,
    // else (a new week, a filter) the new picture as far as it is drawn, in larger parts
    const moved = movedRect(this.sigma, this.drawn, this.baseVersion, w, h)
    const first = this.pendingKey !== key
    const chunk = this.pace.chunk(
      count,
      moved ? undefined : first ? FIRST_REVEAL_BUDGET_MS : REVEAL_BUDGET_MS,
    )
    if (chunk >= count) {
      this.pendingKey = null
      redraw(gl, this.target, () =>
        this.program.draw(gl, this.baseTexture, xy, this.positionsVersion, p),
      )
      // a frame that also draws the nodes' picture says too much about edges
      if (!this.nodes.drawsIn?.(p)) this.pace.time(count)
      this.drawnAt(key, w, h)
      this.show(gl, p, whole)
      return
    }
    if (this.pending.ensure(gl, w, h) || this.pendingKey !== key) {
      clearTarget(gl, this.pending.fbo!)
      this.pendingKey = key
      this.pendingFrom = 0
    }
    let to = this.pendingFrom
    // after a camera move, the nodes' picture first when this frame draws it (or a part of it);
    // a new picture starts with the nodes' (a frame shows none of the new week's edges otherwise)
    const nodesToo = !!this.nodes.drawsIn?.(p)
    if (!moved || !nodesToo) {
      to = Math.min(count, this.pendingFrom + chunk)
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.pending.fbo)
      gl.viewport(0, 0, w, h)
      this.program.draw(gl, this.baseTexture, xy, this.positionsVersion, p, this.pendingFrom, to)
      if (!nodesToo) this.pace.time(to - this.pendingFrom)
      this.pendingFrom = to
      this.counts.parts++
    }
    if (to < count) {
      if (moved) this.show(gl, p, moved)
      else this.show(gl, p, whole, this.pending)
      this.whole = false
      this.sigma.scheduleRender()
      return
    }
    ;[this.target, this.pending] = [this.pending, this.target]
    this.pendingKey = null
    this.drawnAt(key, w, h)
    this.show(gl, p, whole)
  }

  /** The base's picture in `target` is now the one for `key`. */
  private drawnAt(key: string, w: number, h: number): void {
    this.drawnKey = key
    this.drawn = {
      version: this.baseVersion,
      camera: { ...this.sigma.getCamera().getState() },
      w,
      h,
    }
    this.counts.drawn++
  }

  /** The base's picture (`from`) put on the canvas at `to` (its own place, or moved with the
   * camera). */
  private show(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    to: GlRect,
    from: LayerTarget = this.target,
  ): void {
    if (this.dim < 1) {
      this.compositor.draw(gl, from.texture!, p, to, this.dim)
      return
    }
    // the layer is the first thing drawn on the canvas: a copy is the same as "over"
    const { w, h } = from
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, from.fbo)
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null)
    gl.blitFramebuffer(0, 0, w, h, to.x0, to.y0, to.x1, to.y1, gl.COLOR_BUFFER_BIT, gl.LINEAR)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
  }

  private drawLit(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    xy: Float32Array,
    w: number,
    h: number,
  ): void {
    for (const why of LIT_ORDER) {
      const items = this.lit[why]
      if (!items.count) continue
      const texture = this.litTextures[why]
      texture.sync(gl, items, this.litVersions[why])
      if (items.count >= this.topLayerMin) {
        this.litLayers[why].render(
          gl,
          p,
          items,
          texture,
          this.litVersions[why],
          xy,
          this.positionsVersion,
          this.counts,
          this.litDeltas,
        )
        continue
      }
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
      gl.viewport(0, 0, w, h)
      this.program.draw(gl, texture, xy, this.positionsVersion, p)
    }
  }

  /** sigma's own test for hiding edges while the camera moves (sigma 4.0.4's render). */
  private moving(): boolean {
    if (!this.sigma.getSetting('hideEdgesOnMove')) return false
    const captor = this.sigma.getMouseCaptor() as unknown as Captor
    return (
      this.sigma.getCamera().isAnimating() ||
      captor.isMoving ||
      !!captor.draggedEvents ||
      !!captor.currentWheelDirection
    )
  }

  private release(): void {
    this.target.release()
    this.pending.release()
    this.pendingKey = null
    this.litLayers.overlay.release()
    this.litLayers.hover.release()
    this.compositor.release()
    this.program.release()
    this.baseTexture.release()
    this.litTextures.overlay.release()
    this.litTextures.hover.release()
    this.drawnKey = null
    this.drawn = null
  }
}
