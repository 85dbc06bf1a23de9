// A forecast run: from the archive up to week t only, every ordered pair of nodes of t gets a
// calibrated probability of being an edge at t+h, a predicted USD weight, and every node a
// predicted TVL; the predicted graph Ĝ(t+h) keeps the M most probable pairs, M = round(Σ p) (the
// expected number of edges). Runs are stored in the archive (migration 3) for SQL, the UI and the
// risk tools. Weeks past the last archived one can be forecast: only t must be archived.
import { Rng } from '../demo/rng'
import { addWeeks } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { registerPredictedGraphProvider, type PredictedGraphRun } from '../risk/predicted-graph'
import type { WeekFrame } from '../../shared/domain'
import type { Archive } from '../store/archive'
import { UNKNOWN } from '../store/archive'
import type { PairMemory } from './baselines'
import { ForecastModel, modelDirFor, type ProviderAttempt } from './model'
import { pairMemoryAt } from './memory'
import { pairHistory } from './pair-history'

/** Weeks with at most this many ordered pairs are scored exactly (every pair through the model). */
export const EXACT_PAIRS = 20_000_000
/** Issuers with the most holders that every node is paired with in the candidate set. */
export const TOP_ISSUERS = 100
/** Cap on the candidate set of large weeks. */
export const MAX_CANDIDATES = 5_000_000
/** Pairs scored per pair-head call. */
const CHUNK = 262_144
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
}

/** Candidate pairs (keys src · n + dst) when a week is too large to score every pair: every
 * pair with an edge in any week up to t, the reverse of each edge of t, and two-hop pairs
 * u → w → v of week t (capped at MAX_CANDIDATES). Its recall of the t+h edges is measured by
 * bench/candidate-recall.mjs. */
export function candidatePairs(frame: WeekFrame, memory: Map<number, PairMemory>): Set<number> {
  const n = frame.nodeIds.length
  const candidates = new Set<number>(memory.keys())
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
  return candidates
}

