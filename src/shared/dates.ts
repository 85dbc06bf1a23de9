// Week dates are Mondays named `YYYY-MM-DD`, handled in UTC so time zones never shift a week.
// Weeks lie in 2000-01-03 … 2199-12-30: DeFi data has none earlier, and a bound keeps every week,
// and every week a forecast derives from it, a four-digit date (week 9999-12-27 + 1 is +010000-01-03,
// which nothing downstream can read).

const WEEK_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

/** The first and last weeks the archive accepts (both Mondays). */
export const FIRST_WEEK = '2000-01-03'
export const LAST_WEEK = '2199-12-30'
export const WEEK_RANGE = `weeks run from ${FIRST_WEEK} to ${LAST_WEEK}`
const FIRST_MS = Date.UTC(2000, 0, 3)
const LAST_MS = Date.UTC(2199, 11, 30)

/** Milliseconds since epoch of a `YYYY-MM-DD` date, or NaN when it is not a real calendar date. */
export function dateToMs(date: string): number {
  const m = WEEK_RE.exec(date)
  if (!m) return NaN
  // setUTCFullYear: Date.UTC maps years 0–99 to 1900–1999.
  const ms = new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return msToDate(ms) === date ? ms : NaN
}

export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Why a string is not a week id, or null when it is a valid Monday date. */
export function weekProblem(date: string): string | null {
  const ms = dateToMs(date)
  if (Number.isNaN(ms)) return `"${date}" is not a date of the form YYYY-MM-DD`
  if (new Date(ms).getUTCDay() !== 1) return `${date} is not a Monday`
  if (ms < FIRST_MS || ms > LAST_MS) return `${date} is outside the supported range (${WEEK_RANGE})`
  return null
}

/** True when a time (ms since epoch) falls in a supported week (its Monday is in range). */
export function inWeekRange(ms: number): boolean {
  return ms >= FIRST_MS && ms < LAST_MS + WEEK_MS
}

/**
 * Why week + h weeks cannot be a target week (past LAST_WEEK), or null. `week` must be valid.
 */
export function targetWeekProblem(week: string, horizon: number): string | null {
  const ms = dateToMs(week) + horizon * WEEK_MS
  if (ms <= LAST_MS) return null
  return `week ${week} + ${horizon} weeks is past ${LAST_WEEK}, the last supported week (${WEEK_RANGE})`
}

export const isWeek = (date: string): boolean => weekProblem(date) === null

export function addWeeks(week: string, n: number): string {
  return msToDate(dateToMs(week) + n * 7 * DAY_MS)
}

/** Whole weeks from a to b (b − a), assuming both are Mondays. */
export function weeksBetween(a: string, b: string): number {
  return Math.round((dateToMs(b) - dateToMs(a)) / (7 * DAY_MS))
}

/** The Monday on or before a date (UTC). */
export function mondayOf(ms: number): string {
  const d = new Date(ms)
  const dow = (d.getUTCDay() + 6) % 7 // Monday = 0
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  return msToDate(day - dow * DAY_MS)
}
