// The graph explorer's pure styling: the categorical palette and its stable assignment, the
// diverging TVL-change ramp, and the log scales of node size and edge width/opacity fixed across
// weeks. Shared so the renderer (views/graph/appearance.ts) and the engine's report images
// (src/engine/report/graph-scene.ts) draw a week the same way.

// Tableau 20: distinguishable categorical colours, readable on light and dark backgrounds.
export const PALETTE = [
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
