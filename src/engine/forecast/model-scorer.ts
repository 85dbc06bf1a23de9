// The ONNX forecast model as a backtest scorer: encodes week t once, builds each pair's history
// from the archive up to t (never later), and returns calibrated probabilities (scoring.ts decides
// which of the model's heads serves each pair).
import type { PairScorer, ScoringContext } from './baselines'
import type { Encoded, ForecastModel } from './model'
import { knownPairs } from './pair-history'
import { PairSet } from './pair-set'
import { existenceOf, pairScoresOf, topFreshPairs } from './scoring'

export interface ModelScorer extends PairScorer {
  /** For a model with a fresh head: the pairs with history in either direction and the `budget`
   * fresh pairs the model finds most probable (the backtest's candidate set on large weeks). */
  candidates(ctx: ScoringContext, budget: number): Promise<PairSet>
}

export function modelScorer(model: ForecastModel): ModelScorer {
  let encoded: Encoded | null = null
  return {
    name: 'model',
    async prepare(ctx) {
      encoded = await model.encode(ctx.frame)
    },
    async score(ctx, src, dst, weights = true) {
      if (!encoded) throw new Error('modelScorer.score before prepare')
      if (!weights)
        return {
          prob: await existenceOf(model, encoded, ctx, src, dst),
          logWeight: new Float64Array(src.length),
        }
      return pairScoresOf(model, encoded, ctx, src, dst)
    },
    nodeChange: () => encoded?.nodeChange ?? null,
    async candidates(ctx, budget) {
      if (!encoded) throw new Error('modelScorer.candidates before prepare')
      const set = new PairSet(ctx.n)
      for (const key of knownPairs(ctx).keys()) set.add(key)
      for (const key of (await topFreshPairs(model, encoded, ctx, budget)).keys()) set.add(key)
      return set
    },
  }
}
