import { describe, expect, it } from 'vitest'
import {
  buildEdgeSet,
  byExposure,
  cssOfPacked,
  EdgeItems,
  EdgeOrigin,
  edgesOf,
  itemChanges,
  packColor,
  sameBytes,
  parseColor,
  uniformRgb,
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

  it('copies another list', () => {
    const a = new EdgeItems()
    for (let k = 0; k < 40; k++) a.push(k, k, k + 2, 7 * k, k / 8)
    const b = new EdgeItems(2)
    b.push(99, 1, 2, 3, 4)
    b.copyFrom(a)
    expect(b.equals(a)).toBe(true)
  })
})

describe('itemChanges', () => {
  type Item = [edge: number, source: number, target: number, color: number, width: number]
  const list = (items: Item[]): EdgeItems => {
    const l = new EdgeItems()
    for (const i of items) l.push(...i)
    return l
  }
  const rows = (l: EdgeItems): Item[] =>
    Array.from({ length: l.count }, (_, k): Item => {
      const o = k * 4
      return [l.edge[k], l.data[o], l.data[o + 1], l.data[o + 2], l.width(k)]
    })
  const key = (i: Item): string => i.join(',')

  it('lists the items that came and went, a changed look as both, whatever the order', () => {
    const before = list([
      [0, 1, 2, 100, 1],
      [1, 2, 3, 100, 1],
      [2, 3, 4, 100, 1],
      [3, 4, 5, 100, 1],
    ])
    const after = list([
      [3, 4, 5, 100, 1], // kept (moved in the list)
      [5, 6, 7, 100, 1], // came
      [0, 1, 2, 100, 2], // wider: went and came
      [1, 2, 3, 100, 1], // kept
    ])
    const added = new EdgeItems()
    const removed = new EdgeItems()
    expect(itemChanges(before, after, added, removed)).toBe(true)
    expect(rows(added).map(key).sort()).toEqual(['0,1,2,100,2', '5,6,7,100,1'])
    expect(rows(removed).map(key).sort()).toEqual(['0,1,2,100,1', '2,3,4,100,1'])
  })

  it('agrees with a multiset difference on random lists', () => {
    let seed = 7
    const rand = (n: number): number => (((seed = (seed * 16807) % 2147483647) % n) + n) % n
    for (let trial = 0; trial < 50; trial++) {
      const pick = (): Item[] => {
        const edges = [...new Set(Array.from({ length: rand(60) }, () => rand(80)))]
        return edges.map((e): Item => [e, e, e + 1, 100 + rand(3), 1 + rand(2)])
      }
      const [a, b] = [pick(), pick()]
      const added = new EdgeItems()
      const removed = new EdgeItems()
      expect(itemChanges(list(a), list(b), added, removed)).toBe(true)
      const inA = new Set(a.map(key))
      const inB = new Set(b.map(key))
      expect(rows(added).map(key).sort()).toEqual(
        b
          .map(key)
          .filter((k) => !inA.has(k))
          .sort(),
      )
      expect(rows(removed).map(key).sort()).toEqual(
        a
          .map(key)
          .filter((k) => !inB.has(k))
          .sort(),
      )
      // applying the changes to `a` gives `b`
      const applied = new Set([...inA].filter((k) => !rows(removed).map(key).includes(k)))
      for (const k of rows(added).map(key)) applied.add(k)
      expect([...applied].sort()).toEqual([...inB].sort())
    }
  })

  it('refuses lists that name an edge twice', () => {
    const twice = list([
      [1, 1, 2, 100, 1],
      [1, 1, 2, 100, 1],
    ])
    const once = list([[1, 1, 2, 100, 1]])
    expect(itemChanges(twice, once, new EdgeItems(), new EdgeItems())).toBe(false)
    expect(itemChanges(once, twice, new EdgeItems(), new EdgeItems())).toBe(false)
  })
})

describe('uniformRgb', () => {
  it('is the one RGB of a list whose items differ only in alpha, else null', () => {
    const l = new EdgeItems()
    l.push(0, 0, 1, packColor('#d1495b', 0.7), 1)
    l.push(1, 1, 2, packColor('#d1495b', 1), 2)
    expect(uniformRgb(l)).toBe(packColor('#d1495b', 0) & 0xffffff)
    l.push(2, 2, 3, packColor('#2a9d5c', 1), 2)
    expect(uniformRgb(l)).toBeNull()
    expect(uniformRgb(new EdgeItems())).toBeNull()
  })
})

describe('sameBytes', () => {
  it('compares length and every byte', () => {
    expect(sameBytes(Uint8Array.of(1, 0, 1), Uint8Array.of(1, 0, 1))).toBe(true)
    expect(sameBytes(Uint8Array.of(1, 0, 1), Uint8Array.of(1, 0, 0))).toBe(false)
    expect(sameBytes(Uint8Array.of(1, 0), Uint8Array.of(1, 0, 0))).toBe(false)
    expect(sameBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })
})
