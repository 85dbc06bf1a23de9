// Draws a list of straight edges (edge-items.ts) in one plain draw call: each edge is two
// triangles whose corners the vertex shader builds from `gl_VertexID`, reading the edge from an
// integer texture and its ends from a texture of node positions. No attributes, no instancing
// (each instance costs ≈ 17 µs in software WebGL: flat-draw.ts), no per-edge JS beyond packing.
// The geometry and anti-aliasing are sigma 4.0.4's straight edge (its `pathLine` program, no
// extremities): the same width in pixels for the same size, the same camera matrix and ratios
// from sigma's render parameters, ≈ 1 px of feathering, premultiplied "over" blending.
import type { RenderParams } from 'sigma/types'
import type { EdgeItems } from './edge-items'
import { linkProgram, uintTexture, writeUintTexels } from './layer-target'

/** Texels per row of the item and node textures (WebGL 2 guarantees 2048 a side: 4M items). */
export const TEXTURE_WIDTH = 2048
/** Texture units: ones sigma does not use (it uses 1–7; flat-draw.ts 14, the compositor 15). */
const ITEM_UNIT = 12
const NODE_UNIT = 13

const VERTEX = `#version 300 es
precision highp float;
precision highp int;
precision highp usampler2D;
uniform usampler2D u_items;
uniform sampler2D u_nodes;
uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;
uniform float u_minEdgeThickness;
out vec4 v_color;
out float v_side;
out float v_thickness;
out float v_aa;
const int W = ${TEXTURE_WIDTH};
vec2 nodeAt(uint n) {
  int i = int(n);
  return texelFetch(u_nodes, ivec2(i % W, i / W), 0).xy;
}
void main() {
  int item = gl_VertexID / 6;
  int corner = gl_VertexID - item * 6;
  uvec4 d = texelFetch(u_items, ivec2(item % W, item / W), 0);
  vec2 source = nodeAt(d.x);
  vec2 target = nodeAt(d.y);
  // two triangles: (start, -), (end, -), (start, +) and (start, +), (end, -), (end, +)
  float along = (corner == 1 || corner == 4 || corner == 5) ? 1.0 : 0.0;
  float side = (corner == 2 || corner == 3 || corner == 5) ? 1.0 : -1.0;
  float pixels = max(uintBitsToFloat(d.w), u_minEdgeThickness * u_sizeRatio);
  float thickness = pixels * u_correctionRatio / u_sizeRatio;
  float aa = u_correctionRatio;
  vec2 dir = length(target - source) > 0.0001 ? normalize(target - source) : vec2(1.0, 0.0);
  vec2 normal = vec2(-dir.y, dir.x);
  vec2 position = mix(source, target, along) + normal * side * (thickness * 0.5 + aa);
  gl_Position = vec4((u_matrix * vec3(position, 1.0)).xy, 0.0, 1.0);
  uint c = d.z;
  v_color = vec4(float(c & 255u), float((c >> 8) & 255u), float((c >> 16) & 255u), float(c >> 24)) / 255.0;
  v_side = side;
  v_thickness = thickness;
  v_aa = aa;
}`

/** The fragment shader of sigma's straight edge (≈ 1 px of feathering), writing `output` from
 * the edge's colour and its coverage `alpha` at the pixel. */
const fragment = (output: string): string => `#version 300 es
precision highp float;
in vec4 v_color;
in float v_side;
in float v_thickness;
in float v_aa;
out vec4 fragColor;
void main() {
  float half_ = v_thickness * 0.5;
  float sdf = abs(v_side) * (half_ + v_aa) - half_;
  float alpha = 1.0 - smoothstep(-v_aa, v_aa, sdf);
  if (alpha < 0.01) discard;
  ${output}
}`

const FRAGMENT = fragment('fragColor = vec4(v_color.rgb * v_color.a, v_color.a) * alpha;')

