// The ONNX forecast model as a backtest scorer: encodes week t once, builds each pair's history
// from the archive up to t (never later), and returns calibrated probabilities.
import type { PairScorer } from './baselines'
import type { Encoded, ForecastModel } from './model'
import { pairHistory } from './pair-history'

export function modelScorer(model: ForecastModel): PairScorer {
  let encoded: Encoded | null = null
  return {
    name: 'model',
    async prepare(ctx) {
      encoded = await model.encode(ctx.frame)
    },
    async score(ctx, src, dst, weights = true) {
      if (!encoded) throw new Error('modelScorer.score before prepare')
      const hist = pairHistory(ctx, src, dst, model.manifest.pair_history)
      if (!weights)
        return {
          prob: await model.existence(encoded, src, dst, hist),
          logWeight: new Float64Array(src.length),
        }
      const out = await model.scorePairs(encoded, src, dst, hist)
      return { prob: out.prob, logWeight: out.logWeight }
    },
    nodeChange: () => encoded?.nodeChange ?? null,
  }
}
