// Fresh-pair stage of a fresh-head model: every pair without history, a block of holders at a
// time, reduced in ONNX Runtime to each row's sum and the cells with p ≥ FRESH_KEEP_FLOOR
// (scoring.ts scanFreshRows). A row's sum includes the diagonal and the pairs with history (scored
// by the pair head before): their fresh probabilities, one dot product each (freshProbability),
// are taken back out, and the kept cells among them skipped.
import type { PairSet } from '../pair-set'
import { freshProbability, scanFreshRows, type FreshScanBlock } from '../scoring'
import { KEEP_FLOOR, type ScoreTally, type ScoringInput } from './kept-pairs'

/** Fresh pairs (scored by a fresh head) kept in memory for Ĝ and storage: at least this probable.
 * Higher than KEEP_FLOOR because there are 10⁸ of them on a large week; Ĝ's cut lies far above. */
export const FRESH_KEEP_FLOOR = 1e-3

export async function scanFreshPairs(
  input: ScoringInput,
  tally: ScoreTally,
  known: PairSet,
): Promise<void> {
  const { model, enc, total } = input
  const { n } = input.ctx
  const fresh = enc.fresh
  if (!fresh) throw new Error('scanFreshPairs needs a model with a fresh head')
  const { kept } = tally
  const keptFresh = (b: FreshScanBlock) => {
    for (let k = 0; k < b.keptProb.length; k++) {
      const u = b.u0 + b.keptIndex[2 * k]
      const v = b.keptIndex[2 * k + 1]
      if (v !== u && !known.has(u * n + v)) kept.push(u, v, b.keptProb[k])
    }
  }
  await scanFreshRows(
    model,
    enc,
    n,
    FRESH_KEEP_FLOOR,
    Infinity,
    (b) => {
      for (let r = 0; r < b.rowSum.length; r++) tally.sumP += b.rowSum[r]
      keptFresh(b)
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
  // Ĝ's cut lies far above FRESH_KEEP_FLOOR (0.21 on the largest real-scale week); should a model
  // put it lower, a second scan fetches the fresh pairs down to KEEP_FLOOR, so Ĝ stays the
  // exact top round(Σp).
  let above = 0
  for (let i = 0; i < kept.size; i++) if (kept.p[i] >= FRESH_KEEP_FLOOR) above++
  if (above < Math.round(tally.sumP))
    await scanFreshRows(model, enc, n, KEEP_FLOOR, FRESH_KEEP_FLOOR, keptFresh)
  tally.scored = total
}
