// Recalibration stage: the model's forecast brought to this archive's own level, from its own past
// and never from a week after t (issue 14 §2). A model trained on one archive ranks pairs well on
// another, but its level does not carry: the shipped models, trained on 370-node weeks, expect
// 0.2× (h = 1) to 0.7× (h = 12) of the new relationships that appear on the 10,900-node real-scale
// demo (an earlier h = 1 model 12×; issue 14 saw 0.46× on another archive of real density), and
// their node TVL change has 3–5× persistence's error there (docs/evaluation.md). So, at
// anchor t, over the most recent R anchors s with s + h ≤ t (R = RECALIBRATION_ANCHORS):
// - fresh pairs (no edge in either direction in any week ≤ t): one logit shift δ, applied after
//   the model's own (folded Platt) calibration, such that Σ over the fresh pairs of t of
//   σ(z + δ) = N̂, the mean number of new relationships that appeared at s + h on pairs fresh at s
//   (both nodes present at s), times the trend of new relationships up to t (churnTrend): at
//   h > 1 the newest window the past shows ends at t, so it starts h weeks before t's own, and a
//   mean of such windows lags a trend by h weeks (1.76× on the real-scale demo at h = 12, where
//   the churn fell through 2025). The trend is the 1-week rate of the last R weeks up to t over
//   the 1-week rate inside the anchors' h-week windows; at h = 1 those are the same windows, so
//   it is exactly 1. The model's own level is no guide to it: its Σ p over the fresh pairs stayed
//   at 3,150–3,580 while the new relationships fell from 8,900 to 4,600 (docs/evaluation.md);
// - pairs with history (either direction, some week ≤ t): likewise a shift δₖ of the pair head's
//   calibrated logit, such that their Σ p = K̂, the mean number of edges at s + h on pairs with
//   history at s. Both groups must be shifted: the shipped h = 1 model puts Σ p at 0.16–0.25× the
//   new relationships and 0.59× the other edges on the real-scale demo; lifting the fresh pairs
//   alone ranks them above pairs with history that are likelier (paper AUPRC 0.987 → 0.985);
// - node TVL: the predicted change times α ∈ [0, 1], fitted by least absolute error to what
//   happened at s + h given the model's own predictions at s (α = 0 is persistence). It composes
//   with the shrink the trainer folded into the node head (metrics.node_change_shrink): α scales
//   the head as shipped, so α = 1 is the model as trained.
// Forecasts (run.ts) and backtests (model-scorer.ts) both call this module, so a backtest measures
// exactly what a forecast produces. `calibration` in the result says what was applied, or why not.
import { addWeeks } from '../../../shared/dates'
import type { WeekFrame } from '../../../shared/domain'
import type { Archive } from '../../store/archive'
import type { WeekDebuts } from '../memory'
import type { Encoded, ForecastModel } from '../model'
import type { PairSet } from '../pair-set'
import { freshProbability, scanFreshRows, type FreshScanBlock } from '../scoring'
import { transposedDst } from '../fresh-block'

/** Anchors s (with s + h ≤ t) the recalibration learns from: the most recent ones. */
export const RECALIBRATION_ANCHORS = 4
/** Fewer anchors than this and the forecast is left as the model gives it (with a warning). */
export const MIN_RECALIBRATION_ANCHORS = 2
/** α is kept only when, on the anchors, it lowers the node MAE below persistence's by at least this
 * share; else α = 0 (persistence). Measured: on the small demo the fitted α gains 12–27 % on the
 * anchors (h = 1 and 12) and keeps its gain on the next weeks; on the real-scale demo at h = 1 it
 * gains 0.1–4 % (α = 0.01–0.05) and lost to persistence on the next weeks (node MAE 0.0743 against
 * 0.0733). A gain that small is noise, and persistence is the safe side. */
export const NODE_GAIN_MIN = 0.05
/** |δ| is kept within this (a shift of e¹⁵ in odds is beyond any mismatch of scale). */
export const SHIFT_BOUND = 15
/** Width of the logit bins of the fresh-pair histogram: σ over a bin this narrow differs from its
 * mean by < 10⁻⁵ relative. */
