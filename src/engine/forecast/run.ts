// A forecast run: from the archive up to week t only, every ordered pair of nodes of t gets a
// calibrated probability of being an edge at t+h, a predicted USD weight, and every node a
// predicted TVL; the predicted graph Ĝ(t+h) keeps the M most probable pairs, M = round(Σ p) (the
// expected number of edges). Runs are stored in the archive (migration 3) for SQL, the UI and the
// risk tools. Weeks past the last archived one can be forecast: only t must be archived.
// A model with a fresh head scores every pair exactly: the pairs with history in either direction
// through its pair head, all the others (10⁸ on a large week) through the fresh head in blocks of
// holders. A model without one scores every pair up to EXACT_PAIRS, and a candidate set above.
// The run is a pipeline of stages (stages/*.ts), each a module with typed input and output, timed
// into the result's stage_ms:
//   model → week (frame, pair memory) → encode → recalibrate (the archive's own past: N̂ and α) →
//   known pairs (pair head) → fresh pairs (fresh head, in blocks; δ solved from their level) |
//   every pair | candidates → graph (Ĝ, top K, stored set) → weights → store.
// Recalibration (stages/recalibrate.ts) is on unless `recalibrate: false`; the result's
// `calibration` says what it applied or why it was skipped.
import { addWeeks, targetWeekProblem, weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { registerPredictedGraphProvider, type PredictedGraphRun } from '../risk/predicted-graph'
import type { Archive } from '../store/archive'
import { ForecastModel, modelDirFor, type ProviderAttempt } from './model'
import { modelWarnings } from './provenance'
import { findForecastRun, predictedGraphOfRun } from './stored-run'
import { EXACT_PAIRS } from './stages/candidates'
import { GRAPH_RULE, predictedGraph, predictedLogWeights } from './stages/graph'
import { emptyTally, type ScoringInput } from './stages/kept-pairs'
import {
  calibrationOf,
  calibrationOff,
  calibrationSkipped,
  debutWeeksOf,
  knownLevelOf,
  knownShiftOf,
  nodeChangeAt,
  planRecalibration,
  recalibrationHistory,
  scaledNodeChange,
  shiftedProbability,
  shiftFresh,
  shiftPairs,
  type Calibration,
  type LevelShift,
  type RecalibrationHistory,
} from './stages/recalibrate'
import { scanFreshPairs } from './stages/scan-fresh'
import { scoreCandidates, scoreEveryPair, scoreKnownPairs } from './stages/score-pairs'
import { storeForecastRun } from './stages/store'
import { loadWeekStage } from './stages/week'

// The rule Ĝ is built by, which the risk tools name with the graphs they read.
export { GRAPH_RULE }

/** Milliseconds per stage: model, week, encode, known_pairs | every_pair | candidates,
 * fresh_pairs, graph, weights, store. */
export type StageTimings = Record<string, number>

export interface ForecastOptions {
  week: string
  horizon: number
  modelDir?: string
  provider?: string
  top?: number
  /** Recalibrate on the archive's own past (default true; stages/recalibrate.ts). */
  recalibrate?: boolean
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface ForecastEdge {
  source: string
  target: string
  probability: number
  predicted_weight_usd: number
  exists_at_t: boolean
}

export interface ForecastRunResult {
  run_id: number
  model: string
  model_dir: string
  provider: string
  fallbacks: ProviderAttempt[]
  week: string
  horizon: number
  target_week: string
  nodes: number
  pairs_scored: number
  exhaustive: boolean
  non_candidate_probability: number | null
  expected_edges: number
  graph_rule: string
  graph_edges: number
  top: ForecastEdge[]
  duration_ms: number
  synthetic: boolean
  /** Why the model may not suit this week (provenance.ts), shown with the result and stored. */
  warnings: string[]
  /** The recalibration on the archive's own past that was applied, or why not (stored). */
  calibration: Calibration
  /** Milliseconds spent in each stage, in pipeline order (see runForecast). Not stored. */
  stage_ms: StageTimings
}

export async function runForecast(
  archive: Archive,
  opts: ForecastOptions,
): Promise<ForecastRunResult> {
  const started = Date.now()
  // A target week past the supported range could not be stored or read back (dates.ts).
  const badWeek = weekProblem(opts.week)
  if (badWeek) throw new DexposureError('USAGE', badWeek, { field: '--week' })
  const beyond = targetWeekProblem(opts.week, opts.horizon)
  if (beyond) throw new DexposureError('USAGE', beyond, { field: '--horizon' })
  const modelDir = opts.modelDir ?? modelDirFor(opts.horizon, archive.file)
  if (!modelDir)
    throw new DexposureError(
      'NOT_FOUND',
      `no model for h=${opts.horizon} is shipped; train one with \`dexposure train --horizon ${opts.horizon}\``,
      {
        field: '--horizon',
      },
    )
  const stageMs: StageTimings = {}
  let mark = performance.now()
  /** Closes the stage that ran since the last mark. */
  const lap = (name: string) => {
    const now = performance.now()
    stageMs[name] = (stageMs[name] ?? 0) + (now - mark)
    mark = now
  }
  const model = await ForecastModel.load(modelDir, { provider: opts.provider })
  try {
    if (model.manifest.horizon !== opts.horizon)
      throw new DexposureError(
        'USAGE',
        `model ${modelDir} forecasts ${model.manifest.horizon} weeks ahead, not ${opts.horizon}`,
        {
          field: '--horizon',
        },
      )
    lap('model')
    const plan =
      opts.recalibrate === false
        ? null
        : planRecalibration(
            archive.listWeeks().map((w) => w.week),
            opts.week,
            opts.horizon,
          )
    const recalibrating = plan !== null && plan.skip === null
    const week = loadWeekStage(archive, opts.week, recalibrating ? debutWeeksOf(plan) : [])
    const { frame, n, memory, position, ctx } = week
    lap('week')
    let enc = await model.encode(frame)
    lap('encode')
    let history: RecalibrationHistory | null = null
    if (recalibrating) {
      history = await recalibrationHistory(archive, plan, week.debuts, nodeChangeAt(archive, model))
      lap('recalibrate')
    }
    let calibration: Calibration = !plan
      ? calibrationOff()
      : history
        ? calibrationOf(history, null, null)
        : calibrationSkipped(plan.skip!)

    // Pairs to score: with a fresh head, every pair (see the header); otherwise all ordered pairs
    // when affordable, else the candidate set and a sample standing for the rest.
    const total = n * (n - 1)
    const exhaustive = model.hasFreshHead || total <= EXACT_PAIRS
    const input: ScoringInput = {
      model,
      enc,
      ctx,
      total,
      exhaustive,
      onProgress: opts.onProgress,
      cancelled: () => {
        if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'forecast cancelled')
      },
    }
    const tally = emptyTally()
    if (model.hasFreshHead) {
      // recalibrating: every pair with history is kept, their level read and shifted by δₖ
      // before the fresh scan (whose floors read Σ p)
      if (history) input.keepFloor = 0
      const known = await scoreKnownPairs(input, tally)
      input.keepFloor = undefined
      let knownShift: LevelShift | null = null
      if (history) {
        const { kept } = tally
        knownShift = knownShiftOf(history, knownLevelOf(kept.p.subarray(0, kept.size)))
        if (knownShift) {
          for (let i = 0; i < kept.size; i++)
            kept.p[i] = shiftedProbability(kept.p[i], knownShift.shift)
          tally.sumP = knownShift.expected
          enc = shiftPairs(enc, knownShift.shift)
        }
      }
      lap('known_pairs')
      const shift = await scanFreshPairs(
        input,
        tally,
        known,
        history
          ? (level) => {
              calibration = calibrationOf(history, level, knownShift)
              return calibration.fresh?.shift ?? 0
            }
          : undefined,
      )
      enc = shiftFresh(enc, shift)
      lap('fresh_pairs')
    } else if (exhaustive) {
      await scoreEveryPair(input, tally)
      lap('every_pair')
    } else {
      await scoreCandidates(input, tally, frame)
      lap('candidates')
    }
    const { kept, sumP: expected, scored } = tally
    enc = scaledNodeChange(enc, calibration.node?.alpha ?? 1)
    const warnings = modelWarnings(
      model.manifest,
      { nodes: n, synthetic: frame.synthetic },
      calibration,
    )

    const graph = predictedGraph(kept, expected, opts.top ?? 20)
    lap('graph')
    const lw = await predictedLogWeights(model, enc, ctx, kept, graph)
    lap('weights')
    const atT = (s: number, d: number) => memory.get(s * n + d)?.lastWeek === position
    const target = addWeeks(opts.week, opts.horizon)
    const runId = storeForecastRun(archive, {
      run: {
        week: opts.week,
        horizon: opts.horizon,
        target_week: target,
        model: model.manifest.name,
        model_sha256: model.manifest.graphs.pair_head.sha256,
        provider: model.provider,
        fallbacks: JSON.stringify(model.fallbacks),
        duration_ms: Date.now() - started,
        nodes: n,
        pairs_scored: scored,
        exhaustive,
        expected_edges: expected,
        graph_rule: GRAPH_RULE,
        graph_edges: graph.graphSize,
        warnings: JSON.stringify(warnings),
        calibration: JSON.stringify(calibration),
      },
      week,
      enc,
      kept,
      graph,
      logWeights: lw,
      atT,
    })
    lap('store')
    const top = graph.order.map((i) => ({
      source: frame.nodeIds[kept.src[i]],
      target: frame.nodeIds[kept.dst[i]],
      probability: kept.p[i],
      predicted_weight_usd: Math.expm1(lw[i]),
      exists_at_t: atT(kept.src[i], kept.dst[i]),
    }))
    for (const k in stageMs) stageMs[k] = Math.round(stageMs[k] * 10) / 10
    return {
      run_id: runId,
      model: model.manifest.name,
      model_dir: modelDir,
      provider: model.provider,
      fallbacks: model.fallbacks,
      week: opts.week,
      horizon: opts.horizon,
      target_week: target,
      nodes: n,
      pairs_scored: scored,
      exhaustive,
      non_candidate_probability: tally.nonCandidateP,
      expected_edges: expected,
      graph_rule: GRAPH_RULE,
      graph_edges: graph.graphSize,
      top,
      duration_ms: Date.now() - started,
      synthetic: frame.synthetic,
      warnings,
      calibration,
      stage_ms: stageMs,
    }
  } finally {
    await model.release()
  }
}

/** The latest stored forecast for (week, horizon) as a graph for the risk tools. */
export function predictedGraphOf(
  archive: Archive,
  week: string,
  horizon: number,
): PredictedGraphRun | null {
  const run = findForecastRun(archive, { week, horizon })
  return run ? predictedGraphOfRun(archive, run, GRAPH_RULE) : null
}

registerPredictedGraphProvider(predictedGraphOf)
