// Errors of weight (log1p USD) and node (log-TVL change) predictions, as the reference reports them.

export function mae(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (truth.length === 0) return NaN
  let s = 0
  for (let i = 0; i < truth.length; i++) s += Math.abs(truth[i] - pred[i])
  return s / truth.length
}

export function rmse(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (truth.length === 0) return NaN
  let s = 0
  for (let i = 0; i < truth.length; i++) s += (truth[i] - pred[i]) ** 2
  return Math.sqrt(s / truth.length)
}

/**
 * Σ_i (W_i / ΣW) · |y_i − ŷ_i| with W_i = expm1(y_i), the true USD weight: dominated by the largest
 * exposures (reference-spec §4.4).
 */
export function weightedMae(truthLog: ArrayLike<number>, predLog: ArrayLike<number>): number {
  let num = 0
  let den = 0
  for (let i = 0; i < truthLog.length; i++) {
    const w = Math.expm1(truthLog[i])
    num += w * Math.abs(truthLog[i] - predLog[i])
    den += w
  }
  return den > 0 ? num / den : NaN
}
