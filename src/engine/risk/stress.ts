// Stress under forecast uncertainty (docs/risk.md): Monte Carlo over the stored forecast of week t
// at horizon h. Each draw keeps every stored pair with its calibrated probability (independent
// Bernoulli draws) and gives it a weight from the predicted distribution — log1p(w) normal around
// the predicted log1p weight with the model's residual spread — then runs the chosen scenarios and
// methods on that graph. The shock set of each scenario is selected once, on the point forecast
// Ĝ(t+h) (as `risk --forecast` selects it), and held fixed, so the spread measures the network's
// uncertainty and not a changing shock. Node TVL stays at its predicted value (the model gives no
// distribution for it). Draw d uses its own stream of the seeded generator, so a run is
// reproducible and a draw does not depend on the others.
import { Rng } from '../demo/rng'
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import {
  runMethod,
  type ContagionParams,
  type ScenarioInput,
} from '../../shared/risk/contagion/run'
import type { ClearingContext } from '../../shared/risk/contagion/eisenberg-noe'
import type { ContagionMethod, ContagionResult } from '../../shared/risk/contagion/types'
import { buildRiskGraph, totalOf, type GraphInput } from '../../shared/risk/graph'
import {
  formatShockSpec,
  needsSis,
  selectShock,
  type ShockSelection,
} from '../../shared/risk/scenarios'
import { computeSis } from '../../shared/risk/sis'
import { histogram, type Histogram } from '../../shared/risk/histogram'
import { exceedanceProbability, lossDistribution } from '../../shared/risk/tail'
import {
  labelsOf,
  loadForecastNodes,
  loadForecastPairs,
  modelOfRun,
  requireForecastRun,
  type ForecastRunRow,
  type RunModel,
} from '../forecast/stored-run'
import type { Archive } from '../store/archive'
import { checkContagionParams, contagionParams, DEFAULT_SCENARIOS } from './contagion-runs'
import { checkWeek, type StatsParams } from './stats-runs'

export const DEFAULT_DRAWS = 200
export const DEFAULT_LOSS_THRESHOLDS = [1, 5, 10]
export const MAX_DRAWS = 100_000

