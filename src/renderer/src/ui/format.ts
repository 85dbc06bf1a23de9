// Number formatting for the UI.
export function usd(x: number): string {
  const a = Math.abs(x)
  if (a >= 1e12) return `$${(x / 1e12).toFixed(2)}T`
  if (a >= 1e9) return `$${(x / 1e9).toFixed(2)}B`
  if (a >= 1e6) return `$${(x / 1e6).toFixed(2)}M`
  if (a >= 1e3) return `$${(x / 1e3).toFixed(1)}k`
  return `$${x.toFixed(0)}`
}

// one formatter: toLocaleString('en') builds one a call (≈ 0.1 ms; the Explorer's week list alone
// formats hundreds at start)
const counts = new Intl.NumberFormat('en')

export const count = (x: number): string => counts.format(x)
