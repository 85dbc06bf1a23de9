// Walk-forward backtests of link and node forecasts over archive weeks, under two protocols:
// - paper (reference-spec §4.4, for comparability): positives = edges at t+h between nodes of t,
//   negatives = neg_ratio × uniform random ordered pairs, metrics pooled over weeks;
// - realistic (for analysts): every ordered pair of nodes of t at the true base rate, per-week
//   precision/recall@K, pooled AUPRC and ECE, the same on new edges only, and historical
//   negatives (pairs that had an edge before but not at t+h) reported apart: they are the hard cases.
//   Weeks too large to score every pair are evaluated as the forecast delivers them: the candidate
//   set scored pair by pair, every other pair at one probability (a tie group; docs/evaluation.md).
// The candidate generator's recall of the t+h edges is measured on every anchor week, and so is the
// level of the fresh pairs (no edge either way up to t): Σ p over them against the new
// relationships that appear on them at t+h. The model is recalibrated at each anchor as a forecast
// from it would be (stages/recalibrate.ts) unless `recalibrate: false`.
// Scorers see only what is known at t.
import { Rng } from '../demo/rng'
import { addWeeks } from '../../shared/dates'
import type { WeekFrame } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { mae, rmse, ScoreTally, weightedMae, type ReliabilityBin } from '../../shared/metrics'
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
import { knownPairs } from './pair-history'
import {
  allPairs,
  keyPairs,
  pairsOutside,
  sampleOutside,
  samplePaperNegatives,
  type PairChunk,
} from './pairs'
import { candidatePairs, EXACT_PAIRS, PROPENSITY_PAIRS } from './stages/candidates'
import type { Calibration } from './stages/recalibrate'

export const KS = [100, 1000, 10000] as const
/** Non-candidate pairs sampled to estimate their common probability (as the forecast does). */
export const NON_CANDIDATE_SAMPLE = 50_000
/** Target of the candidate set's recall of the t+h edges (issue 3). */
export const CANDIDATE_RECALL_TARGET = 0.99
const ENTITY_BITS = 2 ** 21

/**
 * How the realistic protocol covers a week: `exact` scores every ordered pair; `candidates` scores
 * the forecast's candidate set and gives every other pair one sampled probability; `auto` is exact
 * up to EXACT_PAIRS ordered pairs (the forecast's own rule), candidates above.
 */
export type RealisticMode = 'auto' | 'exact' | 'candidates'

