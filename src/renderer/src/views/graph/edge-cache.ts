// The week's edges drawn once into an offscreen texture, and that texture copied to the screen
// while neither the edges nor the camera change. Why our own: sigma 4 rasterises every edge on
// every frame, and in software WebGL (SwiftShader: machines without a usable GPU, and every
// machine our tests and benches run on) a real-scale week's 75k edges cost 3.5–7.3 s a frame
// (BENCHMARKS.md), paid again by a hover, a selection or a playback step that changes no edge.
// sigma has no such cache; its custom layer programs give the hook: one at the `edges` depth
// (drawn before that depth's edges) and one at `topEdges` (after them). Between the two, sigma's
// edge program is redirected into our framebuffer when the cache is stale and skipped when it is
// fresh; at `topEdges` the texture is blitted, so lit edges (a hover's neighbourhood, the edges a
// playback step colours) draw on top of it as item states, without touching the layer; they have
// a layer of their own too, drawn when they change and composited before the nodes (a DebtRank
// step lights 74k of a real-scale week's 75k edges, the same ones step after step). An edge
// that was on top when the layer was drawn is missing from it: when it comes back under, it waits
// at the `edgesLate` depth (state `isLate`) and is drawn into the layer once, on top of what is
// there (exact for the overlays' dimmed edges: one colour, so the blending order does not matter).
// While the camera moves sigma draws no edge (hideEdgesOnMove): the last picture is blitted where
// the camera took it, and drawn again at rest.
// It relies on three things of sigma 4.0.4 (pinned in package.json): `edges` is the first depth
// layer (nothing is under the edges), the edge program is `sigma.edgeProgram` with
// `render(params, offset, count)`, and that render binds framebuffer `null` for its visual pass.
import type Sigma from 'sigma'
import type { RenderParams } from 'sigma/types'
import {
  Compositor,
  LayerTarget,
  addLayer,
  canvasSize,
  clearTarget,
  drawInto,
  frameKey,
  movedRect,
  type DrawnAt,
} from './layer-target'

interface SigmaEdgeDepths {
  depthRanges: { edges: Record<string, { offset: number; count: number }[] | undefined> }
}

interface EdgeProgramLike {
  render(params: RenderParams, offset?: number, count?: number): void
}

type Phase = 'pass' | 'record' | 'append' | 'skip' | 'topRecord' | 'topSkip'

/** Depth layers of a view with the cache: sigma's, with `edgesLate` between the two edge depths. */
export const EDGE_CACHE_DEPTHS = ['edges', 'edgesLate', 'topEdges', 'nodes', 'topNodes'] as const

/** Why an edge is drawn on top of the layer, and the sigma item state that puts it there. */
const TOP_STATES = { hover: 'isHighlighted', overlay: 'isOverlaid' } as const
export type TopReason = keyof typeof TOP_STATES

export class EdgeCache {
  private changes = 0
  /** Bumped whenever the edges change look (readers key what they derive from them on it). */
  get version(): number {
    return this.changes
  }
  private drawnKey: string | null = null
  private phase: Phase = 'pass'
  private key = ''
  private recorded = 0
  private readonly target = new LayerTarget('edge cache')
  private wrapped: EdgeProgramLike | null = null
  /** Frames that rasterised the edges, added late edges, copied them, or showed them moved; and
   * frames that drew the lit edges into their layer, or put that layer back as it was. */
  readonly counts = { drawn: 0, appended: 0, reused: 0, moved: 0, topDrawn: 0, topReused: 0 }
  /** The lit edges (the `topEdges` depth) are kept in a layer of their own from this many on;
   * fewer are drawn each frame, as sigma does: the layer costs a full-canvas composite a frame,
   * about what drawing a thousand edges costs in software WebGL (a hover lights tens to a few
   * thousand, a DebtRank step up to the whole week). Stories set it to compare the two. */
  topLayerMin = 1000
  /** Bumped when the lit edges change: which they are, or how any edge looks. */
  private topChanges = 0
  private topKey = ''
  private topDrawnKey: string | null = null
  private topRecorded = 0
  private readonly topTarget = new LayerTarget('lit edge cache')
  private readonly compositor = new Compositor('lit edge cache')
  /** What the layer holds: the edges' version, the camera and size it was drawn at. */
  private drawn: DrawnAt | null = null
  /** Edges on top of the layer, by reason; an edge may have both. */
  private readonly top: Record<TopReason, Set<string>> = { hover: new Set(), overlay: new Set() }
  /** Edges that were on top when the layer was drawn: the layer lacks them. */
  private missing = new Set<string>()
  /** Edges back under the layer that it lacks: drawn into it by the next frame. */
  private late = new Set<string>()

