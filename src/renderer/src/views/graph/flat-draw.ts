// sigma's node and edge programs drawn without instancing. Why our own: sigma 4 draws each item
// as one instance of an instanced draw, and in software WebGL (SwiftShader: machines without a
// usable GPU, and every machine our tests and benches run on) each instance costs ≈ 17 µs whatever
// its shader or size — 75k short quads took 1.3–2.6 s instanced and 0.4 s as one plain draw of
// 6 vertices each (bench/flat-draw.mjs, BENCHMARKS.md). A real-scale week's 75k edges paid that
// at every switch, first render and redraw at rest, its 11k nodes twice (screen and picking).
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
import { addLayer } from './layer-target'
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
/** Texels per row of the item texture (SwiftShader and any WebGL2 allow 4096). */
const WIDTH = 2048
const METHODS = ['bindProgram', 'unbindProgram', 'drawWebGL', 'kill'] as const

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
  private enabled = false

  /** Throws NotFlattenable (or a shader compile error) when the program cannot be drawn flat. */
  constructor(private readonly program: SigmaProgram) {
    if (!program.isInstanced) throw new NotFlattenable('not instanced')
    this.gl = program.normalProgram.gl
    this.layout = flatLayout(program)
    const vs = flatVertexShader(program.VERTEX_SHADER_SOURCE, this.layout)
    const fs = program.FRAGMENT_SHADER_SOURCE
    const normal = program.getProgramInfo('normal', this.gl, vs, fs, null)
    const pick = program.pickProgram
      ? program.getProgramInfo('pick', this.gl, withPickingMode(vs), withPickingMode(fs), null)
      : null
    this.flat = { normal, pick }
    this.original = { normal: program.normalProgram, pick: program.pickProgram }
    this.vao = this.gl.createVertexArray()
    // reachable from the program, for the story that compares with sigma's own draw
    Object.defineProperty(program, 'dxFlat', { value: this, configurable: true })
    this.setEnabled(true)
  }

  /** Draws flat (true) or as sigma does (false: kept for the story that compares the two). */
  setEnabled(on: boolean): void {
    const p = this.program as unknown as Record<string, unknown>
    this.enabled = on
    if (!on) {
      for (const m of METHODS) delete p[m]
      this.program.normalProgram = this.original.normal
      this.program.pickProgram = this.original.pick
      return
    }
    const proto = Object.getPrototypeOf(this.program) as SigmaProgram
    this.program.normalProgram = this.flat.normal
    this.program.pickProgram = this.flat.pick
    this.program.bindProgram = (info) =>
      this.owns(info) ? this.bind() : proto.bindProgram.call(this.program, info)
    this.program.unbindProgram = (info) =>
      this.owns(info) ? this.gl.bindVertexArray(null) : proto.unbindProgram.call(this.program, info)
    this.program.drawWebGL = (method, info) =>
      this.owns(info) ? this.draw(info) : proto.drawWebGL.call(this.program, method, info)
    this.program.kill = () => {
      // sigma kills the infos it holds; the others and the texture are ours
      proto.kill.call(this.program)
      this.release()
    }
  }

  get isEnabled(): boolean {
    return this.enabled
  }

  private owns(info: ProgramInfo): boolean {
    return info === this.flat.normal || info === this.flat.pick
  }

  /** The item buffer into the texture (when sigma changed it), and no vertex attributes. */
  private bind(): void {
    const gl = this.gl
    const p = this.program
    gl.bindVertexArray(this.vao)
    if (this.uploaded === p.bufferGeneration && this.uploadedCapacity === p.capacity) return
    const perItem = this.layout.texelsPerItem
    const texels = Math.max(1, p.capacity * perItem)
    const rows = Math.ceil(texels / WIDTH)
    const data = this.itemWords(texels)
    const active = gl.getParameter(gl.ACTIVE_TEXTURE) as number
    gl.activeTexture(gl.TEXTURE0 + UNIT)
    if (!this.texture || rows !== this.rows) {
      if (this.texture) gl.deleteTexture(this.texture)
      this.texture = gl.createTexture()
      gl.bindTexture(gl.TEXTURE_2D, this.texture)
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32UI, WIDTH, rows)
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
      this.rows = rows
    } else gl.bindTexture(gl.TEXTURE_2D, this.texture)
    const full = Math.floor(texels / WIDTH)
    if (full > 0)
      gl.texSubImage2D(
        gl.TEXTURE_2D,
        0,
        0,
        0,
        WIDTH,
        full,
        gl.RGBA_INTEGER,
        gl.UNSIGNED_INT,
        data,
        0,
      )
    const rest = texels - full * WIDTH
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
        full * WIDTH * 4,
      )
    gl.activeTexture(active)
    this.uploaded = p.bufferGeneration
    this.uploadedCapacity = p.capacity
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
    for (const info of [this.original.normal, this.original.pick])
      if (info && info !== this.program.normalProgram && info !== this.program.pickProgram) {
        gl.deleteProgram(info.program)
        gl.deleteShader(info.vertexShader)
        gl.deleteShader(info.fragmentShader)
        gl.deleteBuffer(info.buffer)
        if (info.constantBuffer instanceof WebGLBuffer) gl.deleteBuffer(info.constantBuffer)
      }
    if (this.texture) gl.deleteTexture(this.texture)
    if (this.vao) gl.deleteVertexArray(this.vao)
    this.texture = null
  }
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
    try {
      seen.set(program, new FlatProgram(program))
      modes[kind] = 'flat'
    } catch (e) {
      seen.set(program, null)
      const reason = e instanceof Error ? e.message : String(e)
      modes[kind] = `instanced: ${reason}`
      onFallback(kind, reason)
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
