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
// parts over the next frames into a second target, the last picture shown moved and no
// node found by the pointer until the new one is whole.
// The picking image is drawn only when something reads it (lazy): a new picture (a week switch, a
// playback round) is drawn on screen alone, and its picking pass waits for the first read — the
// pointer over the stage, a click — or for a quiet moment (PICKING_IDLE_MS). Drawing it with every
// picture cost as much raster again as the picture at a quarter of its pixels (≈ 45 of ≈ 100 ms
// a real-scale playback round in software WebGL, BENCHMARKS.md). A read that finds it missing has
// a frame drawn first (sigma's hover reads after each frame; its other reads are synchronous), so
// no read sees a stale image.
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
import { DirtyTiles } from './dirty-tiles'
import { PACES } from './raster-pace'

interface Range {
  offset: number
  count: number
}

/** The part of sigma 4.0.4's Program that draws one pass: `render` calls it for the screen's
 * (`normalProgram`) and then the picking buffer's. */
interface ProgramPasses {
  normalProgram: unknown
  renderProgram(params: RenderParams, info: unknown): void
}

interface SigmaNodeInternals {
  nodeProgram: ProgramPasses & {
    render(params: RenderParams, offset?: number, count?: number): void
    /** Our flat draw of the program (flat-draw.ts), when it could be flattened. */
    dxFlat?: { setSubset(items: Uint32Array | null): void }
  }
  depthRanges: { nodes: Record<string, Range[] | undefined> }
  /** Each node's position in the node program's buffer. */
  nodeProgramIndex: Record<string, number>
  /** What sigma displays of each node (read in place: `getNodeDisplayData` copies all of its
   * ≈ 35 fields, ≈ 0.1 ms a node). */
  internals: {
    nodeDataCache: Record<string, NodeBox | undefined>
    /** sigma's hover: reads the picking buffer after each frame and pointer move, asynchronously. */
    hoverResolver: { startRead(): void }
  }
  getMouseCaptor(): { isMoving: boolean; draggedEvents: number; currentWheelDirection: number }
  /** Draws a frame now (public in sigma, typed private). */
  render(): void
  /** Reads one pixel of the picking buffer now (clicks, presses). */
  getHitAtPosition(position: { x: number; y: number }): unknown
}

const DEPTH = 'nodes'

/** A node as the picture holds it: position in sigma's framed graph space, display size. */
interface NodeBox {
  x: number
  y: number
  size: number
}

/** The nodes of the node layer's picture: sigma's keys, each one's place in that list and its
 * position in sigma's node buffer. */
interface Pictured {
  ranges: Range[]
  keys: string[]
  indexOf: Map<string, number>
  positions: Int32Array
}

/** Each pictured node's box on the canvas (centre and half side, GL pixels; NaN: not displayed),
 * for one picture (`of`) and view. */
interface Boxes {
  of: Pictured
  view: string
  x: Float64Array
  y: Float64Array
  half: Float64Array
}

/** Up to this many nodes restyled in place since the picture was drawn, the picture is patched
 * (only its changed part drawn again); more, it is drawn whole. */
const MAX_PATCHED = 2_000
/** … and as long as the part to draw again covers at most this share of the canvas. */
const MAX_PATCH_SHARE = 0.35
/** … and draws at most this share of the picture's nodes again. */
const MAX_PATCH_NODES = 0.6
/** Tile side of the part drawn again, GL pixels (a multiple of the picking downsizing: see
 * patchPlan). Small: a real-scale week's core holds tens of nodes a 16-pixel tile. */
const PATCH_TILE = 16
/** A picture whose picking image nothing has read has it drawn this long after its last frame. */
const PICKING_IDLE_MS = 250

/** Frames that finished drawing the nodes into the layer, reused it, showed it moved with the
 * camera, or drew a part of the next picture; of the drawn, those that drew only the changed part
 * of the picture, with the nodes they drew; and frames that drew the picking image (with the
 * picture, or later on a read). */
