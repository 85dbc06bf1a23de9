// A forecast run: from the archive up to week t only, every ordered pair of nodes of t gets a
// calibrated probability of being an edge at t+h, a predicted USD weight, and every node a
// predicted TVL; the predicted graph Ĝ(t+h) keeps the M most probable pairs, M = round(Σ p) (the
// expected number of edges). Runs are stored in the archive (migration 3) for SQL, the UI and the
// risk tools. Weeks past the last archived one can be forecast: only t must be archived.
// A model with a fresh head scores every pair exactly: the pairs with history in either direction
// through its pair head, all the others (10⁸ on a large week) through the fresh head in blocks of
// holders. A model without one scores every pair up to EXACT_PAIRS, and a candidate set above.
import { Rng } from '../demo/rng'
import { addWeeks, targetWeekProblem, weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { registerPredictedGraphProvider, type PredictedGraphRun } from '../risk/predicted-graph'
import type { WeekFrame } from '../../shared/domain'
import type { Archive } from '../store/archive'
import type { PairMemory } from './baselines'
import { ForecastModel, modelDirFor, type ProviderAttempt } from './model'
import { pairMemoryAt } from './memory'
import { modelWarnings } from './provenance'
import { PairSet } from './pair-set'
import { allPairs, keyPairs } from './pairs'
import { findForecastRun, predictedGraphOfRun } from './stored-run'
import { knownPairs, partners } from './pair-history'
import {
  existenceOf,
  freshProbability,
  pairScoresOf,
  scanFreshRows,
  type FreshScanBlock,
} from './scoring'

/** Weeks with at most this many ordered pairs are scored exactly (every pair through the model). */
export const EXACT_PAIRS = 20_000_000
/** Issuers with the most holders that every node is paired with in the candidate set. */
export const TOP_ISSUERS = 100
/** Pairs without history added by holder × issuer propensity (see addPropensityPairs): at most
 * this many, and at most PROPENSITY_SHARE of the week's ordered pairs, so the candidate set stays a
 * small part of the population (3.0 M of 1.2·10⁸ on an 11k-node week). */
export const PROPENSITY_PAIRS = 3_000_000
export const PROPENSITY_SHARE = 0.025
/** Cap on the candidate set of large weeks. */
export const MAX_CANDIDATES = 8_000_000
/** Pairs kept in memory for Ĝ and storage (the rest count only in Σ p). */
const KEEP_FLOOR = 1e-4
/** Fresh pairs (scored by a fresh head) kept in memory for Ĝ and storage: at least this probable.
 * Higher than KEEP_FLOOR because there are 10⁸ of them on a large week; Ĝ's cut lies far above. */
export const FRESH_KEEP_FLOOR = 1e-3
/** Pairs below this probability are not stored (they stay counted in Σ p and the run's totals). */
export const STORE_FLOOR = 0.01
export const GRAPH_RULE = 'expected-count cut: the round(Σp) most probable pairs'

export interface ForecastOptions {
  week: string
  horizon: number
  modelDir?: string
  provider?: string
  top?: number
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
}

/**
 * Candidate pairs (keys src · n + dst) when a week is too large to score every pair: every pair
 * with an edge in any week up to t, the reverse of each edge of t, the two-hop pairs u → w → v of
 * week t, every node × the TOP_ISSUERS issuers with most holders, and the PROPENSITY_PAIRS pairs
 * without history whose holder and issuer have had the most partners (capped at MAX_CANDIDATES).
 * Its recall of the t+h edges is measured by backtests and bench/candidate-recall.ts.
 */
export function candidatePairs(
  frame: WeekFrame,
  memory: Map<number, PairMemory>,
  propensityPairs = Math.min(
    PROPENSITY_PAIRS,
    Math.round(PROPENSITY_SHARE * frame.nodeIds.length * (frame.nodeIds.length - 1)),
  ),
): PairSet {
  const n = frame.nodeIds.length
  const candidates = new PairSet(n)
  for (const key of memory.keys()) candidates.add(key)
  const outs: number[][] = Array.from({ length: n }, () => [])
  for (let j = 0; j < frame.edgeSrc.length; j++) {
    outs[frame.edgeSrc[j]].push(frame.edgeDst[j])
    candidates.add(frame.edgeDst[j] * n + frame.edgeSrc[j])
  }
  for (let u = 0; u < n && candidates.size < MAX_CANDIDATES; u++)
    for (const w of outs[u]) for (const v of outs[w]) if (v !== u) candidates.add(u * n + v)
  // New holders concentrate on the most-held issuers (preferential attachment): every node paired
  // with the TOP_ISSUERS issuers of week t with the most holders.
  const inDegree = new Int32Array(n)
  for (let j = 0; j < frame.edgeDst.length; j++) inDegree[frame.edgeDst[j]]++
  const top = [...inDegree.keys()].sort((a, b) => inDegree[b] - inDegree[a]).slice(0, TOP_ISSUERS)
  for (let u = 0; u < n && candidates.size < MAX_CANDIDATES; u++)
    for (const v of top) if (v !== u) candidates.add(u * n + v)
  addPropensityPairs(
    candidates,
    n,
    memory,
    Math.min(propensityPairs, MAX_CANDIDATES - candidates.size),
  )
  return candidates
}

/**
 * New relationships form between nodes that form many (a holder that has held many issuers, an
 * issuer that many have held): the pairs outside `candidates` with the largest
 * (1 + out-partners(u)) · (1 + in-partners(v)) are added, at most `budget` of them. The threshold
 * is found by bisection on the number of new pairs above it: pairs above c counted with one binary
 * search per holder over the issuers sorted once, minus the candidates and self-pairs above c.
 */
function addPropensityPairs(
  candidates: PairSet,
  n: number,
  memory: Map<number, PairMemory>,
  budget: number,
): void {
  if (budget <= 0 || n < 2) return
  const p = partners({ n, memory })
  const f = (u: number) => 1 + p.out[u]
  const byIssuer = [...Array(n).keys()].sort((a, b) => p.in[b] - p.in[a])
  const g = Float64Array.from(byIssuer, (v) => 1 + p.in[v]) // descending
  const firstBelow = (sorted: Float64Array, limit: number) => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid] >= limit) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const taken = new Float64Array(candidates.size) // propensity of every candidate, descending
  let i = 0
  for (const key of candidates.keys()) taken[i++] = f(Math.floor(key / n)) * (1 + p.in[key % n])
  taken.sort().reverse()
  const self = Float64Array.from({ length: n }, (_, u) => f(u) * (1 + p.in[u]))
    .sort()
    .reverse()
  const newAbove = (c: number) => {
    let total = 0
    for (let u = 0; u < n; u++) total += firstBelow(g, c / f(u))
    return total - firstBelow(taken, c) - firstBelow(self, c)
  }
  let lo = 0
  let hi = 1
  for (let u = 0; u < n; u++) hi = Math.max(hi, f(u) * g[0] + 1)
  for (let it = 0; it < 100 && hi - lo > 1e-9; it++) {
    const mid = (lo + hi) / 2
    if (newAbove(mid) > budget) lo = mid
    else hi = mid
  }
  // every new pair above the threshold, then pairs tied at it (integer counts tie often) up to budget
  let room = budget
  for (const limit of [hi, lo])
    for (let u = 0; u < n && room > 0; u++) {
      const k = firstBelow(g, limit / f(u))
      for (let j = 0; j < k && room > 0; j++) {
        const key = u * n + byIssuer[j]
        if (byIssuer[j] !== u && !candidates.has(key)) {
          candidates.add(key)
          room--
        }
      }
    }
}

