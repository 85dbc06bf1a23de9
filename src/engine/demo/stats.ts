// Measurements of a generated archive, the same statistics the real aggregates and the reference
// report: weekly counts and totals, edge persistence, node overlap, density, top-10 TVL share and
// the sector-to-sector exposure shares. Used by the tests and by scripts/demo-stats.mjs.
import { isRawComposition, type ImportCounts, type WeekInput } from '../../shared/domain'
import { OTHER_SECTOR, SECTORS, TOKEN_SECTOR } from './calibration'
import type { RealMetadata } from './real-metadata'

export interface WeekStats {
  week: string
  nodes: number
  edges: number
  totalExposure: number
  totalTvl: number
  top10TvlShare: number
  density: number
  /** Share of this week's edges between nodes of the previous week that existed then (NaN week 0). */
  persistence: number
  /** The same four weeks ahead: share of this week's edges between nodes of week t−4 present then. */
  persistence4: number
  /** |V_prev ∩ V_this| / |V_prev| (NaN week 0). */
  nodeOverlap: number
  /** Raw links with a null target / with a missing endpoint, as shares of all raw links. */
  nullTargetShare: number
  missingEndpointShare: number
  /** Mean and max number of tokens in a node composition. */
  meanTokens: number
  maxTokens: number
  /** Mean |Δ ln(1 + size)| and its RMS over nodes present in both weeks (NaN week 0). */
  tvlChangeMae: number
  tvlChangeRmse: number
}

/** The 7-sector classification of the real sector matrix: id_to_info sector, token node, or other. */
export function sectorClassifier(meta: RealMetadata): (id: string) => number {
  const index = new Map<string, number>(SECTORS.map((s, i) => [s, i]))
  const tokenNodes = new Set(
    meta.tokens.filter((t) => t.group === 'PRIMARY' && t.issuer === t.token).map((t) => t.token),
  )
  return (id) => {
    const info = meta.info.get(id)
    if (info) return index.get(info.sector) ?? OTHER_SECTOR
    return tokenNodes.has(id) ? TOKEN_SECTOR : OTHER_SECTOR
  }
}

export class DemoStatsCollector {
  readonly weeks: WeekStats[] = []
  /** Σ exposure per (source sector, target sector), row-major 7 × 7. */
  readonly sectorExposure = new Float64Array(SECTORS.length * SECTORS.length)
  private prevNodes: Map<string, number> | null = null
  private prevEdges: Set<string> | null = null
  /** Node and edge sets of the last four weeks, oldest first. */
  private readonly history: { nodes: Map<string, number>; edges: Set<string> }[] = []
  private readonly sectorOf: (id: string) => number

  constructor(meta: RealMetadata) {
    this.sectorOf = sectorClassifier(meta)
  }

  add(w: WeekInput, counts: ImportCounts, rawLinks: number): WeekStats {
    const sizes = new Map<string, number>()
    let tvl = 0
    let tokens = 0
    let maxTokens = 0
    for (const n of w.nodes) {
      sizes.set(n.id, n.size)
      tvl += Math.max(0, n.size)
      const k = !n.composition
        ? 0
        : isRawComposition(n.composition)
          ? n.composition.values.length
          : Object.keys(n.composition).length
      tokens += k
      maxTokens = Math.max(maxTokens, k)
    }
    const top = w.nodes
      .map((n) => Math.max(0, n.size))
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((a, b) => a + b, 0)
    const edges = new Set<string>()
    let exposure = 0
    let between = 0
    let kept = 0
    const back4 = this.history.length === 4 ? this.history[0] : null
    let between4 = 0
    let kept4 = 0
    const S = SECTORS.length
    for (const e of w.edges) {
      const key = `${e.source}\u0000${e.target}`
      edges.add(key)
      exposure += e.weight
      this.sectorExposure[this.sectorOf(e.source) * S + this.sectorOf(e.target)] += e.weight
      if (this.prevNodes?.has(e.source) && this.prevNodes.has(e.target)) {
        between++
        if (this.prevEdges!.has(key)) kept++
      }
      if (back4?.nodes.has(e.source) && back4.nodes.has(e.target)) {
        between4++
        if (back4.edges.has(key)) kept4++
      }
    }
    let overlap = NaN
    let mae = NaN
    let rmse = NaN
    if (this.prevNodes) {
      let both = 0
      let abs = 0
      let sq = 0
      for (const [id, s] of sizes) {
        const p = this.prevNodes.get(id)
        if (p === undefined) continue
        both++
        const d = Math.log1p(Math.max(0, s)) - Math.log1p(Math.max(0, p))
        abs += Math.abs(d)
        sq += d * d
      }
      overlap = both / this.prevNodes.size
      mae = both ? abs / both : NaN
      rmse = both ? Math.sqrt(sq / both) : NaN
    }
    const n = w.nodes.length
    const stats: WeekStats = {
      week: w.week,
      nodes: n,
      edges: w.edges.length,
      totalExposure: exposure,
      totalTvl: tvl,
      top10TvlShare: tvl > 0 ? top / tvl : 0,
      density: n > 1 ? w.edges.length / (n * (n - 1)) : 0,
      persistence: this.prevNodes ? (between ? kept / between : NaN) : NaN,
      persistence4: back4 && between4 ? kept4 / between4 : NaN,
      nodeOverlap: overlap,
      nullTargetShare: rawLinks ? (counts.edges_target_null_dropped ?? 0) / rawLinks : 0,
      missingEndpointShare: rawLinks ? (counts.edges_endpoint_missing_dropped ?? 0) / rawLinks : 0,
      meanTokens: n ? tokens / n : 0,
      maxTokens,
      tvlChangeMae: mae,
      tvlChangeRmse: rmse,
    }
    this.weeks.push(stats)
    this.prevNodes = sizes
    this.prevEdges = edges
    this.history.push({ nodes: sizes, edges })
    if (this.history.length > 4) this.history.shift()
    return stats
  }

  /** Each cell's share of all exposure, row-major 7 × 7. */
  sectorShares(): number[] {
    const total = this.sectorExposure.reduce((a, b) => a + b, 0)
    return Array.from(this.sectorExposure, (v) => (total > 0 ? v / total : 0))
  }
}

export function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}

export function mean(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x))
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN
}