export const nodeFrameCounts = () => ({
  drawn: 0,
  reused: 0,
  moved: 0,
  parts: 0,
  patched: 0,
  patchedNodes: 0,
  picking: 0,
})

export class NodeCache {
  private changes = 0
  /** Bumped whenever the nodes change look (readers key what they derive from them on it). */
  get version(): number {
    return this.changes
  }
  private phase: 'pass' | 'record' | 'part' | 'skip' | 'moved' | 'patch' = 'pass'
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
  private visual = new LayerTarget('node cache', 'rgba8', true)
  private picking = new LayerTarget('node cache picking', 'rgba8', true)
  /** The next picture while it is drawn in parts (then swapped with `visual`): its frame
   * key with the ranges it draws, and how many of their nodes are drawn. */
  private nextVisual = new LayerTarget('node cache, next picture', 'rgba8', true)
  private nextKey: string | null = null
  private nextFrom = 0
  /** The last frame showed the nodes as they are now, whole (not moved, not in part drawn). */
  whole = true
  /** Nodes per frame when drawn in parts (shared by every view). */
  readonly pace = PACES.nodes
  private wrapped: SigmaNodeInternals['nodeProgram'] | null = null
  private readonly compositor = new Compositor('node cache')
  readonly counts = nodeFrameCounts()
  /** `picking` holds the picture's picking image. */
  private pickingFresh = false
  /** The next frame draws the picking image if the picture's is missing (a read waits for it). */
  private pickingWanted = false
  /** The last frame left the nodes out of sigma's picking buffer (their image not drawn yet). */
  private pickingMissing = false
  private pickingIdle: ReturnType<typeof setTimeout> | null = null
  /** How long after its last frame an unread picking image is drawn (null: only when read;
   * stories hold it off). */
  pickingIdleMs: number | null = PICKING_IDLE_MS

