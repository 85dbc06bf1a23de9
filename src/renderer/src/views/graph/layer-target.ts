// What the view's cached layers (edge-layer.ts, node-cache.ts) share: an offscreen colour target,
// the key of what a frame of sigma would draw into it, and sigma's programs drawing into it.
import type Sigma from 'sigma'
import type { CameraState, RenderParams } from 'sigma/types'

type AddLayer = (
  id: string,
  depth: string,
  factory: (gl: WebGL2RenderingContext) => { render(p: RenderParams): void; kill(): void },
) => void

/** Adds a custom layer program to sigma at `depth` (drawn before that depth's items): `render`
 * each frame, `kill` when sigma lets the program go (its context lost or sigma killed). */
export function addLayer(
  sigma: Sigma,
  id: string,
  depth: string,
  render: (gl: WebGL2RenderingContext, p: RenderParams) => void,
  kill: () => void = () => undefined,
): void {
  ;(sigma as unknown as { addCustomLayerProgram: AddLayer }).addCustomLayerProgram(
    id,
    depth,
    (gl) => ({ render: (p) => render(gl, p), kill }),
  )
}

/** A texture and the framebuffer that draws into it, sized to sigma's canvas or picking buffer. */
export class LayerTarget {
  gl: WebGL2RenderingContext | null = null
  fbo: WebGLFramebuffer | null = null
  texture: WebGLTexture | null = null
  private stencilBuffer: WebGLRenderbuffer | null = null
  w = 0
  h = 0

  constructor(
    private readonly name: string,
    /** RGBA8 colour, or one 32-bit float a texel (optical depth: lit-layer.ts). */
    private readonly format: 'rgba8' | 'r32f' = 'rgba8',
    /** With an 8-bit stencil, attached only while `withStencil` runs (the node layer masks the
     * part of its picture it draws again; attached for good, it made SwiftShader's other draws
     * into the target slower: ≈ 10 ms on a hover's redraw of a real-scale week's nodes). */
    readonly stencil = false,
  ) {}

  /** Makes the target `w`×`h` in `gl`; true when it was (re)made, so its content is gone. */
  ensure(gl: WebGL2RenderingContext, w: number, h: number): boolean {
    // another context: its objects are not ours (a restored context keeps the same object, but sigma
    // kills the layer programs on restore, and their kill releases the target)
    if (this.gl !== gl) this.forget()
    if (this.fbo && this.w === w && this.h === h) return false
    this.release()
    this.gl = gl
    const texture = gl.createTexture()
    gl.bindTexture(gl.TEXTURE_2D, texture)
    if (this.format === 'r32f')
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.R32F, w, h, 0, gl.RED, gl.FLOAT, null)
    // RGBA/UNSIGNED_BYTE as sigma's picking texture, so either can be blitted to the other
    else gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, null)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
    gl.bindTexture(gl.TEXTURE_2D, null)
    const fbo = gl.createFramebuffer()
    gl.bindFramebuffer(gl.FRAMEBUFFER, fbo)
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0)
    let stencil: WebGLRenderbuffer | null = null
    if (this.stencil) {
      stencil = gl.createRenderbuffer()
      gl.bindRenderbuffer(gl.RENDERBUFFER, stencil)
      gl.renderbufferStorage(gl.RENDERBUFFER, gl.STENCIL_INDEX8, w, h)
      gl.bindRenderbuffer(gl.RENDERBUFFER, null)
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, stencil)
    }
    // checked with the stencil attached (as `withStencil` draws), then detached
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER)
    if (stencil)
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, null)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    if (status !== gl.FRAMEBUFFER_COMPLETE) {
      gl.deleteFramebuffer(fbo)
      gl.deleteTexture(texture)
      if (stencil) gl.deleteRenderbuffer(stencil)
      throw new Error(`${this.name}: framebuffer incomplete (status 0x${status.toString(16)})`)
    }
    this.fbo = fbo
    this.texture = texture
    this.stencilBuffer = stencil
    this.w = w
    this.h = h
    return true
  }

  /** Runs `draw` with the target's stencil attached (the framebuffer is left bound to null). */
  withStencil(draw: () => void): void {
    const gl = this.gl!
    const attach = (rb: WebGLRenderbuffer | null): void => {
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo)
      gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.STENCIL_ATTACHMENT, gl.RENDERBUFFER, rb)
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    }
    if (!this.stencilBuffer) throw new Error(`${this.name}: made without a stencil`)
    attach(this.stencilBuffer)
    try {
      draw()
    } finally {
      attach(null)
    }
  }

  /** Copies `from` (a framebuffer of this target's size, null for the canvas) into the target,
   * or the target into `to`. */
  copyFrom(from: WebGLFramebuffer | null): void {
    this.blit(from, this.fbo)
  }
  copyTo(to: WebGLFramebuffer | null): void {
    this.blit(this.fbo, to)
  }

  private blit(read: WebGLFramebuffer | null, draw: WebGLFramebuffer | null): void {
    const gl = this.gl!
    const { w, h } = this
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, read)
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, draw)
    gl.blitFramebuffer(0, 0, w, h, 0, 0, w, h, gl.COLOR_BUFFER_BIT, gl.NEAREST)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
  }

  release(): void {
    if (this.gl) {
      if (this.fbo) this.gl.deleteFramebuffer(this.fbo)
      if (this.texture) this.gl.deleteTexture(this.texture)
      if (this.stencilBuffer) this.gl.deleteRenderbuffer(this.stencilBuffer)
    }
    this.forget()
  }

  private forget(): void {
    this.fbo = null
    this.texture = null
    this.stencilBuffer = null
    this.w = 0
    this.h = 0
  }
}

