// Weekly resampling of DefiLlama's daily series (real-data.md §4.2): one point per day at 00:00
// UTC, days sometimes missing, and a last point that is the latest hourly record. A week's value is
// the last point on or before its Monday (any time that Monday, UTC) and at most 6 days before
// that Monday's start, i.e. within one 7-day window; a week with no point in its window has no
// value (the protocol is absent that week, never carried forward further).
import { msToDate } from '../../shared/dates'

export const DAY_MS = 86_400_000
export const WEEK_MS = 7 * DAY_MS

export interface Point<T> {
  /** Milliseconds since epoch. */
  t: number
  v: T
}

/** Midnight UTC of the Monday on or before t. */
export function mondayStart(t: number): number {
  const day = Math.floor(t / DAY_MS) * DAY_MS
  const dow = (new Date(day).getUTCDay() + 6) % 7
  return day - dow * DAY_MS
}

/** Value per week (Monday `YYYY-MM-DD`) over the Mondays the series covers. Points must be sorted. */
export function asOfMondays<T>(points: Point<T>[]): Map<string, T> {
  const out = new Map<string, T>()
  if (points.length === 0) return out
  const last = mondayStart(points[points.length - 1].t)
  let j = 0
  for (let m = mondayStart(points[0].t); m <= last; m += WEEK_MS) {
    const end = m + DAY_MS
    while (j + 1 < points.length && points[j + 1].t < end) j++
    const p = points[j]
    if (p.t < end && p.t >= m - 6 * DAY_MS) out.set(msToDate(m), p.v)
  }
  return out
}

/** Sums several weekly maps (numbers), keeping weeks present in any of them. */
export function sumWeekly(maps: Map<string, number>[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const m of maps) for (const [w, v] of m) out.set(w, (out.get(w) ?? 0) + v)
  return out
}

/** Sums several weekly maps of token → USD. */
export function sumWeeklyTokens(
  maps: Map<string, Record<string, number>>[],
): Map<string, Record<string, number>> {
  if (maps.length === 1) return maps[0]
  const out = new Map<string, Record<string, number>>()
  for (const m of maps)
    for (const [w, tokens] of m) {
      const acc = out.get(w) ?? {}
      for (const [k, v] of Object.entries(tokens)) acc[k] = (acc[k] ?? 0) + v
      out.set(w, acc)
    }
  return out
}
