// The vertex shader of a sigma instanced program rewritten to draw without instancing: each item's
// quad becomes `corners.length` vertices of one plain `drawArrays(TRIANGLES)`, and the shader's
// attributes become globals read at the start of `main` — the per-item ones from sigma's own item
// buffer (uploaded as an integer texture, one item per `texelsPerItem` texels) by
// `gl_VertexID / corners.length`, the per-vertex constants from GLSL arrays by the corner. The
// rest of the shader, and the fragment shader, stay sigma's: the picture is the same.
// Pure text and arithmetic, so it is unit-tested without WebGL (flat-draw.ts does the GL side).

/** An attribute as sigma 4 declares it (program.ts: ATTRIBUTES, CONSTANT_ATTRIBUTES). */
export interface AttributeSpec {
  name: string
  size: number
  type: number
  normalized?: boolean
}

/** What of a sigma instanced program the rewrite reads. */
export interface InstancedLayout {
  ATTRIBUTES: AttributeSpec[]
  CONSTANT_ATTRIBUTES: AttributeSpec[]
  CONSTANT_DATA: number[][]
  VERTICES: number
  METHOD: number
}

const GL_FLOAT = 0x1406
const GL_UNSIGNED_BYTE = 0x1401
const GL_TRIANGLES = 0x0004
const GL_TRIANGLE_STRIP = 0x0005

/** The plan of a rewrite: where each attribute's value comes from. */
export interface FlatLayout {
  /** The program's vertex (0 … VERTICES − 1) behind each vertex of an item's triangles. */
  corners: number[]
  /** 32-bit slots of one item in sigma's buffer, and the RGBA32UI texels they take. */
  slotsPerItem: number
  texelsPerItem: number
  /** Per-item attributes: their first slot, and whether they are 4 bytes packed in one slot. */
  items: { name: string; slot: number; size: number; packed: boolean }[]
  /** Per-vertex constants: one value (of `size` floats) per program vertex. */
  constants: { name: string; size: number; values: number[][] }[]
}

/** Why a program cannot be drawn flat (it is then drawn by sigma, instanced). */
export class NotFlattenable extends Error {}

/** The triangles of one item, as program vertices, for sigma's draw method. */
export function itemCorners(method: number, vertices: number): number[] {
  if (method === GL_TRIANGLES && vertices % 3 === 0)
    return Array.from({ length: vertices }, (_, i) => i)
  if (method === GL_TRIANGLE_STRIP && vertices >= 3) {
    const out: number[] = []
    // a strip's odd triangles run the other way round; keeping the winding changes nothing drawn
    // here (no culling) but keeps the triangles those of the strip
    for (let i = 0; i + 2 < vertices; i++)
      out.push(...(i % 2 === 0 ? [i, i + 1, i + 2] : [i + 1, i, i + 2]))
    return out
  }
  throw new NotFlattenable(`draw method 0x${method.toString(16)} with ${vertices} vertices`)
}

/** Where each attribute of `program` is read from, following sigma's packing (program.ts:
 * non-normalised FLOATs take one slot each, normalised 4-byte colours one slot together). */
export function flatLayout(program: InstancedLayout): FlatLayout {
  const corners = itemCorners(program.METHOD, program.VERTICES)
  const items: FlatLayout['items'] = []
  let slot = 0
  for (const a of program.ATTRIBUTES) {
    const packed = a.type === GL_UNSIGNED_BYTE && a.size === 4 && !!a.normalized
    if (!packed && !(a.type === GL_FLOAT && !a.normalized))
      throw new NotFlattenable(`attribute ${a.name}: type 0x${a.type.toString(16)}`)
    items.push({ name: a.name, slot, size: a.size, packed })
    slot += packed ? 1 : a.size
  }
  const constants: FlatLayout['constants'] = []
  let at = 0
  for (const a of program.CONSTANT_ATTRIBUTES) {
    if (a.type !== GL_FLOAT || a.normalized)
      throw new NotFlattenable(`constant attribute ${a.name}: type 0x${a.type.toString(16)}`)
    if (program.CONSTANT_DATA.length !== program.VERTICES)
      throw new NotFlattenable(`constant data for ${program.CONSTANT_DATA.length} vertices`)
    constants.push({
      name: a.name,
      size: a.size,
      values: program.CONSTANT_DATA.map((row) => row.slice(at, at + a.size)),
    })
    at += a.size
  }
  return { corners, slotsPerItem: slot, texelsPerItem: Math.ceil(slot / 4), items, constants }
}

const TYPES: Record<number, string> = { 1: 'float', 2: 'vec2', 3: 'vec3', 4: 'vec4' }

function glslFloat(x: number): string {
  if (!Number.isFinite(x)) throw new NotFlattenable(`constant ${x}`)
  const s = String(x)
  return /[.e]/.test(s) ? s : `${s}.0`
}

function glslValue(v: number[]): string {
  return v.length === 1 ? glslFloat(v[0]) : `${TYPES[v.length]}(${v.map(glslFloat).join(', ')})`
}

