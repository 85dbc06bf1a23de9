// Walk-forward backtests of link and node forecasts over archive weeks, under two protocols:
// - paper (reference-spec §4.4, for comparability): positives = edges at t+h between nodes of t,
//   negatives = neg_ratio × uniform random ordered pairs, metrics pooled over weeks;
// - realistic (for analysts): every ordered pair of nodes of t at the true base rate, per-week
//   precision/recall@K, pooled AUPRC and ECE, the same on new edges only, and historical
//   negatives (pairs that had an edge before but not at t+h) reported apart: they are the hard cases.
// Scorers see only what is known at t.
import { Rng } from '../demo/rng'
import { addWeeks } from '../../shared/dates'
import type { WeekFrame } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import {
  averagePrecision,
  expectedCalibrationError,
  mae,
  precisionRecallAtK,
  reliability,
  rmse,
  rocAuc,
  weightedMae,
  type ReliabilityBin,
} from '../../shared/metrics'
import type { Archive } from '../store/archive'
import {
  edgeBank,
  persistence,
  type PairMemory,
  type PairScorer,
  type ScoringContext,
} from './baselines'
import type { ForecastModel } from './model'
import { modelScorer } from './model-scorer'

export const KS = [100, 1000, 10000] as const
/** Above this many ordered pairs per week the realistic protocol skips the week (reported). */
export const MAX_REALISTIC_PAIRS = 20_000_000
const ENTITY_BITS = 2 ** 21

export interface BacktestOptions {
  horizon: number
  /** A loaded forecast model; its training window is never evaluated. */
  model?: ForecastModel
  from?: string
  to?: string
  negRatio?: number
  seed?: number
  /** EdgeBank windows reported in `edgebank_windows`; the first is the main `edgebank` entry. */
  edgebankWindows?: number[]
  signal?: AbortSignal
  onProgress?: (done: number, total: number, week: string) => void
}

export interface PaperMetrics {
  auprc: number
  auroc: number
  weight_mae: number
  weight_rmse: number
  weighted_mae: number
  node_mae: number
  node_rmse: number
}

export interface RealisticCore {
  auprc: number
  ece: number
  precision_at: Record<string, number>
  recall_at: Record<string, number>
}

export interface RealisticMetrics extends RealisticCore {
  new_edges: RealisticCore
}

export interface BacktestResult {
  horizon: number
  weeks: string[]
  protocols: {
    paper: Record<'model' | 'persistence' | 'edgebank', PaperMetrics | null>
    realistic: Record<'model' | 'persistence' | 'edgebank', RealisticMetrics | null>
  }
  edgebank_windows: Record<string, { paper: PaperMetrics; realistic: RealisticMetrics | null }>
  historical_negatives: Record<string, { count: number; mean_score: number }>
  pairs: { paper: number; paper_positives: number; realistic: number; realistic_positives: number }
  skipped_weeks: { week: string; reason: string }[]
  neg_ratio: number
  /** Reliability-diagram bins and PR-curve inputs per scorer, for plots (not in --json). */
  curves: Record<
    string,
    { reliability: ReliabilityBin[]; labels: Uint8Array; scores: Float64Array }
  >
}

class Pooled {
  labels: number[] = []
  scores: number[] = []
  weightTrue: number[] = []
  weightPred: number[] = []
  nodeTrue: number[] = []
  nodePred: number[] = []
}

class RealisticPool {
  labels: number[] = []
  scores: number[] = []
  perWeek: { precision: Record<string, number[]>; recall: Record<string, number[]> } = emptyAtK()
  newLabels: number[] = []
  newScores: number[] = []
  newPerWeek = emptyAtK()
  historicalCount = 0
  historicalScore = 0
}

function emptyAtK() {
  const o = { precision: {} as Record<string, number[]>, recall: {} as Record<string, number[]> }
  for (const k of KS) {
    o.precision[k] = []
    o.recall[k] = []
  }
  return o
}

const mean = (xs: number[]): number => {
  const v = xs.filter((x) => !Number.isNaN(x))
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
}

