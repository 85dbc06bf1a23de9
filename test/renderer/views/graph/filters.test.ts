// The graph explorer's filter pipeline, step by step, on a five-node universe.
import { describe, expect, it } from 'vitest'
import {
  applyFilters,
  isFiltered,
  logHistogram,
  NO_FILTERS,
} from '../../../../src/renderer/src/views/graph/filters'
import { smallUniverse, smallWeek } from './fixture'

const u = smallUniverse()
const w = smallWeek()
const kept = (a: Uint8Array) => [...a].flatMap((v, i) => (v ? [i] : []))

describe('filter pipeline', () => {
  it('keeps every node of the week (and only those) without filters', () => {
    const r = applyFilters(u, w, NO_FILTERS)
    expect(kept(r.nodeKeep)).toEqual([0, 1, 2, 4]) // D (3) is absent this week
    expect(kept(r.edgeKeep)).toEqual([0, 1, 2, 3])
    expect(r.steps).toEqual([{ step: 'attributes', nodes: 4, edges: 4 }])
    expect(isFiltered(NO_FILTERS)).toBe(false)
  })

  it('filters by category, kind and TVL, dropping the edges of removed nodes', () => {
    const byCat = applyFilters(u, w, { ...NO_FILTERS, categories: ['Lending', 'CEX'] })
    expect(kept(byCat.nodeKeep)).toEqual([0, 1])
    expect(kept(byCat.edgeKeep)).toEqual([0]) // only A → B has both ends kept
    const tokens = applyFilters(u, w, { ...NO_FILTERS, kind: 'token' })
    expect(kept(tokens.nodeKeep)).toEqual([4])
    expect(kept(tokens.edgeKeep)).toEqual([])
    const big = applyFilters(u, w, { ...NO_FILTERS, tvl: [1e9, Infinity] })
    expect(kept(big.nodeKeep)).toEqual([0, 1, 4])
  })

  it('filters edges by exposure range and reports each step', () => {
    const r = applyFilters(u, w, { ...NO_FILTERS, exposure: [1e4, 1e7], hideIsolated: true })
    expect(kept(r.edgeKeep)).toEqual([0]) // 1e6 only; 5e7 and 1e8 above, 1e3 below
    expect(kept(r.nodeKeep)).toEqual([0, 1]) // isolated C and T hidden
    expect(r.steps.map((s) => s.step)).toEqual(['attributes', 'exposure', 'isolated'])
    expect(r.steps.map((s) => [s.nodes, s.edges])).toEqual([
      [4, 4],
      [4, 1],
      [2, 1],
    ])
  })

  it('builds ego networks by direction and depth', () => {
    const out1 = applyFilters(u, w, {
      ...NO_FILTERS,
      ego: { node: 'A', depth: 1, direction: 'out' },
    })
    expect(kept(out1.nodeKeep)).toEqual([0, 1, 4]) // A is exposed to B and T
    const in1 = applyFilters(u, w, { ...NO_FILTERS, ego: { node: 'A', depth: 1, direction: 'in' } })
    expect(kept(in1.nodeKeep)).toEqual([0, 2]) // C holds A's tokens
    const out2 = applyFilters(u, w, {
      ...NO_FILTERS,
      ego: { node: 'A', depth: 2, direction: 'out' },
    })
    expect(kept(out2.nodeKeep)).toEqual([0, 1, 2, 4]) // A → B → C
    expect(kept(out2.edgeKeep)).toEqual([0, 1, 2, 3])
    const absent = applyFilters(u, w, {
      ...NO_FILTERS,
      ego: { node: 'D', depth: 3, direction: 'both' },
    })
    expect(kept(absent.nodeKeep)).toEqual([])
  })

  it('draws log histograms of all and kept values', () => {
    const h = logHistogram(w.edgeWeight, Uint8Array.from([1, 0, 1, 0]), 5)
    expect(h.all.reduce((a, b) => a + b, 0)).toBe(4)
    expect(h.kept.reduce((a, b) => a + b, 0)).toBe(2)
    expect(h.edges).toHaveLength(6)
    expect(h.edges[0]).toBeCloseTo(1e3, 6)
    expect(h.edges[5]).toBeCloseTo(1e8, 0)
    expect(h.all[0]).toBe(1) // 1e3 in the first bin
    expect(h.all[4]).toBe(2) // 5e7 and 1e8 share the last decade
  })
})
