// Network statistics of one week: everything of reference-spec §7.3 (compact risk metrics) and
// §7.8 (`network_statistics.py`), the claw monitor metrics N1–N5 (§7.9) and the SIS aggregates,
// as one flat record of named numbers (null where a value is undefined, e.g. assortativity of a
// graph whose degrees do not vary).
import { degreeAssortativity } from './assortativity'
import type { RiskGraph } from './graph'
import { totalOf } from './graph'
import {
  giniPositive,
  giniWithZeros,
  hhi,
  topDecileShare,
  topKShare,
  valueEntropy,
} from './inequality'
import { pagerank } from './pagerank'
import { computeSis, type SisOptions, type SisResult } from './sis'
import { spillover, type Spillover } from './spillover'

export interface StatDefinition {
  key: string
  /** What it is, one line (the full definition with formula is in docs/risk.md). */
  label: string
  /** The reference's name for it, when it has one. */
  reference?: string
}

export const STAT_DEFINITIONS = [
  { key: 'n_nodes', label: 'nodes', reference: 'n_nodes / num_nodes' },
  {
    key: 'n_edges',
    label: 'edges (holder → issuer, weight > 0)',
    reference: 'n_edges / num_edges',
  },
  { key: 'total_tvl', label: 'Σ node TVL (USD)', reference: 'total_tvl' },
  { key: 'total_exposure', label: 'Σ edge weight (USD)', reference: 'total_exposure' },
  { key: 'mean_edge_weight', label: 'mean edge weight (USD)', reference: 'mean_edge_weight' },
  { key: 'max_edge_weight', label: 'largest single edge weight (USD)' },
  { key: 'density', label: 'E / (N(N−1))', reference: 'density' },
  {
    key: 'mean_in_degree',
    label: 'mean in-degree (= mean out-degree)',
    reference: 'mean_in_degree',
  },
  { key: 'max_in_degree', label: 'max in-degree', reference: 'max_in_degree' },
  { key: 'max_out_degree', label: 'max out-degree' },
  { key: 'tvl_hhi', label: 'HHI of TVL', reference: 'tvl_hhi' },
  {
    key: 'top10_tvl_share',
    label: 'TVL share of the 10 largest nodes',
    reference: 'top10_tvl_share',
  },
  {
    key: 'tvl_top_decile_share',
    label: 'TVL share of the largest 10 % of nodes',
    reference: 'tvl_top_10_concentration',
  },
  { key: 'tvl_gini', label: 'Gini of TVL, positive values only', reference: 'tvl_gini (§7.3)' },
  { key: 'tvl_gini_with_zeros', label: 'Gini of TVL, zeros kept', reference: 'tvl_gini (§7.8)' },
  { key: 'edge_hhi', label: 'HHI of edge weights', reference: 'edge_hhi / edge_weight_hhi' },
  {
    key: 'top10_edge_share',
    label: 'weight share of the 10 largest edges',
    reference: 'top10_edge_share',
  },
  { key: 'edge_weight_gini', label: 'Gini of edge weights', reference: 'edge_weight_gini' },
  {
    key: 'degree_gini',
    label: 'Gini of total degree, positive only',
    reference: 'degree_gini (§7.3)',
  },
  {
    key: 'degree_gini_with_zeros',
    label: 'Gini of total degree, zeros kept',
    reference: 'degree_gini (§7.8)',
  },
  {
    key: 'degree_entropy',
    label: 'entropy of the total-degree distribution',
    reference: 'degree_entropy',
  },
  {
    key: 'degree_top_decile_share',
    label: 'degree share of the top 10 % of nodes',
    reference: 'top_10_concentration',
  },
  { key: 'assortativity', label: 'degree assortativity (out → in)', reference: 'assortativity' },
  { key: 'max_pagerank', label: 'max weighted PageRank' },
  {
    key: 'max_pagerank_unweighted',
    label: 'max unweighted PageRank (monitor N1)',
    reference: 'N1',
  },
  { key: 'out_strength_hhi', label: 'HHI of weighted out-degree (monitor N2)', reference: 'N2' },
  { key: 'pagerank_gini', label: 'Gini of unweighted PageRank (monitor N4)', reference: 'N4' },
  {
    key: 'out_strength_gini',
    label: 'Gini of weighted out-degree, zeros kept (monitor N5)',
    reference: 'N5',
  },
  { key: 'mean_sis', label: 'mean SIS', reference: 'mean_sis' },
  { key: 'max_sis', label: 'max SIS', reference: 'max_sis' },
  { key: 'sis_gini', label: 'Gini of SIS', reference: 'sis_gini' },
  {
    key: 'spillover_total',
    label: 'Σ cross-category exposure (USD)',
    reference: 'spillover_total',
  },
  { key: 'spillover_index', label: 'HHI of cross-category cells', reference: 'spillover_index' },
  {
    key: 'category_connectivity_density',
    label: 'non-zero category cells / C²',
    reference: 'sector_connectivity_density',
  },
  {
    key: 'cross_category_exposure_ratio',
    label: 'cross-category share of exposure',
    reference: 'cross_sector_exposure_ratio',
  },
  { key: 'sector_spillover_total', label: 'Σ cross-sector exposure (coarse sectors, USD)' },
  { key: 'sector_spillover_index', label: 'HHI of cross-sector cells (coarse sectors)' },
  { key: 'sector_connectivity_density', label: 'non-zero sector cells / S² (coarse sectors)' },
  { key: 'cross_sector_exposure_ratio', label: 'cross-sector share of exposure (coarse sectors)' },
] as const satisfies readonly StatDefinition[]

