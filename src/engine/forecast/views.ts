// What the workbench's forecast views read from a stored forecast run: pages of pairs (all, new
// relationships, weight changes, vanishing edges) and of node predictions, the whole run as packed
// arrays over the universe (the graph overlay), and one pair's history features ("explain"). A run
// never changes once stored, so the last run read is kept in memory for paging through it.
import { rowsMatching } from '../../shared/text-filter'
import type { CallRequest, CallResponse } from '../../shared/api'
import { DexposureError } from '../../shared/errors'
import { encodePacked } from '../../shared/packed'
import type { UniverseView } from '../layout/graph-layout'
import type { Archive } from '../store/archive'
import { UNKNOWN } from '../store/archive'
import { pairMemoryAt } from './memory'
import { knownPairs, pairHistory, PAIR_HISTORY_FEATURES } from './pair-history'
import {
  loadForecastNodes,
  loadForecastPairs,
  modelOfRun,
  requireForecastRun,
  type ForecastNodes,
  type ForecastPairs,
  type ForecastRunRow,
} from './stored-run'

interface LoadedRun {
  run: ForecastRunRow
  nodes: ForecastNodes
  pairs: ForecastPairs
  /** Weight at t of each edge of t, keyed src · n + dst in the run's node positions (built on
   * first use from week t: the overlay's frame needs neither). */
  weightAtT?: Map<number, number>
  /** Stored pair index by key src · n + dst, built on first use (vanishing edges). */
  storedIndex?: Map<number, number>
}

const cache = new WeakMap<Archive, LoadedRun>()

function loadRun(
  archive: Archive,
  q: { runId?: number; week: string; horizon: number },
): LoadedRun {
  const run = requireForecastRun(archive, q)
  if (q.runId !== undefined && (run.week !== q.week || run.horizon !== q.horizon))
    throw new DexposureError(
      'USAGE',
      `forecast run ${q.runId} is for week ${run.week} horizon ${run.horizon}, not ${q.week} horizon ${q.horizon}`,
      { field: 'runId' },
    )
  const hit = cache.get(archive)
  if (hit && hit.run.run_id === run.run_id && hit.run.created === run.created) return hit
  const nodes = loadForecastNodes(archive, run.run_id)
  const pairs = loadForecastPairs(archive, run.run_id, nodes)
  const loaded = { run, nodes, pairs }
  cache.set(archive, loaded)
  return loaded
}

/** See LoadedRun.weightAtT. */
function weightsAtT(archive: Archive, L: LoadedRun): Map<number, number> {
  if (!L.weightAtT) {
    const n = L.nodes.nodeIds.length
    const { nodes } = L
    const frame = archive.loadWeek(L.run.week)
    L.weightAtT = new Map<number, number>()
    for (let j = 0; j < frame.edgeSrc.length; j++) {
      const a = nodes.index.get(frame.nodeIds[frame.edgeSrc[j]])
      const b = nodes.index.get(frame.nodeIds[frame.edgeDst[j]])
      if (a !== undefined && b !== undefined) L.weightAtT.set(a * n + b, frame.edgeWeight[j])
    }
  }
  return L.weightAtT
}

type EdgeRow = CallResponse<'forecast.edges'>['rows'][number]

