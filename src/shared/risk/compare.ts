// Forecast-then-measure comparison (reference-spec §7.7): how well a graph predicted for week t+h —
// the forecast Ĝ(t+h) or persistence G(t) ("next weeks look like this week") — reproduces the risk
// metrics and stress-test losses of the realised G(t+h).

/** The metrics of the reference's forward-risk experiment. */
export const FORWARD_RISK_METRICS = [
  'tvl_hhi',
  'top10_tvl_share',
  'tvl_gini',
  'edge_hhi',
  'density',
  'degree_gini',
  'mean_sis',
  'spillover_index',
  'total_tvl',
] as const

export interface ErrorSummary {
  n: number
  mae: number | null
  rmse: number | null
  meanPredicted: number | null
  meanActual: number | null
  /** MAE / |mean actual|; null when the mean is 0. */
  relativeError: number | null
  /** Pearson correlation of predicted and actual; null when fewer than 2 pairs or no variance. */
  correlation: number | null
}

/** Error statistics over (predicted, actual) pairs; pairs with a null or non-finite side are skipped. */
export function errorSummary(pairs: [number | null, number | null][]): ErrorSummary {
  const p: number[] = []
  const a: number[] = []
  for (const [x, y] of pairs)
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) {
      p.push(x)
      a.push(y)
    }
  const n = p.length
  if (n === 0)
    return {
      n,
      mae: null,
      rmse: null,
      meanPredicted: null,
      meanActual: null,
      relativeError: null,
      correlation: null,
    }
  let ae = 0
  let se = 0
  let mp = 0
  let ma = 0
  for (let i = 0; i < n; i++) {
    ae += Math.abs(p[i] - a[i])
    se += (p[i] - a[i]) ** 2
    mp += p[i]
    ma += a[i]
  }
  mp /= n
  ma /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (p[i] - mp) * (a[i] - ma)
    sxx += (p[i] - mp) ** 2
    syy += (a[i] - ma) ** 2
  }
  const mae = ae / n
  return {
    n,
    mae,
    rmse: Math.sqrt(se / n),
    meanPredicted: mp,
    meanActual: ma,
    relativeError: ma !== 0 ? mae / Math.abs(ma) : null,
    correlation: n >= 2 && sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null,
  }
}
