// Tail measures of a sampled loss distribution (Monte Carlo stress): value at risk, expected
// shortfall and exceedance probabilities. Definitions (docs/risk.md, "Stress under forecast
// uncertainty"), for N draws sorted ascending L_(1) ≤ … ≤ L_(N) and k = ⌈αN⌉:
//   VaR_α  = L_(k), the smallest loss l with P(L ≤ l) ≥ α (the empirical α-quantile);
//   CVaR_α = (1 / (1 − α)) · ((k/N − α) · L_(k) + (1/N) Σ_{i > k} L_(i))   (Acerbi & Tasche 2002),
// the mean of the worst (1 − α) share of the draws, the draw at the boundary counted in part; it
// is the plain mean of the worst N(1 − α) draws when αN is whole (200 draws: the worst 10 at 95 %).

export interface LossDistribution {
  mean: number
  std: number
  min: number
  max: number
  p05: number
  p50: number
  p95: number
  var95: number
  var99: number
  cvar95: number
  cvar99: number
}

/** 1-based rank k = ⌈αN⌉, guarded against α·N landing a rounding error above a whole number. */
function rankOf(alpha: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(alpha * n - 1e-9)))
}

/** The empirical α-quantile of an ascending sample (NaN when empty). */
export function valueAtRisk(sorted: ArrayLike<number>, alpha: number): number {
  const n = sorted.length
  return n === 0 ? NaN : sorted[rankOf(alpha, n) - 1]
}

/** Expected shortfall at level α of an ascending sample (NaN when empty). */
export function conditionalValueAtRisk(sorted: ArrayLike<number>, alpha: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  if (alpha >= 1) return sorted[n - 1]
  const k = rankOf(alpha, n)
  // a flat tail is its value exactly (the weighted sum below would round)
  if (sorted[k - 1] === sorted[n - 1]) return sorted[n - 1]
  let tail = 0
  for (let i = k; i < n; i++) tail += sorted[i]
  return ((k / n - alpha) * sorted[k - 1] + tail / n) / (1 - alpha)
}

/** P(L > threshold) over the sample. */
export function exceedanceProbability(sample: ArrayLike<number>, threshold: number): number {
  if (sample.length === 0) return NaN
  let c = 0
  for (let i = 0; i < sample.length; i++) if (sample[i] > threshold) c++
  return c / sample.length
}

/** Mean, sample standard deviation, range, quantiles and tail measures of a sample. */
export function lossDistribution(sample: ArrayLike<number>): LossDistribution {
  const sorted = Float64Array.from(sample).sort()
  const n = sorted.length
  let sum = 0
  for (let i = 0; i < n; i++) sum += sorted[i]
  // a sample of one value has exactly that mean and no spread (a sum would round)
  const flat = n > 0 && sorted[0] === sorted[n - 1]
  const mean = n === 0 ? NaN : flat ? sorted[0] : sum / n
  let ss = 0
  if (!flat) for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2
  return {
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : n === 1 ? 0 : NaN,
    min: n ? sorted[0] : NaN,
    max: n ? sorted[n - 1] : NaN,
    p05: valueAtRisk(sorted, 0.05),
    p50: valueAtRisk(sorted, 0.5),
    p95: valueAtRisk(sorted, 0.95),
    var95: valueAtRisk(sorted, 0.95),
    var99: valueAtRisk(sorted, 0.99),
    cvar95: conditionalValueAtRisk(sorted, 0.95),
    cvar99: conditionalValueAtRisk(sorted, 0.99),
  }
}
