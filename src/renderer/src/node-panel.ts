// The details card of one node: who it is, its size and degrees in the selected week, and its
// TVL across every archived week as a sparkline with the selected week marked.
import type { CallResponse } from '../../shared/api'
import { count, usd } from './format'

type GraphNode = CallResponse<'week.graph'>['nodes'][number]
type History = CallResponse<'node.history'>

const SVG = 'http://www.w3.org/2000/svg'
const W = 224
const H = 64

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const e = document.createElement(tag)
  e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  return e
}

/** TVL over time; a log scale would flatten crises, so it is linear from zero. */
function sparkline(history: History, week: string, color: string): SVGElement {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'spark' })
  const max = Math.max(...history.map((p) => p.size), 1)
  const x = (i: number) => (history.length < 2 ? W / 2 : (i / (history.length - 1)) * (W - 4) + 2)
  const y = (v: number) => H - 3 - (Math.max(v, 0) / max) * (H - 8)
  const points = history.map((p, i) => `${x(i).toFixed(1)},${y(p.size).toFixed(1)}`)
  root.append(
    svg('polyline', {
      points: `${x(0)},${H - 3} ${points.join(' ')} ${x(history.length - 1)},${H - 3}`,
      fill: color,
      'fill-opacity': 0.15,
      stroke: 'none',
    }),
    svg('polyline', { points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }),
  )
  const at = history.findIndex((p) => p.week === week)
  if (at >= 0)
    root.append(
      svg('line', {
        x1: x(at),
        x2: x(at),
        y1: 2,
        y2: H - 2,
        stroke: '#1d2733',
        'stroke-opacity': 0.4,
      }),
      svg('circle', { cx: x(at), cy: y(history[at].size), r: 3, fill: color, class: 'spark-now' }),
    )
  return root
}

export function renderNodePanel(
  panel: HTMLElement,
  node: GraphNode,
  history: History,
  week: string,
  color: string,
  onClose: () => void,
): void {
  const close = el('button', 'close', '×')
  close.type = 'button'
  close.title = 'Close'
  close.addEventListener('click', onClose)
  const title = el('h3', 'node-title', node.name ?? node.id)
  const known = [node.category, node.sector].filter(
    (c, i, all) => c !== 'Unknown' && all.indexOf(c) === i,
  )
  const meta = el(
    'div',
    'node-meta',
    known.length ? known.join(' · ') : 'no category in the metadata',
  )
  const id = el('div', 'node-id', node.name && node.name !== node.id ? node.id : '')
  const stats = el('dl', 'node-stats')
  for (const [k, v] of [
    ['TVL', usd(node.size)],
    ['holds (out)', count(node.outDegree)],
    ['held by (in)', count(node.inDegree)],
    ['weeks present', count(history.length)],
  ]) {
    stats.append(el('dt', '', k), el('dd', '', v))
  }
  const first = history[0]?.week ?? week
  const last = history.at(-1)?.week ?? week
  const range = el('div', 'spark-range')
  range.append(
    el('span', '', first),
    el('span', '', `peak ${usd(Math.max(...history.map((p) => p.size)))}`),
    el('span', '', last),
  )
  panel.replaceChildren(close, title, meta, id, stats, sparkline(history, week, color), range)
  panel.dataset.node = node.id
  panel.hidden = false
}
