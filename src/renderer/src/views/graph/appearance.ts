// Appearance of the graph explorer: node size by TVL and edge width/opacity by exposure on log
// scales fixed across all weeks (so a node keeps its size when nothing changed), node colour by
// category, coarse sector, kind or TVL change, and the legend with a count per entry.
import { changeColor, OTHER_COLOR, PALETTE } from '../../../../shared/graph-style'
import type { Universe, WeekData } from './filters'

export type ColorBy = 'category' | 'sector' | 'kind' | 'tvlChange'

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
export const CHANGE_STEPS: { label: string; value: number }[] = [
  { label: '≤ −63 %', value: -1 },
  { label: '−39 %', value: -0.5 },
  { label: 'flat', value: 0 },
  { label: '+65 %', value: 0.5 },
  { label: '≥ +172 %', value: 1 },
]

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
  const legend = [...counts.values()].sort((a, b) => b.count - a.count)
  return { colors, legend }
}
