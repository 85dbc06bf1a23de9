// "Show on graph": a result's edges (source/target columns) or nodes (node_id/node) drawn as an
// overlay on a graph of the result's week (its `week` column, else the :week parameter, else the
// week shown). Edges of that week are recoloured and the rest dimmed; pairs the week lacks (a
// forecast's new edges) are drawn as extra edges; nodes are coloured and the others dimmed.
import type { Workbench } from '../context'
import type { GraphOverlay, OverlayEdge } from '../graph/overlay'
import { pairKey } from '../graph/overlay'
import { graphTarget, resultWeek, type StatementResult } from './result-shape'
import { whenGraphShows } from '../graph/when-shown'

export interface ShownOnGraph {
  graphId: string
  week: string
  title: string
  edges: number
  nodes: number
}

export async function showOnGraph(
  wb: Workbench,
  r: StatementResult,
  weekParam: string | null,
): Promise<ShownOnGraph> {
  const target = graphTarget(r.columns)
  if (!target) throw new Error('this result has no source/target or node columns')
  const fallback = weekParam ?? wb.activeGraph()?.currentWeek ?? wb.archive.lastWeek
  const week = resultWeek(r, fallback)
  if (!week || !wb.archive.has(week))
    throw new Error(`the week ${week ?? '(none)'} is not in this archive`)
  const graphId = wb.openGraph(week)
  if (!graphId) throw new Error('no graph could be opened')
  // bring the graph to the front (reusing a graph tab does not focus it)
  wb.editors.dock.getPanel(graphId)?.api.setActive()
  const graph = await whenGraphShows(wb, graphId, week, 30_000)
  const accent = wb.theme.colors.highlight
  const extra = wb.theme.colors.added
  let overlay: GraphOverlay
  let edges = 0
  let nodes = 0
  if (target.kind === 'edges') {
    const [u, w] = await Promise.all([wb.data.loadUniverse(), wb.data.loadWeek(week)])
    const inWeek = new Set<string>()
    for (let e = 0; e < w.edgeSource.length; e++)
      inWeek.add(pairKey(u.ids[w.edgeSource[e]], u.ids[w.edgeTarget[e]]))
    const known = new Set(u.ids)
    const edgeColors = new Map<string, string>()
    const extraEdges: OverlayEdge[] = []
    const seen = new Set<string>()
    const src = r.data[target.source]
    const dst = r.data[target.target]
    for (let i = 0; i < src.length; i++) {
      const s = src[i]
      const t = dst[i]
      if (typeof s !== 'string' || typeof t !== 'string') continue
      const k = pairKey(s, t)
      if (seen.has(k)) continue
      seen.add(k)
      if (inWeek.has(k)) edgeColors.set(k, accent)
      else if (known.has(s) && known.has(t)) extraEdges.push({ source: s, target: t, color: extra })
    }
    edges = edgeColors.size + extraEdges.length
    const title = `Query result · ${edges.toLocaleString('en')} edges`
    overlay = {
      title,
      legend: [
        { label: 'in the result', color: accent, count: edgeColors.size },
        ...(extraEdges.length
          ? [{ label: `in the result, not in ${week}`, color: extra, count: extraEdges.length }]
          : []),
      ],
      edgeColors,
      dimOtherEdges: true,
      extraEdges,
    }
  } else {
    const nodeColors = new Map<string, string>()
    for (const v of r.data[target.node]) if (typeof v === 'string') nodeColors.set(v, accent)
    nodes = nodeColors.size
    overlay = {
      title: `Query result · ${nodes.toLocaleString('en')} nodes`,
      legend: [{ label: 'in the result', color: accent, count: nodes }],
      nodeColors,
      marked: nodes <= 20 ? new Set(nodeColors.keys()) : undefined,
    }
  }
  await graph.setOverlay(overlay)
  if (target.kind === 'nodes' && nodes === 1)
    graph.selectNode([...overlay.nodeColors!.keys()][0], true)
  return { graphId, week, title: overlay.title, edges, nodes }
}