// The same edges as optical depth (lit-layer.ts): each fragment adds −ln(1 − α) of its edge's
// alpha at that pixel into a float target (or takes it away), so a pixel holds Σ −ln(1 − αᵢ) of
// the edges covering it. α is capped below 1 so that an opaque edge adds a finite depth.
const FRAGMENT_DEPTH = fragment(
  'fragColor = vec4(-log(1.0 - min(v_color.a * alpha, 0.99999)), 0.0, 0.0, 0.0);',
)

/** How a draw writes: premultiplied colour "over" the target, or optical depth added to or
 * taken from a float target. */
export type EdgeBlend = 'over' | 'add' | 'subtract'

const UNIFORMS = [
  'u_items',
  'u_nodes',
  'u_matrix',
  'u_sizeRatio',
  'u_correctionRatio',
  'u_minEdgeThickness',
] as const

interface Linked {
  program: WebGLProgram
  u: Record<(typeof UNIFORMS)[number], WebGLUniformLocation | null>
}

interface Made {
  gl: WebGL2RenderingContext
  color: Linked
  /** Linked at the first depth draw. */
  depth: Linked | null
  vao: WebGLVertexArrayObject
  nodes: WebGLTexture
}

/** GPU copy of one item list, uploaded when the list changed. */
export class ItemTexture {
  private gl: WebGL2RenderingContext | null = null
  texture: WebGLTexture | null = null
  private rows = 0
  private uploaded = -1
  count = 0

  /** Makes the texture hold `items` (version: bumped by the owner when the list changed). */
  sync(gl: WebGL2RenderingContext, items: EdgeItems, version: number): void {
    if (this.gl !== gl) this.forget()
    this.gl = gl
    this.count = items.count
    if (version === this.uploaded && this.texture) return
    const rows = Math.max(1, Math.ceil(items.count / TEXTURE_WIDTH))
    if (rows > TEXTURE_WIDTH)
      throw new Error(`edge layer: ${items.count} edges exceed what one texture holds`)
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    gl.activeTexture(gl.TEXTURE0 + ITEM_UNIT)
    if (!this.texture || rows > this.rows) {
      if (this.texture) gl.deleteTexture(this.texture)
      // rounded up to a power of two rows, so a growing week does not reallocate each step
      this.rows = 2 ** Math.ceil(Math.log2(rows))
      this.texture = uintTexture(gl, TEXTURE_WIDTH, this.rows)
    } else gl.bindTexture(gl.TEXTURE_2D, this.texture)
    writeUintTexels(gl, items.data, items.count, TEXTURE_WIDTH)
    gl.bindTexture(gl.TEXTURE_2D, null)
    gl.activeTexture(active)
    this.uploaded = version
  }

  release(): void {
    if (this.gl && this.texture && !this.gl.isContextLost()) this.gl.deleteTexture(this.texture)
    this.forget()
  }

  private forget(): void {
    this.texture = null
    this.rows = 0
    this.uploaded = -1
  }
}

export class EdgeProgram {
  private made: Made | null = null
  private nodesUploaded = -1

