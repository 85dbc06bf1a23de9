// The ONNX forecast model as a backtest scorer: encodes week t once, builds each pair's history
// from the archive up to t (never later), and returns calibrated probabilities (scoring.ts decides
// which of the model's heads serves each pair). With recalibration (stages/recalibrate.ts) it
// applies at each anchor exactly what a forecast from that anchor applies: the shift δ of the
// fresh pairs, solved from the same scan of their level, and the node-change factor α.
import { type Archive } from '../store/archive'
import type { PairScorer, ScoringContext } from './baselines'
import { pairDebutsAt } from './memory'
import type { Encoded, ForecastModel } from './model'
import { knownPairs } from './pair-history'
import { PairSet } from './pair-set'
import { keyPairs } from './pairs'
import { existenceOf, pairScoresOf, topFreshPairs } from './scoring'
import {
  calibrationOf,
  calibrationOff,
  calibrationSkipped,
  debutWeeksOf,
  freshLevelOf,
  knownLevelOf,
  knownShiftOf,
  nodeChangeAt,
  planRecalibration,
  recalibrationHistory,
  scaledNodeChange,
  shiftFresh,
  shiftPairs,
  type Calibration,
  type LevelShift,
} from './stages/recalibrate'
import { FRESH_KEEP_FLOOR } from './stages/scan-fresh'

export interface ModelScorer extends PairScorer {
  /** For a model with a fresh head: the pairs with history in either direction and the `budget`
   * fresh pairs the model finds most probable (the backtest's candidate set on large weeks). */
  candidates(ctx: ScoringContext, budget: number): Promise<PairSet>
  /** After prepare: what was applied at this anchor, and Σ p over its
   * fresh pairs as scored (null without a fresh head). */
  anchor(): { calibration: Calibration; freshExpected: number | null } | null
}

export interface ScorerRecalibration {
  archive: Archive
  horizon: number
  /** false: the model as trained (the fresh level is still measured). */
  enabled: boolean
}

export function modelScorer(model: ForecastModel, recal: ScorerRecalibration): ModelScorer {
  let encoded: Encoded | null = null
  let anchor: { calibration: Calibration; freshExpected: number | null } | null = null
  const changes = new Map<string, Float32Array>()
  const weeks = recal.archive.listWeeks().map((w) => w.week)
  return {
    name: 'model',
    async prepare(ctx) {
      encoded = await model.encode(ctx.frame)
      const level = encoded.fresh
        ? await freshLevelOf(model, encoded, ctx.n, knownPairs(ctx), FRESH_KEEP_FLOOR)
        : null
      let calibration = calibrationOff()
      if (recal.enabled) {
        const week = ctx.frame.week
        const plan = planRecalibration(weeks, week, recal.horizon)
        if (plan.skip) calibration = calibrationSkipped(plan.skip)
        else {
          const debuts = pairDebutsAt(recal.archive, week, debutWeeksOf(plan))
          const history = await recalibrationHistory(
            recal.archive,
            plan,
            debuts,
            nodeChangeAt(recal.archive, model, changes),
          )
          // the pairs with history, all scored as the forecast scores them, for their level
          let known: LevelShift | null = null
          if (level) {
            const keys = knownPairs(ctx).keys()
            const all = new Float64Array(keys.length)
            let k = 0
            for (const c of keyPairs(ctx.n, keys)) {
              all.set(await existenceOf(model, encoded, ctx, c.src, c.dst), k)
              k += c.src.length
            }
            known = knownShiftOf(history, knownLevelOf(all))
          }
          calibration = calibrationOf(history, level, known)
        }
        encoded = scaledNodeChange(
          shiftPairs(
            shiftFresh(encoded, calibration.fresh?.shift ?? 0),
            calibration.known?.shift ?? 0,
          ),
          calibration.node?.alpha ?? 1,
        )
      }
      anchor = {
        calibration,
        freshExpected: level ? (calibration.fresh?.expected ?? level.sum) : null,
      }
    },
    anchor: () => anchor,
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
