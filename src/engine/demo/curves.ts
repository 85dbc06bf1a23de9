// Weekly targets read off the calibration knots: node and link counts, the total exposure trend and
// the TVL level.
import { addWeeks } from '../../shared/dates'
import {
  COUNT_KNOT_STEP,
  CRISES,
  EXPOSURE_KNOT_WEEKS,
  EXPOSURE_TREND_KNOTS,
  FIRST_WEEK,
  LINK_COUNT_KNOTS,
  NODE_COUNT_KNOTS,
  TVL_KNOTS,
  TVL_KNOT_WEEKS,
  WEEK_COUNT,
} from './calibration'
import { SCALES, type DemoScale } from './params'

/** Week ids of the archive, oldest first. */
export function demoWeekIds(): string[] {
  return Array.from({ length: WEEK_COUNT }, (_, i) => addWeeks(FIRST_WEEK, i))
}

/** Knot weeks of the count curves: 0, STEP, 2·STEP, …, and the last week. */
export function countKnotWeeks(): number[] {
  const w: number[] = []
  for (let k = 0; k < WEEK_COUNT; k += COUNT_KNOT_STEP) w.push(k)
  if (w[w.length - 1] !== WEEK_COUNT - 1) w.push(WEEK_COUNT - 1)
  return w
}
const COUNT_WEEKS = countKnotWeeks()

/** Piecewise-linear interpolation of (xs, ys) at x (clamped at the ends). */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0]
  for (let k = 1; k < xs.length; k++)
    if (x <= xs[k]) {
      const a = (x - xs[k - 1]) / (xs[k] - xs[k - 1])
      return ys[k - 1] * (1 - a) + ys[k] * a
    }
  return ys[ys.length - 1]
}

/** Real node and link counts at week index t, read off the knots. */
export function realCounts(t: number): { nodes: number; links: number } {
  return {
    nodes: interpolate(COUNT_WEEKS, NODE_COUNT_KNOTS, t),
    links: interpolate(COUNT_WEEKS, LINK_COUNT_KNOTS, t),
  }
}

/** Node and link targets of a scale: real × fraction, links keeping the real links-per-node ratio. */
export function countTargets(t: number, scale: DemoScale): { nodes: number; links: number } {
  const p = SCALES[scale]
  const real = realCounts(t)
  const nodes = Math.max(
    Math.min(p.minNodes, Math.round(real.nodes)),
    Math.round(real.nodes * p.countFraction),
  )
  return { nodes, links: Math.max(1, Math.round((nodes * real.links) / real.nodes)) }
}

const logInterp = (xs: readonly number[], ys: readonly number[], x: number) =>
  Math.exp(interpolate(xs, ys.map(Math.log), x))

/** Trend of the total link exposure (USD) at week index t. */
export function exposureTrend(t: number): number {
  return logInterp(EXPOSURE_KNOT_WEEKS, EXPOSURE_TREND_KNOTS, Math.max(1, t))
}

/** Level of total node size (USD) at week index t. */
export function tvlLevel(t: number): number {
  return logInterp(TVL_KNOT_WEEKS, TVL_KNOTS, t)
}

export interface CrisisWeek {
  name: 'Terra' | 'FTX'
  /** Weeks since the event week (−1 = the week before). */
  offset: number
  /** Real total exposure for this week, when the calibration pins it. */
  exposure?: number
  /** Real total TVL for this week, when the calibration pins it. */
  tvl?: number
  /** Share of the week's exposure on edges touching the crisis set (event week only). */
  focusShare?: number
}

/** The crisis a week belongs to (within 12 weeks after its event or the week before), if any. */
export function crisisAt(week: string, t: number): CrisisWeek | null {
  for (const c of CRISES) {
    const eventT = Math.round((Date.parse(c.week) - Date.parse(FIRST_WEEK)) / (7 * 86_400_000))
    const offset = t - eventT
    if (offset < -1 || offset > 12) continue
    const exposure = c.exposure[week]
    return {
      name: c.name,
      offset,
      exposure,
      tvl: c.tvl[week],
      // The event week's excess over the trend is the crisis flow (Terra ≈ 77 %, FTX ≈ 66 %).
      focusShare:
        offset === 0 && exposure !== undefined
          ? Math.max(0, 1 - exposureTrend(t) / exposure)
          : undefined,
    }
  }
  return null
}
