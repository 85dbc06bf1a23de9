// The reference cascade (`simulate_contagion`, reference-spec §7.4), reproduced literally so numbers
// can be compared with published ones: a debtor's *entire current* loss is passed to its creditors
// in proportion to their exposures (undamped), capped at each creditor's TVL; a creditor whose loss
// exceeds threshold·TVL becomes distressed and passes its loss on in the next round; distressed
// nodes keep accumulating loss but never pass it on again. Debtor = issuer (edge target),
// creditor = holder (edge source).
//
// Where the reference leaves room, the choices are: active debtors are processed in the order they
// became distressed (shocked nodes in the order given), reading each debtor's loss at the moment it
// is processed (the reference iterates a Python collection the same way); a round that runs counts
// towards `propagation_rounds` even when it distresses nobody new; the loop ends when a round
// distresses nobody new or after `maxRounds` rounds.
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

export interface ReferenceCascadeOptions {
  /** Default 0.1. */
  distressThreshold?: number
  /** Default 10. */
  maxRounds?: number
  /** Playback: the node losses, states and carrying edges of every step. */
  trace?: ContagionTrace
}

export function referenceCascade(
  g: RiskGraph,
  shock: Shock,
  opts: ReferenceCascadeOptions = {},
): ContagionResult {
  const threshold = opts.distressThreshold ?? 0.1
  const maxRounds = opts.maxRounds ?? 10
  const n = g.n
  const tvl = g.sizes
  const loss = new Float64Array(n)
  const distressRound = new Int32Array(n).fill(-1)
  const shocked: number[] = []
  const warnings: string[] = []
  let ignored = 0
  for (const i of shock.nodes) {
    if (distressRound[i] === 0) continue
    if (!(tvl[i] > 0)) {
      ignored++
      continue
    }
    loss[i] = shock.fraction * tvl[i]
    distressRound[i] = 0
    shocked.push(i)
  }
  if (ignored)
    warnings.push(`${ignored} shocked nodes have TVL ≤ 0 and were ignored (as the reference does)`)
  let distressed = shocked.length
  const path: LossPathStep[] = [
    { round: 0, loss: totalOf(loss), distressed, newlyDistressed: distressed },
  ]
  const trace = opts.trace
  const log = trace ? new CarrierLog() : null
  // distressed, or defaulted at the TVL cap (countAtCap's rule)
  const snapshot = (c: { carriers: Int32Array; carried: Float64Array }) => {
    const states = new Uint8Array(n)
    for (let i = 0; i < n; i++)
      states[i] = tvl[i] > 0 && loss[i] >= tvl[i] ? 2 : distressRound[i] >= 0 ? 1 : 0
    trace!.steps.push({ losses: loss.slice(), states, ...c })
  }
  if (trace) snapshot(NO_CARRIERS())
  let active = shocked.slice()
  let round = 0
  while (active.length > 0 && round < maxRounds) {
    round++
    const next: number[] = []
    for (const d of active) {
      const ld = loss[d]
      const a = g.inPtr[d]
      const b = g.inPtr[d + 1]
      if (!(ld > 0) || a === b) continue
      const total = g.inStrength[d]
      for (let k = a; k < b; k++) {
        const j = g.inEdge[k]
        const c = g.src[j]
        const lc = Math.min(loss[c] + (ld * g.weight[j]) / total, tvl[c])
        log?.add(j, (ld * g.weight[j]) / total)
        loss[c] = lc
        if (distressRound[c] < 0 && lc > threshold * tvl[c]) {
          distressRound[c] = round
          next.push(c)
        }
      }
    }
    distressed += next.length
    path.push({ round, loss: totalOf(loss), distressed, newlyDistressed: next.length })
    if (log) snapshot(log.take())
    active = next
  }
  if (active.length > 0)
    warnings.push(
      `stopped after ${maxRounds} rounds with ${active.length} newly distressed nodes not yet propagated (the reference's round cap)`,
    )
  const totalLoss = totalOf(loss)
  const totalTvl = totalOf(tvl)
  let affected = 0
  for (let i = 0; i < n; i++) if (loss[i] > 0) affected++
  return {
    method: 'reference',
    variant: 'dexposure-fm',
    shocked,
    shockFraction: shock.fraction,
    totalLoss,
    totalLossPct: lossPct(totalLoss, totalTvl),
    affectedCount: affected,
    distressedCount: distressed,
    defaultCount: countAtCap(loss, tvl),
    rounds: round,
    converged: active.length === 0,
    path,
    nodeLoss: loss,
    distressRound,
    outputs: {
      loss_fraction: totalTvl > 0 ? totalLoss / totalTvl : 0,
      affected_count: distressed,
      propagation_rounds: round,
      distress_threshold: threshold,
      max_rounds: maxRounds,
    },
    warnings,
  }
}

function countAtCap(loss: Float64Array, tvl: Float64Array): number {
  let c = 0
  for (let i = 0; i < loss.length; i++) if (tvl[i] > 0 && loss[i] >= tvl[i]) c++
  return c
}
