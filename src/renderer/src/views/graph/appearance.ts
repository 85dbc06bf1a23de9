// Appearance of the graph explorer: node size by TVL and edge width/opacity by exposure on log
// scales fixed across all weeks (so a node keeps its size when nothing changed), node colour by
// category, coarse sector, kind or TVL change, and the legend with a count per entry.
import type { Universe, WeekData } from './filters'

export type ColorBy = 'category' | 'sector' | 'kind' | 'tvlChange'

export interface LegendEntry {
  label: string
  color: string
  count: number
}

// Tableau 20: distinguishable categorical colours, readable on light and dark backgrounds.
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#86bcb6',
  '#d37295',
  '#a0cbe8',
  '#ffbe7d',
  '#8cd17d',
  '#b6992d',
  '#499894',
  '#f1ce63',
  '#bab0ac',
  '#d4a6c8',
  '#fabfd2',
]
export const OTHER_COLOR = '#9aa3ad'

/** Colours of a dictionary (categories, sectors), the most frequent in the universe first, so a
 * category keeps its colour in every week and across sessions. */
export function dictionaryColors(names: string[], codes: Int32Array): string[] {
  const freq = new Array<number>(names.length).fill(0)
  for (const c of codes) freq[c]++
  const order = names
    .map((_, i) => i)
    .sort((a, b) => freq[b] - freq[a] || (names[a] < names[b] ? -1 : 1))
  const colors = new Array<string>(names.length).fill(OTHER_COLOR)
  let k = 0
  for (const i of order)
    colors[i] = names[i] === 'Unknown' || k >= PALETTE.length ? OTHER_COLOR : PALETTE[k++]
  return colors
}

/** Diverging ramp for a log TVL change (−1 … +1 clamps): red loses, grey flat, blue gains. */
export function changeColor(change: number): string {
  const t = Math.max(-1, Math.min(1, change))
  const lerp = (a: number, b: number, s: number): number => Math.round(a + (b - a) * s)
  const [r, g, b] =
    t < 0
      ? [lerp(170, 214, -t), lerp(176, 39, -t), lerp(186, 40, -t)]
      : [lerp(170, 33, t), lerp(176, 102, t), lerp(186, 172, t)]
  return `rgb(${r}, ${g}, ${b})`
}

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

/** Node radius in pixels from USD size, on a log scale fixed by the largest size in any week. */
export function sizeScale(globalMax: number, min = 1.2, max = 11): (usd: number) => number {
  const top = Math.log1p(Math.max(globalMax, 1))
  return (usd) => {
    const t = Math.log1p(Math.max(usd, 0)) / top
    return min + (max - min) * t * t
  }
}

/** Edge width and opacity from USD exposure, on a log scale fixed across weeks. */
export function edgeScale(globalMax: number): (usd: number) => { size: number; opacity: number } {
  const top = Math.log1p(Math.max(globalMax, 1))
  return (usd) => {
    const t = Math.log1p(Math.max(usd, 0)) / top
    return { size: 0.4 + 3 * t ** 3, opacity: 0.18 + 0.62 * t ** 2 }
  }
}

/** A CSS colour with an alpha: "#rrggbb" or "rgb(…)" → "rgba(…, a)". */
export function withAlpha(color: string, alpha: number): string {
  const a = Math.max(0, Math.min(1, alpha)).toFixed(3)
  if (color.startsWith('#') && color.length === 7) {
    const n = parseInt(color.slice(1), 16)
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`
  }
  const m = /rgba?\(([^)]+)\)/.exec(color)
  if (m) {
    const [r, g, b] = m[1].split(',').map((s) => s.trim())
    return `rgba(${r}, ${g}, ${b}, ${a})`
  }
  return color
}
