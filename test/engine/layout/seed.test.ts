// Seeding: near the placed neighbours, else on the disc; the same id always draws the same
// jitter; nodes without edges go on a ring outside the core.
import { describe, expect, it } from 'vitest'
import { discPoint, extent, placeOnRing, seedPositions } from '../../../src/engine/layout/seed'
import type { UnionEdges } from '../../../src/engine/layout/universe'

const edges = (pairs: [number, number][]): UnionEdges => ({
  a: Int32Array.from(pairs, (p) => p[0]),
  b: Int32Array.from(pairs, (p) => p[1]),
  weight: new Float32Array(pairs.length).fill(1),
})

describe('seedPositions', () => {
  it('puts a new node near the mean of its placed neighbours, a lone one on the disc', () => {
    const ids = ['a', 'b', 'c', 'new', 'lone']
    const x = Float32Array.of(0, 100, 50, 0, 0)
    const y = Float32Array.of(0, 0, 100, 0, 0)
    const placed = Uint8Array.of(1, 1, 1, 0, 0)
    const seeded = seedPositions({
      ids,
      x,
      y,
      placed,
      order: [0, 1, 2, 3, 4],
      edges: edges([
        [0, 3],
        [1, 3],
        [2, 3],
      ]),
    })
    expect(seeded).toBe(2)
    expect([...placed]).toEqual([1, 1, 1, 1, 1])
    const { radius } = extent(
      Float32Array.of(0, 100, 50),
      Float32Array.of(0, 0, 100),
      Uint8Array.of(1, 1, 1),
      3,
    )
    // the mean of its neighbours is (50, 33.3); the jitter is a fraction of the layout's radius
    expect(Math.hypot(x[3] - 50, y[3] - 100 / 3)).toBeLessThan(radius)
    expect(Math.hypot(x[3] - 50, y[3] - 100 / 3)).toBeGreaterThan(0)
    const c = extent(x, y, Uint8Array.of(1, 1, 1, 0, 0), 5)
    expect(Math.hypot(x[4] - c.cx, y[4] - c.cy)).toBeLessThanOrEqual(c.radius + 1e-3)
  })

  it('draws from the id, not from the order of the other new nodes', () => {
    const run = (order: number[]) => {
      const x = new Float32Array(3)
      const y = new Float32Array(3)
      seedPositions({
        ids: ['p', 'q', 'r'],
        x,
        y,
        placed: new Uint8Array(3),
        order,
        edges: edges([]),
      })
      return [...x, ...y]
    }
    expect(run([0, 1, 2])).toEqual(run([2, 0, 1]))
    expect(discPoint('p', 10)).toEqual(discPoint('p', 10))
    expect(discPoint('p', 10)).not.toEqual(discPoint('q', 10))
  })
})

describe('placeOnRing', () => {
  it('puts the free nodes outside the core on a ring beyond its farthest node', () => {
    const x = Float32Array.of(-10, 10, 0, 0, 0)
    const y = Float32Array.of(0, 0, 10, 0, 0)
    const core = Uint8Array.of(1, 1, 1, 0, 0)
    const fixed = Uint8Array.of(0, 0, 0, 0, 1)
    placeOnRing(['a', 'b', 'c', 'free', 'held'], x, y, core, fixed)
    const { cx, cy } = extent(x, y, core, 5)
    const far = Math.max(...[0, 1, 2].map((u) => Math.hypot(x[u] - cx, y[u] - cy)))
    const r = Math.hypot(x[3] - cx, y[3] - cy)
    expect(r).toBeGreaterThan(far)
    expect(r).toBeLessThan(far * 1.2 + 2)
    expect([x[4], y[4]]).toEqual([0, 0])
  })
})
