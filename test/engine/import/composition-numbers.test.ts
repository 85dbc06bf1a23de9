// The splitter checks composition numbers on the bytes (JSON grammar, overflow) and parses the
// values only when they are read: both must agree with JSON.parse exactly.
import { describe, expect, it } from 'vitest'
import { splitCompositions } from '../../../src/engine/import/composition-split'

const loc = { file: 'f.json', week: '2024-01-01', base: 0 }
const split = (comp: string) => splitCompositions(Buffer.from(`{"composition":${comp}}`), loc)

describe('composition numbers', () => {
  it('reads values exactly as JSON.parse does', () => {
    const values = [
      '0',
      '-0',
      '7',
      '-12.5',
      '1e3',
      '2.5E-7',
      '1.7976931348623157e308',
      '123456789.12345678',
      '5e-324',
      '0.1',
    ]
    const comp = `{${values.map((v, i) => `"t${i}": ${v}`).join(', ')}}`
    const s = split(comp)
    expect(Array.from(s.compositions[0].values)).toEqual(Object.values(JSON.parse(comp)))
  })

  it.each([
    '01',
    '1.',
    '.5',
    '1.e5',
    '1e',
    '+1',
    '12abc',
    '-',
    '0x10',
    'Infinity',
    '"1"',
    'true',
    '1.2.3',
  ])('refuses %s', (v) => {
    expect(() => split(`{"A": ${v}}`)).toThrow(/must be a number/)
  })

  it.each(['1e309', '-2E+400', '9'.repeat(400)])('refuses the overflowing %s', (v) => {
    expect(() => split(`{"A": ${v}}`)).toThrow(/is not a finite number/)
  })
})
