// Ranking metrics for link prediction, with scikit-learn's exact semantics so our figures are
// comparable with published ones (checked against sklearn in test/shared/metrics).

/** Indices sorted by score, highest first (stable). */
function order(scores: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(scores.length)
  for (let i = 0; i < idx.length; i++) idx[i] = i
  return idx.sort((a, b) => scores[b] - scores[a] || a - b)
}

/**
 * Average precision as sklearn's average_precision_score: Σ (R_n − R_{n−1}) P_n over distinct
 * score thresholds (tied scores form one threshold). NaN when there is no positive.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx = order(scores)
  let positives = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] > 0) positives++
  if (positives === 0) return NaN
  let tp = 0
  let seen = 0
  let ap = 0
  let prevRecall = 0
  for (let k = 0; k < idx.length;) {
    const s = scores[idx[k]]
    while (k < idx.length && scores[idx[k]] === s) {
      if (labels[idx[k]] > 0) tp++
      seen++
      k++
    }
    const recall = tp / positives
    ap += (recall - prevRecall) * (tp / seen)
    prevRecall = recall
  }
  return ap
}

/** ROC AUC with ties counted half (Mann–Whitney with mid-ranks; equals sklearn's roc_auc_score). NaN with one class. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const idx = order(scores)
  const n = idx.length
  let pos = 0
  for (let i = 0; i < n; i++) if (labels[i] > 0) pos++
  const neg = n - pos
  if (pos === 0 || neg === 0) return NaN
  // Walk from the lowest score up, summing mid-ranks of positives.
  let rankSum = 0
  let rank = 1
  for (let k = n - 1; k >= 0;) {
    const s = scores[idx[k]]
    let j = k
    let posInGroup = 0
    while (j >= 0 && scores[idx[j]] === s) {
      if (labels[idx[j]] > 0) posInGroup++
      j--
    }
    const size = k - j
    rankSum += posInGroup * (rank + (size - 1) / 2)
    rank += size
    k = j
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg)
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
  const idx = order(scores)
  let positives = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] > 0) positives++
  const cut = Math.min(k, idx.length)
  if (cut === 0) return { precision: NaN, recall: positives ? 0 : NaN }
  let tp = 0
  let taken = 0
  for (let a = 0; a < idx.length && taken < cut;) {
    const s = scores[idx[a]]
    let b = a
    let posInGroup = 0
    while (b < idx.length && scores[idx[b]] === s) {
      if (labels[idx[b]] > 0) posInGroup++
      b++
    }
    const size = b - a
    const take = Math.min(size, cut - taken)
    tp += (posInGroup * take) / size
    taken += take
    a = b
  }
  return { precision: tp / cut, recall: positives ? tp / positives : NaN }
}