/** The anchor weeks: archived t in [from, to] whose t + h is archived too. */
export function anchorWeeks(
  archived: string[],
  horizon: number,
  from?: string,
  to?: string,
): string[] {
  const have = new Set(archived)
  return archived.filter(
    (w) => (!from || w >= from) && (!to || w <= to) && have.has(addWeeks(w, horizon)),
  )
}

export async function runBacktest(
  archive: Archive,
  opts: BacktestOptions,
): Promise<BacktestResult> {
  const h = opts.horizon
  if (!Number.isInteger(h) || h < 1)
    throw new DexposureError('USAGE', 'the horizon must be a positive number of weeks', {
      field: '--horizon',
    })
  const negRatio = opts.negRatio ?? 5
  if (!(negRatio > 0))
    throw new DexposureError('USAGE', '--neg-ratio must be positive', { field: '--neg-ratio' })
  const weeks = archive.listWeeks().map((w) => w.week)
  const model = opts.model
  let from = opts.from
  if (model) {
    const tw = model.manifest.training_window
    if (model.manifest.horizon !== h)
      throw new DexposureError(
        'USAGE',
        `model ${model.dir} forecasts ${model.manifest.horizon} weeks ahead, not ${h}`,
        { field: '--horizon' },
      )
    // Walk-forward: a model is never evaluated on weeks it was trained or validated on.
    const inside = anchorWeeks(weeks, h, from, opts.to).filter((w) => w <= tw.last_week_used)
    if (from !== undefined && inside.length > 0)
      throw new DexposureError(
        'USAGE',
        `weeks ${inside[0]} … ${inside.at(-1)} overlap the training window of ${model.dir} ` +
          `(${tw.from} … ${tw.last_week_used}); start after ${tw.last_week_used}`,
        { field: '--from' },
      )
    if (from === undefined) from = weeks.find((w) => w > tw.last_week_used)
  }
  const anchors = anchorWeeks(weeks, h, from, opts.to)
  if (anchors.length === 0)
    throw new DexposureError(
      'NOT_FOUND',
      `no archived week t in ${opts.from ?? 'the archive'} … ${opts.to ?? ''} has its t+${h} archived too`,
      { field: '--from' },
    )
  const windows = opts.edgebankWindows ?? [Infinity, 4, 12]
  const scorers: PairScorer[] = [
    ...(model ? [modelScorer(model)] : []),
    persistence(),
    ...windows.map((w) => edgeBank(w)),
  ]
  const baselines = scorers.filter((s) => s.name !== 'model')
  const rng = new Rng(opts.seed ?? 42)
  const position = new Map(weeks.map((w, i) => [w, i]))
  const anchorSet = new Set(anchors)
  const last = position.get(anchors[anchors.length - 1])!

  // Global memory of pairs seen so far, keyed by interned entity ids.
  const entity = new Map<string, number>()
  const intern = (id: string): number => {
    let e = entity.get(id)
    if (e === undefined) entity.set(id, (e = entity.size))
    return e
  }
  const memory = new Map<number, PairMemory>()
  const paper = new Map(scorers.map((s) => [s.name, new Pooled()]))
  const realistic = new Map(scorers.map((s) => [s.name, new RealisticPool()]))
  const skipped: { week: string; reason: string }[] = []
  const counts = { paper: 0, paper_positives: 0, realistic: 0, realistic_positives: 0 }

  let done = 0
  for (let wi = 0; wi <= last; wi++) {
    if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'backtest cancelled')
    const week = weeks[wi]
    const frame = archive.loadWeek(week)
    addToMemory(frame, wi) // everything up to and including t is known at t
    if (anchorSet.has(week)) {
      await evaluateAnchor(frame, archive.loadWeek(addWeeks(week, h)), wi)
      opts.onProgress?.(++done, anchors.length, week)
      await new Promise((r) => setImmediate(r)) // let progress and Ctrl-C through
    }
  }

  function addToMemory(frame: WeekFrame, wi: number): void {
    const ids = frame.nodeIds.map(intern)
    for (let j = 0; j < frame.edgeSrc.length; j++) {
      const key = ids[frame.edgeSrc[j]] * ENTITY_BITS + ids[frame.edgeDst[j]]
      const m = memory.get(key)
      if (m) {
        m.lastWeek = wi
        m.lastLogWeight = Math.log1p(frame.edgeWeight[j])
        m.weeks.push(wi)
      } else
        memory.set(key, {
          lastWeek: wi,
          lastLogWeight: Math.log1p(frame.edgeWeight[j]),
          weeks: [wi],
        })
    }
  }

  async function evaluateAnchor(ft: WeekFrame, fh: WeekFrame, wi: number): Promise<void> {
    const n = ft.nodeIds.length
    const pos = new Map(ft.nodeIds.map((id, i) => [id, i]))
    // memory restricted to pairs among the nodes of t, in t's positions
    const local = new Map<number, PairMemory>()
    const entityPos = new Int32Array(entity.size).fill(-1)
    ft.nodeIds.forEach((id, i) => (entityPos[entity.get(id)!] = i))
    for (const [key, m] of memory) {
      const s = entityPos[Math.floor(key / ENTITY_BITS)]
      const d = entityPos[key % ENTITY_BITS]
      if (s >= 0 && d >= 0) local.set(s * n + d, m)
    }
    const ctx: ScoringContext = { frame: ft, week: wi, n, memory: local }
    for (const sc of scorers) await sc.prepare?.(ctx)

    // truth at t+h among nodes of t
    const truth = new Map<number, number>()
    for (let j = 0; j < fh.edgeSrc.length; j++) {
      const s = pos.get(fh.nodeIds[fh.edgeSrc[j]])
      const d = pos.get(fh.nodeIds[fh.edgeDst[j]])
      if (s !== undefined && d !== undefined) truth.set(s * n + d, Math.log1p(fh.edgeWeight[j]))
    }
    // node targets for nodes present at both weeks
    const sizeH = new Map(fh.nodeIds.map((id, i) => [id, fh.sizes[i]]))
    const nodeTrue: number[] = []
    const nodeIdx: number[] = []
    for (let i = 0; i < n; i++) {
      const later = sizeH.get(ft.nodeIds[i])
      if (later !== undefined) {
        nodeTrue.push(Math.log1p(Math.max(later, 0)) - Math.log1p(Math.max(ft.sizes[i], 0)))
        nodeIdx.push(i)
      }
    }

    // paper protocol: positives + neg_ratio × uniform negatives (seeded, no repeats)
    const posKeys = [...truth.keys()]
    const want = Math.round(negRatio * posKeys.length)
    const negKeys = new Set<number>()
    for (let tries = 0; negKeys.size < want && tries < 10 * want + 100 && n > 1; tries++) {
      const s = rng.int(n)
      const d = rng.int(n)
      const key = s * n + d
      if (s !== d && !truth.has(key)) negKeys.add(key)
    }
    const keys = [...posKeys, ...negKeys]
    const src = Int32Array.from(keys, (k) => Math.floor(k / n))
    const dst = Int32Array.from(keys, (k) => k % n)
    counts.paper += keys.length
    counts.paper_positives += posKeys.length
    for (const sc of scorers) {
      const out = await sc.score(ctx, src, dst)
      const pool = paper.get(sc.name)!
      for (let i = 0; i < keys.length; i++) {
        const isPos = i < posKeys.length
        pool.labels.push(isPos ? 1 : 0)
        pool.scores.push(out.prob[i])
        if (isPos) {
          pool.weightTrue.push(truth.get(keys[i])!)
          pool.weightPred.push(out.logWeight[i])
        }
      }
      const change = sc.nodeChange?.(ctx) ?? null
      nodeTrue.forEach((y, j) => {
        pool.nodeTrue.push(y)
        pool.nodePred.push(change ? change[nodeIdx[j]] : 0)
      })
    }

    // realistic protocol: every ordered pair of nodes of t
    if (n * (n - 1) > MAX_REALISTIC_PAIRS) {
      skipped.push({
        week: ft.week,
        reason: `realistic protocol: ${n} nodes give ${n * (n - 1)} ordered pairs, above the ${MAX_REALISTIC_PAIRS} scored exactly`,
      })
      return
    }
    const all = n * (n - 1)
    const asrc = new Int32Array(all)
    const adst = new Int32Array(all)
    const labels = new Uint8Array(all)
    const isNew = new Uint8Array(all)
    let k = 0
    for (let s = 0; s < n; s++)
      for (let d = 0; d < n; d++) {
        if (s === d) continue
        asrc[k] = s
        adst[k] = d
        labels[k] = truth.has(s * n + d) ? 1 : 0
        const m = local.get(s * n + d)
        isNew[k] = m && m.lastWeek === wi ? 0 : 1
        k++
      }
    counts.realistic += all
    counts.realistic_positives += truth.size
    for (const sc of scorers) {
      const out = await sc.score(ctx, asrc, adst)
      const pool = realistic.get(sc.name)!
      const newL: number[] = []
      const newS: number[] = []
      for (let i = 0; i < all; i++) {
        pool.labels.push(labels[i])
        pool.scores.push(out.prob[i])
        if (isNew[i]) {
          newL.push(labels[i])
          newS.push(out.prob[i])
          pool.newLabels.push(labels[i])
          pool.newScores.push(out.prob[i])
        }
        if (!labels[i] && local.has(asrc[i] * n + adst[i])) {
          pool.historicalCount++
          pool.historicalScore += out.prob[i]
        }
      }
      for (const K of KS) {
        const a = precisionRecallAtK(labels, out.prob, K)
        pool.perWeek.precision[K].push(a.precision)
        pool.perWeek.recall[K].push(a.recall)
        const b = precisionRecallAtK(newL, newS, K)
        pool.newPerWeek.precision[K].push(b.precision)
        pool.newPerWeek.recall[K].push(b.recall)
      }
    }
  }

  const paperMetrics = (name: string): PaperMetrics => {
    const p = paper.get(name)!
    return {
      auprc: averagePrecision(p.labels, p.scores),
      auroc: rocAuc(p.labels, p.scores),
      weight_mae: mae(p.weightTrue, p.weightPred),
      weight_rmse: rmse(p.weightTrue, p.weightPred),
      weighted_mae: weightedMae(p.weightTrue, p.weightPred),
      node_mae: mae(p.nodeTrue, p.nodePred),
      node_rmse: rmse(p.nodeTrue, p.nodePred),
    }
  }
  const core = (
    labels: number[],
    scores: number[],
    atK: ReturnType<typeof emptyAtK>,
  ): RealisticCore => ({
    auprc: averagePrecision(labels, scores),
    ece: expectedCalibrationError(labels, scores),
    precision_at: Object.fromEntries(KS.map((K) => [String(K), mean(atK.precision[K])])),
    recall_at: Object.fromEntries(KS.map((K) => [String(K), mean(atK.recall[K])])),
  })
  const realisticMetrics = (name: string): RealisticMetrics | null => {
    const r = realistic.get(name)!
    if (r.labels.length === 0) return null
    return {
      ...core(r.labels, r.scores, r.perWeek),
      new_edges: core(r.newLabels, r.newScores, r.newPerWeek),
    }
  }
  const main = baselines[1].name
  const curves: BacktestResult['curves'] = {}
  for (const sc of scorers) {
    const r = realistic.get(sc.name)!
    curves[sc.name] = {
      reliability: reliability(r.labels, r.scores),
      labels: Uint8Array.from(r.labels),
      scores: Float64Array.from(r.scores),
    }
  }
  return {
    horizon: h,
    weeks: anchors,
    protocols: {
      paper: {
        model: model ? paperMetrics('model') : null,
        persistence: paperMetrics('persistence'),
        edgebank: paperMetrics(main),
      },
      realistic: {
        model: model ? realisticMetrics('model') : null,
        persistence: realisticMetrics('persistence'),
        edgebank: realisticMetrics(main),
      },
    },
    edgebank_windows: Object.fromEntries(
      baselines
        .slice(1)
        .map((s) => [s.name, { paper: paperMetrics(s.name), realistic: realisticMetrics(s.name) }]),
    ),
    historical_negatives: Object.fromEntries(
      scorers.map((s) => {
        const r = realistic.get(s.name)!
        return [
          s.name,
          {
            count: r.historicalCount,
            mean_score: r.historicalCount ? r.historicalScore / r.historicalCount : NaN,
          },
        ]
      }),
    ),
    pairs: counts,
    skipped_weeks: skipped,
    neg_ratio: negRatio,
    curves,
  }
}
