// The report's graph images: a week drawn from the stored layout (node_positions, through the
// universe view) with the explorer's styling — node radius and edge width/opacity on the same log
// scales fixed across weeks, category colours assigned as the explorer assigns them — written by
// the explorer's own SVG writer (src/shared/graph-svg.ts). Contagion snapshots recolour the same
// picture by node state and draw the edges that carried loss.
import { sceneToSvg, type SvgEdge, type SvgNode, type SvgScene } from '../../shared/graph-svg'
import { dictionaryColors, edgeScale, OTHER_COLOR, sizeScale } from '../../shared/graph-style'
import type { UniverseView } from '../layout/graph-layout'
import type { Archive } from '../store/archive'
import type { NodeState } from './model'

/** The light theme's graph colours (style.css --graph-*): a report prints on white. */
const THEME = { background: '#ffffff', edge: '#6b7c93', text: '#1d2733', muted: '#5b6673' }

export interface SceneOptions {
  width?: number
  height?: number
  /** Nodes drawn: the largest by TVL (a real week has thousands; the picture is about the big). */
  maxNodes?: number
  /** Edges drawn: the largest by weight among the drawn nodes. */
  maxEdges?: number
  labels?: number
}

interface WeekPicture {
  nodes: number[]
  /** universe index → drawn position and radius. */
  at: Map<number, { x: number; y: number; r: number }>
  week: ReturnType<Archive['loadWeek']>
  uidx: Int32Array
  edges: number[]
  edgeStyle: (usd: number) => { size: number; opacity: number }
  shownNodes: number
  shownEdges: number
}

const maxOf = (a: ArrayLike<number>): number => {
  let m = 0
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i]
  return m
}

// the report reads one week up to 21 times (the graph, two snapshots per scenario, the forecast
// lists of each horizon): decoded once, kept while the week's content is the same
let lastWeek: {
  archive: Archive
  week: string
  sha256: string
  frame: ReturnType<Archive['loadWeek']>
} | null = null
export function weekFrame(archive: Archive, week: string): ReturnType<Archive['loadWeek']> {
  const sha256 =
    (
      archive.db.prepare('SELECT content_sha256 AS h FROM weeks WHERE week = ?').get(week) as
        { h: string } | undefined
    )?.h ?? ''
  if (lastWeek?.archive !== archive || lastWeek.week !== week || lastWeek.sha256 !== sha256)
    lastWeek = { archive, week, sha256, frame: archive.loadWeek(week) }
  return lastWeek.frame
}

function picture(
  archive: Archive,
  view: UniverseView,
  weekId: string,
  o: Required<SceneOptions>,
  mustShow: Set<number> = new Set(),
): WeekPicture {
  const u = view.universe
  const week = weekFrame(archive, weekId)
  const n = week.nodeIds.length
  const uidx = Int32Array.from(week.nodeIds, (id) => u.index.get(id) ?? -1)
  const order = [...Array(n).keys()]
    .filter((i) => uidx[i] >= 0)
    .sort((a, b) => week.sizes[b] - week.sizes[a])
  const keep = new Set(order.slice(0, o.maxNodes))
  for (const i of order) if (mustShow.has(uidx[i])) keep.add(i)
  const nodes = order.filter((i) => keep.has(i))
  // fit the kept nodes' stored positions into the frame; graph y points up, as sigma draws it
  let x0 = Infinity
  let x1 = -Infinity
  let y0 = Infinity
  let y1 = -Infinity
  for (const i of nodes) {
    const x = view.x[uidx[i]]
    const y = view.y[uidx[i]]
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    y0 = Math.min(y0, y)
    y1 = Math.max(y1, y)
  }
  const pad = 24
  const span = Math.max(x1 - x0, y1 - y0, 1e-9)
  const scale = Math.min((o.width - 2 * pad) / span, (o.height - 2 * pad) / span)
  const ox = (o.width - (x1 - x0) * scale) / 2
  const oy = (o.height - (y1 - y0) * scale) / 2
  const radius = sizeScale(maxOf(u.maxSize))
  const at = new Map<number, { x: number; y: number; r: number }>()
  for (const i of nodes) {
    const k = uidx[i]
    at.set(k, {
      x: ox + (view.x[k] - x0) * scale,
      y: oy + (y1 - view.y[k]) * scale,
      r: radius(week.sizes[i]),
    })
  }
  const edges: number[] = []
  for (let j = 0; j < week.edgeSrc.length; j++)
    if (keep.has(week.edgeSrc[j]) && keep.has(week.edgeDst[j])) edges.push(j)
  edges.sort((a, b) => week.edgeWeight[b] - week.edgeWeight[a])
  const shownEdges = Math.min(edges.length, o.maxEdges)
  // one scale for every week: the largest TVL of any node bounds any exposure to it (view.ts)
  const edgeStyle = edgeScale(Math.max(1, maxOf(u.maxSize), maxOf(week.edgeWeight)))
  return {
    nodes,
    at,
    week,
    uidx,
    edges: edges.slice(0, o.maxEdges).reverse(), // heaviest drawn last, on top
    edgeStyle,
    shownNodes: nodes.length,
    shownEdges,
  }
}