  constructor(private readonly sigma: Sigma) {
    // `edgesLate` must be declared in the view's primitives (EDGE_CACHE_DEPTHS)
    addLayer(
      sigma,
      'edge-cache-begin',
      'edges',
      (gl, p) => this.begin(gl, p),
      () => this.release(),
    )
    addLayer(sigma, 'edge-cache-late', 'edgesLate', () => this.beginLate())
    addLayer(sigma, 'edge-cache-end', 'topEdges', (gl, p) => this.end(gl, p))
    // after the lit edges, before the nodes (this layer is registered before the node cache's)
    addLayer(sigma, 'edge-cache-top-end', 'nodes', (gl, p) => this.endTop(gl, p))
    // reachable from sigma, for the story that compares the lit layer with sigma's own drawing
    Object.defineProperty(sigma, 'dxEdgeCache', { value: this, configurable: true })
  }

  /** The edges changed: the next frame draws them again. */
  invalidate(): void {
    this.changes++
    this.topChanges++
  }

  /**
   * Draws `keys` on top of the layer for `why` (replacing that reason's set), through the sigma
   * item state of that reason: no edge of the layer is drawn again. Keys not in the graph are
   * ignored.
   */
  setTop(why: TopReason, keys: Iterable<string>): void {
    const graph = this.sigma.getGraph()
    const before = this.top[why]
    const after = new Set<string>()
    for (const k of keys) if (graph.hasEdge(k)) after.add(k)
    const off: string[] = []
    for (const k of before) if (!after.has(k) && graph.hasEdge(k)) off.push(k)
    const on: string[] = []
    for (const k of after) if (!before.has(k)) on.push(k)
    this.top[why] = after
    if (on.length || off.length) this.topChanges++
    const state = TOP_STATES[why]
    this.setStates(off, { [state]: false })
    this.setStates(on, { [state]: true })
    const other = this.top[why === 'hover' ? 'overlay' : 'hover']
    const back = off.filter((k) => !other.has(k) && this.missing.delete(k))
    if (back.length) {
      for (const k of back) this.late.add(k)
      this.setStates(back, { isLate: true })
    }
  }

  /** A new graph: no edge is on top or late any more (their states go with the old graph). */
  resetTop(): void {
    const graph = this.sigma.getGraph()
    const all = [...this.top.hover, ...this.top.overlay, ...this.late].filter((k) =>
      graph.hasEdge(k),
    )
    this.setStates(all, { isHighlighted: false, isOverlaid: false, isLate: false })
    this.top.hover.clear()
    this.top.overlay.clear()
    this.late.clear()
    this.missing.clear()
    this.invalidate()
  }

  private begin(gl: WebGL2RenderingContext, p: RenderParams): void {
    this.wrapEdgeProgram()
    this.key = frameKey(this.version, p)
    if (this.key === this.drawnKey && this.target.fbo) {
      this.phase = 'skip'
      return
    }
    this.phase = 'record'
    this.recorded = 0
    // the lit edges' compositor, compiled with the layer rather than in the first frame that
    // lights many edges (a compile the main thread waits for in software WebGL)
    this.compositor.prepare(gl)
    // cleared at the first edge drawn: a frame that draws none (the camera moving, edges hidden
    // on move) keeps the last picture to show moved
    const { w, h } = canvasSize(p)
    if (this.target.ensure(gl, w, h)) {
      this.drawnKey = null
      this.drawn = null
    }
  }

