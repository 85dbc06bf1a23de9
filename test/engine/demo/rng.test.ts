// The demo's seeded PRNG: fixed sequences per seed (the demo archive depends on them) and sane
// distributions.
import { describe, expect, it } from 'vitest'
import { pickCumulative, Rng } from '../../../src/engine/demo/rng'

describe('Rng (xoshiro128** seeded by splitmix32)', () => {
  it('repeats a seed exactly and separates seeds and streams', () => {
    const seq = (seed: number, stream = 0) => {
      const r = new Rng(seed, stream)
      return Array.from({ length: 8 }, () => r.u32())
    }
    expect(seq(42)).toEqual(seq(42))
    expect(seq(42)).not.toEqual(seq(43))
    expect(seq(42, 0)).not.toEqual(seq(42, 1))
    // seeds above 2^32 use their high bits too
    expect(seq(2 ** 32 + 5)).not.toEqual(seq(5))
    for (const v of seq(0)) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true)
  })

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const r = new Rng(1)
    let sum = 0
    let sq = 0
    let min = 1
    let max = 0
    const n = 200_000
    for (let i = 0; i < n; i++) {
      const u = r.next()
      min = Math.min(min, u)
      max = Math.max(max, u)
      const z = r.normal()
      sum += z
      sq += z * z
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
    expect(Math.abs(sum / n)).toBeLessThan(0.01)
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.02)
  })

  it('picks indexes in proportion to cumulative weights', () => {
    const r = new Rng(3)
    const cum = Float64Array.from([1, 1, 4, 10]) // weights 1, 0, 3, 6
    const hits = [0, 0, 0, 0]
    for (let i = 0; i < 100_000; i++) hits[pickCumulative(r, cum)]++
    expect(hits[1]).toBe(0)
    expect(hits[0] / 1e5).toBeCloseTo(0.1, 1)
    expect(hits[2] / 1e5).toBeCloseTo(0.3, 1)
    expect(hits[3] / 1e5).toBeCloseTo(0.6, 1)
  })
})
