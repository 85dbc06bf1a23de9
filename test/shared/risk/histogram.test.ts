// Equal-width histogram of a Monte Carlo loss sample (the stress view's chart).
import { describe, expect, it } from 'vitest'
import { histogram } from '../../../src/shared/risk/histogram'

describe('histogram', () => {
  it('counts every value once, min in the first bin and max in the last', () => {
    const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5)
    expect(h).toEqual({ from: 0, to: 10, counts: [2, 2, 2, 2, 2] })
    expect(histogram([1, 2, 2.5, 9], 4).counts).toEqual([3, 0, 0, 1])
  })

  it('puts a zero-width sample (a deterministic forecast) in one bin and skips non-finite values', () => {
    expect(histogram([3, 3, 3], 40)).toEqual({ from: 3, to: 3, counts: [3] })
    expect(histogram([NaN, 1, Infinity, 2], 2)).toEqual({ from: 1, to: 2, counts: [1, 1] })
    expect(histogram([], 10)).toEqual({ from: 0, to: 0, counts: [] })
    expect(() => histogram([1], 0)).toThrow(/bins/)
  })
})
