// A spillover cell's edges: the week's edges whose holder and issuer carry the cell's labels, at
// the category or the sector level, summing to the cell.
import { describe, expect, it } from 'vitest'
import { cellEdges, heatShare } from '../../../../src/renderer/src/views/dashboard/cells'
import { smallUniverse, smallWeek } from '../graph/fixture'

const u = smallUniverse()
const w = smallWeek()

describe('spillover cell → edges', () => {
  it('matches holder and issuer categories', () => {
    // A (Lending) → B (CEX)
    expect(cellEdges(u, w, 'category', 'Lending', 'CEX')).toEqual({
      edges: [{ source: 'A', target: 'B', weight: 1e6 }],
      total: 1e6,
    })
    // the direction matters: nothing is held by a CEX in Lending
    expect(cellEdges(u, w, 'category', 'CEX', 'Lending').edges).toEqual([])
    // a token without metadata is "Unknown", as the engine labels it
    expect(cellEdges(u, w, 'category', 'Lending', 'Unknown').edges).toEqual([
      { source: 'A', target: 'T', weight: 5e7 },
    ])
  })

  it('matches coarse sectors, where several categories meet', () => {
    // B (CEX) and C (Dexes) are both Trading & Exchanges: B → C is within the sector
    const r = cellEdges(u, w, 'sector', 'Trading & Exchanges', 'Trading & Exchanges')
    expect(r.edges.map((e) => `${e.source}→${e.target}`)).toEqual(['B→C'])
    expect(r.total).toBe(1e8)
    // every edge lands in exactly one sector cell
    const sectors = u.sectors
    let sum = 0
    let edges = 0
    for (const a of sectors)
      for (const b of sectors) {
        const c = cellEdges(u, w, 'sector', a, b)
        sum += c.total
        edges += c.edges.length
      }
    expect(edges).toBe(w.edgeSource.length)
    expect(sum).toBe(w.edgeWeight.reduce((a, x) => a + x, 0))
  })

  it('leaves out edges without a positive weight (the engine does) and unknown labels', () => {
    const zero = { ...w, edgeWeight: Float64Array.from([0, 1e8, 1e3, 5e7]) }
    expect(cellEdges(u, zero, 'category', 'Lending', 'CEX').edges).toEqual([])
    expect(cellEdges(u, w, 'category', 'Nowhere', 'CEX')).toEqual({ edges: [], total: 0 })
  })
})

describe('heat ramp', () => {
  it('is log-scaled between a faint floor and the largest cell', () => {
    expect(heatShare(0, 100)).toBe(0)
    expect(heatShare(100, 100)).toBe(1)
    expect(heatShare(1e-9, 100)).toBe(0.04)
    // a cell a thousandth of the largest is still visible, half-way up the ramp
    expect(heatShare(0.1, 100)).toBeCloseTo(0.5, 6)
    expect(heatShare(10, 100)).toBeGreaterThan(heatShare(1, 100))
  })
})