/** Everything of a frame's parameters that changes where sigma draws an item, with the layer's
 * own version (bumped when its items change look): equal keys, equal pictures. */
export function frameKey(version: number, p: RenderParams): string {
  return [
    version,
    p.width,
    p.height,
    p.pixelRatio,
    p.sizeRatio,
    p.zoomRatio,
    p.minEdgeThickness,
    ...p.matrix,
  ].join(',')
}

/** The size of sigma's canvas in device pixels. */
export function canvasSize(p: RenderParams): { w: number; h: number } {
  return { w: Math.round(p.width * p.pixelRatio), h: Math.round(p.height * p.pixelRatio) }
}

/**
 * Runs `draw` (a sigma program's render) with its visual pass sent to `fbo`: sigma's programs
 * bind framebuffer `null` (the canvas) for it and their picking framebuffer for picking, which
 * is left alone.
 */
export function drawInto(
  gl: WebGL2RenderingContext,
  fbo: WebGLFramebuffer,
  draw: () => void,
): void {
  const bind = gl.bindFramebuffer.bind(gl)
  gl.bindFramebuffer = (target, framebuffer) => bind(target, framebuffer ?? fbo)
  try {
    draw()
  } finally {
    delete (gl as unknown as { bindFramebuffer?: unknown }).bindFramebuffer
    bind(gl.FRAMEBUFFER, null)
  }
}

/** Clears `fbo` to transparent. */
export function clearTarget(gl: WebGL2RenderingContext, fbo: WebGLFramebuffer): void {
  gl.bindFramebuffer(gl.FRAMEBUFFER, fbo)
  gl.clearColor(0, 0, 0, 0)
  gl.clear(gl.COLOR_BUFFER_BIT)
  gl.bindFramebuffer(gl.FRAMEBUFFER, null)
}

/** Clears `target` and runs `draw` into it (its framebuffer bound, the viewport its size). */
export function redraw(gl: WebGL2RenderingContext, target: LayerTarget, draw: () => void): void {
  clearTarget(gl, target.fbo!)
  gl.bindFramebuffer(gl.FRAMEBUFFER, target.fbo)
  gl.viewport(0, 0, target.w, target.h)
  draw()
}

const floatBlendingOf = new WeakMap<WebGL2RenderingContext, boolean>()

/** Whether `gl` can draw into 32-bit float targets with blending (WebGL 2 with
 * EXT_color_buffer_float and EXT_float_blend; SwiftShader has both). Enables both. */
