// CSV cells for every CSV file the product writes. Text that a spreadsheet would read as a formula
// (it starts with = + - @, a tab or a carriage return) gets a leading single quote, as OWASP's
// "CSV Injection" advice says: node ids come from imported files, and `=cmd|' /C calc'!A0` is a
// valid id. Numbers are written as numbers, and text that is a plain decimal number (an id "-5")
// is left alone: a spreadsheet reads it as that number, never as a formula.

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** One cell: neutralised when it could run as a formula, quoted when it holds , " CR or LF. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One line of cells (without the line end). */
export const csvRow = (values: readonly (string | number | boolean | null | undefined)[]): string =>
  values.map(csvCell).join(',')

/** A whole CSV document: header, rows, LF line ends and a final newline. */
export function csvText(
  header: readonly string[],
  rows: Iterable<readonly (string | number | boolean | null | undefined)[]>,
): string {
  const lines = [csvRow(header)]
  for (const r of rows) lines.push(csvRow(r))
  return lines.join('\n') + '\n'
}
