// Calibration of probabilities on plain arrays: expected calibration error over equal-width bins
// and the points of a reliability diagram (one implementation with the pooled tallies, ./tally).
import { DEFAULT_BINS, ScoreTally, type ReliabilityBin } from './tally'

export type { ReliabilityBin }

/** Equal-width bins over [0, 1]; a score of exactly 1 falls in the last bin. */
export function reliability(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = DEFAULT_BINS,
): ReliabilityBin[] {
  return ScoreTally.of(labels, probs, bins).reliability()
}

/** ECE = Σ_b (n_b / N) · |observed rate_b − mean predicted_b|. NaN for no predictions. */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  bins = DEFAULT_BINS,
): number {
  return ScoreTally.of(labels, probs, bins).expectedCalibrationError()
}