export const LOGIT_BIN = 1 / 64
/** Pairs with history below this probability are summed, not binned (as fresh ones below the scan's
 * floor): low enough that nearly all of them are in the histogram. */
export const KNOWN_FLOOR = 1e-6
/** Logits above this share the histogram's last bin (float32 probabilities reach 1 near 17). */
const LOGIT_MAX = 40

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const logit = (p: number) => Math.log(p / (1 - p))

/** What a forecast and a backtest report about the recalibration of one anchor. */
export interface Calibration {
  /** applied; skipped (not enough history, or nothing to learn from: `reason` says); off
   * (`--no-recalibrate`). */
  status: 'applied' | 'skipped' | 'off'
  reason: string | null
  /** The anchors s learnt from, their targets s + h (both ≤ t), the new relationships that
   * appeared on pairs fresh at s, and the nodes whose TVL change the α fit used. */
  anchors: {
    week: string
    target: string
    new_relationships: number
    known_relationships: number
    nodes: number
  }[]
  /** Fresh pairs: δ, the level it meets (N̂), and Σ p over the fresh pairs of t before and after. */
  fresh: LevelShift | null
  /** How N̂ follows the trend of new relationships up to t (null when not recalibrated). */
  trend: ChurnTrend | null
  /** Pairs with history: δₖ, the level it meets (K̂), Σ p over them before and after. */
  known: LevelShift | null
  /** Node TVL: α applied, the least-absolute-error fit (kept only if it beats persistence on the
   * anchors by NODE_GAIN_MIN), and the anchors' node MAE at α, at 1 (the model as trained) and at 0
   * (persistence). */
  node: {
    alpha: number
    alpha_fit: number
    mae: number
    mae_model: number
    mae_persistence: number
  } | null
}

/**
 * N̂ = mean × factor: the anchors' mean new relationships (h-week windows) times the ratio of the
 * 1-week rate of new relationships in the last R weeks up to t (`recent_rate`, over
 * `recent_windows` 1-week windows) to the 1-week rate inside the anchors' h-week windows
 * (`anchor_rate`, over `anchor_windows`). factor = 1 when the anchors' windows saw no new
 * relationship or none is archived (no rate to compare with).
 */
export interface ChurnTrend {
  mean: number
  recent_rate: number | null
  anchor_rate: number | null
  factor: number
  recent_windows: number
  anchor_windows: number
}

/** A logit shift and the level it meets: Σ p over the group before (expected_raw) and after. */
export interface LevelShift {
  shift: number
  target: number
  expected_raw: number
  expected: number
}

export const calibrationOff = (): Calibration => ({
  status: 'off',
  reason: 'recalibration turned off (--no-recalibrate): the model as trained',
  anchors: [],
  fresh: null,
  trend: null,
  known: null,
  node: null,
})

// ---------------------------------------------------------------- the level of the fresh pairs

/**
 * Σ over the fresh pairs of a week of σ(z + δ) for any δ, from one scan: the pairs with
 * p ≥ floor in a histogram of their logits (bins of LOGIT_BIN, each kept with its mean), and the
 * rest as one sum, where σ(z + δ) = p·e^δ / (1 + p(e^δ − 1)) is taken at their mean p (p < floor
 * = 10⁻³ makes that exact to 0.1 %·(e^δ − 1)). No second pass over 10⁸ pairs.
 */
export class PairLevel {
  private readonly lo: number
  private readonly counts: Float64Array
  private readonly sums: Float64Array
  /** Σ p and count over all fresh pairs, and over those in the histogram. */
  sum = 0
  pairs = 0
  private tailSum = 0
  private tailCount = 0

  constructor(readonly floor: number) {
    this.lo = logit(floor)
    const bins = Math.ceil((LOGIT_MAX - this.lo) / LOGIT_BIN) + 1
    this.counts = new Float64Array(bins)
    this.sums = new Float64Array(bins)
  }

