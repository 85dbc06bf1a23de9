// PageRank exactly as networkx 2.x/3.x computes it (`nx.pagerank`, scipy power iteration):
// x ← α (x P + (Σ_dangling x) / N) + (1 − α) / N from x₀ = 1/N, P row-normalised by out-strength,
// dangling mass spread uniformly, stop when ‖x − x_last‖₁ < N·tol, fail after max_iter.
//
// Why not graphology-metrics' pagerank: it implements the same iteration, but needs the week as a
// graphology Graph first. Building that graph for a real-scale week (11k nodes, 75k edges) costs
// more than the whole iteration here, which runs as a pull over the in-CSR on typed arrays;
// bench/risk.ts measures both (BENCHMARKS.md, "Risk analytics") and checks they agree.
import type { RiskGraph } from './graph'

export interface PageRankOptions {
  /** Damping α (networkx `alpha`). Default 0.85. */
  alpha?: number
  /** networkx `tol`: converged when the L1 change < N·tol. Default 1e-6. */
  tol?: number
  /** Default 100. */
  maxIter?: number
  /** Use edge weights (USD); false counts every edge as 1. Default true. */
  weighted?: boolean
}

export interface PageRankResult {
  scores: Float64Array
  converged: boolean
  iterations: number
  /** L1 change of the last iteration. */
  error: number
  /** The threshold N·tol the error was compared with. */
  threshold: number
}

export function pagerank(g: RiskGraph, opts: PageRankOptions = {}): PageRankResult {
  const alpha = opts.alpha ?? 0.85
  const tol = opts.tol ?? 1e-6
  const maxIter = opts.maxIter ?? 100
  const weighted = opts.weighted ?? true
  const n = g.n
  const threshold = n * tol
  if (n === 0)
    return { scores: new Float64Array(0), converged: true, iterations: 0, error: 0, threshold }
  // Transition probabilities in in-CSR order, so each node's new value is one contiguous pull.
  const inSrc = new Int32Array(g.e)
  const inProb = new Float64Array(g.e)
  for (let k = 0; k < g.e; k++) {
    const j = g.inEdge[k]
    const s = g.src[j]
    inSrc[k] = s
    inProb[k] = weighted ? g.weight[j] / g.outStrength[s] : 1 / g.outDegree[s]
  }
  const dangling: number[] = []
  for (let i = 0; i < n; i++) if (g.outDegree[i] === 0) dangling.push(i)
  let x = new Float64Array(n).fill(1 / n)
  let next = new Float64Array(n)
  const base = (1 - alpha) / n
  let error = Infinity
  for (let it = 1; it <= maxIter; it++) {
    let danglingSum = 0
    for (let k = 0; k < dangling.length; k++) danglingSum += x[dangling[k]]
    const spread = (alpha * danglingSum) / n + base
    error = 0
    for (let v = 0; v < n; v++) {
      let acc = 0
      for (let k = g.inPtr[v], end = g.inPtr[v + 1]; k < end; k++) acc += x[inSrc[k]] * inProb[k]
      const val = alpha * acc + spread
      next[v] = val
      error += Math.abs(val - x[v])
    }
    const t = x
    x = next
    next = t
    if (error < threshold) return { scores: x, converged: true, iterations: it, error, threshold }
  }
  return { scores: x, converged: false, iterations: maxIter, error, threshold }
}
