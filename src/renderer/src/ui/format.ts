// Number formatting for the UI.
export function usd(x: number): string {
  const a = Math.abs(x)
  if (a >= 1e12) return `$${(x / 1e12).toFixed(2)}T`
  if (a >= 1e9) return `$${(x / 1e9).toFixed(2)}B`
  if (a >= 1e6) return `$${(x / 1e6).toFixed(2)}M`
  if (a >= 1e3) return `$${(x / 1e3).toFixed(1)}k`
  return `$${x.toFixed(0)}`
}

const SCALES: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 }

/**
 * An amount typed in USD, as analysts write them — "250000", "2.5M", "$1.2B", "1,500k", "3e9",
 * "$27.67 M" — or the formats usd() shows. '' is no amount (null); anything else that is not a
 * non-negative finite amount is undefined.
 */
export function parseUsd(text: string): number | null | undefined {
  const t = text
    .trim()
    .replace(/^\$/, '')
    .replace(/[,_\s]/g, '')
  if (t === '') return null
  const m = /^(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?([kmbt])?$/i.exec(t)
  if (!m) return undefined
  const v = Number(m[1] + (m[2] ?? '')) * (m[3] ? SCALES[m[3].toLowerCase()] : 1)
  return Number.isFinite(v) ? v : undefined
}

/** An amount as an editable field shows it: "$100M", "$1.778M" (four significant digits). */
export function usdField(x: number): string {
  const a = Math.abs(x)
  const [scale, suffix] =
    a >= 1e12
      ? [1e12, 'T']
      : a >= 1e9
        ? [1e9, 'B']
        : a >= 1e6
          ? [1e6, 'M']
          : a >= 1e3
            ? [1e3, 'k']
            : [1, '']
  return `$${Number((x / scale).toPrecision(4))}${suffix}`
}

// one formatter: toLocaleString('en') builds one a call (≈ 0.1 ms; the Explorer's week list alone
// formats hundreds at start)
const counts = new Intl.NumberFormat('en')

export const count = (x: number): string => counts.format(x)
