// Store stage: the run's row, its stored pairs (in Ĝ or p ≥ STORE_FLOOR) and every node's predicted
// TVL, in one short write transaction once every row is ready (archive.write).
import type { Archive } from '../../store/archive'
import { packPairs } from '../packed-pairs'
import { forecastPairs } from '../stored-run'
import type { Encoded } from '../model'
import type { PredictedGraph } from './graph'
import type { KeptPairs } from './kept-pairs'
import type { WeekStage } from './week'

/** The forecast_runs row (migration 3), less its id. */
export interface RunRow {
  week: string
  horizon: number
  target_week: string
  model: string
  model_sha256: string
  provider: string
  fallbacks: string
  duration_ms: number
  nodes: number
  pairs_scored: number
  exhaustive: boolean
  expected_edges: number
  graph_rule: string
  graph_edges: number
  warnings: string
  /** The recalibration applied (JSON; migration 9). */
  calibration: string
}

export interface StoreInput {
  run: RunRow
  week: WeekStage
  enc: Encoded
  kept: KeptPairs
  graph: PredictedGraph
  /** Predicted log1p weights by kept position (graph.ts predictedLogWeights). */
  logWeights: Float64Array
  /** Whether src → dst is an edge of week t. */
  atT: (src: number, dst: number) => boolean
}

/** Writes the run; returns its run_id. */
export function storeForecastRun(archive: Archive, input: StoreInput): number {
  const { run, kept, graph, logWeights: lw, atT, enc } = input
  const { frame, n } = input.week
  const { inGraph } = graph
  const db = archive.db
  // Rows are ready: the write lock is held only while they go in (archive.write).
  return archive.write(() => {
    const info = db
      .prepare(
        `INSERT INTO forecast_runs (week, horizon, target_week, model, model_sha256, provider, fallbacks, created,
           duration_ms, nodes, pairs_scored, exhaustive, expected_edges, graph_rule, graph_edges, warnings, calibration)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.week,
        run.horizon,
        run.target_week,
        run.model,
        run.model_sha256,
        run.provider,
        run.fallbacks,
        new Date().toISOString(),
        run.duration_ms,
        run.nodes,
        run.pairs_scored,
        run.exhaustive ? 1 : 0,
        run.expected_edges,
        run.graph_rule,
        run.graph_edges,
        run.warnings,
        run.calibration,
      )
    const id = Number(info.lastInsertRowid)
    // Rows in descending probability (appends to the (run_id, probability DESC) index), 512 per
    // statement with one reused array of values: 281k rows of a real-scale week took 1.4 s one
    // fresh array per 128 rows, about 0.4 s so (A/B of both on the same rows, 2026-11-30).
    const stored = [...graph.stored].sort((a, b) => kept.p[b] - kept.p[a])
    const ROWS = 512
    const insert = (rows: number) =>
      db.prepare(
        `INSERT INTO forecast_edges (run_id, source, target, probability, predicted_weight_usd, exists_at_t, in_graph)
         VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      )
    const full = insert(ROWS)
    const values: (number | string)[] = new Array(ROWS * 7)
    // the same pairs as packed columns (packed-pairs.ts), in the rows' order
    const pairs = forecastPairs(stored.length)
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
        const k = start + r
        pairs.src[k] = kept.src[i]
        pairs.dst[k] = kept.dst[i]
        pairs.probability[k] = values[o + 3] as number
        pairs.weight[k] = values[o + 4] as number
        pairs.existsAtT[k] = values[o + 5] as number
        pairs.inGraph[k] = values[o + 6] as number
      }
      ;(rows === ROWS ? full : insert(rows)).run(values)
    }
    db.prepare('UPDATE forecast_runs SET pairs_packed = ? WHERE run_id = ?').run(
      packPairs(pairs),
      id,
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
  })
}
