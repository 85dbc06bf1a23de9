import { describe, expect, it } from 'vitest'
import {
  NotFlattenable,
  flatLayout,
  flatVertexShader,
  itemCorners,
  withPickingMode,
  type InstancedLayout,
} from '../../../../src/renderer/src/views/graph/flat-shader'

const FLOAT = 0x1406
const UNSIGNED_BYTE = 0x1401
const TRIANGLES = 4
const TRIANGLE_STRIP = 5

/** sigma 4.0.4's straight-edge program, as the view builds it (read from a live page). */
const edgeProgram: InstancedLayout = {
  ATTRIBUTES: [
    { name: 'a_edgeIndex', size: 1, type: FLOAT },
    { name: 'a_color', size: 4, type: UNSIGNED_BYTE, normalized: true },
    { name: 'a_id', size: 4, type: UNSIGNED_BYTE, normalized: true },
    { name: 'a_opacity', size: 1, type: FLOAT },
  ],
  CONSTANT_ATTRIBUTES: [
    { name: 'a_zone', size: 1, type: FLOAT },
    { name: 'a_zoneT', size: 1, type: FLOAT },
    { name: 'a_side', size: 1, type: FLOAT },
  ],
  CONSTANT_DATA: [
    [1, 0, -1],
    [1, 0, 1],
    [1, 1, -1],
    [1, 1, 1],
  ],
  VERTICES: 4,
  METHOD: TRIANGLE_STRIP,
}

const edgeShader = `#version 300 es
// Constant attributes (per vertex)
in float a_zone;
in float a_zoneT;
in float a_side;
in float a_edgeIndex;   // Index into edge data texture
in vec4 a_color;        // Edge color
in vec4 a_id;           // Edge ID for picking
in float a_opacity;     // Edge opacity
uniform mat3 u_matrix;
out vec4 v_color;
void main() {
  v_color = a_color * a_opacity;
  gl_Position = vec4(a_zone, a_zoneT, a_side, a_edgeIndex);
}
`

describe('itemCorners: the triangles of one item', () => {
  it('splits a strip into its triangles, a list stays as it is', () => {
    expect(itemCorners(TRIANGLE_STRIP, 4)).toEqual([0, 1, 2, 2, 1, 3])
    expect(itemCorners(TRIANGLE_STRIP, 5)).toEqual([0, 1, 2, 2, 1, 3, 2, 3, 4])
    expect(itemCorners(TRIANGLES, 6)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('refuses what is not triangles', () => {
    expect(() => itemCorners(0 /* POINTS */, 1)).toThrow(NotFlattenable)
    expect(() => itemCorners(TRIANGLES, 4)).toThrow(NotFlattenable)
  })
})

describe('flatLayout: where each attribute is read', () => {
  it("follows sigma's packing: one slot per float, one per 4-byte colour", () => {
    const l = flatLayout(edgeProgram)
    expect(l.items.map((a) => [a.name, a.slot, a.packed])).toEqual([
      ['a_edgeIndex', 0, false],
      ['a_color', 1, true],
      ['a_id', 2, true],
      ['a_opacity', 3, false],
    ])
    expect(l.slotsPerItem).toBe(4)
    expect(l.texelsPerItem).toBe(1)
    expect(l.constants.find((c) => c.name === 'a_side')!.values).toEqual([[-1], [1], [-1], [1]])
    expect(l.constants.find((c) => c.name === 'a_zoneT')!.values).toEqual([[0], [0], [1], [1]])
  })

  it('spreads an item over more texels past four slots', () => {
    const l = flatLayout({
      ...edgeProgram,
      ATTRIBUTES: [...edgeProgram.ATTRIBUTES, { name: 'a_extra', size: 2, type: FLOAT }],
    })
    expect(l.slotsPerItem).toBe(6)
    expect(l.texelsPerItem).toBe(2)
  })

  it('refuses attribute types sigma does not pack', () => {
    expect(() =>
      flatLayout({
        ...edgeProgram,
        ATTRIBUTES: [{ name: 'a_x', size: 2, type: UNSIGNED_BYTE, normalized: true }],
      }),
    ).toThrow(NotFlattenable)
  })
})

describe('flatVertexShader: the same shader reading its attributes itself', () => {
  const out = flatVertexShader(edgeShader, flatLayout(edgeProgram))

  it('turns every attribute into a global, and leaves the rest of the shader alone', () => {
    expect(out).not.toMatch(/^\s*in\s/m)
    for (const a of ['float a_zone;', 'vec4 a_color;', 'vec4 a_id;', 'float a_opacity;'])
      expect(out).toContain(a)
    expect(out).toContain('v_color = a_color * a_opacity;')
    expect(out.startsWith('#version 300 es\n')).toBe(true)
  })

  it('reads the attributes first thing in main, from the item and the corner', () => {
    expect(out).toMatch(/void main\(\) \{\n {2}dx_readAttributes\(\);/)
    expect(out).toContain('const int DX_CORNERS[6] = int[](0, 1, 2, 2, 1, 3);')
    expect(out).toContain('int texel = (u_dxFirst + gl_VertexID / 6) * 1;')
    expect(out).toContain('a_edgeIndex = uintBitsToFloat(dx0.x);')
    expect(out).toContain('a_opacity = uintBitsToFloat(dx0.w);')
    // the colour's bytes in memory order: red is the lowest byte of the little-endian word
    expect(out).toContain(
      'a_color = vec4(float(dx0.y & 255u), float((dx0.y >> 8) & 255u), float((dx0.y >> 16) & 255u), float(dx0.y >> 24)) * (1.0 / 255.0);',
    )
    expect(out).toContain('const float DX_a_side[4] = float[](-1.0, 1.0, -1.0, 1.0);')
    expect(out).toContain('a_side = DX_a_side[corner];')
  })

  it('reads only the attributes the shader declares', () => {
    const partial = flatVertexShader(
      edgeShader.replace('in vec4 a_id;', ''),
      flatLayout(edgeProgram),
    )
    expect(partial).not.toContain('a_id =')
  })

  it('refuses inputs it cannot fill', () => {
    const layout = flatLayout(edgeProgram)
    expect(() => flatVertexShader(edgeShader + '\nin int a_flags;', layout)).toThrow(
      /vertex input not understood/,
    )
    expect(() => flatVertexShader(edgeShader.replace('a_opacity;', 'a_unknown;'), layout)).toThrow(
      /a_unknown is not an attribute/,
    )
    expect(() => flatVertexShader('#version 300 es\nin float a_zone;\n', layout)).toThrow(/main/)
  })
})

describe('withPickingMode', () => {
  it('defines PICKING_MODE right after #version, as sigma does', () => {
    expect(withPickingMode('#version 300 es\nvoid main() {}')).toBe(
      '#version 300 es\n#define PICKING_MODE\nvoid main() {}',
    )
  })
})