  /** While the camera moves (sigma draws no edge), the last picture moved with it (a pan or a
   * zoom of the same edges at the same size). */
  private blitMoved(gl: WebGL2RenderingContext): boolean {
    const { fbo, w, h } = this.target
    const to = fbo && movedRect(this.sigma, this.drawn, this.version, w, h)
    if (!to) return false
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, fbo)
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null)
    gl.blitFramebuffer(0, 0, w, h, to.x0, to.y0, to.x1, to.y1, gl.COLOR_BUFFER_BIT, gl.LINEAR)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    return true
  }

  /** At `edgesLate`: a fresh layer takes the late edges in (drawn over it, not cleared). */
  private beginLate(): void {
    if (this.phase === 'skip' && this.late.size) this.phase = 'append'
  }

  private end(gl: WebGL2RenderingContext, p: RenderParams): void {
    // a frame that drew no edge at this depth (the camera moving with hideEdgesOnMove, or no edges)
    // leaves the cache stale: the next still frame draws them
    if (this.phase === 'record' && this.recorded === 0) {
      this.phase = 'pass'
      if (this.blitMoved(gl)) this.counts.moved++
      return
    }
    if (this.phase === 'record' && this.recorded > 0) {
      this.drawnKey = this.key
      this.drawn = {
        version: this.version,
        camera: { ...this.sigma.getCamera().getState() },
        w: this.target.w,
        h: this.target.h,
      }
      this.counts.drawn++
      // the layer now lacks exactly the edges on top; the late ones are in it
      this.missing = new Set([...this.top.hover, ...this.top.overlay])
      this.settleLate()
    } else if (this.phase === 'append') {
      this.counts.appended++
      this.settleLate()
      this.phase = 'skip'
    } else if (this.phase === 'skip') this.counts.reused++
    const fresh = this.phase !== 'pass' && this.drawnKey === this.key
    this.phase = 'pass'
    if (fresh && this.target.fbo) this.target.copyTo(null)
    this.beginTop(gl, p)
  }

  /**
   * At `topEdges`, once the layer is down: the lit edges go into a layer of their own when they
   * or the camera changed, and are not drawn at all while that layer is fresh; `endTop` puts it
   * over the edges. A playback step that lights most of the week's edges (DebtRank's carriers:
   * 74k of 75k) then costs their raster only when the lit set changes.
   */
  private beginTop(gl: WebGL2RenderingContext, p: RenderParams): void {
    const ranges = (this.sigma as unknown as SigmaEdgeDepths).depthRanges.edges.topEdges
    let lit = 0
    for (const r of ranges ?? []) lit += r.count
    if (lit === 0 || lit < this.topLayerMin) return
    this.topKey = frameKey(this.topChanges, p)
    if (this.topKey === this.topDrawnKey && this.topTarget.fbo) {
      this.phase = 'topSkip'
      return
    }
    const { w, h } = canvasSize(p)
    if (this.topTarget.ensure(gl, w, h)) this.topDrawnKey = null
    this.phase = 'topRecord'
    this.topRecorded = 0
  }

  /** Before the nodes: the lit edges' layer over the edges (unless nothing was drawn into it:
   * the camera moving, edges hidden on move). */
  private endTop(gl: WebGL2RenderingContext, p: RenderParams): void {
    const phase = this.phase
    this.phase = 'pass'
    if (phase === 'topRecord' && this.topRecorded > 0) {
      this.topDrawnKey = this.topKey
      this.counts.topDrawn++
    } else if (phase === 'topSkip') this.counts.topReused++
    else return
    const { w, h } = canvasSize(p)
    this.compositor.draw(gl, this.topTarget.texture!, p, { x0: 0, y0: 0, x1: w, y1: h })
  }

  /** sigma's setEdgesState with the view's custom states (isOverlaid, isLate). */
  private setStates(keys: string[], state: Record<string, boolean>): void {
    if (keys.length)
      (this.sigma.setEdgesState as (k: string[], s: Record<string, boolean>) => void).call(
        this.sigma,
        keys,
        state,
      )
  }

  /** Late edges drawn into the layer go back to the `edges` depth (after this frame). */
  private settleLate(): void {
    if (!this.late.size) return
    const keys = [...this.late]
    this.late.clear()
    queueMicrotask(() => {
      const graph = this.sigma.getGraph()
      this.setStates(
        keys.filter((k) => graph.hasEdge(k)),
        { isLate: false },
      )
    })
  }

  /** sigma's edge program, drawing into the cache while recording and not at all while fresh.
   * Only the `edges` depth is between begin and end; `topEdges` (lit edges) draws as usual. */
  private wrapEdgeProgram(): void {
    const program = (this.sigma as unknown as { edgeProgram: EdgeProgramLike }).edgeProgram
    if (!program || program === this.wrapped) return
    const render = program.render.bind(program)
    program.render = (params, offset, count) => {
      if (this.phase === 'topRecord') {
        const top = this.topTarget
        if (this.topRecorded === 0) clearTarget(top.gl!, top.fbo!)
        drawInto(top.gl!, top.fbo!, () => render(params, offset, count))
        this.topRecorded++
        return
      }
      const { gl, fbo } = this.target
      if (this.phase === 'skip' || this.phase === 'topSkip') return
      if (this.phase === 'pass' || !gl || !fbo) return render(params, offset, count)
      if (this.phase === 'record' && this.recorded === 0) clearTarget(gl, fbo)
      drawInto(gl, fbo, () => render(params, offset, count))
      this.recorded++
    }
    this.wrapped = program
  }

  private release(): void {
    this.target.release()
    this.topTarget.release()
    this.compositor.release()
    this.topDrawnKey = null
    this.drawnKey = null
    this.drawn = null
  }
}