export function forecastEdges(
  archive: Archive,
  r: CallRequest<'forecast.edges'>,
): CallResponse<'forecast.edges'> {
  const L = loadRun(archive, r)
  const { nodes, pairs, run } = L
  const n = nodes.nodeIds.length
  const kind = r.kind ?? 'all'
  const minP = r.minProbability ?? 0
  let only = -1
  if (r.node !== undefined) {
    const i = nodes.index.get(r.node)
    if (i === undefined)
      throw new DexposureError('NOT_FOUND', `node "${r.node}" is not in week ${run.week}`, {
        field: 'node',
        week: run.week,
      })
    only = i
  }
  const touches = (s: number, d: number) => only < 0 || s === only || d === only
  const protocols = archive.protocols()
  const name = (id: string) => protocols.get(id)?.name ?? null
  const rowOf = (s: number, d: number, k: number | null): EdgeRow => {
    const at = weightsAtT(archive, L).get(s * n + d)
    const predicted = k === null ? null : pairs.weight[k]
    return {
      source: nodes.nodeIds[s],
      target: nodes.nodeIds[d],
      sourceName: name(nodes.nodeIds[s]),
      targetName: name(nodes.nodeIds[d]),
      probability: k === null ? null : pairs.probability[k],
      predictedWeight: predicted,
      weightAtT: at ?? null,
      existsAtT: at !== undefined,
      inGraph: k !== null && pairs.inGraph[k] === 1,
      logChange:
        at !== undefined && predicted !== null
          ? Math.log1p(Math.max(predicted, 0)) - Math.log1p(Math.max(at, 0))
          : null,
    }
  }
  // candidate rows as (source, target, stored index | null) and a sort key, largest first
  const picked: { s: number; d: number; k: number | null; key: number }[] = []
  if (kind === 'vanishing') {
    // edges of t not in Ĝ(t+h): stored with p < the cut, or not stored at all (p < 0.01)
    if (!L.storedIndex) {
      L.storedIndex = new Map()
      for (let k = 0; k < pairs.src.length; k++)
        L.storedIndex.set(pairs.src[k] * n + pairs.dst[k], k)
    }
    const stored = L.storedIndex
    for (const [key, wt] of weightsAtT(archive, L)) {
      const s = Math.floor(key / n)
      const d = key - s * n
      const k = stored.get(key)
      if ((k !== undefined && pairs.inGraph[k]) || !touches(s, d)) continue
      picked.push({ s, d, k: k ?? null, key: wt })
    }
  } else
    for (let k = 0; k < pairs.src.length; k++) {
      const s = pairs.src[k]
      const d = pairs.dst[k]
      if (pairs.probability[k] < minP || !touches(s, d)) continue
      if (kind === 'new' && pairs.existsAtT[k]) continue
      if (kind === 'changes') {
        const at = weightsAtT(archive, L).get(s * n + d)
        if (at === undefined || !pairs.inGraph[k]) continue
        const change = Math.log1p(Math.max(pairs.weight[k], 0)) - Math.log1p(Math.max(at, 0))
        picked.push({ s, d, k, key: Math.abs(change) })
      } else picked.push({ s, d, k, key: pairs.probability[k] })
    }
  // stored pairs are already by probability; the other kinds sort by their own key
  if (kind !== 'all' && kind !== 'new')
    picked.sort((a, b) => b.key - a.key || a.s - b.s || a.d - b.d)
  const offset = r.offset ?? 0
  return {
    runId: run.run_id,
    week: run.week,
    horizon: run.horizon,
    targetWeek: run.target_week,
    kind,
    expectedEdges: run.expected_edges,
    graphEdges: run.graph_edges,
    total: picked.length,
    offset,
    rows: picked.slice(offset, offset + (r.limit ?? 100)).map((x) => rowOf(x.s, x.d, x.k)),
  }
}

export function forecastNodes(
  archive: Archive,
  r: CallRequest<'forecast.nodes'>,
): CallResponse<'forecast.nodes'> {
  const { run, nodes } = loadRun(archive, r)
  const protocols = archive.protocols()
  const all = nodes.nodeIds.map((node, i) => {
    const p = protocols.get(node)
    return {
      node,
      name: p?.name ?? null,
      category: p?.category || UNKNOWN,
      tvlT: nodes.tvlT[i],
      predictedTvl: nodes.predictedTvl[i],
      predictedLogChange: nodes.predictedLogChange[i],
    }
  })
  const rows = rowsMatching(all, r.filter)
  const sort = r.sort ?? 'absChange'
  type Row = (typeof all)[number]
  const key: (x: Row) => number | string = {
    change: (x: Row) => x.predictedLogChange,
    absChange: (x: Row) => Math.abs(x.predictedLogChange),
    predictedTvl: (x: Row) => x.predictedTvl,
    tvl: (x: Row) => x.tvlT,
    node: (x: Row) => x.node,
  }[sort]
  const dir = (r.order ?? (sort === 'node' ? 'asc' : 'desc')) === 'asc' ? 1 : -1
  rows.sort((a, b) => {
    const ka = key(a)
    const kb = key(b)
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * dir || (a.node < b.node ? -1 : 1)
  })
  const offset = r.offset ?? 0
  return {
    runId: run.run_id,
    week: run.week,
    horizon: run.horizon,
    targetWeek: run.target_week,
    total: rows.length,
    offset,
    rows: rows.slice(offset, offset + (r.limit ?? 100)),
  }
}

