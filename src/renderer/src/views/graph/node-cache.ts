// The week's nodes drawn once into an offscreen texture, with their picking image, and both put
// back while neither the nodes nor the camera change. Why our own: sigma 4 draws every node twice
// a frame (on screen and into its picking buffer), and in software WebGL (SwiftShader) a
// real-scale week's 10,889 nodes cost ≈ 380 ms of a ≈ 480 ms frame once the edges are cached
// (edge-layer.ts; BENCHMARKS.md), paid again by every hover.
// The layer holds the `nodes` depth. Unlike the edges, something is under it, so it is composited
// (a blended full-screen triangle: sigma draws premultiplied colours with ONE, ONE_MINUS_SRC_ALPHA,
// and "over" is associative, so drawing the layer equals drawing its nodes), and the picking
// image sigma reads to find the node under the pointer is copied back into sigma's picking buffer.
// Lit nodes (a hover's neighbourhood, the selection) move to `topNodes` through item states and
// are drawn there live, over their own picture in the layer. A node that was on top when the layer
// was drawn is missing from it: when it comes back the layer is drawn again. That is seen from
// sigma's own bookkeeping, the positions of its node buffer in the `nodes` depth, so no state is
// tracked here. Anything that changes a node's look (a refresh or a re-process) bumps the version.
// While the camera moves the last picture is shown where the camera took it (as the edges'; the
// pointer finds no node meanwhile) and the nodes are drawn again at rest — where drawing them all
// takes longer than a frame's budget (raster-pace.ts: a real-scale week in software WebGL), in
// parts over the next frames into a second pair of targets, the last picture shown moved and no
// node found by the pointer until the new one is whole.
// It relies on sigma 4.0.4 (pinned in package.json): the node program is `sigma.nodeProgram`,
// called per range of `sigma.depthRanges.nodes[depth]`, binding framebuffer `null` for its visual
// pass and `params.pickingFrameBuffer` for picking; edges write no picking (no edge events), so
// the picking buffer holds only nodes when the `nodes` depth is drawn.
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
  type GlRect,
} from './layer-target'
import { PACES } from './raster-pace'

interface Range {
  offset: number
  count: number
}

interface SigmaNodeInternals {
  nodeProgram: { render(params: RenderParams, offset?: number, count?: number): void }
  depthRanges: { nodes: Record<string, Range[] | undefined> }
  getMouseCaptor(): { isMoving: boolean; draggedEvents: number; currentWheelDirection: number }
}

const DEPTH = 'nodes'

export class NodeCache {
  private changes = 0
  /** Bumped whenever the nodes change look (readers key what they derive from them on it). */
  get version(): number {
    return this.changes
  }
  private phase: 'pass' | 'record' | 'part' | 'skip' | 'moved' = 'pass'
  private key = ''
  private drawnKey: string | null = null
  /** The `nodes` depth's buffer positions the layer holds. */
  private drawnRanges: Range[] = []
  private drawn: DrawnAt | null = null
  /** Where this frame puts the layer (moved with the camera, or in place). */
  private rect: GlRect | null = null
  /** This frame's layer is already on the canvas (the program is called once per range). */
  private done = false
  private params: RenderParams | null = null
  private visual = new LayerTarget('node cache')
  private picking = new LayerTarget('node cache picking')
  /** The next picture while it is drawn in parts (then swapped with the two above): its frame
   * key with the ranges it draws, and how many of their nodes are drawn. */
  private nextVisual = new LayerTarget('node cache, next picture')
  private nextPicking = new LayerTarget('node cache picking, next picture')
  private nextKey: string | null = null
  private nextFrom = 0
  /** The last frame showed the nodes as they are now, whole (not moved, not in part drawn). */
  whole = true
  /** Nodes per frame when drawn in parts (shared by every view). */
  readonly pace = PACES.nodes
  private wrapped: SigmaNodeInternals['nodeProgram'] | null = null
  private readonly compositor = new Compositor('node cache')
  /** Frames that finished drawing the nodes into the layer, reused it, showed it moved with the
   * camera, or drew a part of the next picture. */
  readonly counts = { drawn: 0, reused: 0, moved: 0, parts: 0 }

