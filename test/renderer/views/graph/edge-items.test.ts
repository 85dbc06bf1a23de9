import { describe, expect, it } from 'vitest'
import {
  buildEdgeSet,
  byExposure,
  cssOfPacked,
  EdgeItems,
  EdgeOrigin,
  edgesOf,
  packColor,
  parseColor,
  type WeekEdges,
} from '../../../../src/renderer/src/views/graph/edge-items'

const scale = (usd: number): { size: number; opacity: number } => ({
  size: usd / 100,
  opacity: usd / 1000,
})

function week(edges: [number, number, number][]): WeekEdges {
  return {
    edgeSource: edges.map((e) => e[0]),
    edgeTarget: edges.map((e) => e[1]),
    edgeWeight: edges.map((e) => e[2]),
  }
}

describe('buildEdgeSet', () => {
  it('holds the week, then the compared week’s vanished edges, then extra edges not in the week', () => {
    const now = week([
      [0, 1, 100],
      [1, 2, 500],
      [2, 3, 80],
      [3, 0, 200],
    ])
    const before = week([
      [0, 1, 100], // unchanged
      [1, 2, 400], // grew (500 > 440)
      [2, 3, 100], // shrank (80 < 90.9)
      [2, 0, 300], // vanished
    ])
    const extra = [
      { source: 0, target: 1, width: 9, opacity: 1 }, // in the week: drawn as the week's
      { source: 3, target: 1, width: 2, opacity: 0.5 },
    ]
    const set = buildEdgeSet(4, now, scale, before, extra)
    expect(set.count).toBe(6)
    expect([...set.origin]).toEqual([
      EdgeOrigin.Week,
      EdgeOrigin.Week,
      EdgeOrigin.Week,
      EdgeOrigin.Week,
      EdgeOrigin.Vanished,
      EdgeOrigin.Extra,
    ])
    // the week's edges largest first: 1 → 2 (500), 3 → 0 (200, appeared), 0 → 1, 2 → 3
    expect([...set.ref]).toEqual([1, 3, 0, 2, 3, 1])
    expect([...set.diff]).toEqual([3, 1, 0, 4, 2, 0])
    expect([set.source[0], set.target[0]]).toEqual([1, 2])
    expect([set.source[4], set.target[4]]).toEqual([2, 0])
    expect([set.source[5], set.target[5], set.width[5]]).toEqual([3, 1, 2])
    expect(set.width[0]).toBeCloseTo(5)
    expect(set.opacity[4]).toBeCloseTo(0.3)
  })

  it('orders edges by exposure, largest first, within a quarter of a binary order of magnitude', () => {
    let seed = 11
    const weights = Array.from({ length: 5_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % 7 === 0 ? 0 : Math.exp((seed % 2_800) / 100)
    })
    const at = byExposure(weights)
    // a permutation
    expect(new Set(at).size).toBe(weights.length)
    expect(Math.min(...at)).toBe(0)
    expect(Math.max(...at)).toBe(weights.length - 1)
    const placed: number[] = []
    at.forEach((k, e) => (placed[k] = weights[e]))
    for (let k = 1; k < placed.length; k++)
      expect(Math.log2(1 + placed[k]) - Math.log2(1 + placed[k - 1])).toBeLessThan(0.25)
    // ties keep the week's order
    expect([...byExposure([5, 5, 9, 5])]).toEqual([1, 2, 0, 3])
  })

  it('lists each node’s edges, both directions, against a brute-force scan', () => {
    let seed = 7
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const n = 50
    const pairs = new Map<number, [number, number, number]>()
    while (pairs.size < 400) {
      const s = rand(n)
      const t = rand(n)
      if (s !== t) pairs.set(s * n + t, [s, t, 1 + rand(1000)])
    }
    const set = buildEdgeSet(n, week([...pairs.values()]), scale)
    for (let v = 0; v < n; v++) {
      const expected: number[] = []
      for (let e = 0; e < set.count; e++)
        if (set.source[e] === v || set.target[e] === v) expected.push(e)
      expect(edgesOf(set, v).sort((a, b) => a - b)).toEqual(expected)
    }
  })
})

describe('colours', () => {
  it('parses the CSS forms the themes and palettes use', () => {
    expect(parseColor('#6b7c93')).toEqual([107, 124, 147, 255])
    expect(parseColor('#abc')).toEqual([170, 187, 204, 255])
    expect(parseColor('#11223380')).toEqual([17, 34, 51, 128])
    expect(parseColor('rgb(1, 2, 3)')).toEqual([1, 2, 3, 255])
    expect(parseColor('rgba(10, 20, 30, 0.5)')).toEqual([10, 20, 30, 128])
    expect(parseColor('not a colour')).toEqual([153, 153, 153, 255])
  })

  it('packs a colour with an opacity and reads it back as CSS', () => {
    const c = packColor('rgba(10, 20, 30, 0.5)', 0.5)
    expect(c & 255).toBe(10)
    expect((c >>> 8) & 255).toBe(20)
    expect((c >>> 16) & 255).toBe(30)
    expect(c >>> 24).toBe(64)
    expect(cssOfPacked(packColor('#ff0000', 1))).toBe('rgba(255, 0, 0, 1.000)')
  })
})

describe('EdgeItems', () => {
  it('grows as edges are pushed and keeps each item’s edge, colour and width', () => {
    const items = new EdgeItems()
    for (let k = 0; k < 100; k++) items.push(k, k, k + 1, k * 3, k / 4)
    expect(items.count).toBe(100)
    expect([items.edge[99], items.data[99 * 4], items.data[99 * 4 + 1]]).toEqual([99, 99, 100])
    expect(items.color(42)).toBe(126)
    expect(items.width(42)).toBe(10.5)
  })

  it('tells equal lists from lists that differ in any edge, colour or width', () => {
    const fill = (change?: (k: number) => [number, number, number]): EdgeItems => {
      const items = new EdgeItems(4)
      for (let k = 0; k < 10; k++) {
        const [edge, color, width] = change?.(k) ?? [k, 1000 + k, 1.5]
        items.push(edge, k, k + 1, color, width)
      }
      return items
    }
    const a = fill()
    expect(a.equals(fill())).toBe(true)
    expect(a.equals(fill((k) => [k, k === 5 ? 1 : 1000 + k, 1.5]))).toBe(false)
    expect(a.equals(fill((k) => [k, 1000 + k, k === 9 ? 2 : 1.5]))).toBe(false)
    expect(a.equals(fill((k) => [k === 0 ? 20 : k, 1000 + k, 1.5]))).toBe(false)
    const shorter = fill()
    shorter.reset(10)
    expect(a.equals(shorter)).toBe(false)
  })
})