  /** A fresh pair with p ≥ floor. */
  addTail(p: number): void {
    const z = Math.min(logit(p), LOGIT_MAX)
    const b = Math.max(0, Math.floor((z - this.lo) / LOGIT_BIN))
    this.counts[b]++
    this.sums[b] += z
    this.tailSum += p
    this.tailCount++
  }

  /** Σ p and count over every fresh pair (the tail included). */
  setTotals(sum: number, pairs: number): void {
    this.sum = sum
    this.pairs = pairs
  }

  /** Σ over the fresh pairs of σ(z + δ). */
  expected(shift: number): number {
    const low = Math.max(0, this.sum - this.tailSum)
    const lowCount = Math.max(0, this.pairs - this.tailCount)
    const e = Math.exp(shift)
    const mean = lowCount > 0 ? low / lowCount : 0
    let s = (low * e) / (1 + mean * (e - 1))
    for (let b = 0; b < this.counts.length; b++)
      if (this.counts[b] > 0) s += this.counts[b] * sigmoid(this.sums[b] / this.counts[b] + shift)
    return s
  }
}

/**
 * δ with level.expected(δ) = target, by bisection (the sum rises with δ), as a float32 (the
 * shift is applied in float32 vectors, shiftFresh). Clamped to ±SHIFT_BOUND.
 */
export function solveShift(level: Pick<PairLevel, 'expected'>, target: number): number {
  let lo = -SHIFT_BOUND
  let hi = SHIFT_BOUND
  if (level.expected(lo) >= target) return Math.fround(lo)
  if (level.expected(hi) <= target) return Math.fround(hi)
  for (let it = 0; it < 80 && hi - lo > 1e-10; it++) {
    const mid = (lo + hi) / 2
    if (level.expected(mid) < target) lo = mid
    else hi = mid
  }
  return Math.fround((lo + hi) / 2)
}

/**
 * What a fresh scan feeds the level: the kept cells that are fresh pairs (p ≥ floor), and each
 * row's sum, from which the diagonal and the pairs with history come out at the end. The forecast
 * (scan-fresh.ts) and the backtest (freshLevelOf) build it alike, so both get the same δ.
 */
export class FreshLevelBuilder {
  readonly level: PairLevel
  private sum = 0

  constructor(
    floor: number,
    private readonly n: number,
    private readonly known: PairSet,
  ) {
    this.level = new PairLevel(floor)
  }

  /** A block of the scan with lo = floor (its kept cells are those with p ≥ floor). */
  addBlock(b: FreshScanBlock): void {
    for (let r = 0; r < b.rowSum.length; r++) this.sum += b.rowSum[r]
    const { n, known } = this
    for (let k = 0; k < b.keptProb.length; k++) {
      const u = b.u0 + b.keptIndex[2 * k]
      const v = b.keptIndex[2 * k + 1]
      if (v !== u && !known.has(u * n + v)) this.level.addTail(b.keptProb[k])
    }
  }

  /** Takes the diagonal and the pairs with history out of the row sums. */
  finish(fresh: NonNullable<Encoded['fresh']>): PairLevel {
    const { n, known } = this
    let sum = this.sum
    for (let u = 0; u < n; u++) sum -= freshProbability(fresh, u, u)
    for (const key of known.keys()) {
      const u = Math.floor(key / n)
      sum -= freshProbability(fresh, u, key - u * n)
    }
    this.level.setTotals(sum, n * (n - 1) - known.size)
    return this.level
  }
}

/** The level of a week's fresh pairs by a scan of its own (backtests; a forecast gathers it
 * during its fresh-pair stage). */
export async function freshLevelOf(
  model: ForecastModel,
  enc: Encoded,
  n: number,
  known: PairSet,
  floor: number,
): Promise<PairLevel> {
  if (!enc.fresh) throw new Error('freshLevelOf needs a model with a fresh head')
  const builder = new FreshLevelBuilder(floor, n, known)
  await scanFreshRows(model, enc, n, floor, Infinity, (b) => builder.addBlock(b))
  return builder.finish(enc.fresh)
}