  /**
   * Draws `items` (already synced) into the bound framebuffer with sigma's blending; `nodes`
   * holds each universe node's position in sigma's framed graph space (x, y pairs), `nodesVersion`
   * says when it changed. Items `from` to `to` (exclusive) only, when given. GL state it changes
   * is put back. `blend`: colour "over" (sigma's), or optical depth added or taken away.
   */
  draw(
    gl: WebGL2RenderingContext,
    items: ItemTexture,
    nodes: Float32Array,
    nodesVersion: number,
    p: RenderParams,
    from = 0,
    to = items.count,
    blend: EdgeBlend = 'over',
  ): void {
    to = Math.min(to, items.count)
    if (to <= from || !items.texture) return
    const m = this.program(gl)
    const linked = blend === 'over' ? m.color : (m.depth ??= linkEdgeProgram(gl, FRAGMENT_DEPTH))
    const program = gl.getParameter(gl.CURRENT_PROGRAM) as WebGLProgram | null
    const vao = gl.getParameter(gl.VERTEX_ARRAY_BINDING) as WebGLVertexArrayObject | null
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    const blending = gl.isEnabled(gl.BLEND)
    gl.activeTexture(gl.TEXTURE0 + NODE_UNIT)
    const boundNodes = gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null
    gl.bindTexture(gl.TEXTURE_2D, m.nodes)
    if (nodesVersion !== this.nodesUploaded) this.uploadNodes(gl, nodes, nodesVersion)
    gl.activeTexture(gl.TEXTURE0 + ITEM_UNIT)
    const boundItems = gl.getParameter(gl.TEXTURE_BINDING_2D) as WebGLTexture | null
    gl.bindTexture(gl.TEXTURE_2D, items.texture)
    const u = linked.u
    gl.useProgram(linked.program)
    gl.uniform1i(u.u_items, ITEM_UNIT)
    gl.uniform1i(u.u_nodes, NODE_UNIT)
    gl.uniformMatrix3fv(u.u_matrix, false, p.matrix)
    gl.uniform1f(u.u_sizeRatio, p.sizeRatio)
    gl.uniform1f(u.u_correctionRatio, p.correctionRatio)
    gl.uniform1f(u.u_minEdgeThickness, p.minEdgeThickness)
    gl.bindVertexArray(m.vao)
    gl.enable(gl.BLEND)
    if (blend === 'over') gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA)
    else {
      gl.blendEquation(blend === 'add' ? gl.FUNC_ADD : gl.FUNC_REVERSE_SUBTRACT)
      gl.blendFunc(gl.ONE, gl.ONE)
    }
    // gl_VertexID counts from `first`: the shader finds item `from` first
    gl.drawArrays(gl.TRIANGLES, from * 6, (to - from) * 6)
    // put back as sigma keeps it (it never sets another), not read before: the other states read
    // above are answered in the page, the blend equation by the GPU process (a round trip of
    // ≈ 1.5 ms, longer while it rasterises: ≈ 17 ms a week switch in a CPU profile)
    if (blend === 'subtract') gl.blendEquation(gl.FUNC_ADD)
    gl.bindVertexArray(vao)
    gl.useProgram(program)
    gl.bindTexture(gl.TEXTURE_2D, boundItems)
    gl.activeTexture(gl.TEXTURE0 + NODE_UNIT)
    gl.bindTexture(gl.TEXTURE_2D, boundNodes)
    gl.activeTexture(active)
    if (!blending) gl.disable(gl.BLEND)
  }

  /** Compiles the program now rather than at the first frame that draws edges. */
  prepare(gl: WebGL2RenderingContext): void {
    this.program(gl)
  }

  private uploadNodes(gl: WebGL2RenderingContext, xy: Float32Array, version: number): void {
    const n = xy.length / 2
    const rows = Math.max(1, Math.ceil(n / TEXTURE_WIDTH))
    const padded = new Float32Array(rows * TEXTURE_WIDTH * 2)
    padded.set(xy)
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4)
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RG32F, TEXTURE_WIDTH, rows, 0, gl.RG, gl.FLOAT, padded)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
    this.nodesUploaded = version
  }

  private program(gl: WebGL2RenderingContext): Made {
    if (this.made?.gl === gl) return this.made
    this.made = null
    this.nodesUploaded = -1
    this.made = {
      gl,
      color: linkEdgeProgram(gl, FRAGMENT),
      depth: null,
      vao: gl.createVertexArray(),
      nodes: gl.createTexture(),
    }
    return this.made
  }

  release(): void {
    const m = this.made
    if (m && !m.gl.isContextLost()) {
      m.gl.deleteProgram(m.color.program)
      if (m.depth) m.gl.deleteProgram(m.depth.program)
      m.gl.deleteVertexArray(m.vao)
      m.gl.deleteTexture(m.nodes)
    }
    this.made = null
    this.nodesUploaded = -1
  }
}

function linkEdgeProgram(gl: WebGL2RenderingContext, fragment: string): Linked {
  const program = linkProgram(gl, VERTEX, fragment, 'edge layer')
  const u = {} as Linked['u']
  for (const name of UNIFORMS) u[name] = gl.getUniformLocation(program, name)
  return { program, u }
}
