// `edge.history`: one holder → issuer exposure across every archived week. The archive has no
// index on edges (docs/archive-schema.md); a node's edges are its `nodes` rows' position lists,
// so the edge in a week is the one position in both the holder's out_edges and the issuer's
// in_edges (sorted lists, one merge), then one rowid read for its weight.
import type { CallResponse } from '../../shared/api'
import { rowKey, type Archive } from '../store/archive'
import { int32Of } from '../store/frames'
import { nodeNotFound } from './errors'

export function edgeHistory(
  archive: Archive,
  source: string,
  target: string,
): CallResponse<'edge.history'> {
  const exists = archive.db.prepare('SELECT 1 FROM nodes WHERE node_id = ? LIMIT 1')
  if (!exists.get(source)) throw nodeNotFound(source, 'source')
  if (!exists.get(target)) throw nodeNotFound(target, 'target')
  const weeks = archive.db
    .prepare(
      `SELECT s.week, s.out_edges, t.in_edges FROM nodes s
       JOIN nodes t ON t.node_id = ? AND t.week = s.week
       WHERE s.node_id = ? ORDER BY s.week`,
    )
    .all(target, source) as { week: string; out_edges: Buffer; in_edges: Buffer }[]
  const weight = archive.db.prepare('SELECT weight FROM edge_rows WHERE rowid = ?').pluck()
  const points: { week: string; weight: number }[] = []
  for (const w of weeks) {
    const p = common(int32Of(w.out_edges), int32Of(w.in_edges))
    if (p >= 0) points.push({ week: w.week, weight: weight.get(rowKey(w.week, p)) as number })
  }
  return { source, target, points }
}

/** The first value in both ascending lists, or -1 (imports merge repeated pairs: at most one). */
function common(a: Int32Array, b: Int32Array): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return a[i]
    if (a[i] < b[j]) i++
    else j++
  }
  return -1
}
