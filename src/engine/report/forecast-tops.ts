// The report's three short lists of a stored forecast run — the most likely new edges, the largest
// predicted exposure changes and the largest predicted TVL changes — read with narrow queries.
// The forecast views (forecast/views.ts) answer the same questions by loading the whole run (every
// stored pair, 270k–370k rows a run at real scale) for paging; a report needs twelve rows of each,
// and loading four runs whole took seconds of a report with everything stored. Same rows, same
// order, same ties as forecast.edges (kind new / changes) and forecast.nodes (absChange):
// test/engine/report/forecast-tops.test.ts compares them.
import type { CallResponse } from '../../shared/api'
import type { WeekFrame } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { loadForecastNodes, type ForecastRunRow } from '../forecast/stored-run'
import type { Archive } from '../store/archive'
import { UNKNOWN } from '../store/archive'

export type ForecastEdgeRow = CallResponse<'forecast.edges'>['rows'][number]
export type ForecastNodeRow = CallResponse<'forecast.nodes'>['rows'][number]

export interface ForecastTops {
  /** Pairs absent at t, by probability (the stored order: probability descending, then rowid). */
  newEdges: ForecastEdgeRow[]
  /** Edges of t kept in Ĝ(t+h), by |log change| of the weight, largest first. */
  changes: ForecastEdgeRow[]
  /** Nodes by |predicted log change| of TVL, largest first. */
  nodes: ForecastNodeRow[]
}

type PairRow = [source: string, target: string, probability: number, weight: number]

export function forecastTops(
  archive: Archive,
  run: ForecastRunRow,
  frame: WeekFrame,
  limit: number,
): ForecastTops {
  if (frame.week !== run.week)
    throw new DexposureError('INTERNAL', `forecast run ${run.run_id} is not of week ${frame.week}`)
  const nodes = loadForecastNodes(archive, run.run_id)
  const n = nodes.nodeIds.length
  const protocols = archive.protocols()
  const name = (id: string) => protocols.get(id)?.name ?? null
  // the week's edge weights keyed by the run's node positions, as the views key them
  const pos = Int32Array.from(frame.nodeIds, (id) => nodes.index.get(id) ?? -1)
  const weightAtT = new Map<number, number>()
  for (let j = 0; j < frame.edgeSrc.length; j++) {
    const a = pos[frame.edgeSrc[j]]
    const b = pos[frame.edgeDst[j]]
    if (a >= 0 && b >= 0) weightAtT.set(a * n + b, frame.edgeWeight[j])
  }
  const positionOf = (id: string, other: string): number => {
    const i = nodes.index.get(id)
    if (i === undefined)
      throw new DexposureError(
        'ARCHIVE',
        `forecast run ${run.run_id} has a pair ${id} → ${other} outside its nodes`,
        { file: archive.file },
      )
    return i
  }
  const rowOf = (
    s: number,
    d: number,
    probability: number,
    predicted: number,
    inGraph: boolean,
  ): ForecastEdgeRow => {
    const at = weightAtT.get(s * n + d)
    return {
      source: nodes.nodeIds[s],
      target: nodes.nodeIds[d],
      sourceName: name(nodes.nodeIds[s]),
      targetName: name(nodes.nodeIds[d]),
      probability,
      predictedWeight: predicted,
      weightAtT: at ?? null,
      existsAtT: at !== undefined,
      inGraph,
      logChange:
        at !== undefined ? Math.log1p(Math.max(predicted, 0)) - Math.log1p(Math.max(at, 0)) : null,
    }
  }

  // new: the index forecast_edges_by_run (run_id, probability DESC) serves this without a scan
  const fresh = archive.db
    .prepare(
      `SELECT source, target, probability, predicted_weight_usd, in_graph FROM forecast_edges
       WHERE run_id = ? AND exists_at_t = 0 ORDER BY probability DESC, rowid LIMIT ?`,
    )
    .raw()
    .all(run.run_id, limit) as [string, string, number, number, number][]
  const newEdges = fresh.map(([s, t, p, w, g]) =>
    rowOf(positionOf(s, t), positionOf(t, s), p, w, g === 1),
  )

  // changes: only the pairs of Ĝ (in_graph) can be kept edges of t
  const inGraph = archive.db
    .prepare(
      `SELECT source, target, probability, predicted_weight_usd FROM forecast_edges
       WHERE run_id = ? AND in_graph = 1`,
    )
    .raw()
    .all(run.run_id) as PairRow[]
  const picked: { s: number; d: number; k: number; key: number }[] = []
  inGraph.forEach(([source, target, , w], k) => {
    const s = positionOf(source, target)
    const d = positionOf(target, source)
    const at = weightAtT.get(s * n + d)
    if (at === undefined) return
    const change = Math.log1p(Math.max(w, 0)) - Math.log1p(Math.max(at, 0))
    picked.push({ s, d, k, key: Math.abs(change) })
  })
  picked.sort((a, b) => b.key - a.key || a.s - b.s || a.d - b.d)
  const changes = picked
    .slice(0, limit)
    .map((x) => rowOf(x.s, x.d, inGraph[x.k][2], inGraph[x.k][3], true))

  // nodes: by |predicted log change|, ties by node id (forecast.nodes, sort absChange)
  const order = [...Array(n).keys()].sort((a, b) => {
    const ka = Math.abs(nodes.predictedLogChange[a])
    const kb = Math.abs(nodes.predictedLogChange[b])
    return (ka < kb ? 1 : ka > kb ? -1 : 0) || (nodes.nodeIds[a] < nodes.nodeIds[b] ? -1 : 1)
  })
  const nodeRows = order.slice(0, limit).map((i): ForecastNodeRow => {
    const id = nodes.nodeIds[i]
    const p = protocols.get(id)
    return {
      node: id,
      name: p?.name ?? null,
      category: p?.category || UNKNOWN,
      tvlT: nodes.tvlT[i],
      predictedTvl: nodes.predictedTvl[i],
      predictedLogChange: nodes.predictedLogChange[i],
    }
  })
  return { newEdges, changes, nodes: nodeRows }
}