export interface BacktestOptions {
  horizon: number
  /** A loaded forecast model; its training window is never evaluated. */
  model?: ForecastModel
  from?: string
  to?: string
  negRatio?: number
  seed?: number
  realistic?: RealisticMode
  /** Non-candidate pairs sampled per week in the candidates mode (default NON_CANDIDATE_SAMPLE). */
  nonCandidateSample?: number
  /** EdgeBank windows reported in `edgebank_windows`; the first is the main `edgebank` entry. */
  edgebankWindows?: number[]
  /** Recalibrate the model at each anchor on the archive's past, as forecasts do (default true). */
  recalibrate?: boolean
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

export interface RealisticWeek {
  week: string
  mode: 'exact' | 'candidates'
  nodes: number
  /** Ordered pairs u ≠ v of nodes of t. */
  pairs: number
  /** Edges at t+h between nodes of t (positives). */
  edges: number
  /** Pairs scored one by one (all pairs when exact). */
  scored: number
  /** Pairs outside the candidate set, all given one probability per scorer (null when exact). */
  non_candidates: { pairs: number; edges: number; score: Record<string, number> } | null
  /** Σ p of the model over the fresh pairs of t (no edge either way in any week ≤ t), as scored
   * (after recalibration); null without a model with a fresh head. */
  fresh_expected: number | null
  /** Edges at t+h on fresh pairs of t: the new relationships that appeared. */
  fresh_appeared: number
  /** fresh_expected / fresh_appeared (null when either is missing or nothing appeared). */
  fresh_ratio: number | null
  /** The model's recalibration at this anchor (null without a model). */
  calibration: Calibration | null
}

export interface CandidateRecallWeek {
  week: string
  candidates: number
  /** Edges at t+h between nodes of t. */
  edges: number
  recall: number
  /** Of those, the edges absent at t, and the share of them among the candidates. */
  new_edges: number
  new_edge_recall: number
}

export interface BacktestResult {
  horizon: number
  weeks: string[]
  protocols: {
    paper: Record<'model' | 'persistence' | 'edgebank', PaperMetrics | null>
    realistic: Record<'model' | 'persistence' | 'edgebank', RealisticMetrics | null>
  }
  edgebank_windows: Record<string, { paper: PaperMetrics; realistic: RealisticMetrics }>
  historical_negatives: Record<string, { count: number; mean_score: number }>
  candidate_recall: {
    generator: string
    target: number
    mean: number
    min: number
    new_edge_mean: number
    weeks: CandidateRecallWeek[]
  }
  realistic_weeks: RealisticWeek[]
  /** The fresh pairs' level over all anchors: Σ fresh_expected, Σ fresh_appeared, their ratio
   * (null without a model with a fresh head), and whether the model was recalibrated. */
  fresh_pairs: {
    expected: number | null
    appeared: number
    ratio: number | null
    recalibrated: boolean
  }
  pairs: { paper: number; paper_positives: number; realistic: number; realistic_positives: number }
  neg_ratio: number
  /** Reliability bins and PR-curve points per scorer (all pairs), for plots (not in --json). */
  curves: Record<string, { reliability: ReliabilityBin[]; pr: [number, number][] }>
}

/** Per-week precision and recall at each K, averaged at the end. */
class AtK {
  precision: Record<string, number[]> = Object.fromEntries(KS.map((k) => [k, []]))
  recall: Record<string, number[]> = Object.fromEntries(KS.map((k) => [k, []]))
  record(t: ScoreTally): void {
    for (const k of KS) {
      const r = t.atK(k)
      this.precision[k].push(r.precision)
      this.recall[k].push(r.recall)
    }
  }
}

/** Everything pooled for one scorer. */
class Pools {
  paper = new ScoreTally()
  weightTrue: number[] = []
  weightPred: number[] = []
  nodeTrue: number[] = []
  nodePred: number[] = []
  /** Realistic protocol: pairs with an edge at t, and pairs without (the new-edge view). */
  atT = new ScoreTally()
  fresh = new ScoreTally()
  atKAll = new AtK()
  atKFresh = new AtK()
  historicalCount = 0
  historicalScore = 0
  weekAtT = new ScoreTally()
  weekFresh = new ScoreTally()
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

/**
 * Walk-forward rule: the first anchor week allowed for a model trained up to `lastWeekUsed`
 * (every week it was trained or validated on, targets included, is ≤ it). Refuses a selection that
 * overlaps the window, naming the overlap, and refuses (NOT_FOUND) when no archived week follows
 * the window: there is then nothing a model can honestly be graded on.
 */
export function firstWeekAfterTraining(
  archived: string[],
  horizon: number,
  model: { dir: string; window: { from: string; last_week_used: string } },
  from?: string,
  to?: string,
): string {
  const last = model.window.last_week_used
  const inside = anchorWeeks(archived, horizon, from, to).filter((w) => w <= last)
  const explicit = from !== undefined || (to !== undefined && to <= last)
  if (explicit && (inside.length > 0 || (to !== undefined && to <= last)))
    throw new DexposureError(
      'USAGE',
      `weeks ${inside[0] ?? from ?? to} … ${inside.at(-1) ?? to ?? last} overlap the training window of ${model.dir} ` +
        `(${model.window.from} … ${last}); start after ${last}`,
      { field: from !== undefined ? '--from' : '--to' },
    )
  if (from !== undefined) return from
  const after = archived.find((w) => w > last)
  if (after === undefined)
    throw new DexposureError(
      'NOT_FOUND',
      `no archived week follows the training window of ${model.dir} (${model.window.from} … ${last}): ` +
        `the archive ends at ${archived.at(-1) ?? '(no weeks)'}, so there is nothing to test it on. ` +
        `Import later weeks, or retrain with \`dexposure train\`, whose default split leaves the last ` +
        `15 % of the weeks for testing`,
      { field: '--from' },
    )
  return after
}

/** The anchors a model may be graded on: never a week ≤ the last week it was trained or
 * validated on, whatever the options (a second guard behind `firstWeekAfterTraining`). */
export function weeksAfterTraining(anchors: string[], lastWeekUsed: string): string[] {
  return anchors.filter((w) => w > lastWeekUsed)
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
  const mode = opts.realistic ?? 'auto'
  if (!['auto', 'exact', 'candidates'].includes(mode))
    throw new DexposureError(
      'USAGE',
      `--realistic must be auto, exact or candidates, not ${mode}`,
      {
        field: '--realistic',
      },
    )
  const sampleSize = opts.nonCandidateSample ?? NON_CANDIDATE_SAMPLE
  if (!(Number.isInteger(sampleSize) && sampleSize > 0))
    throw new DexposureError('USAGE', 'the non-candidate sample must be a positive integer')
  const weeks = archive.listWeeks().map((w) => w.week)
  const model = opts.model
  let from = opts.from
  if (model) {
    if (model.manifest.horizon !== h)
      throw new DexposureError(
        'USAGE',
        `model ${model.dir} forecasts ${model.manifest.horizon} weeks ahead, not ${h}`,
        { field: '--horizon' },
      )
    from = firstWeekAfterTraining(
      weeks,
      h,
      { dir: model.dir, window: model.manifest.training_window },
      from,
      opts.to,
    )
  }
  const selected = anchorWeeks(weeks, h, from, opts.to)
  const anchors = model
    ? weeksAfterTraining(selected, model.manifest.training_window.last_week_used)
    : selected
  if (anchors.length === 0)
    throw new DexposureError(
      'NOT_FOUND',
      `no archived week t in ${from ?? 'the archive'} … ${opts.to ?? ''} has its t+${h} archived too`,
      { field: '--from' },
    )
  const windows = opts.edgebankWindows ?? [Infinity, 4, 12]
  const recalibrate = opts.recalibrate !== false
  const forModel = model ? modelScorer(model, { archive, horizon: h, enabled: recalibrate }) : null
  // A model with a fresh head ranks the fresh pairs itself: the candidate set is the pairs with
  // history in either direction plus its PROPENSITY_PAIRS most probable fresh pairs.
  const freshRanker = model?.hasFreshHead ? forModel : null
  const scorers: PairScorer[] = [
    ...(forModel ? [forModel] : []),
    persistence(),
    ...windows.map((w) => edgeBank(w)),
  ]
  const baselines = scorers.filter((s) => s.name !== 'model')
  const paperRng = new Rng(opts.seed ?? 42)
  const sampleRng = new Rng(opts.seed ?? 42, 1)
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
  const pools = new Map(scorers.map((s) => [s.name, new Pools()]))
  const counts = { paper: 0, paper_positives: 0, realistic: 0, realistic_positives: 0 }
  const realisticWeeks: RealisticWeek[] = []
  const recallWeeks: CandidateRecallWeek[] = []

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
        m.count++
        m.weeks.push(wi)
      } else
        memory.set(key, {
          lastWeek: wi,
          lastLogWeight: Math.log1p(frame.edgeWeight[j]),
          firstWeek: wi,
          count: 1,
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
    const atT = (key: number) => local.get(key)?.lastWeek === wi

    // truth at t+h among nodes of t
    const truth = new Map<number, number>()
    for (let j = 0; j < fh.edgeSrc.length; j++) {
      const s = pos.get(fh.nodeIds[fh.edgeSrc[j]])
      const d = pos.get(fh.nodeIds[fh.edgeDst[j]])
      if (s !== undefined && d !== undefined) truth.set(s * n + d, Math.log1p(fh.edgeWeight[j]))
    }
    await paperProtocol(ctx, truth, fh)

    // candidate set of the forecast, and its recall of the t+h edges
    const candidates = freshRanker
      ? await freshRanker.candidates(ctx, PROPENSITY_PAIRS)
      : candidatePairs(ft, local)
    let hit = 0
    let fresh = 0
    let freshHit = 0
    for (const key of truth.keys()) {
      const c = candidates.has(key)
      if (c) hit++
      if (!atT(key)) {
        fresh++
        if (c) freshHit++
      }
    }
    recallWeeks.push({
      week: ft.week,
      candidates: candidates.size,
      edges: truth.size,
      recall: truth.size ? hit / truth.size : NaN,
      new_edges: fresh,
      new_edge_recall: fresh ? freshHit / fresh : NaN,
    })

    // realistic protocol: every ordered pair of nodes of t
    const total = n * (n - 1)
    const exact = mode === 'exact' || (mode === 'auto' && total <= EXACT_PAIRS)
    counts.realistic += total
    counts.realistic_positives += truth.size
    const record: RealisticWeek = {
      week: ft.week,
      mode: exact ? 'exact' : 'candidates',
      nodes: n,
      pairs: total,
      edges: truth.size,
      scored: 0,
      non_candidates: null,
      ...freshLevel(ctx, truth),
    }
    if (exact) for (const chunk of allPairs(n)) await scoreRealistic(ctx, chunk, truth, record)
    else {
      for (const chunk of keyPairs(n, candidates)) await scoreRealistic(ctx, chunk, truth, record)
      const outside = total - candidates.size
      if (outside <= sampleSize) {
        // few enough to score one by one: the week is exact after all
        for (const chunk of keyPairs(n, pairsOutside(n, candidates)))
          await scoreRealistic(ctx, chunk, truth, record)
      } else {
        // Every non-candidate pair gets the mean probability of a uniform sample of them, as the
        // forecast stores it; the positives among them are known exactly (missed edges), so the
        // pairs enter the metrics as one tie group. None has an edge at t (candidates ⊇ history).
        const missed = truth.size - hit
        const sample = sampleOutside(n, candidates, sampleSize, sampleRng)
        const score: Record<string, number> = {}
        for (const sc of scorers) {
          let sum = 0
          for (const chunk of keyPairs(n, sample)) {
            const out = await sc.score(ctx, chunk.src, chunk.dst, false)
            for (let i = 0; i < chunk.src.length; i++) sum += out.prob[i]
          }
          score[sc.name] = sum / sample.length
          pools.get(sc.name)!.weekFresh.addGroup(score[sc.name], missed, outside - missed)
        }
        record.non_candidates = { pairs: outside, edges: missed, score }
      }
    }
    realisticWeeks.push(record)
    for (const sc of scorers) {
      const p = pools.get(sc.name)!
      p.atKAll.record(ScoreTally.union(p.weekAtT, p.weekFresh))
      p.atKFresh.record(p.weekFresh)
      p.atT.absorb(p.weekAtT)
      p.fresh.absorb(p.weekFresh)
    }
  }

  /** The model's Σ p over the fresh pairs of t against the new relationships at t+h on them. */
  function freshLevel(
    ctx: ScoringContext,
    truth: Map<number, number>,
  ): Pick<RealisticWeek, 'fresh_expected' | 'fresh_appeared' | 'fresh_ratio' | 'calibration'> {
    const known = knownPairs(ctx)
    let appeared = 0
    for (const key of truth.keys()) if (!known.has(key)) appeared++
    const at = forModel?.anchor() ?? null
    const expected = at?.freshExpected ?? null
    return {
      fresh_expected: expected,
      fresh_appeared: appeared,
      fresh_ratio: expected !== null && appeared > 0 ? expected / appeared : null,
      calibration: at?.calibration ?? null,
    }
  }

  async function paperProtocol(
    ctx: ScoringContext,
    truth: Map<number, number>,
    fh: WeekFrame,
  ): Promise<void> {
    const { n, frame: ft } = ctx
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
    const posKeys = [...truth.keys()]
    const negKeys = samplePaperNegatives(n, truth, Math.round(negRatio * posKeys.length), paperRng)
    const keys = [...posKeys, ...negKeys]
    const src = Int32Array.from(keys, (k) => Math.floor(k / n))
    const dst = Int32Array.from(keys, (k) => k % n)
    counts.paper += keys.length
    counts.paper_positives += posKeys.length
    for (const sc of scorers) {
      const out = await sc.score(ctx, src, dst)
      const pool = pools.get(sc.name)!
      for (let i = 0; i < keys.length; i++) {
        const isPos = i < posKeys.length
        pool.paper.add(out.prob[i], isPos)
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
  }

  async function scoreRealistic(
    ctx: ScoringContext,
    chunk: PairChunk,
    truth: Map<number, number>,
    record: RealisticWeek,
  ): Promise<void> {
    if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'backtest cancelled')
    const { src, dst } = chunk
    const m = src.length
    const label = new Uint8Array(m)
    const present = new Uint8Array(m) // edge at t
    const historical = new Uint8Array(m) // edge at some week ≤ t
    for (let i = 0; i < m; i++) {
      const key = src[i] * ctx.n + dst[i]
      label[i] = truth.has(key) ? 1 : 0
      const mem = ctx.memory.get(key)
      if (mem) {
        historical[i] = 1
        present[i] = mem.lastWeek === ctx.week ? 1 : 0
      }
    }
    record.scored += m
    for (const sc of scorers) {
      const out = await sc.score(ctx, src, dst, false)
      const p = pools.get(sc.name)!
      for (let i = 0; i < m; i++) {
        ;(present[i] ? p.weekAtT : p.weekFresh).add(out.prob[i], label[i] === 1)
        if (historical[i] && !label[i]) {
          p.historicalCount++
          p.historicalScore += out.prob[i]
        }
      }
    }
  }

  const paperMetrics = (name: string): PaperMetrics => {
    const p = pools.get(name)!
    return {
      auprc: p.paper.averagePrecision(),
      auroc: p.paper.rocAuc(),
      weight_mae: mae(p.weightTrue, p.weightPred),
      weight_rmse: rmse(p.weightTrue, p.weightPred),
      weighted_mae: weightedMae(p.weightTrue, p.weightPred),
      node_mae: mae(p.nodeTrue, p.nodePred),
      node_rmse: rmse(p.nodeTrue, p.nodePred),
    }
  }
  const core = (t: ScoreTally, atK: AtK): RealisticCore => ({
    auprc: t.averagePrecision(),
    ece: t.expectedCalibrationError(),
    precision_at: Object.fromEntries(KS.map((K) => [String(K), mean(atK.precision[K])])),
    recall_at: Object.fromEntries(KS.map((K) => [String(K), mean(atK.recall[K])])),
  })
  const curves: BacktestResult['curves'] = {}
  const realisticMetrics = (name: string): RealisticMetrics => {
    const p = pools.get(name)!
    const all = ScoreTally.union(p.atT, p.fresh)
    curves[name] = { reliability: all.reliability(), pr: all.prCurve() }
    return { ...core(all, p.atKAll), new_edges: core(p.fresh, p.atKFresh) }
  }
  const realistic = new Map(scorers.map((s) => [s.name, realisticMetrics(s.name)]))
  const main = baselines[1].name
  const recalls = recallWeeks.map((r) => r.recall).filter((x) => !Number.isNaN(x))
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
        model: model ? realistic.get('model')! : null,
        persistence: realistic.get('persistence')!,
        edgebank: realistic.get(main)!,
      },
    },
    edgebank_windows: Object.fromEntries(
      baselines
        .slice(1)
        .map((s) => [s.name, { paper: paperMetrics(s.name), realistic: realistic.get(s.name)! }]),
    ),
    historical_negatives: Object.fromEntries(
      scorers.map((s) => {
        const p = pools.get(s.name)!
        return [
          s.name,
          {
            count: p.historicalCount,
            mean_score: p.historicalCount ? p.historicalScore / p.historicalCount : NaN,
          },
        ]
      }),
    ),
    candidate_recall: {
      generator: freshRanker
        ? `pairs with history in either direction + the model's ${PROPENSITY_PAIRS} most probable fresh pairs (src/engine/forecast/scoring.ts)`
        : 'candidatePairs (src/engine/forecast/run.ts)',
      target: CANDIDATE_RECALL_TARGET,
      mean: mean(recalls),
      min: recalls.length ? Math.min(...recalls) : NaN,
      new_edge_mean: mean(recallWeeks.map((r) => r.new_edge_recall)),
      weeks: recallWeeks,
    },
    realistic_weeks: realisticWeeks,
    fresh_pairs: freshSummary(realisticWeeks, recalibrate && model !== undefined),
    pairs: counts,
    neg_ratio: negRatio,
    curves,
  }
}

function freshSummary(
  weeks: RealisticWeek[],
  recalibrated: boolean,
): BacktestResult['fresh_pairs'] {
  const scored = weeks.every((w) => w.fresh_expected !== null) && weeks.length > 0
  const expected = scored ? weeks.reduce((s, w) => s + w.fresh_expected!, 0) : null
  const appeared = weeks.reduce((s, w) => s + w.fresh_appeared, 0)
  return {
    expected,
    appeared,
    ratio: expected !== null && appeared > 0 ? expected / appeared : null,
    recalibrated,
  }
}
