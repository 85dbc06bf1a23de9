// Amounts as analysts type them into the filters, and as the fields show them back.
import { describe, expect, it } from 'vitest'
import { parseUsd, usd, usdField } from '../../../src/renderer/src/ui/format'

describe('parseUsd', () => {
  it('reads plain numbers, suffixes, dollar signs, separators and exponents', () => {
    const cases: [string, number][] = [
      ['250000', 250_000],
      ['2.5M', 2_500_000],
      ['2.5m', 2_500_000],
      ['$1.2B', 1_200_000_000],
      ['1,500k', 1_500_000],
      ['3e9', 3e9],
      [' $27.67 M ', 27_670_000],
      ['.5k', 500],
      ['1T', 1e12],
      ['0', 0],
    ]
    for (const [text, v] of cases) expect(parseUsd(text), text).toBeCloseTo(v, 6)
  })

  it('reads back what usd() and usdField() show, to their rounding', () => {
    for (const x of [0, 12, 999, 1500, 27_670_000, 1e8, 1_778_279.41, 2.42e10, 3.3e12]) {
      // usd(): two decimals of the scale (one for k, none under 1,000), so within 0.5 % or $0.5
      expect(Math.abs(parseUsd(usd(x))! - x)).toBeLessThanOrEqual(Math.max(0.5, x * 5e-3))
      // usdField(): four significant digits, so within 0.05 %
      expect(Math.abs(parseUsd(usdField(x))! - x)).toBeLessThanOrEqual(x * 5e-4)
    }
  })

  it('is null for an empty field and undefined for what is not an amount', () => {
    expect(parseUsd('')).toBeNull()
    expect(parseUsd('  $ ')).toBeNull()
    for (const bad of ['abc', '-5', '1.2.3', '5X', '$$5', '1e999', 'M', 'Infinity', '0x10'])
      expect(parseUsd(bad), bad).toBeUndefined()
  })
})

describe('usd', () => {
  it('writes amounts with two decimals of their scale (one for thousands)', () => {
    expect([12, 1500, 2.5e6, -3.25e9, 1.2e12].map(usd)).toEqual([
      '$12',
      '$1.5k',
      '$2.50M',
      '$-3.25B',
      '$1.20T',
    ])
  })
})

describe('usdField', () => {
  it('shows four significant digits with the scale as a suffix', () => {
    expect(usdField(100e6)).toBe('$100M')
    expect(usdField(1_778_279.41)).toBe('$1.778M')
    expect(usdField(2.4236e10)).toBe('$24.24B')
    expect(usdField(1500)).toBe('$1.5k')
    expect(usdField(42)).toBe('$42')
    expect(usdField(3.3e12)).toBe('$3.3T')
  })
})
