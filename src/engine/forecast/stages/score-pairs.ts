// Scoring stage: pairs through the model's existence rule (scoring.ts existenceOf), every
// probability added to Σ p and the pairs with p ≥ KEEP_FLOOR kept. For a fresh-head model these
// are the pairs with history in either direction (knownPairs); for a model without one, every pair
// of a small week, or the candidate set and a uniform sample standing for the rest.
import { Rng } from '../../demo/rng'
import type { WeekFrame } from '../../../shared/domain'
import { knownPairs } from '../pair-history'
import type { PairSet } from '../pair-set'
import { allPairs, keyPairs } from '../pairs'
import { existenceOf } from '../scoring'
import { candidatePairs } from './candidates'
import { KEEP_FLOOR, type ScoreTally, type ScoringInput } from './kept-pairs'

/** Existence for a batch of pairs (weights come later, only for the pairs stored or reported). */
async function scoreBatch(
  input: ScoringInput,
  tally: ScoreTally,
  src: Int32Array,
  dst: Int32Array,
): Promise<void> {
  const prob = await existenceOf(input.model, input.enc, input.ctx, src, dst)
  const floor = input.keepFloor ?? KEEP_FLOOR
  for (let i = 0; i < src.length; i++) {
    tally.sumP += prob[i]
    if (prob[i] >= floor) tally.kept.push(src[i], dst[i], prob[i])
  }
  tally.scored += src.length
  input.onProgress?.(tally.scored, input.exhaustive ? input.total : tally.scored)
  input.cancelled()
}

async function scoreKeys(input: ScoringInput, tally: ScoreTally, keys: Float64Array) {
  for (const chunk of keyPairs(input.ctx.n, keys))
    await scoreBatch(input, tally, chunk.src, chunk.dst)
}

/** Fresh-head models: the pairs with history in either direction, through the pair head. Returns
 * them for the fresh scan, which leaves them out. */
export async function scoreKnownPairs(input: ScoringInput, tally: ScoreTally): Promise<PairSet> {
  const known = knownPairs(input.ctx)
  await scoreKeys(input, tally, known.keys())
  return known
}

/** Models without a fresh head: every ordered pair of a small week. */
export async function scoreEveryPair(input: ScoringInput, tally: ScoreTally): Promise<void> {
  for (const chunk of allPairs(input.ctx.n)) await scoreBatch(input, tally, chunk.src, chunk.dst)
}

/**
 * Models without a fresh head on a large week: every candidate pair (candidates.ts), and a uniform
 * sample of 50,000 other pairs whose mean probability stands for every pair not scored (reported
 * as non_candidate_probability).
 */
export async function scoreCandidates(
  input: ScoringInput,
  tally: ScoreTally,
  frame: WeekFrame,
): Promise<void> {
  const { n, memory } = input.ctx
  const candidates = candidatePairs(frame, memory)
  await scoreKeys(input, tally, candidates.keys())
  const sample = 50_000
  const ss = new Int32Array(sample)
  const sd = new Int32Array(sample)
  let m = 0
  const rng = new Rng(7)
  while (m < sample) {
    const key = rng.int(input.total)
    const s = Math.floor(key / (n - 1))
    let d = key % (n - 1)
    if (d >= s) d++
    if (!candidates.has(s * n + d)) {
      ss[m] = s
      sd[m++] = d
    }
  }
  const prob = await existenceOf(input.model, input.enc, input.ctx, ss, sd)
  tally.nonCandidateP = prob.reduce((a, b) => a + b, 0) / sample
  tally.sumP += tally.nonCandidateP * (input.total - candidates.size)
}