  constructor(private readonly sigma: Sigma) {
    addLayer(
      sigma,
      'node-cache-begin',
      DEPTH,
      (gl, p) => this.begin(gl, p),
      () => this.release(),
    )
    addLayer(sigma, 'node-cache-end', 'topNodes', () => this.end())
    // every re-process rewrites sigma's node buffers (and may move positions)
    sigma.on('afterProcess', () => this.invalidate())
    // reachable from sigma, for stories and benches
    Object.defineProperty(sigma, 'dxNodeCache', { value: this, configurable: true })
  }

  /** The nodes changed look: the next frame draws them again. */
  invalidate(): void {
    this.changes++
  }

  private get internals(): SigmaNodeInternals {
    return this.sigma as unknown as SigmaNodeInternals
  }

  private moving(): boolean {
    const m = this.internals.getMouseCaptor()
    return (
      this.sigma.getCamera().isAnimating() ||
      m.isMoving ||
      !!m.draggedEvents ||
      !!m.currentWheelDirection
    )
  }

  /** Whether the layer holds this frame's nodes. */
  private current(p: RenderParams): boolean {
    const ranges = this.internals.depthRanges.nodes[DEPTH] ?? []
    return (
      frameKey(this.version, p) === this.drawnKey &&
      !!this.visual.fbo &&
      covers(this.drawnRanges, ranges)
    )
  }

  /** Whether this frame draws nodes into the layer (all of them, or a part): the edge layer then
   * leaves its own part for the next frame, so that one frame does not pay for both. */
  drawsIn(p: RenderParams): boolean {
    return !this.current(p) && !this.moving() && !!p.pickingFrameBuffer
  }

  private begin(gl: WebGL2RenderingContext, p: RenderParams): void {
    this.wrapNodeProgram()
    this.done = false
    this.params = p
    this.key = frameKey(this.version, p)
    const { w, h } = canvasSize(p)
    this.rect = { x0: 0, y0: 0, x1: w, y1: h }
    this.whole = true
    if (this.current(p)) {
      this.phase = 'skip'
      return
    }
    if (this.moving() || !p.pickingFrameBuffer) {
      this.rect = this.visual.fbo && movedRect(this.sigma, this.drawn, this.version, w, h)
      this.phase = this.rect ? 'moved' : 'pass'
      this.whole = !this.rect
      return
    }
    const picking = pickingSize(p)
    const remade = this.visual.ensure(gl, w, h)
    if (this.picking.ensure(gl, picking.w, picking.h) || remade) {
      this.drawnKey = null
      this.drawn = null
    }
    // in parts only when the last picture can stand in, moved (the camera alone changed)
    const total = nodesIn(this.internals.depthRanges.nodes[DEPTH] ?? [])
    const moved =
      this.pace.chunk(total) < total && movedRect(this.sigma, this.drawn, this.version, w, h)
    if (moved) {
      this.phase = 'part'
      this.rect = moved
      const next = this.nextVisual.ensure(gl, w, h)
      if (this.nextPicking.ensure(gl, picking.w, picking.h) || next) this.nextKey = null
    } else this.phase = 'record'
  }

  private end(): void {
    this.phase = 'pass'
    this.params = null
  }

  /** sigma's node program: at the `nodes` depth its first call puts the whole depth on the canvas
   * (drawn into the layer first when recording), its other calls do nothing. */
  private wrapNodeProgram(): void {
    const program = this.internals.nodeProgram
    if (!program || program === this.wrapped) return
    const render = program.render.bind(program)
    program.render = (params, offset, count) => {
      if (this.phase === 'pass') return render(params, offset, count)
      if (this.done) return
      this.done = true
      const p = this.params!
      const gl = this.visual.gl!
      if (this.phase === 'record') {
        const ranges = (this.internals.depthRanges.nodes[DEPTH] ?? []).map((r) => ({ ...r }))
        const fbo = this.visual.fbo!
        clearTarget(gl, fbo)
        drawInto(gl, fbo, () => {
          for (const r of ranges) if (r.count > 0) render(params, r.offset, r.count)
        })
        this.picking.copyFrom(p.pickingFrameBuffer)
        this.pace.time(nodesIn(ranges))
        this.drawnAt(ranges)
      } else if (this.phase === 'part') {
        if (!this.drawPart(gl, params, render)) {
          // the last picture, moved, until the new one is whole; the pointer finds no node
          this.counts.parts++
          this.whole = false
          this.compositor.draw(gl, this.visual.texture!, p, this.rect!)
          this.sigma.scheduleRender()
          return
        }
        this.picking.copyTo(p.pickingFrameBuffer)
        const { w, h } = canvasSize(p)
        this.rect = { x0: 0, y0: 0, x1: w, y1: h }
      } else if (this.phase === 'skip') {
        this.picking.copyTo(p.pickingFrameBuffer)
        this.counts.reused++
      } else this.counts.moved++
      this.compositor.draw(gl, this.visual.texture!, p, this.rect!)
    }
    this.wrapped = program
  }