/**
 * The encoded week with its fresh logits shifted by δ: one more column in the per-node vectors
 * (1 for every holder, δ for every issuer), so every fresh probability the engine computes —
 * scans, blocks, single pairs — is σ(z + δ) without another path.
 */
export function shiftFresh(enc: Encoded, shift: number): Encoded {
  if (!enc.fresh || shift === 0) return enc
  const { src, dst, width } = enc.fresh
  const n = enc.n
  const w = width + 1
  const s = new Float32Array(n * w)
  const d = new Float32Array(n * w)
  for (let u = 0; u < n; u++) {
    s.set(src.subarray(u * width, (u + 1) * width), u * w)
    s[u * w + width] = 1
    d.set(dst.subarray(u * width, (u + 1) * width), u * w)
    d[u * w + width] = shift
  }
  return { ...enc, fresh: { src: s, dst: d, width: w, dstT: transposedDst(d, n, w) } }
}

/** A probability p of the fresh head with its logit shifted by δ (kept pairs of a scan). */
export const shiftedProbability = (p: number, shift: number): number =>
  shift === 0 ? p : sigmoid(logit(p) + shift)

/** The probability whose shifted value is q: a scan for shifted p ≥ q scans raw p ≥ this. */
export const unshiftedProbability = (q: number, shift: number): number =>
  shift === 0 ? q : sigmoid(logit(q) - shift)

// ---------------------------------------------------------------- node TVL

/**
 * α ∈ [0, 1] minimising Σ |y_i − α·c_i| (least absolute error of the scaled change c against the
 * observed change y): the weighted median of y_i / c_i with weights |c_i|, clamped to [0, 1].
 * Pairs with c_i = 0 do not depend on α. 1 when no prediction moves.
 */
export function fitShrink(observed: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const idx: number[] = []
  let total = 0
  for (let i = 0; i < predicted.length; i++)
    if (predicted[i] !== 0 && Number.isFinite(predicted[i]) && Number.isFinite(observed[i])) {
      idx.push(i)
      total += Math.abs(predicted[i])
    }
  if (idx.length === 0 || total === 0) return 1
  const ratio = (i: number) => observed[i] / predicted[i]
  idx.sort((a, b) => ratio(a) - ratio(b))
  let acc = 0
  for (const i of idx) {
    acc += Math.abs(predicted[i])
    if (acc >= total / 2) return Math.min(1, Math.max(0, ratio(i)))
  }
  return Math.min(1, Math.max(0, ratio(idx[idx.length - 1])))
}

/** The fitted α, or 0 (persistence) when its node MAE on the anchors is not at least NODE_GAIN_MIN
 * below persistence's. */
export function keptShrink(fit: number, maeFit: number, maePersistence: number): number {
  return maeFit <= (1 - NODE_GAIN_MIN) * maePersistence ? fit : 0
}

/** The node change a forecast reports: the model's, times α. */
export function scaledNodeChange(enc: Encoded, alpha: number): Encoded {
  if (alpha === 1) return enc
  return { ...enc, nodeChange: enc.nodeChange.map((c) => Math.fround(alpha * c)) }
}

// ---------------------------------------------------------------- the anchors and their history

/** A window of the past: from week s to its target (both archived, target ≤ t). */
export interface Window {
  week: string
  target: string
}

export interface RecalibrationPlan {
  /** The anchors s (oldest first) and their targets s + h, all ≤ t and archived. */
  anchors: Window[]
  /** The 1-week windows of the trend (churnTrend): the last R up to t (`recent`), and those
   * inside the anchors' h-week windows, τ = s … s + h − 1 for each anchor in turn (`inside`, a
   * window shared by two anchors listed for each). Every target ≤ t. */
  windows: { recent: Window[]; inside: Window[] }
  /** Why there is nothing to learn from, or null. */
  skip: string | null
}

