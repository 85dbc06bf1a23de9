import { describe, expect, it } from 'vitest'
import { covers, partOf } from '../../../../src/renderer/src/views/graph/node-cache'

const r = (offset: number, count: number) => ({ offset, count })

describe('covers: whether the cached node layer holds every node now at its depth', () => {
  it('holds a depth that lost nodes to the top (a hover splits the range)', () => {
    expect(covers([r(0, 100)], [r(0, 10), r(11, 40), r(52, 48)])).toBe(true)
  })

  it('lacks a node that was on top when the layer was drawn and is back', () => {
    expect(covers([r(0, 10), r(11, 89)], [r(0, 100)])).toBe(false)
    expect(covers([r(0, 10), r(11, 89)], [r(0, 10), r(11, 89)])).toBe(true)
  })

  it('joins adjacent fragments, and ignores empty ranges', () => {
    expect(covers([r(0, 5), r(5, 5)], [r(2, 6)])).toBe(true)
    expect(covers([r(0, 5), r(6, 5)], [r(2, 6)])).toBe(false)
    expect(covers([], [r(3, 0)])).toBe(true)
    expect(covers([r(0, 3)], [r(0, 4)])).toBe(false)
  })

  it('lacks positions past the layer, or before it', () => {
    expect(covers([r(10, 10)], [r(5, 3)])).toBe(false)
    expect(covers([r(10, 10)], [r(15, 10)])).toBe(false)
  })
})

describe('partOf: the buffer positions of a part of the nodes at a depth', () => {
  const r = (offset: number, count: number) => ({ offset, count })
  const ranges = [r(0, 10), r(11, 40), r(0, 0), r(52, 48)]

  it('counts nodes across the ranges in order, skipping gaps and empty ranges', () => {
    expect(partOf(ranges, 0, 5)).toEqual([r(0, 5)])
    expect(partOf(ranges, 5, 15)).toEqual([r(5, 5), r(11, 5)])
    expect(partOf(ranges, 45, 60)).toEqual([r(46, 5), r(52, 10)])
    expect(partOf(ranges, 90, 200)).toEqual([r(92, 8)])
    expect(partOf(ranges, 98, 200)).toEqual([])
  })

  it('gives every node once when the parts are put together', () => {
    const seen: number[] = []
    for (let from = 0; from < 98; from += 7)
      for (const p of partOf(ranges, from, from + 7))
        for (let k = 0; k < p.count; k++) seen.push(p.offset + k)
    const all = ranges.flatMap((x) => Array.from({ length: x.count }, (_, k) => x.offset + k))
    expect(seen).toEqual(all)
  })
})