const defaults = (o: SceneOptions): Required<SceneOptions> => ({
  width: o.width ?? 900,
  height: o.height ?? 620,
  maxNodes: o.maxNodes ?? 1500,
  maxEdges: o.maxEdges ?? 3000,
  labels: o.labels ?? 12,
})

function caption(p: WeekPicture): string {
  const n = p.week.nodeIds.length
  const e = p.week.edgeSrc.length
  return `${p.shownNodes.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} nodes${p.shownNodes < n ? ' (the largest by TVL)' : ''}, ${p.shownEdges.toLocaleString('en-US')} of ${e.toLocaleString('en-US')} edges${p.shownEdges < e ? ' (the largest by exposure among them)' : ''}; node size: TVL, edge width: exposure (log scales fixed across weeks); stored layout`
}

/** The week's graph coloured by category, as the explorer draws it, with its legend. */
export function weekGraphSvg(
  archive: Archive,
  view: UniverseView,
  week: string,
  opts: SceneOptions = {},
): string {
  const o = defaults(opts)
  const u = view.universe
  const p = picture(archive, view, week, o)
  const dict = dictionaryColors(u.categories, u.category)
  const labels = new Set(p.nodes.slice(0, o.labels).map((i) => p.uidx[i]))
  const legend = new Map<string, { label: string; color: string; count: number }>()
  const nodes: SvgNode[] = []
  // small nodes first, so the large ones stay visible on top
  for (const i of [...p.nodes].reverse()) {
    const k = p.uidx[i]
    const cat = u.categories[u.category[k]]
    const color = dict[u.category[k]] ?? OTHER_COLOR
    const l = legend.get(cat) ?? { label: cat, color, count: 0 }
    l.count++
    legend.set(cat, l)
    const a = p.at.get(k)!
    nodes.push({
      id: u.ids[k],
      x: a.x,
      y: a.y,
      r: a.r,
      color,
      label: labels.has(k) ? (u.names[k] ?? u.ids[k]) : undefined,
    })
  }
  const scene: SvgScene = {
    width: o.width,
    height: o.height,
    ...THEME,
    title: `DeXposure exposure network — week of ${week}`,
    subtitle: caption(p),
    legend: [...legend.values()].sort((a, b) => b.count - a.count).slice(0, 16),
    nodes,
    edges: p.edges.map((j) => edgeOf(p, j, THEME.edge)),
  }
  return sceneToSvg(scene)
}

function edgeOf(p: WeekPicture, j: number, color: string, opacity?: number): SvgEdge {
  const a = p.at.get(p.uidx[p.week.edgeSrc[j]])!
  const b = p.at.get(p.uidx[p.week.edgeDst[j]])!
  const s = p.edgeStyle(p.week.edgeWeight[j])
  return {
    x1: a.x,
    y1: a.y,
    x2: b.x,
    y2: b.y,
    width: s.size,
    color,
    opacity: opacity ?? s.opacity,
  }
}