export async function runForecast(
  archive: Archive,
  opts: ForecastOptions,
): Promise<ForecastRunResult> {
  const started = Date.now()
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
    const { memory, position } = pairMemoryAt(archive, opts.week, frame.nodeIds)
    const ctx = { week: position, n, memory }
    const enc = await model.encode(frame)

    // Pairs to score: all ordered pairs when affordable; otherwise every pair with history plus
    // the reverses and two-hop pairs of week t, and a uniform sample of the rest whose mean
    // probability stands for every pair not scored (reported as non_candidate_probability).
    const total = n * (n - 1)
    const exhaustive = total <= EXACT_PAIRS
    const kept = { src: [] as number[], dst: [] as number[], p: [] as number[], lw: [] as number[] }
    let sumP = 0
    let scored = 0
    let nonCandidateP: number | null = null
    const scoreBatch = async (src: Int32Array, dst: Int32Array) => {
      const out = await model.scorePairs(
        enc,
        src,
        dst,
        pairHistory(ctx, src, dst, model.manifest.pair_history),
      )
      for (let i = 0; i < src.length; i++) {
        sumP += out.prob[i]
        if (out.prob[i] >= 1e-4) {
          kept.src.push(src[i])
          kept.dst.push(dst[i])
          kept.p.push(out.prob[i])
          kept.lw.push(out.logWeight[i])
        }
      }
      scored += src.length
      opts.onProgress?.(scored, exhaustive ? total : scored)
      if (opts.signal?.aborted) throw new DexposureError('CANCELLED', 'forecast cancelled')
    }
    if (exhaustive) {
      const src = new Int32Array(CHUNK)
      const dst = new Int32Array(CHUNK)
      let k = 0
      for (let s = 0; s < n; s++)
        for (let d = 0; d < n; d++) {
          if (s === d) continue
          src[k] = s
          dst[k] = d
          if (++k === CHUNK) {
            await scoreBatch(src, dst)
            k = 0
          }
        }
      if (k) await scoreBatch(src.subarray(0, k), dst.subarray(0, k))
    } else {
      const candidates = candidatePairs(frame, memory)
      const src = new Int32Array(CHUNK)
      const dst = new Int32Array(CHUNK)
      let k = 0
      for (const key of candidates) {
        src[k] = Math.floor(key / n)
        dst[k] = key - src[k] * n
        if (++k === CHUNK) {
          await scoreBatch(src, dst)
          k = 0
        }
      }
      if (k) await scoreBatch(src.subarray(0, k), dst.subarray(0, k))
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
      const out = await model.scorePairs(
        enc,
        ss,
        sd,
        pairHistory(ctx, ss, sd, model.manifest.pair_history),
      )
      nonCandidateP = out.prob.reduce((a, b) => a + b, 0) / sample
      sumP += nonCandidateP * (total - candidates.size)
    }

    // Ĝ(t+h): the round(Σp) most probable pairs.
    const order = kept.p.map((_, i) => i).sort((a, b) => kept.p[b] - kept.p[a])
    const expected = sumP
    const graphSize = Math.min(order.length, Math.round(expected))
    const inGraph = new Uint8Array(kept.p.length)
    for (let i = 0; i < graphSize; i++) inGraph[order[i]] = 1
    const atT = (s: number, d: number) => memory.get(s * n + d)?.lastWeek === position

    const target = addWeeks(opts.week, opts.horizon)
    const runId = storeRun()
    function storeRun(): number {
      const db = archive.db
      return db.transaction(() => {
        const info = db
          .prepare(
            `INSERT INTO forecast_runs (week, horizon, target_week, model, model_sha256, provider, fallbacks, created,
               duration_ms, nodes, pairs_scored, exhaustive, expected_edges, graph_rule, graph_edges)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          )
        const id = Number(info.lastInsertRowid)
        const edge = db.prepare(
          `INSERT INTO forecast_edges (run_id, source, target, probability, predicted_weight_usd, exists_at_t, in_graph)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        for (let i = 0; i < kept.p.length; i++)
          if (inGraph[i] || kept.p[i] >= STORE_FLOOR)
            edge.run(
              id,
              frame.nodeIds[kept.src[i]],
              frame.nodeIds[kept.dst[i]],
              kept.p[i],
              Math.expm1(kept.lw[i]),
              atT(kept.src[i], kept.dst[i]) ? 1 : 0,
              inGraph[i],
            )
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
      })()
    }
    const top = order.slice(0, opts.top ?? 20).map((i) => ({
      source: frame.nodeIds[kept.src[i]],
      target: frame.nodeIds[kept.dst[i]],
      probability: kept.p[i],
      predicted_weight_usd: Math.expm1(kept.lw[i]),
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
  const hasTable = archive.db
    .prepare("SELECT 1 FROM sqlite_master WHERE name = 'forecast_runs'")
    .get()
  if (!hasTable) return null
  const run = archive.db
    .prepare(
      'SELECT run_id, target_week FROM forecast_runs WHERE week = ? AND horizon = ? ORDER BY run_id DESC LIMIT 1',
    )
    .get(week, horizon) as { run_id: number; target_week: string } | undefined
  if (!run) return null
  const nodes = archive.db
    .prepare('SELECT node_id, predicted_tvl FROM forecast_nodes WHERE run_id = ? ORDER BY rowid')
    .all(run.run_id) as { node_id: string; predicted_tvl: number }[]
  const index = new Map(nodes.map((r, i) => [r.node_id, i]))
  const edges = archive.db
    .prepare(
      'SELECT source, target, predicted_weight_usd FROM forecast_edges WHERE run_id = ? AND in_graph = 1',
    )
    .all(run.run_id) as { source: string; target: string; predicted_weight_usd: number }[]
  const protocols = archive.protocols()
  return {
    graph: {
      nodeIds: nodes.map((r) => r.node_id),
      sizes: nodes.map((r) => r.predicted_tvl),
      categories: nodes.map((r) => protocols.get(r.node_id)?.category || UNKNOWN),
      sectors: nodes.map((r) => protocols.get(r.node_id)?.sector || UNKNOWN),
      edgeSrc: edges.map((e) => index.get(e.source)!),
      edgeDst: edges.map((e) => index.get(e.target)!),
      edgeWeight: edges.map((e) => e.predicted_weight_usd),
    },
    forecastRunId: run.run_id,
    anchorWeek: week,
    targetWeek: run.target_week,
    horizon,
    notes: [`predicted graph: ${GRAPH_RULE}`],
  }
}

registerPredictedGraphProvider(predictedGraphOf)