  /** Nodes restyled in place (sigma's partial refresh: no re-process) since the picture was
   * drawn, each as the picture holds it (null: not displayed then); null when anything else
   * changed since (the next draw is whole). */
  private restyled: Map<string, NodeBox | null> | null = null
  /** The frame key of the picture but for the version (its camera and size). */
  private drawnView: string | null = null
  /** This frame's patch: the part to clear (GL rectangles, canvas and picking) and the nodes to
   * draw again there (buffer positions, in drawing order). */
  private plan: { rects: GlRect[]; picking: GlRect[]; items: Uint32Array } | null = null
  /** Off: the picture is always drawn whole (stories compare both). */
  patching = true

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
    this.readPickingOnDemand()
    // reachable from sigma, for stories and benches
    Object.defineProperty(sigma, 'dxNodeCache', { value: this, configurable: true })
  }

  /** The nodes changed look: the next frame draws them again. With `nodes` (a refresh of those
   * alone that re-processes nothing: call before sigma applies it), only they changed, and the
   * next frame may draw only the part of the picture they cover. */
  invalidate(nodes?: readonly string[]): void {
    this.changes++
    const restyled = this.restyled
    // a re-process may have moved nodes in sigma's buffer
    if (!nodes) this.pictured = null
    if (!nodes || !restyled || restyled.size + nodes.length > MAX_PATCHED) {
      this.restyled = null
      return
    }
    for (const key of nodes) if (!restyled.has(key)) restyled.set(key, this.box(key))
  }

  /** A node as sigma displays it now. */
  private box(key: string): NodeBox | null {
    const d = this.internals.internals.nodeDataCache[key]
    return d ? { x: d.x, y: d.y, size: d.size } : null
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
    this.pickingMissing = false
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
      this.pickingFresh = false
    }
    // in parts only when the last picture can stand in, moved (the camera alone changed)
    const total = nodesIn(this.internals.depthRanges.nodes[DEPTH] ?? [])
    const moved =
      this.pace.chunk(total) < total && movedRect(this.sigma, this.drawn, this.version, w, h)
    if (moved) {
      this.phase = 'part'
      this.rect = moved
      if (this.nextVisual.ensure(gl, w, h)) this.nextKey = null
    } else {
      this.plan = this.patchPlan(p, w, h)
      this.phase = this.plan ? 'patch' : 'record'
    }
  }

  /**
   * What to draw again when only nodes restyled in place changed since the picture was drawn
   * (a playback round resizes tens of a real-scale week's 11k nodes; drawing them all costs
   * ≈ 50 ms of raster a frame in software WebGL): the canvas tiles their old and new boxes touch,
   * and every node of the picture whose box touches one of those, in drawing order. Null: draw
   * the picture whole (anything else changed, too many nodes, too large a part).
   */
  private patchPlan(
    p: RenderParams,
    w: number,
    h: number,
  ): { rects: GlRect[]; picking: GlRect[]; items: Uint32Array } | null {
    const restyled = this.restyled
    const s = this.internals
    const ranges = s.depthRanges.nodes[DEPTH] ?? []
    const d = p.downSizingRatio
    if (
      !this.patching ||
      !restyled ||
      !s.nodeProgram.dxFlat ||
      this.drawnKey === null ||
      this.drawnView !== viewKey(p) ||
      !sameRanges(this.drawnRanges, ranges) ||
      !Number.isInteger(d) ||
      d < 1
    )
      return null
    // tiles of whole picking pixels: a tile's picking pixels are its own
    const tiles = new DirtyTiles(w, h, d * Math.ceil(PATCH_TILE / d))
    const at = screenBox(p, w, h)
    for (const [key, old] of restyled) {
      if (old) tiles.add(...at(old))
      const now = this.box(key)
      if (now) tiles.add(...at(now))
    }
    if (tiles.count === 0 || tiles.share() > MAX_PATCH_SHARE) return null
    const items: number[] = []
    const pictured = this.picturedNodes(ranges)
    const boxes = this.boxesOf(pictured, p, w, h, restyled.keys())
    const { positions } = pictured
    for (let i = 0; i < positions.length; i++)
      if (tiles.touches(boxes.x[i], boxes.y[i], boxes.half[i])) items.push(positions[i])
    const drawn = positions.length
    // most of the picture (a dense core under the changes): drawn whole, without the masks
    if (items.length > drawn * MAX_PATCH_NODES) return null
    items.sort((a, b) => a - b)
    const rects = tiles.rects()
    const picking = rects.map((r) => ({
      x0: r.x0 / d,
      y0: r.y0 / d,
      x1: Math.ceil(r.x1 / d),
      y1: Math.ceil(r.y1 / d),
    }))
    return { rects, picking, items: Uint32Array.from(items) }
  }

  /** The nodes of the picture (in `ranges`) with their buffer positions, kept until sigma
   * re-processes (positions change only then). */
  private picturedNodes(ranges: Range[]): Pictured {
    if (!this.pictured || !sameRanges(this.pictured.ranges, ranges)) {
      const index = this.internals.nodeProgramIndex
      const keys: string[] = []
      const positions: number[] = []
      for (const key in index)
        if (inRanges(ranges, index[key])) {
          keys.push(key)
          positions.push(index[key])
        }
      const held = ranges.map((r) => ({ ...r }))
      const indexOf = new Map(keys.map((k, i) => [k, i]))
      this.pictured = { ranges: held, keys, indexOf, positions: Int32Array.from(positions) }
    }
    return this.pictured
  }

  private pictured: Pictured | null = null

  /** Every pictured node's box on the canvas (DirtyTiles' arguments), kept while the nodes and
   * the view stay: computed for all of them after a re-process or a camera move (≈ 10–20 ms at
   * 14k nodes, reading sigma's display data), else again only for the nodes `changed`. */
  private boxesOf(
    pictured: Pictured,
    p: RenderParams,
    w: number,
    h: number,
    changed: Iterable<string>,
  ): Boxes {
    const view = viewKey(p)
    const cache = this.internals.internals.nodeDataCache
    const { m, grow, pad } = screenScale(p, w, h)
    const set = (b: Boxes, i: number, key: string): void => {
      const d = cache[key]
      if (!d) {
        b.half[i] = NaN
        return
      }
      b.x[i] = ((m[0] * d.x + m[3] * d.y + m[6] + 1) / 2) * w
      b.y[i] = ((m[1] * d.x + m[4] * d.y + m[7] + 1) / 2) * h
      b.half[i] = d.size * grow + pad
    }
    let b = this.boxes
    if (!b || b.of !== pictured || b.view !== view) {
      const n = pictured.keys.length
      b = {
        of: pictured,
        view,
        x: new Float64Array(n),
        y: new Float64Array(n),
        half: new Float64Array(n),
      }
      for (let i = 0; i < n; i++) set(b, i, pictured.keys[i])
      this.boxes = b
    } else
      for (const key of changed) {
        const i = pictured.indexOf.get(key)
        if (i !== undefined) set(b, i, key)
      }
    return b
  }

  private boxes: Boxes | null = null

  /** Draws the plan's nodes again into the picture and, when it is drawn, its picking image, in
   * the plan's rectangles only: each cleared with its stencil set, the nodes drawn where the
   * stencil is. */
  private drawPatch(
    gl: WebGL2RenderingContext,
    params: RenderParams,
    render: SigmaNodeInternals['nodeProgram']['render'],
  ): void {
    const plan = this.plan!
    const flat = this.internals.nodeProgram.dxFlat!
    const picking = this.pickingFresh
    const targets: [LayerTarget, GlRect[]][] = [[this.visual, plan.rects]]
    if (picking) targets.push([this.picking, plan.picking])
    const both = (draw: () => void): void => (picking ? this.picking.withStencil(draw) : draw())
    this.visual.withStencil(() =>
      both(() => {
        for (const [target, rects] of targets) {
          gl.bindFramebuffer(gl.FRAMEBUFFER, target.fbo)
          gl.stencilMask(0xff)
          gl.clearStencil(0)
          gl.clear(gl.STENCIL_BUFFER_BIT)
          gl.enable(gl.SCISSOR_TEST)
          gl.clearColor(0, 0, 0, 0)
          gl.clearStencil(1)
          for (const r of rects) {
            gl.scissor(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0)
            gl.clear(gl.COLOR_BUFFER_BIT | gl.STENCIL_BUFFER_BIT)
          }
          gl.disable(gl.SCISSOR_TEST)
        }
        gl.clearStencil(0)
        gl.enable(gl.STENCIL_TEST)
        gl.stencilFunc(gl.EQUAL, 1, 0xff)
        gl.stencilOp(gl.KEEP, gl.KEEP, gl.KEEP)
        gl.stencilMask(0)
        flat.setSubset(plan.items)
        try {
          const into = { ...params, pickingFrameBuffer: picking ? this.picking.fbo : null }
          if (plan.items.length)
            drawInto(gl, this.visual.fbo!, () => render(into, 0, plan.items.length))
        } finally {
          flat.setSubset(null)
          gl.disable(gl.STENCIL_TEST)
          gl.stencilMask(0xff)
        }
      }),
    )
    this.counts.patched++
    this.counts.patchedNodes += plan.items.length
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
        // the picking pass with the picture only when a read waits for it
        const picking = this.pickingWanted
        const into = picking ? params : { ...params, pickingFrameBuffer: null }
        clearTarget(gl, fbo)
        drawInto(gl, fbo, () => {
          for (const r of ranges) if (r.count > 0) render(into, r.offset, r.count)
        })
        this.pickingFresh = picking
        if (picking) {
          this.picking.copyFrom(p.pickingFrameBuffer)
          this.counts.picking++
        }
        this.pace.time(nodesIn(ranges))
        this.drawnAt(ranges)
        this.putPicking(gl, p, render, picking)
      } else if (this.phase === 'part') {
        if (!this.drawPart(gl, params, render)) {
          // the last picture, moved, until the new one is whole; the pointer finds no node
          this.counts.parts++
          this.whole = false
          this.compositor.draw(gl, this.visual.texture!, p, this.rect!)
          this.sigma.scheduleRender()
          return
        }
        this.putPicking(gl, p, render)
        const { w, h } = canvasSize(p)
        this.rect = { x0: 0, y0: 0, x1: w, y1: h }
      } else if (this.phase === 'patch') {
        this.drawPatch(gl, params, render)
        this.drawnAt((this.internals.depthRanges.nodes[DEPTH] ?? []).map((r) => ({ ...r })))
        this.plan = null
        this.putPicking(gl, p, render)
      } else if (this.phase === 'skip') {
        this.putPicking(gl, p, render)
        this.counts.reused++
      } else this.counts.moved++
      this.compositor.draw(gl, this.visual.texture!, p, this.rect!)
    }
    this.wrapped = program
  }

  /** Puts the picture's picking image into sigma's picking buffer (`there`: it is in already),
   * drawn first when a read waits for it; else leaves it missing until one does or the view
   * rests. */
  private putPicking(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    render: SigmaNodeInternals['nodeProgram']['render'],
    there = false,
  ): void {
    if (!this.pickingFresh && this.pickingWanted) this.drawPicking(gl, p, render)
    this.pickingWanted = false
    if (this.pickingFresh && !there) this.picking.copyTo(p.pickingFrameBuffer)
    this.pickingMissing = !this.pickingFresh
    if (this.pickingMissing) this.drawPickingWhenIdle()
  }

  /** Draws the picking image of the picture's nodes alone: sigma's program with its screen pass
   * skipped. */
  private drawPicking(
    gl: WebGL2RenderingContext,
    p: RenderParams,
    render: SigmaNodeInternals['nodeProgram']['render'],
  ): void {
    const program = this.internals.nodeProgram
    const own = Object.prototype.hasOwnProperty.call(program, 'renderProgram')
    const pass = program.renderProgram
    program.renderProgram = function (this: ProgramPasses, params, info) {
      if (info !== this.normalProgram) pass.call(this, params, info)
    }
    clearTarget(gl, this.picking.fbo!)
    try {
      const into = { ...p, pickingFrameBuffer: this.picking.fbo }
      for (const r of this.drawnRanges) if (r.count > 0) render(into, r.offset, r.count)
    } finally {
      if (own) program.renderProgram = pass
      else delete (program as Partial<ProgramPasses>).renderProgram
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    }
    this.pickingFresh = true
    this.counts.picking++
  }

  /** sigma's reads of the picking buffer: where the nodes' image is missing, a frame draws it
   * first — at once for a synchronous read (a click), else the next frame, after which sigma's
   * hover reads again. */
  private readPickingOnDemand(): void {
    const s = this.internals
    const resolver = s.internals.hoverResolver
    const startRead = resolver.startRead.bind(resolver)
    resolver.startRead = () => {
      if (!this.drawPickingFirst(false)) startRead()
    }
    const hit = s.getHitAtPosition.bind(this.sigma)
    s.getHitAtPosition = (position) => {
      this.drawPickingFirst(true)
      return hit(position)
    }
  }

  /** Whether the nodes' picking image is missing for a read (then a frame is asked to draw it:
   * now when `sync`, else scheduled). While the camera moves the pointer finds no node. */
  private drawPickingFirst(sync: boolean): boolean {
    if (!this.pickingMissing || this.moving()) return false
    this.pickingWanted = true
    if (sync) this.internals.render()
    else this.sigma.scheduleRender()
    return true
  }

  private drawPickingWhenIdle(): void {
    if (this.pickingIdle) clearTimeout(this.pickingIdle)
    this.pickingIdle = null
    if (this.pickingIdleMs === null) return
    this.pickingIdle = setTimeout(() => {
      this.pickingIdle = null
      this.drawPickingFirst(false)
    }, this.pickingIdleMs)
  }

  /**
   * Draws the next part of the nodes into the next picture (sigma's program without its picking
   * pass: drawn when read, putPicking); true once that picture is whole and has become the
   * layer's.
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
      this.nextKey = key
      this.nextFrom = 0
    }
    const total = nodesIn(ranges)
    const to = Math.min(total, this.nextFrom + this.pace.chunk(total))
    const into = { ...params, pickingFrameBuffer: null }
    drawInto(gl, this.nextVisual.fbo!, () => {
      for (const r of partOf(ranges, this.nextFrom, to)) render(into, r.offset, r.count)
    })
    this.pace.time(to - this.nextFrom)
    this.nextFrom = to
    if (to < total) return false
    ;[this.visual, this.nextVisual] = [this.nextVisual, this.visual]
    this.pickingFresh = false
    this.nextKey = null
    this.drawnAt(ranges)
    return true
  }

  /** The layer now holds `ranges` of the nodes as this frame draws them. */
  private drawnAt(ranges: Range[]): void {
    this.drawnKey = this.key
    this.drawnView = viewKey(this.params!)
    // a patch brought the boxes of the nodes it restyled up to date; any other draw did not
    if (this.phase !== 'patch') this.boxes = null
    this.restyled = new Map()
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
    this.nextKey = null
    if (this.pickingIdle) clearTimeout(this.pickingIdle)
    this.pickingIdle = null
    this.pickingFresh = false
    this.pickingMissing = false
    this.pickingWanted = false
    this.compositor.release()
    this.drawnKey = null
    this.drawnView = null
    this.restyled = null
    this.drawn = null
  }
}