export function forecastFrame(
  archive: Archive,
  view: UniverseView,
  r: CallRequest<'forecast.frame'>,
): CallResponse<'forecast.frame'> {
  const { run, nodes, pairs } = loadRun(archive, r)
  const index = view.universe.index
  const uni = Int32Array.from(nodes.nodeIds, (id) => {
    const u = index.get(id)
    if (u === undefined)
      throw new DexposureError(
        'INTERNAL',
        `node "${id}" of week ${run.week} is not in the universe`,
      )
    return u
  })
  const minP = r.minProbability ?? 0
  const topNew = r.topNew ?? Infinity
  // The stored pairs are in descending probability (stored-run.ts), so the `topNew` most
  // probable new pairs are the first ones met. One pass of plain loops into arrays of the
  // largest size, sent as their filled part: `Int32Array.from(array, map)` walks the iterator
  // protocol and cost ≈ 200 ms a call over a real-scale run's 352k pairs (CPU profile).
  const m = pairs.src.length
  const pairSource = new Int32Array(m)
  const pairTarget = new Int32Array(m)
  const probability = new Float32Array(m)
  const predictedWeight = new Float64Array(m)
  const flags = new Int32Array(m)
  const newProbability = new Float32Array(m)
  let j = 0
  let q = 0
  let cut = Infinity
  for (let k = 0; k < m; k++) {
    const p = pairs.probability[k]
    if (pairs.inGraph[k] && p < cut) cut = p
    if (p < minP) continue
    if (!pairs.existsAtT[k]) {
      newProbability[q] = p
      if (q++ >= topNew) continue
    }
    pairSource[j] = uni[pairs.src[k]]
    pairTarget[j] = uni[pairs.dst[k]]
    probability[j] = p
    predictedWeight[j] = pairs.weight[k]
    flags[j] = (pairs.existsAtT[k] ? 1 : 0) | (pairs.inGraph[k] ? 2 : 0)
    j++
  }
  return {
    runId: run.run_id,
    week: run.week,
    horizon: run.horizon,
    targetWeek: run.target_week,
    revision: view.revision,
    model: run.model,
    provider: run.provider,
    warnings: JSON.parse(run.warnings) as string[],
    expectedEdges: run.expected_edges,
    graphEdges: run.graph_edges,
    nodeCount: nodes.nodeIds.length,
    cut: Number.isFinite(cut) ? cut : 1,
    nodes: encodePacked(uni),
    tvlT: encodePacked(nodes.tvlT),
    predictedTvl: encodePacked(nodes.predictedTvl),
    predictedLogChange: encodePacked(Float32Array.from(nodes.predictedLogChange)),
    pairCount: j,
    pairSource: encodePacked(pairSource.subarray(0, j)),
    pairTarget: encodePacked(pairTarget.subarray(0, j)),
    probability: encodePacked(probability.subarray(0, j)),
    predictedWeight: encodePacked(predictedWeight.subarray(0, j)),
    flags: encodePacked(flags.subarray(0, j)),
    newCount: q,
    newProbability: encodePacked(newProbability.subarray(0, q)),
  }
}

