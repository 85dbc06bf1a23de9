// Which head scores a pair, and the calibrated probabilities of any pairs by that rule. A model with
// a fresh head (model.json graphs.fresh_head) serves the fresh pairs — no edge in either direction
// in any week up to t — with it, and every other pair with the pair head; a model without one
// serves every pair with the pair head. Forecasts, backtests and the paper protocol all score
// through here, so a pair's probability is the same wherever it is asked for.
import type { ScoringContext } from './baselines'
import type { Encoded, ForecastModel } from './model'
import { knownPairs, pairHistory } from './pair-history'
import { PairSet } from './pair-set'

type Ctx = Pick<ScoringContext, 'week' | 'n' | 'memory'>

/** The fresh head's calibrated probability of u → v (its vectors are computed by encode). */
export function freshProbability(fresh: NonNullable<Encoded['fresh']>, u: number, v: number) {
  const { src, dst, width } = fresh
  let z = 0
  for (let k = 0, a = u * width, b = v * width; k < width; k++) z += src[a + k] * dst[b + k]
  return 1 / (1 + Math.exp(-z))
}

/** Calibrated existence probabilities of pairs (src[i], dst[i]) of week t. */
export async function existenceOf(
  model: ForecastModel,
  enc: Encoded,
  ctx: Ctx,
  src: Int32Array,
  dst: Int32Array,
): Promise<Float64Array> {
  const names = model.manifest.pair_history
  if (!enc.fresh) return model.existence(enc, src, dst, pairHistory(ctx, src, dst, names))
  const known = knownPairs(ctx)
  const prob = new Float64Array(src.length)
  const at: number[] = []
  for (let i = 0; i < src.length; i++)
    if (known.has(src[i] * ctx.n + dst[i])) at.push(i)
    else prob[i] = freshProbability(enc.fresh, src[i], dst[i])
  if (at.length > 0) {
    const ks = Int32Array.from(at, (i) => src[i])
    const kd = Int32Array.from(at, (i) => dst[i])
    const p = await model.existence(enc, ks, kd, pairHistory(ctx, ks, kd, names))
    for (let j = 0; j < at.length; j++) prob[at[j]] = p[j]
  }
  return prob
}

/** Probabilities and predicted log1p weights (the pair head's, for every pair) of pairs of week t. */
export async function pairScoresOf(
  model: ForecastModel,
  enc: Encoded,
  ctx: Ctx,
  src: Int32Array,
  dst: Int32Array,
): Promise<{ prob: Float64Array; logWeight: Float64Array }> {
  const out = await model.scorePairs(
    enc,
    src,
    dst,
    pairHistory(ctx, src, dst, model.manifest.pair_history),
  )
  if (enc.fresh) {
    const known = knownPairs(ctx)
    for (let i = 0; i < src.length; i++)
      if (!known.has(src[i] * ctx.n + dst[i]))
        out.prob[i] = freshProbability(enc.fresh, src[i], dst[i])
  }
  return { prob: out.prob, logWeight: out.logWeight }
}

/** Holder rows per fresh-head block: the block's [rows × N] probabilities stay near 16 MB. */
export const FRESH_BLOCK_CELLS = 4_194_304

/**
 * Visits every fresh pair's probability, a block of holders at a time: `visit(u, prob, base)` sees
 * row u at prob[base … base + n) (the diagonal and known pairs included; callers skip them).
 */
async function forEachFreshRow(
  model: ForecastModel,
  enc: Encoded,
  n: number,
  visit: (u: number, prob: Float32Array, base: number) => void,
  afterBlock?: (rowsDone: number) => void,
): Promise<void> {
  for (const block of freshBlocks(n)) {
    const prob = await model.freshBlock(enc, block)
    for (let r = 0; r < block.length; r++) visit(block[r], prob, r * n)
    afterBlock?.(block[0] + block.length)
  }
}

/** One block of a fresh scan: rows u0 … u0 + rowSum.length − 1, each row's probabilities summed
 * over all n columns (diagonal and pairs with history included), and the cells with lo ≤ p < hi
 * (keptIndex holds (row in the block, column) pairs, keptProb their probabilities). */
export interface FreshScanBlock {
  u0: number
  rowSum: Float32Array
  keptIndex: Int32Array
  keptProb: Float32Array
}

/**
 * Scans every fresh row, a block of holders at a time, with the reductions done in ONNX Runtime
 * (ForecastModel.freshScan): what a forecast needs from 10⁸ probabilities is their sums and the
 * few above a floor, so JS reads those instead of every cell.
 */
export async function scanFreshRows(
  model: ForecastModel,
  enc: Encoded,
  n: number,
  lo: number,
  hi: number,
  visit: (block: FreshScanBlock) => void,
  afterBlock?: (rowsDone: number) => void,
): Promise<void> {
  for (const rows of freshBlocks(n)) {
    visit({ u0: rows[0], ...(await model.freshScan(enc, rows, lo, hi)) })
    afterBlock?.(rows[0] + rows.length)
  }
}

/** The holder rows of each block, in order. */
function* freshBlocks(n: number): Generator<Int32Array> {
  const rows = Math.max(1, Math.floor(FRESH_BLOCK_CELLS / n))
  for (let u0 = 0; u0 < n; u0 += rows)
    yield Int32Array.from({ length: Math.min(rows, n - u0) }, (_, r) => u0 + r)
}

/**
 * The `budget` most probable fresh pairs by the fresh head (ties at the cut may add a few): one pass
 * counts the probabilities by their float32 bit pattern's top 16 bits (monotone for positive
 * floats, so no logarithm per pair), a second collects the pairs at or above the cut bucket.
 */
export async function topFreshPairs(
  model: ForecastModel,
  enc: Encoded,
  ctx: Pick<Ctx, 'n' | 'memory'>,
  budget: number,
): Promise<PairSet> {
  const { n } = ctx
  const known = knownPairs(ctx)
  const counts = new Float64Array(1 << 16)
  const bucketsOf = (prob: Float32Array) =>
    new Uint32Array(prob.buffer, prob.byteOffset, prob.length)
  await forEachFreshRow(model, enc, n, (u, prob, base) => {
    const bits = bucketsOf(prob)
    for (let v = 0; v < n; v++)
      if (v !== u && !known.has(u * n + v)) counts[bits[base + v] >>> 16]++
  })
  let cut = counts.length
  for (let taken = 0; cut > 0 && taken + counts[cut - 1] <= budget;) taken += counts[--cut]
  const top = new PairSet(n)
  if (cut === counts.length) return top
  await forEachFreshRow(model, enc, n, (u, prob, base) => {
    const bits = bucketsOf(prob)
    for (let v = 0; v < n; v++)
      if (bits[base + v] >>> 16 >= cut && v !== u && !known.has(u * n + v)) top.add(u * n + v)
  })
  return top
}
