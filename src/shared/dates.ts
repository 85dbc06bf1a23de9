// Week dates are Mondays named `YYYY-MM-DD`, handled in UTC so time zones never shift a week.

const WEEK_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

/** Milliseconds since epoch of a `YYYY-MM-DD` date, or NaN when it is not a real calendar date. */
export function dateToMs(date: string): number {
  const m = WEEK_RE.exec(date)
  if (!m) return NaN
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
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
  return null
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
