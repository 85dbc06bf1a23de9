// Appearance of the graph explorer: node size by TVL and edge width/opacity by exposure on log
// scales fixed across all weeks (so a node keeps its size when nothing changed), node colour by
// category, coarse sector, kind, TVL change or systemic importance (SIS rank), and the legend with a
// count per entry.
import { changeColor, OTHER_COLOR, PALETTE } from '../../../../shared/graph-style'
import type { Universe, WeekData } from './filters'

export type ColorBy = 'category' | 'sector' | 'kind' | 'tvlChange' | 'sis'

export interface LegendEntry {
  label: string
  color: string
  count: number
}

// The pure scales and palettes live in src/shared/graph-style.ts (the engine's report images use
// them too); re-exported here so the graph view's imports stay as they were.
export {
  changeColor,
  dictionaryColors,
  edgeScale,
  OTHER_COLOR,
  PALETTE,
  sizeScale,
  withAlpha,
} from '../../../../shared/graph-style'
/** Node size changes below this (px) from week to week are not drawn (drawnSize). */
export const SIZE_STEP = 0.05

/**
 * The size to draw a node at, given the size it is drawn at now (`drawn`, and whether it was
 * hidden) and its week's exact size: the drawn one while within SIZE_STEP of it. Between
 * adjacent real-scale weeks 97 % of the nodes change size by less (BENCHMARKS.md); restyling
 * them cost ≈ 45 ms of a week switch for no visible change. The drawn size never strays further
 * than SIZE_STEP from the exact one, however many weeks pass.
 */
export function drawnSize(drawn: number, wasHidden: boolean, exact: number): number {
  return !wasHidden && Math.abs(exact - drawn) < SIZE_STEP ? drawn : exact
}

export const CHANGE_STEPS: { label: string; value: number }[] = [
  { label: '≤ −63 %', value: -1 },
  { label: '−39 %', value: -0.5 },
  { label: 'flat', value: 0 },
  { label: '+65 %', value: 0.5 },
  { label: '≥ +172 %', value: 1 },
]

/** SIS rank bands (the engine's week.sis ranking, docs/risk.md): the few that matter most stand out. */
export const SIS_BANDS: { label: string; top: number; color: string }[] = [
  { label: 'SIS rank 1–10', top: 10, color: '#b2182b' },
  { label: 'SIS rank 11–100', top: 100, color: '#ef8a62' },
  { label: 'SIS rank 101–1,000', top: 1000, color: '#fddbc7' },
  { label: 'below rank 1,000', top: Infinity, color: OTHER_COLOR },
]

/** The band of a SIS rank (undefined: not ranked, or the ranking is not loaded yet). */
export function sisBand(rank: number | undefined): (typeof SIS_BANDS)[number] {
  return SIS_BANDS.find((b) => rank !== undefined && rank <= b.top) ?? SIS_BANDS[3]
}

export interface Colouring {
  /** Colour per universe node (only the week's nodes are meaningful). */
  colors: string[]
  legend: LegendEntry[]
}

/** Node colours for a week and the legend counting the week's kept nodes per entry. */
export function colourNodes(
  u: Universe,
  w: WeekData,
  by: ColorBy,
  keep: Uint8Array,
  dict: { category: string[]; sector: string[] },
  /** For `sis`: rank by universe index (the week's top 1,000). */
  sisRank?: Map<number, number>,
): Colouring {
  const colors = new Array<string>(u.count).fill(OTHER_COLOR)
  const counts = new Map<string, LegendEntry>()
  const tally = (label: string, color: string): void => {
    const e = counts.get(label)
    if (e) e.count++
    else counts.set(label, { label, color, count: 1 })
  }
  for (let i = 0; i < w.nodes.length; i++) {
    const n = w.nodes[i]
    let color: string
    let label: string
    if (by === 'category') {
      label = u.categories[u.category[n]]
      color = dict.category[u.category[n]]
    } else if (by === 'sector') {
      label = u.sectors[u.sector[n]]
      color = dict.sector[u.sector[n]]
    } else if (by === 'kind') {
      label = u.kind[n] === 0 ? 'protocol' : 'token'
      color = u.kind[n] === 0 ? PALETTE[0] : PALETTE[1]
    } else if (by === 'sis') {
      const band = sisBand(sisRank?.get(n))
      label = sisRank ? band.label : 'SIS ranking loading…'
      color = band.color
    } else {
      const c = w.tvlChange[i]
      color = changeColor(c)
      label = c < -0.05 ? 'lost TVL' : c > 0.05 ? 'gained TVL' : 'flat (±5 %)'
    }
    colors[n] = color
    if (keep[n])
      tally(
        label,
        by === 'tvlChange'
          ? changeColor(label === 'lost TVL' ? -0.7 : label === 'gained TVL' ? 0.7 : 0)
          : color,
      )
  }
  const legend = [...counts.values()].sort((a, b) =>
    by === 'sis'
      ? SIS_BANDS.findIndex((x) => x.label === a.label) -
        SIS_BANDS.findIndex((x) => x.label === b.label)
      : b.count - a.count,
  )
  return { colors, legend }
}
