import { describe, expect, it } from 'vitest'
import { covers } from '../../../../src/renderer/src/views/graph/node-cache'

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
