// VaR, CVaR and exceedance against direct computations: the quantile by counting, expected
// shortfall as the mean of the worst draws (and by the definition's integral when αN is not whole).
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import {
  conditionalValueAtRisk,
  exceedanceProbability,
  lossDistribution,
  valueAtRisk,
} from '../../../src/shared/risk/tail'

/** CVaR_α as ∫_α^1 VaR_u du / (1 − α), integrated exactly over the empirical quantile steps. */
function cvarByIntegral(sorted: number[], alpha: number): number {
  const n = sorted.length
  let s = 0
  for (let i = 0; i < n; i++) {
    // VaR_u = sorted[i] for u in ((i)/n, (i+1)/n]
    const lo = Math.max(alpha, i / n)
    const hi = (i + 1) / n
    if (hi > lo) s += (hi - lo) * sorted[i]
  }
  return s / (1 - alpha)
}

describe('tail measures', () => {
  it('match direct computations on 1 … 100 and on 200 random draws', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(valueAtRisk(xs, 0.95)).toBe(95)
    expect(valueAtRisk(xs, 0.99)).toBe(99)
    expect(conditionalValueAtRisk(xs, 0.95)).toBeCloseTo((96 + 97 + 98 + 99 + 100) / 5, 12)
    expect(conditionalValueAtRisk(xs, 0.99)).toBeCloseTo(100, 12)
    const rng = new Rng(5)
    const draws = Array.from({ length: 200 }, () => rng.lognormal(0, 1))
    const sorted = [...draws].sort((a, b) => a - b)
    const d = lossDistribution(draws)
    // P(L ≤ VaR) ≥ α and P(L < VaR) < α: the empirical α-quantile
    for (const [alpha, v] of [
      [0.95, d.var95],
      [0.99, d.var99],
    ] as const) {
      expect(draws.filter((x) => x <= v).length / 200).toBeGreaterThanOrEqual(alpha)
      expect(draws.filter((x) => x < v).length / 200).toBeLessThan(alpha)
    }
    // 200 draws: the worst 10 and the worst 2
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length
    expect(d.cvar95).toBeCloseTo(mean(sorted.slice(190)), 10)
    expect(d.cvar99).toBeCloseTo(mean(sorted.slice(198)), 10)
    expect(d.mean).toBeCloseTo(mean(draws), 10)
    expect(d.min).toBe(sorted[0])
    expect(d.max).toBe(sorted[199])
    const sd = Math.sqrt(draws.reduce((s, x) => s + (x - mean(draws)) ** 2, 0) / 199)
    expect(d.std).toBeCloseTo(sd, 10)
  })

  it('weights the boundary draw when αN is not whole', () => {
    const rng = new Rng(9)
    const sorted = Array.from({ length: 37 }, () => rng.next()).sort((a, b) => a - b)
    for (const alpha of [0.9, 0.95, 0.99, 0.5])
      expect(conditionalValueAtRisk(sorted, alpha)).toBeCloseTo(cvarByIntegral(sorted, alpha), 12)
  })

  it('is exact on a flat sample and counts exceedances strictly', () => {
    const flat = lossDistribution(new Array(200).fill(0.1))
    for (const v of Object.values(flat)) expect([0.1, 0]).toContain(v)
    expect(flat.std).toBe(0)
    expect(flat.cvar95).toBe(0.1)
    expect(exceedanceProbability([1, 2, 3, 4], 2)).toBe(0.5)
    expect(exceedanceProbability([1, 2, 3, 4], 0)).toBe(1)
    expect(Number.isNaN(valueAtRisk([], 0.95))).toBe(true)
  })
})
