import { describe, expect, it } from 'vitest'
import {
  addPosition,
  removePosition,
  type DepthRanges,
  type Fragment,
} from '../../../../src/renderer/src/views/graph/depth-ranges'

/** The sorted, joined fragments of a set of positions: what the ranges must always be. */
function fragmentsOf(positions: Set<number>): Fragment[] {
  const out: Fragment[] = []
  for (const p of [...positions].sort((a, b) => a - b)) {
    const last = out.at(-1)
    if (last && last.offset + last.count === p) last.count++
    else out.push({ offset: p, count: 1 })
  }
  return out
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('depth ranges: positions moved between depths by binary search', () => {
  it('splits, trims and drops fragments on removal, joins them on addition', () => {
    const r: DepthRanges = { edges: [{ offset: 0, count: 10 }] }
    removePosition(r, 'edges', 4)
    expect(r.edges).toEqual([
      { offset: 0, count: 4 },
      { offset: 5, count: 5 },
    ])
    removePosition(r, 'edges', 0)
    removePosition(r, 'edges', 9)
    expect(r.edges).toEqual([
      { offset: 1, count: 3 },
      { offset: 5, count: 4 },
    ])
    addPosition(r, 'edges', 4)
    expect(r.edges).toEqual([{ offset: 1, count: 8 }])
    addPosition(r, 'top', 4)
    expect(r.top).toEqual([{ offset: 4, count: 1 }])
    removePosition(r, 'top', 4)
    expect(r.top).toEqual([])
  })

  it('leaves the ranges alone for a position they do not hold, or a depth they lack', () => {
    const r: DepthRanges = {
      edges: [
        { offset: 2, count: 2 },
        { offset: 8, count: 1 },
      ],
    }
    const before = structuredClone(r)
    removePosition(r, 'edges', 0)
    removePosition(r, 'edges', 5)
    removePosition(r, 'edges', 20)
    removePosition(r, 'nodes', 3)
    expect(r).toEqual(before)
  })

  it('keeps every depth the sorted, joined fragments of its positions through random moves', () => {
    const next = random(42)
    const n = 2_000
    const depths = ['edges', 'topEdges', 'edgesLate']
    const held = depths.map(() => new Set<number>())
    const r: DepthRanges = { edges: [{ offset: 0, count: n }] }
    for (let p = 0; p < n; p++) held[0].add(p)
    const depthOf = new Int8Array(n)
    for (let step = 0; step < 20_000; step++) {
      const p = Math.floor(next() * n)
      const from = depthOf[p]
      const to = (from + 1 + Math.floor(next() * 2)) % depths.length
      removePosition(r, depths[from], p)
      addPosition(r, depths[to], p)
      held[from].delete(p)
      held[to].add(p)
      depthOf[p] = to
      if (step % 997 === 0)
        depths.forEach((d, k) => expect(r[d] ?? []).toEqual(fragmentsOf(held[k])))
    }
    depths.forEach((d, k) => expect(r[d] ?? []).toEqual(fragmentsOf(held[k])))
    expect(held[1].size + held[2].size).toBeGreaterThan(500)
  })
})
