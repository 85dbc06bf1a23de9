// Calibration of probabilities: expected calibration error over equal-width bins and the points
// of a reliability diagram.

export interface ReliabilityBin {
  lo: number
  hi: number
  count: number
  meanPredicted: number
  observedRate: number
}

/** Equal-width bins over [0, 1]; a score of exactly 1 falls in the last bin. */
export function reliability(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = 15,
): ReliabilityBin[] {
  const count = new Float64Array(bins)
  const sumP = new Float64Array(bins)
  const sumY = new Float64Array(bins)
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1, Math.max(0, probs[i]))
    const b = Math.min(bins - 1, Math.floor(p * bins))
    count[b]++
    sumP[b] += p
    sumY[b] += labels[i] > 0 ? 1 : 0
  }
  return [...count].map((c, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: c,
    meanPredicted: c ? sumP[b] / c : NaN,
    observedRate: c ? sumY[b] / c : NaN,
  }))
}

/** ECE = Σ_b (n_b / N) · |observed rate_b − mean predicted_b|. NaN for no predictions. */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = 15,
): number {
  if (probs.length === 0) return NaN
  let ece = 0
  for (const b of reliability(labels, probs, bins))
    if (b.count) ece += (b.count / probs.length) * Math.abs(b.observedRate - b.meanPredicted)
  return ece
}
