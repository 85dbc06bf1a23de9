// Week ids (issue 14 §6.5): Mondays from 2000-01-03 to 2199-12-30, with messages that say the
// range, and target weeks that never leave it.
import { describe, expect, it } from 'vitest'
import {
  addWeeks,
  dateToMs,
  inWeekRange,
  LAST_WEEK,
  targetWeekProblem,
  weekProblem,
} from '../../src/shared/dates'

describe('weekProblem', () => {
  it('accepts Mondays from 2000-01-03 to 2199-12-30', () => {
    for (const w of ['2000-01-03', '2022-05-09', '2199-12-30']) expect(weekProblem(w)).toBeNull()
  })

  it('refuses weeks outside the range, saying what the range is', () => {
    for (const w of ['1999-12-27', '2200-01-06', '9999-12-27', '0050-01-03', '0001-01-01'])
      expect(weekProblem(w)).toBe(
        `${w} is outside the supported range (weeks run from 2000-01-03 to 2199-12-30)`,
      )
  })

  it('reads years 0001–0099 as themselves, not as 1901–1999', () => {
    expect(dateToMs('0050-01-03')).toBe(new Date(0).setUTCFullYear(50, 0, 3))
    expect(weekProblem('0050-01-04')).toBe('0050-01-04 is not a Monday')
  })

  it('still refuses what is not a date or not a Monday', () => {
    expect(weekProblem('2024-02-30')).toBe('"2024-02-30" is not a date of the form YYYY-MM-DD')
    expect(weekProblem('+010000-01-03')).toMatch(/is not a date of the form/)
    expect(weekProblem('2024-01-02')).toBe('2024-01-02 is not a Monday')
  })
})

describe('target weeks', () => {
  it('allows a target up to the last week and refuses one past it', () => {
    expect(targetWeekProblem('2199-12-23', 1)).toBeNull()
    expect(addWeeks('2199-12-23', 1)).toBe(LAST_WEEK)
    expect(targetWeekProblem('2199-12-30', 1)).toBe(
      'week 2199-12-30 + 1 weeks is past 2199-12-30, the last supported week (weeks run from 2000-01-03 to 2199-12-30)',
    )
    // A horizon too large for a Date is refused the same way, not with a RangeError.
    expect(targetWeekProblem('2024-01-01', 1e12)).toMatch(/is past 2199-12-30/)
  })

  it('inWeekRange covers every instant of the supported weeks', () => {
    expect(inWeekRange(Date.UTC(2000, 0, 3))).toBe(true)
    expect(inWeekRange(Date.UTC(2000, 0, 2, 23, 59))).toBe(false)
    expect(inWeekRange(Date.UTC(2200, 0, 5, 23, 59))).toBe(true) // the week of 2199-12-30
    expect(inWeekRange(Date.UTC(2200, 0, 6))).toBe(false)
  })
})