  /**
   * Draws the next part of the nodes into the next picture (sigma's program with its picking pass
   * sent to the next picking target); true once that picture is whole and has become the layer's.
   */
  private drawPart(
    gl: WebGL2RenderingContext,
    params: RenderParams,
    render: SigmaNodeInternals['nodeProgram']['render'],
  ): boolean {
    const ranges = (this.internals.depthRanges.nodes[DEPTH] ?? []).map((r) => ({ ...r }))
    const key = `${this.key}|${ranges.map((r) => `${r.offset}:${r.count}`).join(',')}`
    if (key !== this.nextKey) {
      clearTarget(gl, this.nextVisual.fbo!)
      clearTarget(gl, this.nextPicking.fbo!)
      this.nextKey = key
      this.nextFrom = 0
    }
    const total = nodesIn(ranges)
    const to = Math.min(total, this.nextFrom + this.pace.chunk(total))
    const into = { ...params, pickingFrameBuffer: this.nextPicking.fbo }
    drawInto(gl, this.nextVisual.fbo!, () => {
      for (const r of partOf(ranges, this.nextFrom, to)) render(into, r.offset, r.count)
    })
    this.pace.time(to - this.nextFrom)
    this.nextFrom = to
    if (to < total) return false
    ;[this.visual, this.nextVisual] = [this.nextVisual, this.visual]
    ;[this.picking, this.nextPicking] = [this.nextPicking, this.picking]
    this.nextKey = null
    this.drawnAt(ranges)
    return true
  }

  /** The layer now holds `ranges` of the nodes as this frame draws them. */
  private drawnAt(ranges: Range[]): void {
    this.drawnKey = this.key
    this.drawnRanges = ranges
    this.drawn = {
      version: this.version,
      camera: { ...this.sigma.getCamera().getState() },
      w: this.visual.w,
      h: this.visual.h,
    }
    this.counts.drawn++
  }

  private release(): void {
    this.visual.release()
    this.picking.release()
    this.nextVisual.release()
    this.nextPicking.release()
    this.nextKey = null
    this.compositor.release()
    this.drawnKey = null
    this.drawn = null
  }
}

/** The size of sigma's picking buffer (downsized from the canvas). */
function pickingSize(p: RenderParams): { w: number; h: number } {
  return {
    w: Math.ceil((p.width * p.pixelRatio) / p.downSizingRatio),
    h: Math.ceil((p.height * p.pixelRatio) / p.downSizingRatio),
  }
}

/** How many nodes `ranges` hold. */
function nodesIn(ranges: Range[]): number {
  return ranges.reduce((n, r) => n + Math.max(0, r.count), 0)
}

/** The buffer positions of the `from`-th to the `to`-th node (exclusive) of `ranges`, counted
 * across them in order. */
export function partOf(ranges: Range[], from: number, to: number): Range[] {
  const out: Range[] = []
  let at = 0
  for (const r of ranges) {
    if (r.count <= 0) continue
    const a = Math.max(from, at)
    const b = Math.min(to, at + r.count)
    if (a < b) out.push({ offset: r.offset + (a - at), count: b - a })
    at += r.count
    if (at >= to) break
  }
  return out
}

/** Whether every buffer position of `ranges` lies in `held` (both as sigma keeps them: sorted,
 * disjoint fragments). */
export function covers(held: Range[], ranges: Range[]): boolean {
  let i = 0
  for (const r of ranges) {
    if (r.count <= 0) continue
    while (i < held.length && held[i].offset + held[i].count <= r.offset) i++
    // adjacent held fragments may together hold r: walk them
    let at = r.offset
    let j = i
    const end = r.offset + r.count
    while (at < end) {
      if (j >= held.length || held[j].offset > at) return false
      at = Math.max(at, held[j].offset + held[j].count)
      j++
    }
  }
  return true
}