/** The most recent `count` archived weeks s whose s + h is archived and ≤ t. */
function latestWindows(
  weeks: readonly string[],
  have: ReadonlySet<string>,
  week: string,
  horizon: number,
  count: number,
): Window[] {
  const out: Window[] = []
  for (let i = weeks.length - 1; i >= 0 && out.length < count; i--) {
    const s = weeks[i]
    const target = addWeeks(s, horizon)
    if (s < week && target <= week && have.has(target)) out.unshift({ week: s, target })
  }
  return out
}

/** The most recent R archived anchors s whose s + h is archived and ≤ t, and the 1-week windows
 * whose new relationships give the trend. */
export function planRecalibration(
  weeks: readonly string[],
  week: string,
  horizon: number,
  count = RECALIBRATION_ANCHORS,
): RecalibrationPlan {
  const have = new Set(weeks)
  const anchors = latestWindows(weeks, have, week, horizon, count)
  const inside: Window[] = []
  for (const a of anchors)
    for (let k = 0; k < horizon; k++) {
      const w = { week: addWeeks(a.week, k), target: addWeeks(a.week, k + 1) }
      if (have.has(w.week) && have.has(w.target)) inside.push(w)
    }
  const windows = { recent: latestWindows(weeks, have, week, 1, count), inside }
  const skip =
    anchors.length < MIN_RECALIBRATION_ANCHORS
      ? `not recalibrated: only ${anchors.length} earlier week${anchors.length === 1 ? ' has its' : 's have their'} ${horizon}-week outcome archived by ${week} ` +
        `(at least ${MIN_RECALIBRATION_ANCHORS} needed); the forecast is the model's as trained, whose level may not suit this archive`
      : null
  return { anchors, windows, skip }
}

/** The weeks whose edges' debuts the recalibration reads (memory.ts gives them from the walk up
 * to t): the anchors' targets and the trend windows' targets, each once. */
export function debutWeeksOf(plan: RecalibrationPlan): string[] {
  const all = [...plan.anchors, ...plan.windows.recent, ...plan.windows.inside]
  return [...new Set(all.map((w) => w.target))].sort()
}

/**
 * N̂ from the anchors' mean new relationships and the 1-week counts of the trend windows: mean ×
 * (mean of `recent`) / (mean of `inside`). The expected count over t's h weeks is what the anchors
 * saw, scaled by how the rate of new relationships now compares with the rate during their
 * windows (a falling churn lowers it, a rising one raises it); the recent rate is taken as it
 * stands, not extrapolated. Factor 1 when either list is empty or the anchors' windows saw no new
 * relationship.
 */
export function churnTrend(mean: number, recent: number[], inside: number[]): ChurnTrend {
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
  const recentRate = recent.length ? avg(recent) : null
  const anchorRate = inside.length ? avg(inside) : null
  const factor =
    recentRate !== null && anchorRate !== null && anchorRate > 0 ? recentRate / anchorRate : 1
  return {
    mean,
    recent_rate: recentRate,
    anchor_rate: anchorRate,
    factor,
    recent_windows: recent.length,
    anchor_windows: inside.length,
  }
}

/** Edges at s + h between two nodes of s: on pairs fresh at s (no edge either way in any week
 * ≤ s: new relationships) and on pairs with history at s. */
export function relationshipsAt(
  sNodes: readonly string[],
  sPosition: number,
  target: WeekDebuts,
): { fresh: number; known: number } {
  const present = new Set(sNodes)
  let fresh = 0
  let known = 0
  const { nodeIds, edgeSrc, edgeDst, debut } = target
  const inS = nodeIds.map((id) => present.has(id))
  for (let j = 0; j < debut.length; j++)
    if (inS[edgeSrc[j]] && inS[edgeDst[j]]) {
      if (debut[j] > sPosition) fresh++
      else known++
    }
  return { fresh, known }
}