export type StatKey = (typeof STAT_DEFINITIONS)[number]['key']
export const STAT_KEYS: StatKey[] = STAT_DEFINITIONS.map((d) => d.key)
export type NetworkStats = Record<StatKey, number | null>

/** The edge behind `max_edge_weight`: the week's largest single exposure. */
export interface LargestEdge {
  source: string
  target: string
  weight: number
}

export interface WeekStats {
  values: NetworkStats
  /** The largest single edge (the first of equal ones in edge order), null without edges. */
  largestEdge: LargestEdge | null
  sis: SisResult
  spillover: { category: Spillover; sector: Spillover }
  warnings: string[]
}

export function computeNetworkStats(g: RiskGraph, opts: { sis?: SisOptions } = {}): WeekStats {
  const n = g.n
  const e = g.e
  const warnings: string[] = []
  if (g.droppedEdges > 0) warnings.push(`${g.droppedEdges} edges with weight ≤ 0 were left out`)
  const degree = new Float64Array(n)
  let maxIn = 0
  let maxOut = 0
  for (let i = 0; i < n; i++) {
    degree[i] = g.inDegree[i] + g.outDegree[i]
    if (g.inDegree[i] > maxIn) maxIn = g.inDegree[i]
    if (g.outDegree[i] > maxOut) maxOut = g.outDegree[i]
  }
  const sis = computeSis(g, opts.sis)
  warnings.push(...sis.warnings)
  const prU = pagerank(g, { ...opts.sis?.pagerank, weighted: false })
  if (!prU.converged)
    warnings.push(
      `unweighted PageRank did not converge in ${prU.iterations} iterations; N1/N4 use the last iterate`,
    )
  const cat = spillover(g, 'category')
  const sec = spillover(g, 'sector')
  const totalExposure = totalOf(g.weight)
  const largestEdge = largestEdgeOf(g)
  const values: NetworkStats = {
    n_nodes: n,
    n_edges: e,
    total_tvl: totalOf(g.sizes),
    total_exposure: totalExposure,
    mean_edge_weight: e ? totalExposure / e : 0,
    max_edge_weight: largestEdge?.weight ?? null,
    density: n > 1 ? e / (n * (n - 1)) : 0,
    mean_in_degree: n ? e / n : 0,
    max_in_degree: maxIn,
    max_out_degree: maxOut,
    tvl_hhi: hhi(g.sizes),
    top10_tvl_share: topKShare(g.sizes, 10),
    tvl_top_decile_share: topDecileShare(g.sizes),
    tvl_gini: giniPositive(g.sizes),
    tvl_gini_with_zeros: giniWithZeros(g.sizes),
    edge_hhi: hhi(g.weight),
    top10_edge_share: topKShare(g.weight, 10),
    edge_weight_gini: giniWithZeros(g.weight),
    degree_gini: giniPositive(degree),
    degree_gini_with_zeros: giniWithZeros(degree),
    degree_entropy: valueEntropy(degree),
    degree_top_decile_share: topDecileShare(degree),
    assortativity: degreeAssortativity(g),
    max_pagerank: n ? maxOf(sis.pagerank) : 0,
    max_pagerank_unweighted: n ? maxOf(prU.scores) : 0,
    out_strength_hhi: hhi(g.outStrength),
    pagerank_gini: giniPositive(prU.scores),
    out_strength_gini: giniWithZeros(g.outStrength),
    mean_sis: sis.mean,
    max_sis: sis.max,
    sis_gini: sis.gini,
    spillover_total: cat.total,
    spillover_index: cat.index,
    category_connectivity_density: cat.connectivityDensity,
    cross_category_exposure_ratio: cat.crossExposureRatio,
    sector_spillover_total: sec.total,
    sector_spillover_index: sec.index,
    sector_connectivity_density: sec.connectivityDensity,
    cross_sector_exposure_ratio: sec.crossExposureRatio,
  }
  return { values, largestEdge, sis, spillover: { category: cat, sector: sec }, warnings }
}

/** The graph's largest single edge (weights are > 0 in a RiskGraph), or null without edges. */
export function largestEdgeOf(g: RiskGraph): LargestEdge | null {
  let best = -1
  for (let j = 0; j < g.e; j++) if (best < 0 || g.weight[j] > g.weight[best]) best = j
  if (best < 0) return null
  return { source: g.nodeIds[g.src[best]], target: g.nodeIds[g.dst[best]], weight: g.weight[best] }
}

/** delta_<key> = value(t) − value(previous week), null where either side is null. */
export function statDeltas(
  current: NetworkStats,
  previous: NetworkStats,
): Record<`delta_${StatKey}`, number | null> {
  const out = {} as Record<`delta_${StatKey}`, number | null>
  for (const k of STAT_KEYS) {
    const a = current[k]
    const b = previous[k]
    out[`delta_${k}`] = a === null || b === null ? null : a - b
  }
  return out
}

function maxOf(x: Float64Array): number {
  let m = -Infinity
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i]
  return m
}
