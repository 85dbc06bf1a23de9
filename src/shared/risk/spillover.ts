// Sector spillover (reference-spec §7.2) and the sector statistics of §7.8, at either level of
// the metadata: fine DefiLlama categories or the coarse sectors of id_to_info.json. "Unknown" is
// one sector like any other (the reference leaks NaN / "nan" / "other"; we do not).
import type { RiskGraph } from './graph'

export type SectorLevel = 'category' | 'sector'

export interface SpilloverCell {
  from: string
  to: string
  /** Σ USD weight of edges holder ∈ from → issuer ∈ to. */
  exposure: number
}

export interface Spillover {
  level: SectorLevel
  /** Labels present among the week's nodes, sorted. */
  labels: string[]
  /** Every non-zero cell, the diagonal included, sorted by exposure descending. */
  cells: SpilloverCell[]
  /** Σ off-diagonal cells (reference `spillover_total`). */
  total: number
  /** HHI of the off-diagonal cells: Σ (S_ab / total)² (reference `spillover_index`); 0 if none. */
  index: number
  /** Non-zero cells / S², S = number of labels (reference `sector_connectivity_density`). */
  connectivityDensity: number
  /** (ΣS − trace S) / (ΣS + 1e-12) (reference `cross_sector_exposure_ratio`). */
  crossExposureRatio: number
}

export function spillover(g: RiskGraph, level: SectorLevel): Spillover {
  const label = level === 'category' ? g.categories : g.sectors
  const labels = [...new Set(label)].sort()
  const code = new Map(labels.map((l, i) => [l, i]))
  const s = labels.length
  const nodeCode = new Int32Array(g.n)
  for (let i = 0; i < g.n; i++) nodeCode[i] = code.get(label[i])!
  const m = new Float64Array(s * s)
  for (let j = 0; j < g.e; j++) m[nodeCode[g.src[j]] * s + nodeCode[g.dst[j]]] += g.weight[j]
  let all = 0
  let off = 0
  let nonZero = 0
  const cells: SpilloverCell[] = []
  for (let a = 0; a < s; a++)
    for (let b = 0; b < s; b++) {
      const v = m[a * s + b]
      if (v === 0) continue
      nonZero++
      all += v
      if (a !== b) off += v
      cells.push({ from: labels[a], to: labels[b], exposure: v })
    }
  cells.sort(
    (x, y) => y.exposure - x.exposure || x.from.localeCompare(y.from) || x.to.localeCompare(y.to),
  )
  let index = 0
  if (off > 0) for (const c of cells) if (c.from !== c.to) index += (c.exposure / off) ** 2
  return {
    level,
    labels,
    cells,
    total: off,
    index,
    connectivityDensity: s ? nonZero / (s * s) : 0,
    crossExposureRatio: off / (all + 1e-12),
  }
}
