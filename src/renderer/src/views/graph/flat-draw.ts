// sigma's node and edge programs drawn without instancing. Why our own: sigma 4 draws each item
// as one instance of an instanced draw, and in software WebGL (SwiftShader: machines without a
// usable GPU, and every machine our tests and benches run on) each instance costs ≈ 17 µs whatever
// its shader or size — 75k short quads took 1.3–2.6 s instanced and 0.4 s as one plain draw of
// 6 vertices each (bench/flat-draw.mjs, BENCHMARKS.md). A real-scale week's 11k nodes paid that
// twice a redraw (screen and picking). (sigma holds no edge since the edge layer, edge-layer.ts,
// draws them; its edge program is flattened all the same.)
// The program keeps everything of sigma's but the draw: its item buffer goes up as an integer
// texture (the same bytes, no NaN canonicalised as a float texture could), its vertex shader is
// rewritten to read its attributes from there (flat-shader.ts), and `drawWebGL` issues
// `drawArrays(TRIANGLES)` over every item's corners. Same shaders, same order of items: the same
// picture, which a story checks pixel for pixel against sigma's own instanced draw.
// It relies on sigma 4.0.4's Program (pinned in package.json): `normalProgram`/`pickProgram`
// infos made by `getProgramInfo`, and `render` calling `bindProgram`, `setUniforms`, `drawWebGL`,
// `unbindProgram` with them. A program the rewrite does not understand stays instanced, and the
// view reports why.
import type Sigma from 'sigma'
import { addLayer, uintTexture, writeUintTexels } from './layer-target'
import {
  FLAT_UNIFORMS,
  NotFlattenable,
  flatLayout,
  flatVertexShader,
  withPickingMode,
  type FlatLayout,
  type InstancedLayout,
} from './flat-shader'

interface ProgramInfo {
  program: WebGLProgram
  gl: WebGL2RenderingContext
  buffer: WebGLBuffer
  constantBuffer: WebGLBuffer | object
  vertexShader: WebGLShader
  fragmentShader: WebGLShader
}

interface SigmaProgram extends InstancedLayout {
  VERTEX_SHADER_SOURCE: string
  FRAGMENT_SHADER_SOURCE: string
  isInstanced: boolean
  capacity: number
  ints: Uint32Array
  bufferGeneration: number
  renderOffset: number
  renderCount: number
  normalProgram: ProgramInfo
  pickProgram: ProgramInfo | null
  getProgramInfo(
    name: string,
    gl: WebGL2RenderingContext,
    vs: string,
    fs: string,
    frameBuffer: null,
  ): ProgramInfo
  bindProgram(info: ProgramInfo): void
  unbindProgram(info: ProgramInfo): void
  drawWebGL(method: number, info: ProgramInfo): void
  kill(): void
}

/** How a program draws: 'flat', or 'instanced' with the reason it could not be flattened. */
export type DrawMode = 'flat' | `instanced: ${string}`

/** Where the item texture is bound: a unit sigma does not use (it uses 1–7; the node layer 15). */
const UNIT = 14
/** Texels per row of the item texture (WebGL 2 guarantees 2048 a side: 4M items in all). */
const WIDTH = 2048
const METHODS = ['bindProgram', 'unbindProgram', 'drawWebGL'] as const

/** One sigma program, drawn flat. */
export class FlatProgram {
  private readonly gl: WebGL2RenderingContext
  private readonly layout: FlatLayout
  private readonly flat: { normal: ProgramInfo; pick: ProgramInfo | null }
  private readonly original: { normal: ProgramInfo; pick: ProgramInfo | null }
  private readonly locations = new Map<WebGLProgram, Record<string, WebGLUniformLocation | null>>()
  private texture: WebGLTexture | null = null
  private readonly vao: WebGLVertexArrayObject | null
  private rows = 0
  private uploaded = -1
  private uploadedCapacity = -1

