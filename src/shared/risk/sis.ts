// Systemic Importance Score (reference-spec §7.1): SIS_i = α·PR̃_i + β·Tail_i + γ·LT̃_i.
// One deliberate difference from the reference: when PageRank does not converge the reference
// silently sets every PageRank term to 0; here the last iterate is used and a warning says so
// (or, with `strict`, the run fails).
import { DexposureError } from '../errors'
import type { RiskGraph } from './graph'
import { rankDescending } from './graph'
import { giniPositive } from './inequality'
import { pagerank, type PageRankOptions, type PageRankResult } from './pagerank'

export interface SisWeights {
  pagerank: number
  tail: number
  tvl: number
}

export const DEFAULT_SIS_WEIGHTS: SisWeights = { pagerank: 1 / 3, tail: 1 / 3, tvl: 1 / 3 }
/** The reference's sensitivity weight sets (reference-spec §7.1). */
export const SIS_WEIGHT_SETS: Record<string, SisWeights> = {
  equal: DEFAULT_SIS_WEIGHTS,
  'pagerank-heavy': { pagerank: 0.5, tail: 0.25, tvl: 0.25 },
  'tail-heavy': { pagerank: 0.25, tail: 0.5, tvl: 0.25 },
  'tvl-heavy': { pagerank: 0.25, tail: 0.25, tvl: 0.5 },
}

export interface SisOptions {
  weights?: SisWeights
  /** k of the tail exposure (share of the k largest outgoing weights). Default 5. */
  tailK?: number
  pagerank?: PageRankOptions
  /** Fail instead of warning when PageRank does not converge. */
  strict?: boolean
}

export interface SisResult {
  scores: Float64Array
  /** Raw PageRank (sums to 1), its max-scaled form, tail exposure and scaled log-TVL per node. */
  pagerank: Float64Array
  pagerankScaled: Float64Array
  tail: Float64Array
  logTvlScaled: Float64Array
  /** Node indices by descending score (ties by index). */
  order: Int32Array
  mean: number
  max: number
  gini: number
  pagerankRun: Omit<PageRankResult, 'scores'>
  warnings: string[]
}

export function computeSis(g: RiskGraph, opts: SisOptions = {}): SisResult {
  const w = opts.weights ?? DEFAULT_SIS_WEIGHTS
  for (const [k, v] of Object.entries(w))
    if (!Number.isFinite(v) || v < 0)
      throw new DexposureError('USAGE', `SIS weight ${k} must be a finite number ≥ 0`, {
        field: `weights.${k}`,
      })
  const tailK = opts.tailK ?? 5
  if (!Number.isInteger(tailK) || tailK < 1)
    throw new DexposureError('USAGE', 'SIS tail k must be a positive integer', { field: 'tailK' })
  const n = g.n
  const warnings: string[] = []
  const pr = pagerank(g, opts.pagerank)
  if (!pr.converged) {
    const msg = `PageRank did not converge in ${pr.iterations} iterations (L1 change ${pr.error.toExponential(3)} ≥ N·tol = ${pr.threshold.toExponential(3)}); SIS uses the last iterate`
    if (opts.strict) throw new DexposureError('INTERNAL', msg, { field: 'pagerank' })
    warnings.push(msg)
  }
  const pagerankScaled = scaleByMax(pr.scores)
  const tail = new Float64Array(n)
  const buf: number[] = []
  for (let i = 0; i < n; i++) {
    const a = g.outPtr[i]
    const b = g.outPtr[i + 1]
    if (b === a) continue
    if (b - a <= tailK) {
      tail[i] = 1
      continue
    }
    buf.length = 0
    for (let k = a; k < b; k++) buf.push(g.weight[g.outEdge[k]])
    buf.sort((x, y) => y - x)
    let top = 0
    for (let k = 0; k < tailK; k++) top += buf[k]
    tail[i] = top / g.outStrength[i]
  }
  const logTvl = new Float64Array(n)
  for (let i = 0; i < n; i++) logTvl[i] = Math.log1p(g.sizes[i])
  const logTvlScaled = scaleByMax(logTvl)
  const scores = new Float64Array(n)
  let sum = 0
  let max = 0
  for (let i = 0; i < n; i++) {
    const s = w.pagerank * pagerankScaled[i] + w.tail * tail[i] + w.tvl * logTvlScaled[i]
    scores[i] = s
    sum += s
    if (s > max) max = s
  }
  const { scores: _s, ...pagerankRun } = pr
  return {
    scores,
    pagerank: pr.scores,
    pagerankScaled,
    tail,
    logTvlScaled,
    order: rankDescending(scores),
    mean: n ? sum / n : 0,
    max,
    gini: giniPositive(scores),
    pagerankRun,
    warnings,
  }
}

function scaleByMax(x: Float64Array): Float64Array {
  let max = 0
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i]
  const out = new Float64Array(x.length)
  if (max > 0) for (let i = 0; i < x.length; i++) out[i] = x[i] / max
  return out
}
