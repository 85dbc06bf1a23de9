// The candidate set of a model without a fresh head on a week too large to score every pair
// (moved out of run.ts unchanged; backtests and bench/candidate-recall.ts use it too).
import type { WeekFrame } from '../../../shared/domain'
import type { PairMemory } from '../baselines'
import { partners } from '../pair-history'
import { PairSet } from '../pair-set'

/** Weeks with at most this many ordered pairs are scored exactly (every pair through the model). */
export const EXACT_PAIRS = 20_000_000
/** Issuers with the most holders that every node is paired with in the candidate set. */
export const TOP_ISSUERS = 100
/** Pairs without history added by holder × issuer propensity (see addPropensityPairs): at most
 * this many, and at most PROPENSITY_SHARE of the week's ordered pairs, so the candidate set stays a
 * small part of the population (3.0 M of 1.2·10⁸ on an 11k-node week). */
export const PROPENSITY_PAIRS = 3_000_000
export const PROPENSITY_SHARE = 0.025
/** Cap on the candidate set of large weeks. */
export const MAX_CANDIDATES = 8_000_000

/**
 * Candidate pairs (keys src · n + dst) when a week is too large to score every pair: every pair
 * with an edge in any week up to t, the reverse of each edge of t, the two-hop pairs u → w → v of
 * week t, every node × the TOP_ISSUERS issuers with most holders, and the PROPENSITY_PAIRS pairs
 * without history whose holder and issuer have had the most partners (capped at MAX_CANDIDATES).
 * Its recall of the t+h edges is measured by backtests and bench/candidate-recall.ts.
 */
export function candidatePairs(
  frame: WeekFrame,
  memory: Map<number, PairMemory>,
  propensityPairs = Math.min(
    PROPENSITY_PAIRS,
    Math.round(PROPENSITY_SHARE * frame.nodeIds.length * (frame.nodeIds.length - 1)),
  ),
): PairSet {
  const n = frame.nodeIds.length
  const candidates = new PairSet(n)
  for (const key of memory.keys()) candidates.add(key)
  const outs: number[][] = Array.from({ length: n }, () => [])
  for (let j = 0; j < frame.edgeSrc.length; j++) {
    outs[frame.edgeSrc[j]].push(frame.edgeDst[j])
    candidates.add(frame.edgeDst[j] * n + frame.edgeSrc[j])
  }
  for (let u = 0; u < n && candidates.size < MAX_CANDIDATES; u++)
    for (const w of outs[u]) for (const v of outs[w]) if (v !== u) candidates.add(u * n + v)
  // New holders concentrate on the most-held issuers (preferential attachment): every node paired
  // with the TOP_ISSUERS issuers of week t with the most holders.
  const inDegree = new Int32Array(n)
  for (let j = 0; j < frame.edgeDst.length; j++) inDegree[frame.edgeDst[j]]++
  const top = [...inDegree.keys()].sort((a, b) => inDegree[b] - inDegree[a]).slice(0, TOP_ISSUERS)
  for (let u = 0; u < n && candidates.size < MAX_CANDIDATES; u++)
    for (const v of top) if (v !== u) candidates.add(u * n + v)
  addPropensityPairs(
    candidates,
    n,
    memory,
    Math.min(propensityPairs, MAX_CANDIDATES - candidates.size),
  )
  return candidates
}

/**
 * New relationships form between nodes that form many (a holder that has held many issuers, an
 * issuer that many have held): the pairs outside `candidates` with the largest
 * (1 + out-partners(u)) · (1 + in-partners(v)) are added, at most `budget` of them. The threshold
 * is found by bisection on the number of new pairs above it: pairs above c counted with one binary
 * search per holder over the issuers sorted once, minus the candidates and self-pairs above c.
 */
function addPropensityPairs(
  candidates: PairSet,
  n: number,
  memory: Map<number, PairMemory>,
  budget: number,
): void {
  if (budget <= 0 || n < 2) return
  const p = partners({ n, memory })
  const f = (u: number) => 1 + p.out[u]
  const byIssuer = [...Array(n).keys()].sort((a, b) => p.in[b] - p.in[a])
  const g = Float64Array.from(byIssuer, (v) => 1 + p.in[v]) // descending
  const firstBelow = (sorted: Float64Array, limit: number) => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid] >= limit) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const taken = new Float64Array(candidates.size) // propensity of every candidate, descending
  let i = 0
  for (const key of candidates.keys()) taken[i++] = f(Math.floor(key / n)) * (1 + p.in[key % n])
  taken.sort().reverse()
  const self = Float64Array.from({ length: n }, (_, u) => f(u) * (1 + p.in[u]))
    .sort()
    .reverse()
  const newAbove = (c: number) => {
    let total = 0
    for (let u = 0; u < n; u++) total += firstBelow(g, c / f(u))
    return total - firstBelow(taken, c) - firstBelow(self, c)
  }
  let lo = 0
  let hi = 1
  for (let u = 0; u < n; u++) hi = Math.max(hi, f(u) * g[0] + 1)
  for (let it = 0; it < 100 && hi - lo > 1e-9; it++) {
    const mid = (lo + hi) / 2
    if (newAbove(mid) > budget) lo = mid
    else hi = mid
  }
  // every new pair above the threshold, then pairs tied at it (integer counts tie often) up to budget
  let room = budget
  for (const limit of [hi, lo])
    for (let u = 0; u < n && room > 0; u++) {
      const k = firstBelow(g, limit / f(u))
      for (let j = 0; j < k && room > 0; j++) {
        const key = u * n + byIssuer[j]
        if (byIssuer[j] !== u && !candidates.has(key)) {
          candidates.add(key)
          room--
        }
      }
    }
}
