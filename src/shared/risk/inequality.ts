// Concentration and inequality measures. The reference (reference-spec §7.3 and §7.8) uses two Gini
// variants; both are here under distinct names so results can be matched to either.

function sortedAscending(xs: ArrayLike<number>, keep: (x: number) => boolean): Float64Array {
  let k = 0
  for (let i = 0; i < xs.length; i++) if (keep(xs[i])) k++
  const out = new Float64Array(k)
  for (let i = 0, j = 0; i < xs.length; i++) if (keep(xs[i])) out[j++] = xs[i]
  return out.sort()
}

function giniSorted(x: Float64Array, eps: number): number {
  const n = x.length
  if (n === 0) return 0
  let sum = 0
  let weighted = 0
  for (let i = 0; i < n; i++) {
    sum += x[i]
    weighted += (i + 1) * x[i]
  }
  const denom = n * sum + eps
  return denom > 0 ? (2 * weighted - (n + 1) * sum) / denom : 0
}

/**
 * Gini over the positive finite values only, 0 if there are none: the `compute_network_risk_metrics`
 * variant (reference-spec §7.3). G = (2 Σ i·x_(i) − (n+1) Σ x) / (n Σ x), x ascending, i from 1.
 */
export function giniPositive(xs: ArrayLike<number>): number {
  return giniSorted(
    sortedAscending(xs, (x) => Number.isFinite(x) && x > 0),
    0,
  )
}

/**
 * Gini keeping zeros (negatives and non-finite values clipped to 0), with the reference's 1e-12 in
 * the denominator: the `network_statistics.py` variant (reference-spec §7.8).
 */
export function giniWithZeros(xs: ArrayLike<number>): number {
  const c = new Float64Array(xs.length)
  for (let i = 0; i < xs.length; i++) c[i] = Number.isFinite(xs[i]) && xs[i] > 0 ? xs[i] : 0
  return giniSorted(c.sort(), 1e-12)
}

/** Herfindahl–Hirschman index Σ (x_i / Σx)² over non-negative values; 0 when Σx = 0. */
export function hhi(xs: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < xs.length; i++) if (xs[i] > 0) sum += xs[i]
  if (!(sum > 0)) return 0
  let h = 0
  for (let i = 0; i < xs.length; i++) if (xs[i] > 0) h += (xs[i] / sum) ** 2
  return h
}

/** Share of the total held by the k largest values (non-negative values only); 0 when Σx = 0. */
export function topKShare(xs: ArrayLike<number>, k: number): number {
  const pos = sortedAscending(xs, (x) => x > 0)
  let sum = 0
  for (let i = 0; i < pos.length; i++) sum += pos[i]
  if (!(sum > 0)) return 0
  let top = 0
  for (let i = pos.length - 1; i >= Math.max(0, pos.length - k); i--) top += pos[i]
  return top / sum
}

/**
 * Share of the total held by the top max(1, ⌊0.1·n⌋) values, n counting every value (zeros too):
 * the reference's `top_10_concentration` (reference-spec §7.8).
 */
export function topDecileShare(xs: ArrayLike<number>): number {
  return xs.length === 0 ? 0 : topKShare(xs, Math.max(1, Math.floor(0.1 * xs.length)))
}

/**
 * Entropy (natural log) of the empirical distribution of integer values:
 * −Σ_k p(k) ln(p(k) + 1e-12), as the reference computes degree entropy (reference-spec §7.8).
 */
export function valueEntropy(xs: ArrayLike<number>): number {
  const n = xs.length
  if (n === 0) return 0
  const counts = new Map<number, number>()
  for (let i = 0; i < n; i++) counts.set(xs[i], (counts.get(xs[i]) ?? 0) + 1)
  let h = 0
  for (const c of counts.values()) {
    const p = c / n
    h -= p * Math.log(p + 1e-12)
  }
  return h
}
