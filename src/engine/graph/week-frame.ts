// `week.frame`: one week as typed arrays over the universe. One `week_frames` row read and one Map
// lookup per node (the id → index map belongs to the universe view, cached per revision).
import type { CallResponse } from '../../shared/api'
import { FEATURE_COUNT, FEATURE_NAMES } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { encodePacked } from '../../shared/packed'
import type { UniverseView } from '../layout/graph-layout'
import type { Archive } from '../store/archive'
import { float32Of, float64Of, int32Of } from '../store/frames'
import { weekNotFound } from './errors'

const TVL_CHANGE = FEATURE_NAMES.indexOf('tvl_change')

interface Row {
  node_ids: string
  sizes: Buffer
  features: Buffer
  edge_src: Buffer
  edge_dst: Buffer
  edge_weight: Buffer
  synthetic: number
  total_tvl: number
  total_exposure: number
}

export function weekFrame(
  archive: Archive,
  view: UniverseView,
  week: string,
): CallResponse<'week.frame'> {
  const row = archive.db
    .prepare(
      `SELECT f.node_ids, f.sizes, f.features, f.edge_src, f.edge_dst, f.edge_weight,
         w.synthetic, w.total_tvl, w.total_exposure
       FROM week_frames f JOIN weeks w USING (week) WHERE f.week = ?`,
    )
    .get(week) as Row | undefined
  if (!row) throw weekNotFound(week)
  const ids = JSON.parse(row.node_ids) as string[]
  const n = ids.length
  const index = view.universe.index
  const nodes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const u = index.get(ids[i])
    // the view is built for the archive's current import, so every node of a week is in it
    if (u === undefined)
      throw new DexposureError(
        'INTERNAL',
        `node "${ids[i]}" of week ${week} is not in the universe`,
      )
    nodes[i] = u
  }
  const features = float32Of(row.features)
  const tvlChange = new Float32Array(n)
  for (let i = 0; i < n; i++) tvlChange[i] = features[i * FEATURE_COUNT + TVL_CHANGE]
  const src = int32Of(row.edge_src)
  const dst = int32Of(row.edge_dst)
  const e = src.length
  const edgeSource = new Int32Array(e)
  const edgeTarget = new Int32Array(e)
  for (let j = 0; j < e; j++) {
    edgeSource[j] = nodes[src[j]]
    edgeTarget[j] = nodes[dst[j]]
  }
  return {
    week,
    synthetic: row.synthetic === 1,
    revision: view.revision,
    totalTvl: row.total_tvl,
    totalExposure: row.total_exposure,
    nodeCount: n,
    edgeCount: e,
    nodes: encodePacked(nodes),
    size: encodePacked(float64Of(row.sizes)),
    tvlChange: encodePacked(tvlChange),
    edgeSource: encodePacked(edgeSource),
    edgeTarget: encodePacked(edgeTarget),
    edgeWeight: encodePacked(float64Of(row.edge_weight)),
  }
}