  /**
   * Throws NotFlattenable (or a shader compile error) when the program cannot be drawn flat;
   * `onFallback` hears why it goes back to sigma's instanced draw later (items past the texture).
   */
  constructor(
    private readonly program: SigmaProgram,
    private readonly onFallback: (reason: string) => void,
  ) {
    if (!program.isInstanced) throw new NotFlattenable('not instanced')
    this.gl = program.normalProgram.gl
    this.layout = flatLayout(program)
    const vs = flatVertexShader(program.VERTEX_SHADER_SOURCE, this.layout)
    const fs = program.FRAGMENT_SHADER_SOURCE
    const normal = program.getProgramInfo('normal', this.gl, vs, fs, null)
    let pick: ProgramInfo | null = null
    try {
      if (program.pickProgram)
        pick = program.getProgramInfo(
          'pick',
          this.gl,
          withPickingMode(vs),
          withPickingMode(fs),
          null,
        )
    } catch (e) {
      deleteInfo(this.gl, normal)
      throw e
    }
    this.flat = { normal, pick }
    this.original = { normal: program.normalProgram, pick: program.pickProgram }
    this.vao = this.gl.createVertexArray()
    // reachable from the program, for the story that compares with sigma's own draw
    Object.defineProperty(program, 'dxFlat', { value: this, configurable: true })
    const kill = program.kill.bind(program)
    program.kill = () => {
      kill()
      this.release()
    }
    this.setEnabled(true)
  }

  /** Draws flat (true) or as sigma does (false: kept for the story that compares the two). */
  setEnabled(on: boolean): void {
    const p = this.program as unknown as Record<string, unknown>
    if (!on) {
      for (const m of METHODS) delete p[m]
      this.program.normalProgram = this.original.normal
      this.program.pickProgram = this.original.pick
      return
    }
    const proto = Object.getPrototypeOf(this.program) as SigmaProgram
    this.program.normalProgram = this.flat.normal
    this.program.pickProgram = this.flat.pick
    this.program.bindProgram = (info) => {
      if (!this.owns(info)) return proto.bindProgram.call(this.program, info)
      const tooMany = this.bind()
      if (!tooMany) return
      // sigma's render reads its infos again for each call: from here on it draws instanced
      const pick = info === this.flat.pick
      this.setEnabled(false)
      this.onFallback(tooMany)
      proto.bindProgram.call(this.program, pick ? this.original.pick! : this.original.normal)
    }
    this.program.unbindProgram = (info) =>
      this.owns(info) ? this.gl.bindVertexArray(null) : proto.unbindProgram.call(this.program, info)
    this.program.drawWebGL = (method, info) =>
      this.owns(info) ? this.draw(info) : proto.drawWebGL.call(this.program, method, info)
  }

  private owns(info: ProgramInfo): boolean {
    return info === this.flat.normal || info === this.flat.pick
  }

  /** The item buffer into the texture (when sigma changed it), and no vertex attributes; or why
   * the items do not fit in a texture. */
  private bind(): string | null {
    const gl = this.gl
    const p = this.program
    if (this.uploaded === p.bufferGeneration && this.uploadedCapacity === p.capacity) {
      gl.bindVertexArray(this.vao)
      return null
    }
    const perItem = this.layout.texelsPerItem
    const texels = Math.max(1, p.capacity * perItem)
    const rows = Math.ceil(texels / WIDTH)
    const max = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number
    if (rows > max) return `${p.capacity} items take more than a ${WIDTH}×${max} texture`
    gl.bindVertexArray(this.vao)
    const data = this.itemWords(texels)
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    gl.activeTexture(gl.TEXTURE0 + UNIT)
    if (!this.texture || rows !== this.rows) {
      if (this.texture) gl.deleteTexture(this.texture)
      this.texture = uintTexture(gl, WIDTH, rows)
      this.rows = rows
    } else gl.bindTexture(gl.TEXTURE_2D, this.texture)
    writeUintTexels(gl, data, texels, WIDTH)
    gl.activeTexture(active)
    this.uploaded = p.bufferGeneration
    this.uploadedCapacity = p.capacity
    return null
  }

  /** sigma's item buffer as whole texels: itself when an item fills whole texels, else spread. */
  private itemWords(texels: number): Uint32Array {
    const p = this.program
    const slots = this.layout.slotsPerItem
    const words = texels * 4
    if (slots % 4 === 0 && p.ints.length >= words) return p.ints
    const out = new Uint32Array(words)
    const stride = this.layout.texelsPerItem * 4
    for (let i = 0; i < p.capacity; i++)
      out.set(p.ints.subarray(i * slots, (i + 1) * slots), i * stride)
    return out
  }

