// Ranking metrics for link prediction on plain arrays, with scikit-learn's exact semantics so our
// figures are comparable with published ones (checked against sklearn in test/shared/metrics).
// They share one implementation with the pooled backtest tallies (./tally).
import { ScoreTally } from './tally'

/**
 * Average precision as sklearn's average_precision_score: Σ (R_n − R_{n−1}) P_n over distinct
 * score thresholds (tied scores form one threshold). NaN when there is no positive.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return ScoreTally.of(labels, scores).averagePrecision()
}

/** ROC AUC with ties counted half (Mann–Whitney with mid-ranks; equals sklearn's roc_auc_score). NaN with one class. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return ScoreTally.of(labels, scores).rocAuc()
}

/**
 * Precision and recall among the K highest scores. Ties at the cut are shared out in proportion
 * (the expectation over random tie-breaking), so binary baselines are not favoured or punished by
 * an arbitrary order.
 */
export function precisionRecallAtK(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  k: number,
): { precision: number; recall: number } {
  return ScoreTally.of(labels, scores).atK(k)
}
