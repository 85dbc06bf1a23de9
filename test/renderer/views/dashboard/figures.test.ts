// The week dashboard's key figures: week-over-week changes, their wording, and the series points.
import { describe, expect, it } from 'vitest'
import {
  FIGURES,
  figureDelta,
  formatDelta,
  formatValue,
  seriesPoints,
} from '../../../../src/renderer/src/views/dashboard/figures'
import { STAT_KEYS } from '../../../../src/shared/risk/stats'

describe('key figures', () => {
  it('are statistics the engine stores (the keys of `stats --json`)', () => {
    for (const f of FIGURES) expect(STAT_KEYS as string[]).toContain(f.key)
  })

  it('change since the previous week: absolute, relative and direction', () => {
    expect(figureDelta(110, 100)).toEqual({ abs: 10, rel: 0.1, direction: 'up' })
    expect(figureDelta(90, 100)).toEqual({ abs: -10, rel: -0.1, direction: 'down' })
    // a change from a negative value is relative to its size
    expect(figureDelta(-0.2, -0.4)).toMatchObject({ direction: 'up', rel: 0.5 })
    // from zero there is no relative change
    expect(figureDelta(5, 0)).toEqual({ abs: 5, rel: null, direction: 'up' })
  })

  it('has no change without both weeks, and none from rounding noise', () => {
    expect(figureDelta(1, null)).toBeNull()
    expect(figureDelta(null, 1)).toBeNull()
    expect(figureDelta(Number.NaN, 1)).toBeNull()
    expect(figureDelta(0.1 + 0.2, 0.3)).toEqual({ abs: 0, rel: 0, direction: 'flat' })
    expect(figureDelta(1e9 + 1, 1e9)?.direction).toBe('up')
  })

  it('words a change in the figure’s unit', () => {
    expect(formatDelta(figureDelta(2.2e9, 2e9), 'usd')).toBe('▲ +$200.00M (+10.0 %)')
    expect(formatDelta(figureDelta(560, 600), 'count')).toBe('▼ −40 (−6.7 %)')
    // shares and indices: the change in the index itself, no percentage of a percentage
    expect(formatDelta(figureDelta(0.1041, 0.0941), 'ratio')).toBe('▲ +0.01')
    expect(formatDelta(figureDelta(3, 3), 'count')).toBe('no change')
    expect(formatDelta(null, 'usd')).toBe('no previous week')
  })

  it('formats values by unit, and a missing value as a dash', () => {
    expect(formatValue(302_447_591_382, 'usd')).toBe('$302.45B')
    expect(formatValue(1234, 'count')).toBe('1,234')
    expect(formatValue(0.026845637583892617, 'ratio')).toBe('0.02685')
    expect(formatValue(3.2e-6, 'ratio')).toBe('3.20e-6')
    expect(formatValue(null, 'usd')).toBe('—')
    expect(formatValue(Number.NaN, 'ratio')).toBe('—')
  })

  it('draws a series over the weeks that have a value', () => {
    const weeks = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22']
    expect(seriesPoints(weeks, Float64Array.from([1, Number.NaN, 3, 4]))).toEqual([
      ['2024-01-01', 1],
      ['2024-01-15', 3],
      ['2024-01-22', 4],
    ])
  })
})
