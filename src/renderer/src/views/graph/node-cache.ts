// The week's nodes drawn once into an offscreen texture, with their picking image, and both put
// back while neither the nodes nor the camera change. Why our own: sigma 4 draws every node twice
// a frame (on screen and into its picking buffer), and in software WebGL (SwiftShader) a
// real-scale week's 10,889 nodes cost ≈ 380 ms of a ≈ 480 ms frame once the edges are cached
// (edge-cache.ts; BENCHMARKS.md), paid again by every hover.
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
/** Where the layer is put back: a texture unit sigma does not use (it uses 1–7). */
const UNIT = 15

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
  private composite: {
    gl: WebGL2RenderingContext
    program: WebGLProgram
    vao: WebGLVertexArrayObject
    layer: WebGLUniformLocation | null
    rect: WebGLUniformLocation | null
  } | null = null
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
      this.drawLayer(gl, p, this.rect!)
    }
    this.wrapped = program
  }

  /** The layer over what the canvas holds, at `to`, with sigma's blending (premultiplied "over"). */
  private drawLayer(gl: WebGL2RenderingContext, p: RenderParams, to: GlRect): void {
    const c = this.compositeProgram(gl)
    const { w, h } = canvasSize(p)
    const program = gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null
    const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    const blend = gl.isEnabled(gl.BLEND)
    gl.activeTexture(gl.TEXTURE0 + UNIT)
    const texture = gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null
    gl.bindTexture(gl.TEXTURE_2D, this.visual.texture)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    gl.viewport(0, 0, w, h)
    gl.useProgram(c.program)
    gl.uniform1i(c.layer, UNIT)
    gl.uniform4f(c.rect, to.x0, to.y0, to.x1, to.y1)
    gl.bindVertexArray(c.vao)
    gl.enable(gl.BLEND)
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA)
    gl.drawArrays(gl.TRIANGLES, 0, 3)
    gl.bindVertexArray(vao)
    gl.useProgram(program)
    gl.bindTexture(gl.TEXTURE_2D, texture)
    gl.activeTexture(active)
    if (!blend) gl.disable(gl.BLEND)
  }

  private compositeProgram(gl: WebGL2RenderingContext): NonNullable<NodeCache['composite']> {
    if (this.composite?.gl === gl) return this.composite
    // one triangle covering the canvas; each pixel in the rectangle takes the layer's texel at the
    // same place in it (in place: the texel centre, so the copy is exact)
    const vertex = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`
    const fragment = `#version 300 es
precision highp float;
uniform sampler2D u_layer;
uniform vec4 u_rect;
out vec4 color;
void main() {
  vec2 uv = (gl_FragCoord.xy - u_rect.xy) / (u_rect.zw - u_rect.xy);
  if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) discard;
  color = texture(u_layer, uv);
}`
    const program = gl.createProgram()
    for (const [type, source] of [
      [gl.VERTEX_SHADER, vertex],
      [gl.FRAGMENT_SHADER, fragment],
    ] as const) {
      const shader = gl.createShader(type)!
      gl.shaderSource(shader, source)
      gl.compileShader(shader)
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
        throw new Error(`node cache: shader: ${gl.getShaderInfoLog(shader)}`)
      gl.attachShader(program, shader)
      gl.deleteShader(shader)
    }
    gl.linkProgram(program)
    if (!gl.getProgramParameter(program, gl.LINK_STATUS))
      throw new Error(`node cache: program: ${gl.getProgramInfoLog(program)}`)
    this.composite = {
      gl,
      program,
      vao: gl.createVertexArray(),
      layer: gl.getUniformLocation(program, 'u_layer'),
      rect: gl.getUniformLocation(program, 'u_rect'),
    }
    return this.composite
  }

  private release(): void {
    this.visual.release()
    this.picking.release()
    const c = this.composite
    if (c && !c.gl.isContextLost()) {
      c.gl.deleteProgram(c.program)
      c.gl.deleteVertexArray(c.vao)
    }
    this.composite = null
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