export const STATE_COLORS = {
  untouched: '#c3c9d1',
  loss: '#f2b134',
  distressed: '#e8702a',
  defaulted: '#b2182b',
  shocked: '#6a3d9a',
  lossEdge: '#d6404e',
}

/** The week's graph after a contagion round: nodes by state, the edges that carried loss in red. */
export function contagionSnapshotSvg(
  archive: Archive,
  view: UniverseView,
  week: string,
  title: string,
  s: NodeState,
  opts: SceneOptions = {},
): string {
  const o = defaults({ maxNodes: 400, maxEdges: 150, labels: 8, width: 640, height: 440, ...opts })
  const u = view.universe
  const touched = new Map<number, number>()
  for (let i = 0; i < s.index.length; i++) touched.set(s.index[i], s.state[i] + 1)
  const shocked = new Set(s.shocked)
  // the shocked nodes and the largest losses are drawn whatever their size; a real week has
  // thousands of touched nodes, and an image of all of them is megabytes that print for minutes
  const byLoss = [...s.index.keys()].sort((a, b) => s.loss[b] - s.loss[a]).slice(0, o.maxNodes)
  const must = new Set<number>([
    ...[...shocked].slice(0, o.maxNodes),
    ...byLoss.map((i) => s.index[i]),
  ])
  const p = picture(archive, view, week, { ...o, maxNodes: Math.round(o.maxNodes / 2) }, must)
  const counts = { untouched: 0, loss: 0, distressed: 0, defaulted: 0, shocked: 0 }
  const nodes: SvgNode[] = []
  const labelled = new Set(
    [...must]
      .filter((k) => p.at.has(k))
      .sort((a, b) => p.at.get(b)!.r - p.at.get(a)!.r)
      .slice(0, o.labels),
  )
  // untouched first (under), then by state
  const rank = (k: number) => (shocked.has(k) ? 5 : (touched.get(k) ?? 0))
  for (const i of [...p.nodes].sort((a, b) => rank(p.uidx[a]) - rank(p.uidx[b]))) {
    const k = p.uidx[i]
    const st = shocked.has(k)
      ? 'shocked'
      : touched.get(k) === 3
        ? 'defaulted'
        : touched.get(k) === 2
          ? 'distressed'
          : touched.get(k) === 1
            ? 'loss'
            : 'untouched'
    counts[st]++
    const a = p.at.get(k)!
    nodes.push({
      id: u.ids[k],
      x: a.x,
      y: a.y,
      r: a.r,
      color: STATE_COLORS[st],
      label: labelled.has(k) ? (u.names[k] ?? u.ids[k]) : undefined,
    })
  }
  const edges: SvgEdge[] = p.edges.map((j) => edgeOf(p, j, THEME.edge, 0.12))
  for (let e = 0; e < s.edgeSource.length; e++) {
    const a = p.at.get(s.edgeSource[e])
    const b = p.at.get(s.edgeTarget[e])
    if (a && b)
      edges.push({
        x1: a.x,
        y1: a.y,
        x2: b.x,
        y2: b.y,
        width: 1.6,
        color: STATE_COLORS.lossEdge,
        opacity: 0.85,
      })
  }
  const legend = (
    [
      ['shocked', 'shocked'],
      ['defaulted', 'defaulted'],
      ['distressed', 'distressed'],
      ['loss', 'loss, not distressed'],
      ['untouched', 'no loss'],
    ] as const
  )
    .filter(([k]) => counts[k] > 0)
    .map(([k, label]) => ({ label, color: STATE_COLORS[k], count: counts[k] }))
  return sceneToSvg({
    width: o.width,
    height: o.height,
    ...THEME,
    title,
    subtitle: `${caption(p)}; red lines: exposures that carried loss in this round`,
    legend,
    nodes,
    edges,
  })
}
