// The scale USD amounts are written in, at each boundary and for negative amounts.
import { describe, expect, it } from 'vitest'
import { usdScale } from '../../src/shared/usd-scale'

describe('usdScale', () => {
  it('picks the largest scale at or below the amount, whatever its sign', () => {
    expect(usdScale(999)).toEqual([1, ''])
    expect(usdScale(1000)).toEqual([1e3, 'K'])
    expect(usdScale(1000, 'k')).toEqual([1e3, 'k'])
    expect(usdScale(999_999)).toEqual([1e3, 'K'])
    expect(usdScale(1e6)).toEqual([1e6, 'M'])
    expect(usdScale(-2.5e9)).toEqual([1e9, 'B'])
    expect(usdScale(4e12)).toEqual([1e12, 'T'])
  })
})
