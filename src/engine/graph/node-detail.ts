// `node.detail`: one node in one week — metadata, token composition, and its exposures both ways
// with USD and share, largest first. The week's edges come from its `week_frames` row (one read,
// one pass over ~75k edges at real scale); the composition from the node's `nodes` row.
import type { CallResponse } from '../../shared/api'
import type { Composition } from '../../shared/domain'
import { UNKNOWN, type Archive } from '../store/archive'
import { nodeNotFound, weekNotFound } from './errors'

/** Items per list; totals and counts always cover the whole week. */
export const DETAIL_LIMIT = 200

type Detail = CallResponse<'node.detail'>

export function nodeDetail(archive: Archive, nodeId: string, week: string): Detail {
  if (!archive.hasWeek(week)) throw weekNotFound(week)
  const node = archive.db
    .prepare('SELECT idx, size, composition, tvl_change FROM nodes WHERE node_id = ? AND week = ?')
    .get(nodeId, week) as
    { idx: number; size: number; composition: string | null; tvl_change: number } | undefined
  if (!node) {
    const anywhere = archive.db.prepare('SELECT 1 FROM nodes WHERE node_id = ? LIMIT 1').get(nodeId)
    throw nodeNotFound(nodeId, 'nodeId', anywhere ? week : undefined)
  }
  const span = archive.db
    .prepare('SELECT min(week) AS first, max(week) AS last FROM nodes WHERE node_id = ?')
    .get(nodeId) as { first: string; last: string }
  const protocols = archive.protocols()
  const p = protocols.get(nodeId)

  const f = archive.weekEdges(week)
  const out = new Map<number, number>()
  const inn = new Map<number, number>()
  for (let j = 0; j < f.edgeSrc.length; j++) {
    if (f.edgeSrc[j] === node.idx) out.set(f.edgeDst[j], f.edgeWeight[j])
    if (f.edgeDst[j] === node.idx) inn.set(f.edgeSrc[j], f.edgeWeight[j])
  }
  const exposures = (m: Map<number, number>) => {
    let total = 0
    for (const usd of m.values()) total += usd
    const items = [...m]
      .map(([i, usd]) => ({
        id: f.nodeIds[i],
        name: protocols.get(f.nodeIds[i])?.name ?? null,
        usd,
        share: total > 0 ? usd / total : 0,
      }))
      .sort((a, b) => b.usd - a.usd || (a.id < b.id ? -1 : 1))
    return { items: items.slice(0, DETAIL_LIMIT), total: { usd: total, count: items.length } }
  }
  const to = exposures(out)
  const from = exposures(inn)
  const comp = composition(node.composition)

  return {
    id: nodeId,
    name: p?.name ?? null,
    category: p?.category || UNKNOWN,
    sector: p?.sector || UNKNOWN,
    kind: p ? 'protocol' : 'token',
    week,
    size: node.size,
    tvlChange: node.tvl_change,
    firstWeek: span.first,
    lastWeek: span.last,
    composition: comp.items,
    exposedTo: to.items,
    exposedFrom: from.items,
    totals: { composition: comp.total, exposedTo: to.total, exposedFrom: from.total },
  }
}

/**
 * Holdings largest first. Shares are of the positive holdings (as the archive's features clip
 * them), so a negative holding shows with a negative share; `usd` of the total is that sum.
 */
function composition(json: string | null): {
  items: Detail['composition']
  total: { usd: number; count: number }
} {
  if (json === null) return { items: [], total: { usd: 0, count: 0 } }
  const entries = Object.entries(JSON.parse(json) as Composition)
  let positive = 0
  for (const [, usd] of entries) if (usd > 0) positive += usd
  const items = entries
    .map(([token, usd]) => ({ token, usd, share: positive > 0 ? usd / positive : 0 }))
    .sort((a, b) => b.usd - a.usd || (a.token < b.token ? -1 : 1))
  return { items: items.slice(0, DETAIL_LIMIT), total: { usd: positive, count: items.length } }
}