export function floatBlending(gl: WebGL2RenderingContext): boolean {
  let can = floatBlendingOf.get(gl)
  if (can === undefined) {
    can = !!gl.getExtension('EXT_color_buffer_float') && !!gl.getExtension('EXT_float_blend')
    floatBlendingOf.set(gl, can)
  }
  return can
}

/** What a layer holds: its items' version, and the camera and size it was drawn at. */
export interface DrawnAt {
  version: number
  camera: CameraState
  w: number
  h: number
}

/** A rectangle of the canvas in GL pixels: (x0, y0) its bottom-left corner, (x1, y1) top-right. */
export interface GlRect {
  x0: number
  y0: number
  x1: number
  y1: number
}

/**
 * Where a layer's picture goes while the camera moves: the viewport it was drawn for, mapped
 * through the camera it was drawn with to the graph and back through the current one. Null when
 * the picture cannot stand in for the current one (its items changed, or the size or rotation).
 */
export function movedRect(
  sigma: Sigma,
  drawn: DrawnAt | null,
  version: number,
  w: number,
  h: number,
): GlRect | null {
  if (!drawn || drawn.version !== version || drawn.w !== w || drawn.h !== h) return null
  if (sigma.getCamera().getState().angle !== drawn.camera.angle) return null
  const dims = sigma.getDimensions()
  const to = (x: number, y: number) =>
    sigma.framedGraphToViewport(
      sigma.viewportToFramedGraph({ x, y }, { cameraState: drawn.camera }),
    )
  const topLeft = to(0, 0)
  const bottomRight = to(dims.width, dims.height)
  const sx = w / dims.width
  const sy = h / dims.height
  // GL's rows run bottom-up
  return {
    x0: Math.round(topLeft.x * sx),
    y0: Math.round(h - bottomRight.y * sy),
    x1: Math.round(bottomRight.x * sx),
    y1: Math.round(h - topLeft.y * sy),
  }
}

/** Where a layer is put back: a texture unit sigma does not use (it uses 1–7; flat-draw.ts 14). */
const UNIT = 15

/** Draws a layer's texture over what the canvas holds, with sigma's blending (premultiplied
 * "over", ONE / ONE_MINUS_SRC_ALPHA): "over" is associative, so drawing a layer of items equals
 * drawing its items there. A `depth` compositor reads an optical-depth layer (lit-layer.ts) and
 * draws it in one colour at alpha 1 − e^(−depth). GL state it changes is put back. */
export class Compositor {
  private made: {
    gl: WebGL2RenderingContext
    program: WebGLProgram
    vao: WebGLVertexArrayObject
    layer: WebGLUniformLocation | null
    rect: WebGLUniformLocation | null
    opacity: WebGLUniformLocation | null
    rgb: WebGLUniformLocation | null
  } | null = null

  constructor(
    private readonly name: string,
    private readonly kind: 'color' | 'depth' = 'color',
  ) {}

