// DebtRank with relative equity losses, in the two standard variants:
// - 'linear' (Bardoscia, Battiston, Caccioli, Caldarelli 2015, "DebtRank: a microscopic foundation
//   for shock propagation"): h_i(t+1) = min(1, h_i(t) + Σ_j Λ_ij (h_j(t) − h_j(t−1))),
//   Λ_ij = A_ij / E_i, iterated until no relative loss changes;
// - 'single-hit' (Battiston, Puliga, Kaushik, Tasca, Caldarelli 2012, "DebtRank: too central to
//   fail?"): each node propagates its whole distress h_j once, in the round after it becomes
//   distressed, with impact W_ij = min(1, A_ij / E_i); then it is inactive.
//
// Mapping from our data (documented in docs/risk.md): equity E_i = TVL of node i; the exposure
// A_ij of holder i to issuer j is the USD weight of edge i → j, so a relative loss h_j of the issuer
// costs the holder A_ij·h_j. A shock of fraction f sets h_i(1) = f on each shocked node with TVL > 0.
// Holders with zero TVL have no equity to lose relative to: their relative loss is undefined, they
// are left at 0 and counted in `outputs.zero_equity_holders`.
import type { RiskGraph } from '../graph'
import { totalOf } from '../graph'
import {
  CarrierLog,
  lossPct,
  NO_CARRIERS,
  type ContagionResult,
  type ContagionTrace,
  type LossPathStep,
  type Shock,
} from './types'

export type DebtRankVariant = 'linear' | 'single-hit'

export interface DebtRankOptions {
  variant?: DebtRankVariant
  /** Relative loss above which a node counts as distressed in the summary. Default 0.1. */
  distressThreshold?: number
  /** Default 100 (linear) — single-hit always ends within N rounds. */
  maxRounds?: number
  /** Linear variant: stop when no h changes by more than this. Default 1e-12. */
  tol?: number
  /** Playback: the node losses, states and carrying edges of every step. */
  trace?: ContagionTrace
}