const FEATURE_DESCRIPTIONS: Record<string, string> = {
  edge_at_t: '1 if the edge exists at t',
  log_weight_at_t: 'log1p(USD weight at t), 0 if absent at t',
  share_last_4: 'share of the last 4 weeks with the edge',
  share_last_12: 'share of the last 12 weeks with the edge',
  reverse_at_t: '1 if the reverse edge exists at t',
  seen_before: '1 if the edge existed in any week ≤ t',
  log_last_weight: 'log1p of the last seen USD weight, 0 if never seen',
  weeks_since_seen: 'min(weeks since last seen, 52) / 52; 1 if never seen',
  reverse_seen_before: '1 if the reverse edge existed in any week ≤ t',
  src_partners: 'log1p(issuers of t the holder has held in any week ≤ t)',
  dst_partners: 'log1p(holders of t the issuer has had in any week ≤ t)',
  presence_rate: 'weeks with the edge / weeks since it was first seen',
  weeks_known: 'min(weeks since first seen, 156) / 156; 0 if never seen',
}

/**
 * The pair-history features of one pair at t, as the forecast computed them (pair-history.ts on
 * the pair memory up to t), with the run's stored prediction when there is one. Works without a
 * run too (runId null): the features depend on the archive only.
 */
export function forecastExplain(
  archive: Archive,
  r: CallRequest<'forecast.explain'>,
): CallResponse<'forecast.explain'> {
  const frame = archive.loadWeek(r.week)
  const pos = new Map(frame.nodeIds.map((id, i) => [id, i]))
  const s = pos.get(r.source)
  const d = pos.get(r.target)
  for (const [field, id, i] of [
    ['source', r.source, s],
    ['target', r.target, d],
  ] as const)
    if (i === undefined)
      throw new DexposureError('NOT_FOUND', `node "${id}" is not in week ${r.week}`, {
        field,
        week: r.week,
      })
  if (s === d)
    throw new DexposureError('USAGE', 'source and target are the same node', { field: 'target' })
  const n = frame.nodeIds.length
  const { memory, position } = pairMemoryAt(archive, r.week, frame.nodeIds)
  const ctx = { week: position, n, memory }
  const values = pairHistory(ctx, Int32Array.of(s!), Int32Array.of(d!), PAIR_HISTORY_FEATURES)
  const run = (() => {
    try {
      return requireForecastRun(archive, r)
    } catch (e) {
      if (r.runId === undefined && e instanceof DexposureError && e.code === 'NOT_FOUND')
        return null
      throw e
    }
  })()
  const model = run ? modelOfRun(archive.file, run) : null
  const used = new Set<string>(model?.manifest.pair_history ?? [])
  let stored: CallResponse<'forecast.explain'>['stored'] = null
  if (run) {
    const row = archive.db
      .prepare(
        `SELECT probability, predicted_weight_usd, exists_at_t, in_graph FROM forecast_edges
         WHERE run_id = ? AND source = ? AND target = ?`,
      )
      .get(run.run_id, r.source, r.target) as
      | { probability: number; predicted_weight_usd: number; exists_at_t: number; in_graph: number }
      | undefined
    if (row)
      stored = {
        probability: row.probability,
        predictedWeight: row.predicted_weight_usd,
        existsAtT: row.exists_at_t === 1,
        inGraph: row.in_graph === 1,
      }
  }
  const protocols = archive.protocols()
  return {
    runId: run?.run_id ?? null,
    week: r.week,
    horizon: r.horizon,
    source: r.source,
    target: r.target,
    sourceName: protocols.get(r.source)?.name ?? null,
    targetName: protocols.get(r.target)?.name ?? null,
    // scoring.ts's rule: the pair head serves pairs with history (and every pair of a model
    // without a fresh head), the fresh head the rest
    head:
      knownPairs(ctx).has(s! * n + d!) || (model !== null && !model.manifest.fresh_head)
        ? 'pair'
        : 'fresh',
    model: run?.model ?? null,
    features: PAIR_HISTORY_FEATURES.map((name, k) => ({
      name,
      value: values[k],
      used: used.has(name),
      description: FEATURE_DESCRIPTIONS[name] ?? '',
    })),
    stored,
  }
}