export interface StressOptions {
  week: string
  horizon: number
  /** Only a forecast run of this model (else CONFLICT naming both); without it, the latest run. */
  model?: RunModel
  /** Exactly this stored forecast run (checked by the caller to be of week and horizon). */
  forecastRunId?: number
  draws?: number
  seed?: number
  /** σ of log1p(weight); undefined: from the model (resolveWeightSigma). */
  weightSigma?: number
  scenarios?: ScenarioInput[]
  /** Names among `scenarios` that are custom shocks: one that hits no TVL is refused. */
  customNames?: string[]
  methods?: ContagionMethod[]
  params?: ContagionParams
  stats?: StatsParams
  /** Loss thresholds in % of total TVL for the exceedance probabilities. */
  lossThresholds?: number[]
  /** Distressed nodes listed per scenario and method. */
  topNodes?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

type Dist = ReturnType<typeof lossDistribution>

export interface StressMethodReport {
  method: ContagionMethod
  variant: string
  point: { totalLoss: number; totalLossPct: number; distressed: number; defaults: number }
  pointPercentile: number
  loss: Dist
  lossPct: Dist
  /** The loss in % of total TVL over the draws in 40 equal bins (the workbench's histogram). */
  lossPctHistogram: Histogram
  exceedance: { thresholdPct: number; probability: number }[]
  distressed: { mean: number; min: number; max: number }
  defaults: { mean: number; min: number; max: number }
  distressedNodes: {
    count: number
    top: {
      node: string
      name: string | null
      share: number
      meanLoss: number
      meanRelativeLoss: number | null
    }[]
  }
}

export interface StressReport {
  runId: number | null
  week: WeekId
  horizon: number
  targetWeek: WeekId
  forecastRun: number
  draws: number
  seed: number
  weightSigma: number
  weightSigmaSource: string
  pairs: {
    stored: number
    certain: number
    expectedEdges: number
    omittedExpectedEdges: number
    pointGraphEdges: number
    meanEdgesPerDraw: number
  }
  nodes: number
  totalTvl: number
  lossThresholdsPct: number[]
  scenarios: {
    scenario: string
    spec: string
    shocked: number
    shockedNodes: string[]
    warnings: string[]
    results: StressMethodReport[]
  }[]
  warnings: string[]
  durationMs: number
  synthetic: boolean
}

/**
 * The spread of log1p(weight) around the model's prediction, in order of preference: the weight
 * RMSE of the latest stored backtest of the run's model (out-of-sample residuals, in log1p units:
 * σ of a residual with mean 0); else the model's validation weight MAE × √(π/2) (σ of a normal with
 * that mean absolute deviation); else 0, with a warning.
 */
export function resolveWeightSigma(
  archive: Archive,
  run: ForecastRunRow,
): { sigma: number; source: string; warning: string | null } {
  const bt = archive.db
    .prepare(
      `SELECT run_id, first_week, last_week, result FROM backtest_runs
       WHERE horizon = ? AND model = ? AND model_sha256 = ? ORDER BY run_id DESC LIMIT 1`,
    )
    .get(run.horizon, run.model, run.model_sha256) as
    { run_id: number; first_week: string; last_week: string; result: string } | undefined
  if (bt) {
    const rmse = (
      JSON.parse(bt.result) as { protocols?: { paper?: { model?: { weight_rmse?: unknown } } } }
    ).protocols?.paper?.model?.weight_rmse
    if (typeof rmse === 'number' && Number.isFinite(rmse) && rmse > 0)
      return {
        sigma: rmse,
        source: `weight RMSE (log1p USD) of backtest run ${bt.run_id} of model ${run.model}, anchors ${bt.first_week} … ${bt.last_week}`,
        warning: null,
      }
  }
  const model = modelOfRun(archive.file, run)
  const mae = model?.manifest.metrics?.validation_weight_mae
  if (model && typeof mae === 'number' && Number.isFinite(mae) && mae > 0)
    return {
      sigma: mae * Math.sqrt(Math.PI / 2),
      source: `validation weight MAE ${mae.toFixed(4)} (log1p USD) of model ${run.model} (${model.dir}) × √(π/2)`,
      warning: null,
    }
  return {
    sigma: 0,
    source: 'none: no stored backtest and no manifest metrics for the run’s model',
    warning: `no weight spread known for model ${run.model}: weights are drawn at their predicted values (give weightSigma / --weight-sigma, or run a backtest)`,
  }
}

interface Tally {
  loss: Float64Array
  distressed: Int32Array
  defaults: Int32Array
  nodeDistress: Int32Array
  nodeLoss: Float64Array
}

export async function stressRun(archive: Archive, o: StressOptions): Promise<StressReport> {
  const t0 = performance.now()
  checkWeek(archive, o.week)
  const draws = o.draws ?? DEFAULT_DRAWS
  if (!Number.isInteger(draws) || draws < 1 || draws > MAX_DRAWS)
    throw new DexposureError('USAGE', `draws must be a whole number in 1 … ${MAX_DRAWS}`, {
      field: 'draws',
    })
  const seed = o.seed ?? 1
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new DexposureError('USAGE', 'seed must be a whole number ≥ 0', { field: 'seed' })
  if (o.weightSigma !== undefined && !(Number.isFinite(o.weightSigma) && o.weightSigma >= 0))
    throw new DexposureError('USAGE', 'weight sigma must be a number ≥ 0', {
      field: 'weightSigma',
    })
  const thresholds = o.lossThresholds ?? DEFAULT_LOSS_THRESHOLDS
  if (thresholds.some((x) => !(Number.isFinite(x) && x > 0 && x <= 100)))
    throw new DexposureError('USAGE', 'loss thresholds are percentages in (0, 100]', {
      field: 'lossThresholds',
    })
  const params = o.params ?? {}
  checkContagionParams(params)
  const scenarios = o.scenarios ?? DEFAULT_SCENARIOS
  const methods = o.methods ?? ['reference', 'debtrank', 'eisenberg-noe']
  const run = requireForecastRun(
    archive,
    o.forecastRunId === undefined
      ? { week: o.week, horizon: o.horizon, model: o.model }
      : { runId: o.forecastRunId },
  )
  const warnings: string[] = []

  const nodes = loadForecastNodes(archive, run.run_id)
  const pairs = loadForecastPairs(archive, run.run_id, nodes)
  const n = nodes.nodeIds.length
  const m = pairs.src.length
  const labels = labelsOf(archive, nodes.nodeIds)
  const graphOf = (src: Int32Array, dst: Int32Array, w: Float64Array) => {
    const input: GraphInput = {
      nodeIds: nodes.nodeIds,
      sizes: nodes.predictedTvl,
      ...labels,
      edgeSrc: src,
      edgeDst: dst,
      edgeWeight: w,
    }
    return buildRiskGraph(input, { week: run.target_week })
  }
  // Ĝ(t+h): the in-graph pairs in stored order, exactly as `risk --forecast` builds it
  const inG: number[] = []
  for (let k = 0; k < m; k++) if (pairs.inGraph[k]) inG.push(k)
  const point = graphOf(
    Int32Array.from(inG, (k) => pairs.src[k]),
    Int32Array.from(inG, (k) => pairs.dst[k]),
    Float64Array.from(inG, (k) => pairs.weight[k]),
  )
  const sis = scenarios.some((s) => needsSis(s.spec))
    ? computeSis(point, { weights: o.stats?.sisWeights, tailK: o.stats?.tailK }).scores
    : undefined
  const shocks: ShockSelection[] = scenarios.map((s) => {
    const sel = selectShock(point, s.spec, { sis, week: run.target_week })
    if ((o.customNames ?? []).includes(s.name) && !sel.nodes.some((i) => point.sizes[i] > 0))
      throw new DexposureError(
        'BAD_INPUT',
        `shock ${formatShockSpec(s.spec)} selects no node with TVL in the forecast graph of ${run.target_week}`,
        { field: 'shock', week: run.target_week },
      )
    return sel
  })
  const pointCache: { clearing?: ClearingContext } = {}
  const pointResults: ContagionResult[][] = shocks.map((sh) =>
    methods.map((me) => runMethod(point, sh, me, params, pointCache)),
  )

  const sigmaInfo =
    o.weightSigma !== undefined
      ? { sigma: o.weightSigma, source: 'given', warning: null }
      : resolveWeightSigma(archive, run)
  if (sigmaInfo.warning) warnings.push(sigmaInfo.warning)
  const sigma = sigmaInfo.sigma

  let storedP = 0
  let certain = 0
  for (let k = 0; k < m; k++) {
    storedP += pairs.probability[k]
    if (pairs.probability[k] >= 1) certain++
  }
  const omitted = Math.max(0, run.expected_edges - storedP)
  if (omitted > 0.5)
    warnings.push(
      `the forecast did not store its pairs below p = 0.01 (about ${omitted.toFixed(1)} expected edges): draws leave them out`,
    )

  const tallies: Tally[][] = scenarios.map(() =>
    methods.map(() => ({
      loss: new Float64Array(draws),
      distressed: new Int32Array(draws),
      defaults: new Int32Array(draws),
      nodeDistress: new Int32Array(n),
      nodeLoss: new Float64Array(n),
    })),
  )
  const logW = Float64Array.from(pairs.weight, (w) => Math.log1p(Math.max(w, 0)))
  const src = new Int32Array(m)
  const dst = new Int32Array(m)
  const w = new Float64Array(m)
  let edgesTotal = 0
  let lastYield = performance.now()
  for (let d = 0; d < draws; d++) {
    const rng = new Rng(seed, d)
    let e = 0
    for (let k = 0; k < m; k++) {
      // p = 1 is always drawn (next() < 1) and p = 0 never: a 0/1 forecast is deterministic
      if (!(rng.next() < pairs.probability[k])) continue
      src[e] = pairs.src[k]
      dst[e] = pairs.dst[k]
      // σ = 0 keeps the stored weight bit for bit (expm1(log1p(w)) may differ in the last bit)
      w[e++] = sigma > 0 ? Math.expm1(logW[k] + sigma * rng.normal()) : pairs.weight[k]
    }
    edgesTotal += e
    const g = graphOf(src.subarray(0, e), dst.subarray(0, e), w.subarray(0, e))
    const cache: { clearing?: ClearingContext } = {}
    shocks.forEach((sh, s) =>
      methods.forEach((me, j) => {
        const r = runMethod(g, sh, me, params, cache)
        const t = tallies[s][j]
        t.loss[d] = r.totalLoss
        t.distressed[d] = r.distressedCount
        t.defaults[d] = r.defaultCount
        for (let i = 0; i < n; i++) {
          if (r.distressRound[i] >= 0) t.nodeDistress[i]++
          t.nodeLoss[i] += r.nodeLoss[i]
        }
      }),
    )
    if (performance.now() - lastYield > 30 || d === draws - 1) {
      o.onProgress?.(d + 1, draws)
      // let progress, cancel and other calls through
      await new Promise((r) => setImmediate(r))
      lastYield = performance.now()
      if (o.signal?.aborted) throw new DexposureError('CANCELLED', 'stress run cancelled')
    }
  }

  const totalTvl = totalOf(point.sizes)
  const protocols = archive.protocols()
  const topK = o.topNodes ?? 50
  const counts = (x: Int32Array) => {
    let s = 0
    let lo = Infinity
    let hi = -Infinity
    for (const v of x) {
      s += v
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    return { mean: s / x.length, min: lo, max: hi }
  }
  const report: StressReport = {
    runId: null,
    week: o.week,
    horizon: o.horizon,
    targetWeek: run.target_week,
    forecastRun: run.run_id,
    draws,
    seed,
    weightSigma: sigma,
    weightSigmaSource: sigmaInfo.source,
    pairs: {
      stored: m,
      certain,
      expectedEdges: storedP,
      omittedExpectedEdges: omitted,
      pointGraphEdges: point.e,
      meanEdgesPerDraw: edgesTotal / draws,
    },
    nodes: n,
    totalTvl,
    lossThresholdsPct: thresholds,
    scenarios: scenarios.map((sc, s) => ({
      scenario: sc.name,
      spec: formatShockSpec(sc.spec),
      shocked: pointResults[s][0]?.shocked.length ?? 0,
      shockedNodes: shocks[s].nodes.slice(0, 20).map((i) => nodes.nodeIds[i]),
      warnings: shocks[s].warnings,
      results: methods.map((me, j) => {
        const t = tallies[s][j]
        const p = pointResults[s][j]
        const pct = Float64Array.from(t.loss, (x) => (totalTvl > 0 ? (100 * x) / totalTvl : 0))
        let atMost = 0
        for (const x of t.loss) if (x <= p.totalLoss) atMost++
        const hit: number[] = []
        for (let i = 0; i < n; i++) if (t.nodeDistress[i] > 0) hit.push(i)
        hit.sort(
          (a, b) => t.nodeDistress[b] - t.nodeDistress[a] || t.nodeLoss[b] - t.nodeLoss[a] || a - b,
        )
        return {
          method: me,
          variant: p.variant,
          point: {
            totalLoss: p.totalLoss,
            totalLossPct: p.totalLossPct,
            distressed: p.distressedCount,
            defaults: p.defaultCount,
          },
          pointPercentile: atMost / draws,
          loss: lossDistribution(t.loss),
          lossPct: lossDistribution(pct),
          lossPctHistogram: histogram(pct, 40),
          exceedance: thresholds.map((x) => ({
            thresholdPct: x,
            probability: exceedanceProbability(pct, x),
          })),
          distressed: counts(t.distressed),
          defaults: counts(t.defaults),
          distressedNodes: {
            count: hit.length,
            top: hit.slice(0, topK).map((i) => ({
              node: nodes.nodeIds[i],
              name: protocols.get(nodes.nodeIds[i])?.name ?? null,
              share: t.nodeDistress[i] / draws,
              meanLoss: t.nodeLoss[i] / draws,
              meanRelativeLoss: point.sizes[i] > 0 ? t.nodeLoss[i] / draws / point.sizes[i] : null,
            })),
          },
        }
      }),
    })),
    warnings,
    durationMs: 0,
    synthetic: archive.hasSynthetic(),
  }
  report.durationMs = performance.now() - t0
  report.runId = saveStress(archive, run, report, {
    ...contagionParams({ params, stats: o.stats }, scenarios, methods),
    draws,
    seed,
    weightSigma: sigma,
    lossThresholds: thresholds,
    topNodes: topK,
  })
  return report
}

function saveStress(
  archive: Archive,
  run: ForecastRunRow,
  report: StressReport,
  params: Record<string, unknown>,
): number {
  if (archive.readonly)
    throw new DexposureError('ARCHIVE', 'archive is open read-only; stress runs cannot be stored', {
      file: archive.file,
    })
  return archive.write(() => {
    const info = archive.db
      .prepare(
        `INSERT INTO stress_runs (week, horizon, target_week, forecast_run, draws, seed, params,
           created, duration_ms, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        report.week,
        report.horizon,
        report.targetWeek,
        run.run_id,
        report.draws,
        report.seed,
        JSON.stringify(params),
        new Date().toISOString(),
        report.durationMs,
        JSON.stringify({ ...report, runId: null }),
      )
    return Number(info.lastInsertRowid)
  })
}

/** A stored stress run by id, or the latest for (week, horizon); null when none. */
export function readStress(
  archive: Archive,
  q: { runId?: number; week?: string; horizon?: number },
): StressReport | null {
  const row = (
    q.runId !== undefined
      ? archive.db.prepare('SELECT run_id, result FROM stress_runs WHERE run_id = ?').get(q.runId)
      : archive.db
          .prepare(
            'SELECT run_id, result FROM stress_runs WHERE week = ? AND horizon = ? ORDER BY run_id DESC LIMIT 1',
          )
          .get(q.week, q.horizon)
  ) as { run_id: number; result: string } | undefined
  if (!row) return null
  return { ...(JSON.parse(row.result) as StressReport), runId: row.run_id }
}