/** ln(1 + TVL) changes of the nodes of s that are nodes of s + h too, with their positions in s. */
function observedChange(fs: WeekFrame, fh: WeekFrame): { index: number[]; change: number[] } {
  const later = new Map(fh.nodeIds.map((id, i) => [id, fh.sizes[i]]))
  const index: number[] = []
  const change: number[] = []
  for (let i = 0; i < fs.nodeIds.length; i++) {
    const v = later.get(fs.nodeIds[i])
    if (v === undefined) continue
    index.push(i)
    change.push(Math.log1p(Math.max(v, 0)) - Math.log1p(Math.max(fs.sizes[i], 0)))
  }
  return { index, change }
}

/** What the past says, before the week t is scored: N̂ and α (the shift needs t's scan). */
export interface RecalibrationHistory {
  plan: RecalibrationPlan
  anchors: Calibration['anchors']
  /** N̂: the mean new relationships per anchor times the trend; K̂: the mean edges on pairs with
   * history per anchor. */
  target: number
  trend: ChurnTrend
  knownTarget: number
  node: Calibration['node']
}

/**
 * The model's node change at a week (encoded once: a backtest asks for the same anchor weeks from
 * consecutive t, so it passes a cache).
 */
export type NodeChangeAt = (week: string) => Promise<Float32Array>

export function nodeChangeAt(
  archive: Archive,
  model: ForecastModel,
  cache?: Map<string, Float32Array>,
): NodeChangeAt {
  return async (week) => {
    const hit = cache?.get(week)
    if (hit) return hit
    const change = Float32Array.from((await model.encode(archive.loadWeek(week))).nodeChange)
    if (cache) {
      cache.set(week, change)
      // the anchors of the next t overlap these: keep the last few dozen weeks only
      while (cache.size > 32) cache.delete(cache.keys().next().value!)
    }
    return change
  }
}

/** Counts the new relationships of 1-week windows (a target's edges on pairs fresh at its week),
 * each window once however many lists share it (at h = 12, 48 windows inside the anchors' are 15
 * distinct ones). */
function windowCounter(
  archive: Archive,
  positions: ReadonlyMap<string, number>,
  debuts: ReadonlyMap<string, WeekDebuts>,
): (windows: readonly Window[]) => number[] {
  const counts = new Map<string, number>()
  return (windows) =>
    windows.map((w) => {
      const key = `${w.week}>${w.target}`
      let n = counts.get(key)
      if (n === undefined) {
        const target = debuts.get(w.target)
        if (!target) throw new Error(`recalibration: no debuts for ${w.target}`)
        n = relationshipsAt(archive.weekEdges(w.week).nodeIds, positions.get(w.week)!, target).fresh
        counts.set(key, n)
      }
      return n
    })
}

/** N̂ and α from the plan's anchors; `debuts` are the edge debuts of debutWeeksOf(plan) from the
 * walk up to t (memory.ts), so nothing here reads a week after t. */
export async function recalibrationHistory(
  archive: Archive,
  plan: RecalibrationPlan,
  debuts: Map<string, WeekDebuts>,
  change: NodeChangeAt,
): Promise<RecalibrationHistory> {
  const positions = new Map(archive.listWeeks().map((w, i) => [w.week, i]))
  const anchors: Calibration['anchors'] = []
  const observed: number[] = []
  const predicted: number[] = []
  for (const a of plan.anchors) {
    const fs = archive.loadWeek(a.week)
    const target = debuts.get(a.target)
    if (!target) throw new Error(`recalibration: no debuts for ${a.target}`)
    const appeared = relationshipsAt(fs.nodeIds, positions.get(a.week)!, target)
    const { index, change: y } = observedChange(fs, archive.loadWeek(a.target))
    const c = await change(a.week)
    for (let j = 0; j < index.length; j++) {
      observed.push(y[j])
      predicted.push(c[index[j]])
    }
    anchors.push({
      week: a.week,
      target: a.target,
      new_relationships: appeared.fresh,
      known_relationships: appeared.known,
      nodes: index.length,
    })
  }
  const fit = fitShrink(observed, predicted)
  const mae = (k: number) => {
    let s = 0
    for (let i = 0; i < observed.length; i++) s += Math.abs(observed[i] - k * predicted[i])
    return observed.length ? s / observed.length : NaN
  }
  const alpha = keptShrink(fit, mae(fit), mae(0))
  const mean = anchors.reduce((s, a) => s + a.new_relationships, 0) / Math.max(1, anchors.length)
  const count = windowCounter(archive, positions, debuts)
  const trend = churnTrend(mean, count(plan.windows.recent), count(plan.windows.inside))
  return {
    plan,
    anchors,
    target: mean * trend.factor,
    trend,
    knownTarget:
      anchors.reduce((s, a) => s + a.known_relationships, 0) / Math.max(1, anchors.length),
    node: observed.length
      ? { alpha, alpha_fit: fit, mae: mae(alpha), mae_model: mae(1), mae_persistence: mae(0) }
      : null,
  }
}

