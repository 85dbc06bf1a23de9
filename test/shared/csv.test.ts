// CSV cells the product writes (issue 14 §6.4): text that a spreadsheet would run as a formula is
// neutralised with a leading quote (OWASP), numbers stay numbers, quoting is RFC 4180.
import { describe, expect, it } from 'vitest'
import { csvCell, csvRow, csvText } from '../../src/shared/csv'

describe('csvCell', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+SUM(1+1)', "'+SUM(1+1)"],
    ['-2+3', "'-2+3"],
    ['@HYPERLINK("x")', `"'@HYPERLINK(""x"")"`],
    ['\tTAB', "'\tTAB"],
    ['\rCR', `"'\rCR"`],
    ['=1,2', `"'=1,2"`],
  ])('neutralises %j', (input, out) => expect(csvCell(input)).toBe(out))

  it('leaves numbers, number-like text and plain text alone', () => {
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(-1.5e-7)).toBe('-1.5e-7')
    expect(csvCell('-5')).toBe('-5')
    expect(csvCell('+1e5')).toBe('+1e5')
    expect(csvCell('1599')).toBe('1599')
    expect(csvCell('Aave V3')).toBe('Aave V3')
    expect(csvCell('a-b')).toBe('a-b')
    expect(csvCell(null)).toBe('')
    expect(csvCell(true)).toBe('true')
  })

  it('quotes commas, quotes and line ends', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
  })

  it('builds rows and documents', () => {
    expect(csvRow(['=x', 1, -2])).toBe("'=x,1,-2")
    expect(csvText(['a', 'b'], [['@x', 3]])).toBe("a,b\n'@x,3\n")
  })
})
