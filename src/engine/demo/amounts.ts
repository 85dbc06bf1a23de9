// USD amounts as the demo writes them: whole cents, and compositions as JSON text plus values.
import type { RawComposition } from '../../shared/domain'

/** Rounds a USD amount to whole cents (at least one cent: every generated amount is positive). */
export const cents = (v: number) => Math.max(1, Math.round(v * 100)) / 100

/**
 * Decimal text of a cents-rounded amount. Parses to the same double as String(v) (both name the
 * nearest double to the decimal), but integer formatting is several times faster than V8's shortest
 * double-to-string, which dominated generation time.
 */
export function centsText(v: number): string {
  const c = Math.round(v * 100)
  const whole = Math.floor(c / 100)
  const frac = c - whole * 100
  if (frac === 0) return String(whole)
  if (frac < 10) return `${whole}.0${frac}`
  return frac % 10 === 0 ? `${whole}.${frac / 10}` : `${whole}.${frac}`
}

/** A composition from JSON-quoted token keys and cents-rounded values, in the order given. */
export function rawComposition(keys: string[], values: number[]): RawComposition {
  let json = '{'
  for (let i = 0; i < keys.length; i++)
    json += (i ? ',' : '') + keys[i] + ':' + centsText(values[i])
  return { kind: 'raw', json: json + '}', values: Float64Array.from(values) }
}
