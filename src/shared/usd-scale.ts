// The scale a USD amount is written in (thousands, millions, billions, trillions), shared by the
// report's sentences and the workbench's amount fields so both name amounts alike.

/** [divisor, suffix] for |usd|: 1e12 'T', 1e9 'B', 1e6 'M', 1e3 the thousands' suffix, else none. */
export function usdScale(usd: number, thousands: 'k' | 'K' = 'K'): [number, string] {
  const a = Math.abs(usd)
  if (a >= 1e12) return [1e12, 'T']
  if (a >= 1e9) return [1e9, 'B']
  if (a >= 1e6) return [1e6, 'M']
  if (a >= 1e3) return [1e3, thousands]
  return [1, '']
}