const COMPONENTS = ['x', 'y', 'z', 'w']

/** Uniforms the rewritten shader adds (set by flat-draw.ts). */
export const FLAT_UNIFORMS = {
  items: 'u_dxItems',
  width: 'u_dxItemsWidth',
  first: 'u_dxFirst',
} as const

/** `source` (a sigma vertex shader) drawing without instancing along `layout`. */
export function flatVertexShader(source: string, layout: FlatLayout): string {
  const declared = new Map<string, string>()
  const attribute = /^([ \t]*)in[ \t]+(float|vec2|vec3|vec4)[ \t]+(a_\w+)[ \t]*;/gm
  const rewritten = source.replace(attribute, (_m, indent: string, type: string, name: string) => {
    declared.set(name, type)
    return `${indent}${type} ${name};`
  })
  // an input the rewrite does not know (another type, a qualifier) would be left undefined
  const stray = /^[ \t]*(?:layout\s*\([^)]*\)\s*)?in[ \t]+[^;]*;/m.exec(rewritten)
  if (stray) throw new NotFlattenable(`vertex input not understood: ${stray[0].trim()}`)
  const known = new Set([
    ...layout.items.map((a) => a.name),
    ...layout.constants.map((a) => a.name),
  ])
  for (const name of declared.keys())
    if (!known.has(name)) throw new NotFlattenable(`vertex input ${name} is not an attribute`)
  const n = layout.corners.length
  const lines = [
    `uniform highp usampler2D ${FLAT_UNIFORMS.items};`,
    `uniform int ${FLAT_UNIFORMS.width};`,
    `uniform int ${FLAT_UNIFORMS.first};`,
    `const int DX_CORNERS[${n}] = int[](${layout.corners.join(', ')});`,
  ]
  for (const c of layout.constants)
    if (declared.has(c.name)) {
      const type = TYPES[c.size]
      lines.push(
        `const ${type} DX_${c.name}[${c.values.length}] = ${type}[](${c.values.map(glslValue).join(', ')});`,
      )
    }
  lines.push('void dx_readAttributes() {')
  lines.push(`  int corner = DX_CORNERS[gl_VertexID % ${n}];`)
  lines.push(
    `  int texel = (${FLAT_UNIFORMS.first} + gl_VertexID / ${n}) * ${layout.texelsPerItem};`,
  )
  for (let t = 0; t < layout.texelsPerItem; t++)
    lines.push(
      `  uvec4 dx${t} = texelFetch(${FLAT_UNIFORMS.items}, ivec2((texel + ${t}) % ${FLAT_UNIFORMS.width}, (texel + ${t}) / ${FLAT_UNIFORMS.width}), 0);`,
    )
  const slot = (s: number): string => `dx${Math.floor(s / 4)}.${COMPONENTS[s % 4]}`
  for (const a of layout.items) {
    const type = declared.get(a.name)
    if (!type) continue
    if (a.packed) {
      if (type !== 'vec4') throw new NotFlattenable(`${a.name} is packed bytes but ${type}`)
      const s = slot(a.slot)
      // bytes in memory order: the first (red) is the lowest of the little-endian word; times
      // 1/255 as the vertex fetch of normalised bytes does it here (a division rounds otherwise:
      // ~1 % of a real-scale week's pixels came out 1–23 levels off)
      lines.push(
        `  ${a.name} = vec4(float(${s} & 255u), float((${s} >> 8) & 255u), float((${s} >> 16) & 255u), float(${s} >> 24)) * (1.0 / 255.0);`,
      )
    } else {
      if (type !== TYPES[a.size])
        throw new NotFlattenable(`${a.name}: ${a.size} floats but ${type}`)
      const parts = Array.from({ length: a.size }, (_, k) => `uintBitsToFloat(${slot(a.slot + k)})`)
      lines.push(`  ${a.name} = ${a.size === 1 ? parts[0] : `${type}(${parts.join(', ')})`};`)
    }
  }
  for (const c of layout.constants)
    if (declared.has(c.name)) lines.push(`  ${c.name} = DX_${c.name}[corner];`)
  lines.push('}')
  const main = /void[ \t]+main[ \t]*\([ \t]*\)[ \t\n]*\{/.exec(rewritten)
  if (!main) throw new NotFlattenable('no main()')
  return (
    rewritten.slice(0, main.index) +
    lines.join('\n') +
    '\n' +
    main[0] +
    '\n  dx_readAttributes();' +
    rewritten.slice(main.index + main[0].length)
  )
}

/** `source` with `#define PICKING_MODE` after its `#version` line, as sigma builds its picking
 * programs (program.ts: insertPickingModeDefine). */
export function withPickingMode(source: string): string {
  const version = /^(#version[^\n]*\n)/.exec(source)
  return version
    ? version[1] + '#define PICKING_MODE\n' + source.slice(version[1].length)
    : '#define PICKING_MODE\n' + source
}