  /** `texture` (a layer of the canvas's size) drawn into the rectangle `to` of the canvas, its
   * picture at `opacity`; a depth layer in colour `rgb` (packed: R in the low byte). */
  draw(
    gl: WebGL2RenderingContext,
    texture: WebGLTexture,
    p: RenderParams,
    to: GlRect,
    opacity = 1,
    rgb = 0,
  ): void {
    const c = this.program(gl)
    const { w, h } = canvasSize(p)
    const program = gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null
    const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    const blend = gl.isEnabled(gl.BLEND)
    gl.activeTexture(gl.TEXTURE0 + UNIT)
    const bound = gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null
    gl.bindTexture(gl.TEXTURE_2D, texture)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    gl.viewport(0, 0, w, h)
    gl.useProgram(c.program)
    gl.uniform1i(c.layer, UNIT)
    gl.uniform4f(c.rect, to.x0, to.y0, to.x1, to.y1)
    gl.uniform1f(c.opacity, opacity)
    if (this.kind === 'depth')
      gl.uniform3f(c.rgb, (rgb & 255) / 255, ((rgb >>> 8) & 255) / 255, ((rgb >>> 16) & 255) / 255)
    gl.bindVertexArray(c.vao)
    gl.enable(gl.BLEND)
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA)
    gl.drawArrays(gl.TRIANGLES, 0, 3)
    gl.bindVertexArray(vao)
    gl.useProgram(program)
    gl.bindTexture(gl.TEXTURE_2D, bound)
    gl.activeTexture(active)
    if (!blend) gl.disable(gl.BLEND)
  }

  /** Compiles the program now (the first draw would: a frame that is not waited for, rather
   * than the first hover's). */
  prepare(gl: WebGL2RenderingContext): void {
    this.program(gl)
  }

  private program(gl: WebGL2RenderingContext): NonNullable<Compositor['made']> {
    if (this.made?.gl === gl) return this.made
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
uniform float u_opacity;
uniform vec3 u_rgb;
out vec4 color;
void main() {
  vec2 uv = (gl_FragCoord.xy - u_rect.xy) / (u_rect.zw - u_rect.xy);
  if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) discard;
  ${
    this.kind === 'depth'
      ? `// (a depth taken away may leave a rounding error below 0)
  float a = (1.0 - exp(-max(texture(u_layer, uv).r, 0.0))) * u_opacity;
  color = vec4(u_rgb * a, a);`
      : `// premultiplied: the whole texel scales
  color = texture(u_layer, uv) * u_opacity;`
  }
}`
    const program = linkProgram(gl, vertex, fragment, this.name)
    this.made = {
      gl,
      program,
      vao: gl.createVertexArray(),
      layer: gl.getUniformLocation(program, 'u_layer'),
      rect: gl.getUniformLocation(program, 'u_rect'),
      opacity: gl.getUniformLocation(program, 'u_opacity'),
      rgb: gl.getUniformLocation(program, 'u_rgb'),
    }
    return this.made
  }

  release(): void {
    const c = this.made
    if (c && !c.gl.isContextLost()) {
      c.gl.deleteProgram(c.program)
      c.gl.deleteVertexArray(c.vao)
    }
    this.made = null
  }
}

/** A new RGBA32UI texture of `width` × `rows` texels, nearest filtering, left bound to TEXTURE_2D
 * of the active unit (the item textures of flat-draw.ts and edge-program.ts). */
export function uintTexture(gl: WebGL2RenderingContext, width: number, rows: number): WebGLTexture {
  const texture = gl.createTexture()
  gl.bindTexture(gl.TEXTURE_2D, texture)
  gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32UI, width, rows)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
  return texture
}

/** Writes the first `texels` RGBA32UI texels of `data` (four words each) into the bound texture,
 * `width` texels a row from the first: the full rows, then what is left of the last. */
export function writeUintTexels(
  gl: WebGL2RenderingContext,
  data: Uint32Array,
  texels: number,
  width: number,
): void {
  const full = Math.floor(texels / width)
  const rest = texels - full * width
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4)
  if (full > 0)
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, full, gl.RGBA_INTEGER, gl.UNSIGNED_INT, data, 0)
  if (rest > 0)
    gl.texSubImage2D(
      gl.TEXTURE_2D,
      0,
      0,
      full,
      rest,
      1,
      gl.RGBA_INTEGER,
      gl.UNSIGNED_INT,
      data,
      full * width * 4,
    )
}

/** A linked WebGL program of the two shaders; compile and link errors name `name`. */
export function linkProgram(
  gl: WebGL2RenderingContext,
  vertex: string,
  fragment: string,
  name: string,
): WebGLProgram {
  const program = gl.createProgram()
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertex],
    [gl.FRAGMENT_SHADER, fragment],
  ] as const) {
    const shader = gl.createShader(type)!
    gl.shaderSource(shader, source)
    gl.compileShader(shader)
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
      throw new Error(`${name}: shader: ${gl.getShaderInfoLog(shader)}`)
    gl.attachShader(program, shader)
    gl.deleteShader(shader)
  }
  gl.linkProgram(program)
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new Error(`${name}: program: ${gl.getProgramInfoLog(program)}`)
  return program
}
