// The week's exposure network drawn with sigma.js (WebGL). Layout is deterministic: nodes sit on
// a ring grouped by category (largest first within a group), the biggest protocols pulled toward
// the centre, so the same week always looks the same and categories read as arcs.
import Graph from 'graphology'
import Sigma from 'sigma'
import type { CallResponse } from '../../shared/api'

type WeekGraph = CallResponse<'week.graph'>

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
]
const UNKNOWN_COLOR = '#9aa3ad'

export interface DrawnGraph {
  categories: { name: string; color: string; count: number }[]
  colorOf(nodeId: string): string
  /** Marks one node (or none) as selected: highlighted and labelled. */
  select(nodeId: string | null): void
  kill(): void
}

export function drawGraph(
  container: HTMLElement,
  data: WeekGraph,
  onRendered: () => void,
  onNodeClick: (nodeId: string) => void,
): DrawnGraph {
  const graph = new Graph({ type: 'directed', multi: false })
  const byCategory = new Map<string, WeekGraph['nodes']>()
  for (const n of data.nodes) {
    const list = byCategory.get(n.category) ?? []
    list.push(n)
    byCategory.set(n.category, list)
  }
  const groups = [...byCategory.entries()].sort((a, b) => b[1].length - a[1].length)
  const colors = new Map<string, string>()
  groups.forEach(([name], i) =>
    colors.set(name, name === 'Unknown' ? UNKNOWN_COLOR : PALETTE[i % PALETTE.length]),
  )
  const maxLog = Math.max(1, ...data.nodes.map((n) => Math.log1p(Math.max(n.size, 0))))
  const total = data.nodes.length
  let k = 0
  for (const [category, nodes] of groups) {
    nodes.sort((a, b) => b.size - a.size)
    nodes.forEach((n, rank) => {
      const angle = (2 * Math.PI * k++) / Math.max(total, 1)
      const weight = Math.log1p(Math.max(n.size, 0)) / maxLog
      const radius = 1 - 0.55 * weight * weight + 0.04 * (rank % 3)
      graph.addNode(n.id, {
        x: radius * Math.cos(angle),
        y: radius * Math.sin(angle),
        size: 2 + 10 * weight * weight,
        color: colors.get(category),
        label: n.name ? `${n.name}` : n.id,
      })
    })
  }
  const maxW = Math.max(1, ...data.edges.map((e) => Math.log1p(e.weight)))
  for (const e of data.edges)
    if (!graph.hasEdge(e.source, e.target))
      graph.addDirectedEdge(e.source, e.target, {
        size: 0.3 + 2.5 * (Math.log1p(e.weight) / maxW) ** 3,
        color: 'rgba(90, 110, 140, 0.35)',
      })

  const renderer = new Sigma(graph, container, {
    settings: {
      // sigma 4 sizes items in graph units by default, which makes pixel-sized nodes cover the
      // stage; screen units keep sizes in pixels.
      itemSizesReference: 'screen',
      renderLabels: true,
      labelRenderedSizeThreshold: 9,
    },
  })
  // sigma follows window resizes only; the stage also changes when the node card opens or closes
  const resized = new ResizeObserver(() => renderer.refresh())
  resized.observe(container)
  renderer.on('clickNode', ({ node }) => onNodeClick(node))
  renderer.on('enterNode', () => (container.style.cursor = 'pointer'))
  renderer.on('leaveNode', () => (container.style.cursor = ''))
  let selected: string | null = null
  let reported = false
  renderer.on('afterRender', () => {
    if (!reported) {
      reported = true
      onRendered()
    }
  })
  renderer.refresh()
  return {
    categories: groups.map(([name, nodes]) => ({
      name,
      color: colors.get(name)!,
      count: nodes.length,
    })),
    colorOf: (id) => (graph.getNodeAttribute(id, 'color') as string | undefined) ?? UNKNOWN_COLOR,
    select: (id) => {
      if (selected && graph.hasNode(selected))
        graph.mergeNodeAttributes(selected, { highlighted: false, forceLabel: false })
      selected = id && graph.hasNode(id) ? id : null
      if (selected) graph.mergeNodeAttributes(selected, { highlighted: true, forceLabel: true })
    },
    kill: () => {
      resized.disconnect()
      renderer.kill()
    },
  }
}
