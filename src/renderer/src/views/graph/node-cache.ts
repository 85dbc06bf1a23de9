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
// pointer finds no node meanwhile) and the nodes are drawn again at rest.
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
  private phase: 'pass' | 'record' | 'skip' | 'moved' = 'pass'
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
  private readonly visual = new LayerTarget('node cache')
  private readonly picking = new LayerTarget('node cache picking')
  private wrapped: SigmaNodeInternals['nodeProgram'] | null = null
  private readonly compositor = new Compositor('node cache')
  /** Frames that drew the nodes into the layer, reused it, or showed it moved with the camera. */
  readonly counts = { drawn: 0, reused: 0, moved: 0 }

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

  private begin(gl: WebGL2RenderingContext, p: RenderParams): void {
    this.wrapNodeProgram()
    this.done = false
    this.params = p
    this.key = frameKey(this.version, p)
    const { w, h } = canvasSize(p)
    this.rect = { x0: 0, y0: 0, x1: w, y1: h }
    const ranges = this.internals.depthRanges.nodes[DEPTH] ?? []
    if (this.key === this.drawnKey && this.visual.fbo && covers(this.drawnRanges, ranges)) {
      this.phase = 'skip'
      return
    }
    if (this.moving() || !p.pickingFrameBuffer) {
      this.rect = this.visual.fbo && movedRect(this.sigma, this.drawn, this.version, w, h)
      this.phase = this.rect ? 'moved' : 'pass'
      return
    }
    this.phase = 'record'
    const picking = pickingSize(p)
    const remade = this.visual.ensure(gl, w, h)
    if (this.picking.ensure(gl, picking.w, picking.h) || remade) {
      this.drawnKey = null
      this.drawn = null
    }
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
        this.drawnKey = this.key
        this.drawnRanges = ranges
        this.drawn = {
          version: this.version,
          camera: { ...this.sigma.getCamera().getState() },
          w: this.visual.w,
          h: this.visual.h,
        }
        this.counts.drawn++
      } else if (this.phase === 'skip') {
        this.picking.copyTo(p.pickingFrameBuffer)
        this.counts.reused++
      } else this.counts.moved++
      this.compositor.draw(gl, this.visual.texture!, p, this.rect!)
    }
    this.wrapped = program
  }

  private release(): void {
    this.visual.release()
    this.picking.release()
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
