// SVG writer of a graph scene. sigma draws with WebGL and has no SVG export, so the graph view hands
// this writer the scene it shows (positions in pixels, the same colours, sizes and opacities),
// plus the week and the legend, and gets one self-contained vector image back. Pure TypeScript, so
// the engine's reports (src/engine/report/graph-scene.ts) draw the same images from stored layouts.

export interface SvgNode {
  id: string
  x: number
  y: number
  r: number
  color: string
  /** Drawn beside the node when set (the labels the view shows). */
  label?: string
  /** Where the label goes (the view moves forced labels that would cover each other); right by
   * default. */
  labelSide?: 'right' | 'left' | 'above' | 'below'
}

export interface SvgEdge {
  x1: number
  y1: number
  x2: number
  y2: number
  width: number
  color: string
  opacity: number
  dashed?: boolean
}

export interface SvgScene {
  width: number
  height: number
  background: string
  text: string
  muted: string
  title: string
  subtitle: string
  legend: { label: string; color: string; count: number }[]
  nodes: SvgNode[]
  edges: SvgEdge[]
}

const esc = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  )

// Control characters other than tab/newline are not allowed in XML 1.0: drop them from labels.
// eslint-disable-next-line no-control-regex
const clean = (s: string): string => esc(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''))

const num = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0')

/** A node's label on its side: beside it (right, left) or centred over or under it. */
function labelText(n: SvgNode, label: string): string {
  const gap = n.r + 3
  const [x, y, anchor] =
    n.labelSide === 'left'
      ? [n.x - gap, n.y + 4, 'end']
      : n.labelSide === 'above'
        ? [n.x, n.y - gap, 'middle']
        : n.labelSide === 'below'
          ? [n.x, n.y + gap + 9, 'middle']
          : [n.x + gap, n.y + 4, null]
  const a = anchor ? ` text-anchor="${anchor}"` : ''
  return `<text x="${num(x)}" y="${num(y)}"${a}>${clean(label)}</text>`
}

/** The scene as an SVG document: edges under nodes, labels over, title and legend in a band. */
export function sceneToSvg(s: SvgScene): string {
  // the subtitle (the caption) wraps at ~6.5 px per character of 12 px text
  const perLine = Math.max(30, Math.floor((s.width - 32) / 6.5))
  const sub: string[] = []
  for (const word of s.subtitle.split(' ')) {
    const last = sub.at(-1)
    if (last !== undefined && last.length + 1 + word.length <= perLine)
      sub[sub.length - 1] = `${last} ${word}`
    else sub.push(word)
  }
  const band = 40 + 16 * Math.max(1, sub.length)
  // up to 4 legend columns of at least 160 px: a narrow view (a split) gets fewer, never clipped
  const cols = Math.max(1, Math.min(4, Math.floor((s.width - 32) / 160)))
  const legendRows = Math.ceil(s.legend.length / cols)
  const legendH = legendRows * 18 + (legendRows ? 10 : 0)
  const H = s.height + band + legendH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(s.width)}" height="${num(H)}" viewBox="0 0 ${num(s.width)} ${num(H)}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">`,
  )
  out.push(`<rect width="100%" height="100%" fill="${esc(s.background)}"/>`)
  out.push(
    `<text x="16" y="24" font-size="16" font-weight="600" fill="${esc(s.text)}">${clean(s.title)}</text>`,
  )
  sub.forEach((line, i) =>
    out.push(
      `<text x="16" y="${44 + 16 * i}" font-size="12" fill="${esc(s.muted)}">${clean(line)}</text>`,
    ),
  )
  out.push(`<g transform="translate(0 ${band})">`)
  out.push(`<g class="edges" fill="none" stroke-linecap="round">`)
  for (const e of s.edges)
    out.push(
      `<line x1="${num(e.x1)}" y1="${num(e.y1)}" x2="${num(e.x2)}" y2="${num(e.y2)}" stroke="${esc(e.color)}" stroke-opacity="${num(e.opacity)}" stroke-width="${num(e.width)}"${e.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
    )
  out.push(`</g><g class="nodes">`)
  for (const n of s.nodes)
    out.push(
      `<circle cx="${num(n.x)}" cy="${num(n.y)}" r="${num(Math.max(n.r, 0.5))}" fill="${esc(n.color)}" data-id="${clean(n.id)}"/>`,
    )
  out.push(`</g><g class="labels" font-size="11" fill="${esc(s.text)}">`)
  for (const n of s.nodes) if (n.label) out.push(labelText(n, n.label))
  out.push(`</g></g>`)
  if (s.legend.length) {
    out.push(
      `<g class="legend" font-size="11" fill="${esc(s.text)}" transform="translate(16 ${num(s.height + band + 8)})">`,
    )
    const colW = Math.max(160, (s.width - 32) / cols)
    s.legend.forEach((l, i) => {
      const x = (i % cols) * colW
      const y = Math.floor(i / cols) * 18
      out.push(
        `<circle cx="${num(x + 5)}" cy="${num(y + 6)}" r="5" fill="${esc(l.color)}"/><text x="${num(x + 15)}" y="${num(y + 10)}">${clean(l.label)} (${l.count})</text>`,
      )
    })
    out.push(`</g>`)
  }
  out.push(`</svg>`)
  return out.join('\n')
}