/** The frame key of a picture but for its items' version: where and how big it is drawn. */
function viewKey(p: RenderParams): string {
  return frameKey(-1, p)
}

/** Where the node program draws a node (sigma's node vertex shader: a quad of half side
 * size · correctionRatio / sizeRatio · 2 in framed graph space about its position, padded for
 * picking, turned with the camera), as a square about its centre in GL pixels that holds every
 * pixel the quad covers: the arguments of DirtyTiles.add / touches. */
function screenBox(
  p: RenderParams,
  w: number,
  h: number,
): (b: NodeBox) => [x: number, y: number, half: number] {
  const { m, grow, pad } = screenScale(p, w, h)
  return (b) => [
    ((m[0] * b.x + m[3] * b.y + m[6] + 1) / 2) * w,
    ((m[1] * b.x + m[4] * b.y + m[7] + 1) / 2) * h,
    b.size * grow + pad,
  ]
}

/** screenBox's terms: the camera matrix, pixels of half side per unit of display size, and the
 * padding. */
function screenScale(
  p: RenderParams,
  w: number,
  h: number,
): { m: Float32Array; grow: number; pad: number } {
  const m = p.matrix
  // pixels per framed-graph unit, along the canvas's rows and columns (the shader's scale)
  const scale = Math.max((Math.hypot(m[0], m[3]) * w) / 2, (Math.hypot(m[1], m[4]) * h) / 2)
  // a turned quad's bounding square is up to √2 times as wide
  const turn = p.cameraAngle ? Math.SQRT2 : 1
  return {
    m,
    grow: (p.correctionRatio / p.sizeRatio) * 2 * scale * turn,
    // picking's padding, and a pixel for rounding
    pad: p.nodePickingPadding * p.correctionRatio * scale * turn + 1,
  }
}

function sameRanges(a: Range[], b: Range[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++)
    if (a[i].offset !== b[i].offset || a[i].count !== b[i].count) return false
  return true
}

function inRanges(ranges: Range[], pos: number): boolean {
  for (const r of ranges) if (pos >= r.offset && pos < r.offset + r.count) return true
  return false
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
