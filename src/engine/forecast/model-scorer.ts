// The ONNX forecast model as a backtest scorer: encodes week t once, builds each pair's history
// from the archive up to t (never later), and returns calibrated probabilities.
import type { PairMemory, PairScorer, ScoringContext } from './baselines'
import { PAIR_HISTORY, type Encoded, type ForecastModel } from './model'

/** Pair-history features (PAIR_HISTORY order) from the memory of week t. */
export function pairHistoryFromMemory(
  ctx: Pick<ScoringContext, 'week' | 'n' | 'memory'>,
  src: Int32Array,
  dst: Int32Array,
): Float32Array {
  const k = PAIR_HISTORY.length
  const out = new Float32Array(src.length * k)
  const within = (m: PairMemory, w: number) => {
    let c = 0
    for (let i = m.weeks.length - 1; i >= 0 && ctx.week - m.weeks[i] < w; i--) c++
    return c
  }
  for (let i = 0; i < src.length; i++) {
    const m = ctx.memory.get(src[i] * ctx.n + dst[i])
    const o = i * k
    if (m) {
      const atT = m.lastWeek === ctx.week
      out[o] = atT ? 1 : 0
      out[o + 1] = atT ? m.lastLogWeight : 0
      out[o + 2] = within(m, 4) / 4
      out[o + 3] = within(m, 12) / 12
      out[o + 5] = 1
    }
    const r = ctx.memory.get(dst[i] * ctx.n + src[i])
    if (r && r.lastWeek === ctx.week) out[o + 4] = 1
  }
  return out
}

export function modelScorer(model: ForecastModel): PairScorer {
  let encoded: Encoded | null = null
  return {
    name: 'model',
    async prepare(ctx) {
      encoded = await model.encode(ctx.frame)
    },
    async score(ctx, src, dst) {
      if (!encoded) throw new Error('modelScorer.score before prepare')
      const out = await model.scorePairs(encoded, src, dst, pairHistoryFromMemory(ctx, src, dst))
      return { prob: out.prob, logWeight: out.logWeight }
    },
    nodeChange: () => encoded?.nodeChange ?? null,
  }
}