/** The shift of the pairs with history (null: nothing to meet), solved as soon as they are
 * scored: before the fresh scan, whose floors read Σ p. */
export function knownShiftOf(history: RecalibrationHistory, level: PairLevel): LevelShift | null {
  if (!(history.knownTarget > 0)) return null
  const shift = solveShift(level, history.knownTarget)
  return {
    shift,
    target: history.knownTarget,
    expected_raw: level.sum,
    expected: level.expected(shift),
  }
}

/**
 * The calibration of anchor t from its history, the level of its fresh pairs (null: a model
 * without a fresh head, whose pair head serves every pair) and the shift of its pairs with
 * history. A shift is skipped when its group saw no edge in the anchors (no level to meet), α when
 * no node of s was also a node of s + h.
 */
export function calibrationOf(
  history: RecalibrationHistory,
  freshLevel: PairLevel | null,
  known: LevelShift | null,
): Calibration {
  const reasons: string[] = []
  let fresh: LevelShift | null = null
  if (!freshLevel)
    reasons.push(
      'the model has no fresh head: its pairs are not shifted (only its node TVL is recalibrated)',
    )
  else if (!(history.trend.mean > 0))
    reasons.push(
      `no new relationship appeared in the ${history.anchors.length} anchors: the fresh pairs are not shifted`,
    )
  else if (!(history.target > 0))
    reasons.push(
      `no new relationship appeared in the last ${history.trend.recent_windows} weeks up to t: the fresh pairs are not shifted`,
    )
  else {
    const shift = solveShift(freshLevel, history.target)
    fresh = {
      shift,
      target: history.target,
      expected_raw: freshLevel.sum,
      expected: freshLevel.expected(shift),
    }
  }
  // (a model without a fresh head has no separate groups: its pairs are left as scored)
  if (freshLevel && !known)
    reasons.push('no edge on pairs with history in the anchors: those pairs are not shifted')
  if (!history.node)
    reasons.push('no node of the anchors is a node of their targets: node TVL not scaled')
  return {
    status: fresh || known || history.node ? 'applied' : 'skipped',
    reason: reasons.length ? reasons.join('; ') : null,
    anchors: history.anchors,
    fresh,
    trend: history.trend,
    known,
    node: history.node,
  }
}

/** The level of the pairs with history from all their probabilities (the pair head scores every
 * one of them before the fresh scan). */
export function knownLevelOf(probabilities: ArrayLike<number>): PairLevel {
  const level = new PairLevel(KNOWN_FLOOR)
  let sum = 0
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]
    sum += p
    if (p >= KNOWN_FLOOR) level.addTail(p)
  }
  level.setTotals(sum, probabilities.length)
  return level
}

/** The encoded week with the pair head's logits shifted by δₖ (model.ts applies it). */
export const shiftPairs = (enc: Encoded, shift: number): Encoded =>
  shift === 0 ? enc : { ...enc, pairShift: shift }

/** A calibration that did not run, with its reason. */
export const calibrationSkipped = (reason: string): Calibration => ({
  status: 'skipped',
  reason,
  anchors: [],
  fresh: null,
  trend: null,
  known: null,
  node: null,
})
