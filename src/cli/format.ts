// Human-readable formatting helpers for CLI text output.

/** 1234567 → "1.23M", in USD-friendly short form. */
export function shortNumber(x: number): string {
  const a = Math.abs(x)
  if (a >= 1e12) return (x / 1e12).toFixed(2) + 'T'
  if (a >= 1e9) return (x / 1e9).toFixed(2) + 'B'
  if (a >= 1e6) return (x / 1e6).toFixed(2) + 'M'
  if (a >= 1e3) return (x / 1e3).toFixed(1) + 'k'
  return Number.isInteger(x) ? String(x) : x.toFixed(2)
}

/** A plain left/right-aligned text table. Numbers are right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? shortNumber(c) : c)))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)))
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'),
  )
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

export const SYNTHETIC_NOTE = 'note: this archive holds SYNTHETIC demo data, not real exposures'