/** Marks the `size` most probable pairs (ties at the cut in pair order): a typed sort of the
 * probabilities finds the cut, where sorting an index array with a comparator took seconds. */
function graphMembers(p: Float64Array, size: number): Uint8Array {
  const inGraph = new Uint8Array(p.length)
  if (size <= 0) return inGraph
  const cut = Float64Array.from(p).sort()[p.length - size]
  let room = size
  for (let i = 0; i < p.length; i++)
    if (p[i] > cut) {
      inGraph[i] = 1
      room--
    }
  for (let i = 0; i < p.length && room > 0; i++)
    if (p[i] === cut) {
      inGraph[i] = 1
      room--
    }
  return inGraph
}

/** Pairs kept for Ĝ and storage, in growable typed arrays (millions of pushes into JS arrays of
 * numbers cost most of a second on a real-scale week). */
class KeptPairs {
  src = new Int32Array(1 << 16)
  dst = new Int32Array(1 << 16)
  p = new Float64Array(1 << 16)
  size = 0

  push(s: number, d: number, p: number): void {
    if (this.size === this.p.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2)
        b.set(a)
        return b
      }
      this.src = grow(this.src)
      this.dst = grow(this.dst)
      this.p = grow(this.p)
    }
    this.src[this.size] = s
    this.dst[this.size] = d
    this.p[this.size++] = p
  }
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
    const frame = archive.loadWeek(opts.week)
    const n = frame.nodeIds.length
    const warnings = modelWarnings(model.manifest, { nodes: n, synthetic: frame.synthetic })
    const { memory, position } = pairMemoryAt(archive, opts.week, frame.nodeIds)
    const ctx = { week: position, n, memory }
    const enc = await model.encode(frame)

    // Pairs to score: with a fresh head, every pair (see the header); otherwise all ordered pairs
    // when affordable, else every pair with history plus the reverses and two-hop pairs of week t,
    // and a uniform sample of the rest whose mean probability stands for every pair not scored
    // (reported as non_candidate_probability).
    const total = n * (n - 1)
    const exhaustive = model.hasFreshHead || total <= EXACT_PAIRS
    const kept = new KeptPairs()
    let sumP = 0
    let scored = 0
    let nonCandidateP: number | null = null
    const cancelled = () => {
      if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'forecast cancelled')
    }
    // Existence for every pair here; weights at the end, only for the pairs stored or reported.
    const scoreBatch = async (src: Int32Array, dst: Int32Array) => {
      const prob = await existenceOf(model, enc, ctx, src, dst)
      for (let i = 0; i < src.length; i++) {
        sumP += prob[i]
        if (prob[i] >= KEEP_FLOOR) kept.push(src[i], dst[i], prob[i])
      }
      scored += src.length
      opts.onProgress?.(scored, exhaustive ? total : scored)
      cancelled()
    }
    const scoreKeys = async (keys: Float64Array) => {
      for (const chunk of keyPairs(n, keys)) await scoreBatch(chunk.src, chunk.dst)
    }
    if (model.hasFreshHead) {
      const known = knownPairs(ctx)
      await scoreKeys(known.keys())
      // Fresh pairs, a block of holders at a time, reduced in ONNX Runtime to each row's sum and
      // the cells with p ≥ FRESH_KEEP_FLOOR (scanFreshRows). A row's sum includes the diagonal
      // and the pairs with history (scored above): their fresh probabilities, one dot product
      // each (freshProbability), are taken back out, and the kept cells among them skipped.
      const fresh = enc.fresh!
      const keptFresh = (b: FreshScanBlock) => {
        for (let k = 0; k < b.keptProb.length; k++) {
          const u = b.u0 + b.keptIndex[2 * k]
          const v = b.keptIndex[2 * k + 1]
          if (v !== u && !known.has(u * n + v)) kept.push(u, v, b.keptProb[k])
        }
      }
      await scanFreshRows(
        model,
        enc,
        n,
        FRESH_KEEP_FLOOR,
        Infinity,
        (b) => {
          for (let r = 0; r < b.rowSum.length; r++) sumP += b.rowSum[r]
          keptFresh(b)
        },
        (rowsDone) => {
          opts.onProgress?.(Math.min(total, known.size + rowsDone * (n - 1)), total)
          cancelled()
        },
      )
      for (let u = 0; u < n; u++) sumP -= freshProbability(fresh, u, u)
      for (const key of known.keys()) {
        const u = Math.floor(key / n)
        sumP -= freshProbability(fresh, u, key - u * n)
      }
      // Ĝ's cut lies far above FRESH_KEEP_FLOOR (0.21 on the largest real-scale week); should a model
      // put it lower, a second scan fetches the fresh pairs down to KEEP_FLOOR, so Ĝ stays the
      // exact top round(Σp).
      let above = 0
      for (let i = 0; i < kept.size; i++) if (kept.p[i] >= FRESH_KEEP_FLOOR) above++
      if (above < Math.round(sumP))
        await scanFreshRows(model, enc, n, KEEP_FLOOR, FRESH_KEEP_FLOOR, keptFresh)
      scored = total
    } else if (exhaustive) {
      for (const chunk of allPairs(n)) await scoreBatch(chunk.src, chunk.dst)
    } else {
      const candidates = candidatePairs(frame, memory)
      await scoreKeys(candidates.keys())
      const sample = 50_000
      const ss = new Int32Array(sample)
      const sd = new Int32Array(sample)
      let m = 0
      const rng = new Rng(7)
      while (m < sample) {
        const key = rng.int(total)
        const s = Math.floor(key / (n - 1))
        let d = key % (n - 1)
        if (d >= s) d++
        if (!candidates.has(s * n + d)) {
          ss[m] = s
          sd[m++] = d
        }
      }
      const prob = await existenceOf(model, enc, ctx, ss, sd)
      nonCandidateP = prob.reduce((a, b) => a + b, 0) / sample
      sumP += nonCandidateP * (total - candidates.size)
    }

    // Ĝ(t+h): the round(Σp) most probable pairs.
    const expected = sumP
    const graphSize = Math.min(kept.size, Math.round(expected))
    const inGraph = graphMembers(kept.p.subarray(0, kept.size), graphSize)
    // the K most probable: among Ĝ's members when Ĝ holds at least K pairs, else among all kept
    const K = opts.top ?? 20
    const pool: number[] = []
    for (let i = 0; i < kept.size; i++) if (graphSize < K || inGraph[i] === 1) pool.push(i)
    const order = pool.sort((a, b) => kept.p[b] - kept.p[a] || a - b).slice(0, K)
    // predicted weights of the stored pairs (in Ĝ or p ≥ STORE_FLOOR) and the reported ones
    const stored: number[] = []
    for (let i = 0; i < kept.size; i++) if (inGraph[i] || kept.p[i] >= STORE_FLOOR) stored.push(i)
    const weighed = [...new Set([...stored, ...order])]
    const ws = Int32Array.from(weighed, (i) => kept.src[i])
    const wd = Int32Array.from(weighed, (i) => kept.dst[i])
    const logWeights = (await pairScoresOf(model, enc, ctx, ws, wd)).logWeight
    const lw = new Float64Array(kept.size)
    weighed.forEach((i, j) => (lw[i] = logWeights[j]))
    const atT = (s: number, d: number) => memory.get(s * n + d)?.lastWeek === position

    const target = addWeeks(opts.week, opts.horizon)
    const runId = storeRun()
    function storeRun(): number {
      const db = archive.db
      // Rows are ready: the write lock is held only while they go in (archive.write).
      return archive.write(() => {
        const info = db
          .prepare(
            `INSERT INTO forecast_runs (week, horizon, target_week, model, model_sha256, provider, fallbacks, created,
               duration_ms, nodes, pairs_scored, exhaustive, expected_edges, graph_rule, graph_edges, warnings)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            opts.week,
            opts.horizon,
            target,
            model.manifest.name,
            model.manifest.graphs.pair_head.sha256,
            model.provider,
            JSON.stringify(model.fallbacks),
            new Date().toISOString(),
            Date.now() - started,
            n,
            scored,
            exhaustive ? 1 : 0,
            expected,
            GRAPH_RULE,
            graphSize,
            JSON.stringify(warnings),
          )
        const id = Number(info.lastInsertRowid)
        // Rows in descending probability (appends to the (run_id, probability DESC) index), 512 per
        // statement with one reused array of values: 281k rows of a real-scale week took 1.4 s one
        // fresh array per 128 rows, about 0.4 s so (A/B of both on the same rows, 2026-11-30).
        stored.sort((a, b) => kept.p[b] - kept.p[a])
        const ROWS = 512
        const insert = (rows: number) =>
          db.prepare(
            `INSERT INTO forecast_edges (run_id, source, target, probability, predicted_weight_usd, exists_at_t, in_graph)
             VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          )
        const full = insert(ROWS)
        const values: (number | string)[] = new Array(ROWS * 7)
        for (let start = 0; start < stored.length; start += ROWS) {
          const rows = Math.min(ROWS, stored.length - start)
          if (rows < ROWS) values.length = rows * 7
          for (let r = 0; r < rows; r++) {
            const i = stored[start + r]
            const o = r * 7
            values[o] = id
            values[o + 1] = frame.nodeIds[kept.src[i]]
            values[o + 2] = frame.nodeIds[kept.dst[i]]
            values[o + 3] = kept.p[i]
            values[o + 4] = Math.expm1(lw[i])
            values[o + 5] = atT(kept.src[i], kept.dst[i]) ? 1 : 0
            values[o + 6] = inGraph[i]
          }
          ;(rows === ROWS ? full : insert(rows)).run(values)
        }
        const node = db.prepare(
          'INSERT INTO forecast_nodes (run_id, node_id, tvl_t, predicted_log_change, predicted_tvl) VALUES (?, ?, ?, ?, ?)',
        )
        for (let i = 0; i < n; i++) {
          const change = enc.nodeChange[i]
          node.run(
            id,
            frame.nodeIds[i],
            frame.sizes[i],
            change,
            Math.expm1(Math.max(Math.log1p(Math.max(frame.sizes[i], 0)) + change, 0)),
          )
        }
        return id
      })
    }
    const top = order.map((i) => ({
      source: frame.nodeIds[kept.src[i]],
      target: frame.nodeIds[kept.dst[i]],
      probability: kept.p[i],
      predicted_weight_usd: Math.expm1(lw[i]),
      exists_at_t: atT(kept.src[i], kept.dst[i]),
    }))
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
      non_candidate_probability: nonCandidateP,
      expected_edges: expected,
      graph_rule: GRAPH_RULE,
      graph_edges: graphSize,
      top,
      duration_ms: Date.now() - started,
      synthetic: frame.synthetic,
      warnings,
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
