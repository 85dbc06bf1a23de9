// Fresh-pair stage of a fresh-head model: every pair without history, a block of holders at a
// time, reduced in ONNX Runtime to each row's sum and the cells with p ≥ FRESH_KEEP_FLOOR
// (scoring.ts scanFreshRows). A row's sum includes the diagonal and the pairs with history (scored
// by the pair head before): their fresh probabilities, one dot product each (freshProbability),
// are taken back out, and the kept cells among them skipped.
// With recalibration (recalibrate.ts) the same scan feeds the fresh level, the shift δ is solved
// from it, and the kept fresh pairs, Σ p and the floors below are taken in shifted probabilities.
import type { PairSet } from '../pair-set'
import { freshProbability, scanFreshRows, type FreshScanBlock } from '../scoring'
import { KEEP_FLOOR, type ScoreTally, type ScoringInput } from './kept-pairs'
import {
  FreshLevelBuilder,
  shiftedProbability,
  unshiftedProbability,
  type PairLevel,
} from './recalibrate'

/** Fresh pairs (scored by a fresh head) kept in memory for Ĝ and storage: at least this probable.
 * Higher than KEEP_FLOOR because there are 10⁸ of them on a large week; Ĝ's cut lies far above. */
export const FRESH_KEEP_FLOOR = 1e-3

/**
 * Scores every fresh pair into the tally. `shiftFor`, when given, sees the level of the fresh pairs
 * (gathered during the scan) and returns the logit shift δ to apply to them; the stage returns the
 * shift applied (0 without `shiftFor`).
 */
export async function scanFreshPairs(
  input: ScoringInput,
  tally: ScoreTally,
  known: PairSet,
  shiftFor?: (level: PairLevel) => number,
): Promise<number> {
  const { model, enc, total } = input
  const { n } = input.ctx
  const fresh = enc.fresh
  if (!fresh) throw new Error('scanFreshPairs needs a model with a fresh head')
  const { kept } = tally
  const knownSum = tally.sumP
  const firstFresh = kept.size
  let shift = 0
  const keptFresh = (b: FreshScanBlock) => {
    for (let k = 0; k < b.keptProb.length; k++) {
      const u = b.u0 + b.keptIndex[2 * k]
      const v = b.keptIndex[2 * k + 1]
      if (v !== u && !known.has(u * n + v))
        kept.push(u, v, shiftedProbability(b.keptProb[k], shift))
    }
  }
  const builder = shiftFor ? new FreshLevelBuilder(FRESH_KEEP_FLOOR, n, known) : null
  await scanFreshRows(
    model,
    enc,
    n,
    FRESH_KEEP_FLOOR,
    Infinity,
    (b) => {
      for (let r = 0; r < b.rowSum.length; r++) tally.sumP += b.rowSum[r]
      keptFresh(b)
      builder?.addBlock(b)
    },
    (rowsDone) => {
      input.onProgress?.(Math.min(total, known.size + rowsDone * (n - 1)), total)
      input.cancelled()
    },
  )
  for (let u = 0; u < n; u++) tally.sumP -= freshProbability(fresh, u, u)
  for (const key of known.keys()) {
    const u = Math.floor(key / n)
    tally.sumP -= freshProbability(fresh, u, key - u * n)
  }
  // raw p of the lowest fresh pair kept so far (every fresh pair at or above it is kept)
  let keptDown = FRESH_KEEP_FLOOR
  if (builder && shiftFor) {
    const level = builder.finish(fresh)
    shift = shiftFor(level)
    if (shift !== 0) {
      for (let i = firstFresh; i < kept.size; i++) kept.p[i] = shiftedProbability(kept.p[i], shift)
      tally.sumP = knownSum + level.expected(shift)
      // raised probabilities: fetch the pairs that now reach FRESH_KEEP_FLOOR, so the kept set is
      // complete above it as without a shift
      const lo = unshiftedProbability(FRESH_KEEP_FLOOR, shift)
      if (lo < FRESH_KEEP_FLOOR) {
        await scanFreshRows(model, enc, n, lo, FRESH_KEEP_FLOOR, keptFresh)
        keptDown = lo
      }
    }
  }
  // Ĝ's cut lies far above FRESH_KEEP_FLOOR (0.21 on the largest real-scale week); should a model
  // put it lower, a second scan fetches the fresh pairs down to KEEP_FLOOR, so Ĝ stays the
  // exact top round(Σp).
  let above = 0
  for (let i = 0; i < kept.size; i++) if (kept.p[i] >= FRESH_KEEP_FLOOR) above++
  const lo = unshiftedProbability(KEEP_FLOOR, shift)
  if (above < Math.round(tally.sumP) && lo < keptDown)
    await scanFreshRows(model, enc, n, lo, keptDown, keptFresh)
  tally.scored = total
  return shift
}
