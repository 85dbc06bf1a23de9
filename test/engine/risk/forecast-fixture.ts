// A stored forecast run written by hand (forecast_runs, forecast_nodes, forecast_edges as run.ts
// writes them), for tests that need a forecast graph with known probabilities: a deterministic
// run (every p 0 or 1) makes Monte Carlo draws equal to the point graph.
import type Database from 'better-sqlite3'
import type { WeekFrame } from '../../../src/shared/domain'
import { addWeeks } from '../../../src/shared/dates'

export interface FixturePair {
  src: number
  dst: number
  p: number
  weight: number
}

/** Inserts a run for (frame.week, horizon) over the frame's nodes; returns its run id. */
export function insertForecastRun(
  db: Database.Database,
  frame: WeekFrame,
  horizon: number,
  pairs: FixturePair[],
  opts: { tvlScale?: number; model?: string } = {},
): number {
  const at = new Set<number>()
  const n = frame.nodeIds.length
  for (let j = 0; j < frame.edgeSrc.length; j++) at.add(frame.edgeSrc[j] * n + frame.edgeDst[j])
  const expected = pairs.reduce((s, x) => s + x.p, 0)
  const inGraph = pairs.filter((x) => x.p >= 1).length
  const info = db
    .prepare(
      `INSERT INTO forecast_runs (week, horizon, target_week, model, model_sha256, provider, fallbacks, created,
         duration_ms, nodes, pairs_scored, exhaustive, expected_edges, graph_rule, graph_edges, warnings)
       VALUES (?, ?, ?, ?, 'fixture', 'cpu', '[]', ?, 0, ?, ?, 1, ?, 'fixture', ?, '[]')`,
    )
    .run(
      frame.week,
      horizon,
      addWeeks(frame.week, horizon),
      opts.model ?? 'fixture-model',
      new Date().toISOString(),
      n,
      n * (n - 1),
      expected,
      inGraph,
    )
  const runId = Number(info.lastInsertRowid)
  const node = db.prepare(
    'INSERT INTO forecast_nodes (run_id, node_id, tvl_t, predicted_log_change, predicted_tvl) VALUES (?, ?, ?, ?, ?)',
  )
  const scale = opts.tvlScale ?? 1
  for (let i = 0; i < n; i++)
    node.run(runId, frame.nodeIds[i], frame.sizes[i], Math.log(scale), frame.sizes[i] * scale)
  const edge = db.prepare(
    `INSERT INTO forecast_edges (run_id, source, target, probability, predicted_weight_usd, exists_at_t, in_graph)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  for (const x of [...pairs].sort((a, b) => b.p - a.p))
    edge.run(
      runId,
      frame.nodeIds[x.src],
      frame.nodeIds[x.dst],
      x.p,
      x.weight,
      at.has(x.src * n + x.dst) ? 1 : 0,
      x.p >= 1 ? 1 : 0,
    )
  return runId
}

/** Pairs for a deterministic run: every edge of the frame at p = 1 with its weight × 1.1, and as
 * many absent pairs at p = 0. */
export function deterministicPairs(frame: WeekFrame): FixturePair[] {
  const n = frame.nodeIds.length
  const pairs: FixturePair[] = []
  const at = new Set<number>()
  for (let j = 0; j < frame.edgeSrc.length; j++) {
    at.add(frame.edgeSrc[j] * n + frame.edgeDst[j])
    pairs.push({
      src: frame.edgeSrc[j],
      dst: frame.edgeDst[j],
      p: 1,
      weight: frame.edgeWeight[j] * 1.1,
    })
  }
  let added = 0
  for (let s = 0; s < n && added < frame.edgeSrc.length; s++)
    for (let d = 0; d < n && added < frame.edgeSrc.length; d += 7)
      if (s !== d && !at.has(s * n + d)) {
        pairs.push({ src: s, dst: d, p: 0, weight: 1e6 })
        added++
      }
  return pairs
}