  /**
   * Draws only these items (buffer positions, in the order given) instead of sigma's range, until
   * set back to null: the node layer draws again the few nodes under a changed part of its
   * picture (node-cache.ts). One indexed draw: with `drawElements` the vertex shader's
   * `gl_VertexID` is the index, so each index names an item's corner as `drawArrays` would.
   */
  setSubset(items: Uint32Array | null): void {
    if (!items) {
      this.subset = null
      return
    }
    const n = this.layout.corners.length
    const indices = new Uint32Array(items.length * n)
    for (let i = 0; i < items.length; i++)
      for (let c = 0; c < n; c++) indices[i * n + c] = items[i] * n + c
    const gl = this.gl
    this.indexBuffer ??= gl.createBuffer()
    // bound outside any vertex array, so none keeps it
    gl.bindVertexArray(null)
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.indexBuffer)
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, indices, gl.STREAM_DRAW)
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, null)
    this.subset = { count: indices.length }
  }

  private subset: { count: number } | null = null
  private indexBuffer: WebGLBuffer | null = null

  private draw(info: ProgramInfo): void {
    const gl = this.gl
    const p = this.program
    const count = p.renderCount >= 0 ? p.renderCount : p.capacity
    const at = this.uniforms(info.program)
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    gl.activeTexture(gl.TEXTURE0 + UNIT)
    gl.bindTexture(gl.TEXTURE_2D, this.texture)
    gl.activeTexture(active)
    gl.uniform1i(at.items, UNIT)
    gl.uniform1i(at.width, WIDTH)
    if (this.subset) {
      gl.uniform1i(at.first, 0)
      // the flat program's vertex array holds no index buffer of its own: bound for this draw
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.indexBuffer)
      gl.drawElements(gl.TRIANGLES, this.subset.count, gl.UNSIGNED_INT, 0)
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, null)
      return
    }
    gl.uniform1i(at.first, p.renderOffset)
    gl.drawArrays(gl.TRIANGLES, 0, count * this.layout.corners.length)
  }

  private uniforms(program: WebGLProgram): Record<string, WebGLUniformLocation | null> {
    let at = this.locations.get(program)
    if (!at) {
      at = {}
      for (const [key, name] of Object.entries(FLAT_UNIFORMS))
        at[key] = this.gl.getUniformLocation(program, name)
      this.locations.set(program, at)
    }
    return at
  }

  private release(): void {
    const gl = this.gl
    // sigma kills the infos it holds; the other pair is ours to delete
    for (const info of [this.original.normal, this.original.pick, this.flat.normal, this.flat.pick])
      if (info && info !== this.program.normalProgram && info !== this.program.pickProgram)
        deleteInfo(gl, info)
    if (this.texture) gl.deleteTexture(this.texture)
    if (this.vao) gl.deleteVertexArray(this.vao)
    if (this.indexBuffer) gl.deleteBuffer(this.indexBuffer)
    this.texture = null
    this.indexBuffer = null
  }
}

/** Deletes what sigma's `getProgramInfo` made. */
function deleteInfo(gl: WebGL2RenderingContext, info: ProgramInfo): void {
  gl.deleteProgram(info.program)
  gl.deleteShader(info.vertexShader)
  gl.deleteShader(info.fragmentShader)
  gl.deleteBuffer(info.buffer)
  if (info.constantBuffer instanceof WebGLBuffer) gl.deleteBuffer(info.constantBuffer)
}

/** How the view's programs draw, by kind. */
export interface DrawModes {
  edges: DrawMode | null
  nodes: DrawMode | null
}

interface SigmaPrograms {
  edgeProgram?: SigmaProgram
  nodeProgram?: SigmaProgram
}

/**
 * Draws `sigma`'s edge and node programs flat, from the first frame on and again for the programs
 * sigma makes anew (after a lost WebGL context). `modes` says how each draws; `onFallback` hears
 * of a program left instanced, once per program.
 */
export function drawFlat(
  sigma: Sigma,
  modes: DrawModes,
  onFallback: (kind: keyof DrawModes, reason: string) => void,
): void {
  const seen = new WeakMap<object, FlatProgram | null>()
  const ensure = (kind: keyof DrawModes, program: SigmaProgram | undefined): void => {
    if (!program || seen.has(program)) return
    const fallback = (reason: string): void => {
      modes[kind] = `instanced: ${reason}`
      onFallback(kind, reason)
    }
    try {
      seen.set(program, new FlatProgram(program, fallback))
      modes[kind] = 'flat'
    } catch (e) {
      seen.set(program, null)
      fallback(e instanceof Error ? e.message : String(e))
    }
  }
  const flatten = (): void => {
    const s = sigma as unknown as SigmaPrograms
    ensure('edges', s.edgeProgram)
    ensure('nodes', s.nodeProgram)
  }
  flatten()
  // `edges` is the first depth: every frame checks, before any program draws
  addLayer(sigma, 'flat-draw', 'edges', flatten)
}