export function debtRank(g: RiskGraph, shock: Shock, opts: DebtRankOptions = {}): ContagionResult {
  const variant = opts.variant ?? 'linear'
  const threshold = opts.distressThreshold ?? 0.1
  const maxRounds = opts.maxRounds ?? (variant === 'linear' ? 100 : g.n + 1)
  const tol = opts.tol ?? 1e-12
  const n = g.n
  const E = g.sizes
  const warnings: string[] = []
  // Impact of issuer j on holder i per in-edge position k of j: Λ (linear) or min(1, Λ) (single-hit).
  const impact = new Float64Array(g.e)
  let zeroEquityHolders = 0
  const seenZero = new Uint8Array(n)
  for (let k = 0; k < g.e; k++) {
    const j = g.inEdge[k]
    const i = g.src[j]
    if (E[i] > 0) {
      const l = g.weight[j] / E[i]
      impact[k] = variant === 'linear' ? l : Math.min(1, l)
    } else if (!seenZero[i]) {
      seenZero[i] = 1
      zeroEquityHolders++
    }
  }
  const h = new Float64Array(n)
  const h1 = new Float64Array(n)
  const distressRound = new Int32Array(n).fill(-1)
  const shocked: number[] = []
  let ignored = 0
  for (const i of shock.nodes) {
    if (h[i] > 0 || distressRound[i] === 0) continue
    if (!(E[i] > 0)) {
      ignored++
      continue
    }
    h[i] = Math.min(1, Math.max(0, shock.fraction))
    shocked.push(i)
    if (h[i] > 0) distressRound[i] = 0
  }
  if (ignored) warnings.push(`${ignored} shocked nodes have TVL ≤ 0 (no equity) and were ignored`)
  h1.set(h)
  let distressed = shocked.filter((i) => h[i] > 0).length
  const lossNow = () => {
    let s = 0
    for (let i = 0; i < n; i++) s += h[i] * E[i]
    return s
  }
  const path: LossPathStep[] = [
    { round: 0, loss: lossNow(), distressed, newlyDistressed: distressed },
  ]
  const markDistress = (round: number, changed: number[]) => {
    let fresh = 0
    for (const i of changed)
      if (distressRound[i] < 0 && h[i] > threshold) {
        distressRound[i] = round
        fresh++
      }
    distressed += fresh
    return fresh
  }
  const trace = opts.trace
  const log = trace ? new CarrierLog() : null
  // loss = h·E; defaulted at h = 1 (the default count's rule)
  const snapshot = (c: { carriers: Int32Array; carried: Float64Array }) => {
    const losses = new Float64Array(n)
    const states = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      losses[i] = h[i] * E[i]
      states[i] = h[i] >= 1 ? 2 : distressRound[i] >= 0 ? 1 : 0
    }
    trace!.steps.push({ losses, states, ...c })
  }
  if (trace) snapshot(NO_CARRIERS())
  let round = 0
  let converged = true
  const inc = new Float64Array(n)
  const touched: number[] = []
  const mark = new Uint8Array(n)
  if (variant === 'linear') {
    // Push the change of each issuer's h to its holders; only nodes whose h changed are visited.
    // Typed arrays and index lists rather than a Map of changes (bench/risk.ts).
    let changed: number[] = []
    const delta = new Float64Array(n)
    for (const i of shocked)
      if (h[i] > 0) {
        delta[i] = h[i]
        changed.push(i)
      }
    while (changed.length > 0) {
      if (round >= maxRounds) {
        converged = false
        break
      }
      round++
      touched.length = 0
      for (const j of changed) {
        const dj = delta[j]
        delta[j] = 0
        for (let k = g.inPtr[j], end = g.inPtr[j + 1]; k < end; k++) {
          const i = g.src[g.inEdge[k]]
          if (impact[k] === 0 || h[i] >= 1) continue
          inc[i] += impact[k] * dj
          log?.add(g.inEdge[k], impact[k] * dj * E[i])
          if (!mark[i]) {
            mark[i] = 1
            touched.push(i)
          }
        }
      }
      const next: number[] = []
      for (const i of touched) {
        mark[i] = 0
        const v = Math.min(1, h[i] + inc[i])
        inc[i] = 0
        const d = v - h[i]
        h[i] = v
        if (d > tol) {
          delta[i] = d
          next.push(i)
        }
      }
      const fresh = markDistress(round, touched)
      path.push({ round, loss: lossNow(), distressed, newlyDistressed: fresh })
      if (log) snapshot(log.take())
      changed = next
    }
    if (!converged)
      warnings.push(
        `linear DebtRank still changing after ${maxRounds} rounds; results are a lower bound`,
      )
  } else {
    // Single hit: the distressed set of a round propagates its full h once, then goes inactive.
    const inactive = new Uint8Array(n)
    let wave = shocked.filter((i) => h[i] > 0)
    while (wave.length > 0) {
      if (round >= maxRounds) {
        converged = false
        break
      }
      round++
      touched.length = 0
      for (const j of wave) {
        const hj = h[j]
        for (let k = g.inPtr[j], end = g.inPtr[j + 1]; k < end; k++) {
          const i = g.src[g.inEdge[k]]
          if (impact[k] === 0) continue
          inc[i] += impact[k] * hj
          log?.add(g.inEdge[k], impact[k] * hj * E[i])
          if (!mark[i]) {
            mark[i] = 1
            touched.push(i)
          }
        }
      }
      for (const j of wave) inactive[j] = 1
      const next: number[] = []
      for (const i of touched) {
        mark[i] = 0
        const before = h[i]
        h[i] = Math.min(1, h[i] + inc[i])
        inc[i] = 0
        // Undistressed → distressed when its h becomes positive; distressed/inactive stay as they are.
        if (before === 0 && h[i] > 0 && !inactive[i]) next.push(i)
      }
      const fresh = markDistress(round, touched)
      path.push({ round, loss: lossNow(), distressed, newlyDistressed: fresh })
      if (log) snapshot(log.take())
      wave = next
    }
  }
  const totalE = totalOf(E)
  const nodeLoss = new Float64Array(n)
  let original = 0
  let final = 0
  let affected = 0
  let defaults = 0
  let additionalDefaults = 0
  for (let i = 0; i < n; i++) {
    nodeLoss[i] = h[i] * E[i]
    original += h1[i] * E[i]
    final += nodeLoss[i]
    if (h[i] > 0) affected++
    if (h[i] >= 1) {
      defaults++
      if (h1[i] < 1) additionalDefaults++
    }
  }
  return {
    method: 'debtrank',
    variant,
    shocked,
    shockFraction: shock.fraction,
    totalLoss: final,
    totalLossPct: lossPct(final, totalE),
    affectedCount: affected,
    distressedCount: distressed,
    defaultCount: defaults,
    rounds: round,
    converged,
    path,
    nodeLoss,
    distressRound,
    outputs: {
      original_stress: totalE > 0 ? original / totalE : 0,
      additional_stress: totalE > 0 ? (final - original) / totalE : 0,
      debtrank: totalE > 0 ? (final - original) / totalE : 0,
      original_losses: original,
      additional_losses: final - original,
      additional_defaults: additionalDefaults,
      zero_equity_holders: zeroEquityHolders,
      distress_threshold: threshold,
    },
    warnings,
  }
}
