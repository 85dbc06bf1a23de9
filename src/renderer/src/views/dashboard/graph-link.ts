// How the dashboard reaches the graph: reuse the graph tab the analyst last used when it sits in
// another group (the dashboard stays in view beside it), or open one beside the dashboard; bring
// it to the front, show the week, then select a node or draw an overlay once the week is drawn.
import type { Workbench } from '../context'
import type { GraphOverlay } from '../graph/overlay'
import type { GraphView } from '../graph/view'
import { whenGraphShows } from '../graph/when-shown'

/** The editor id of a graph view (the shell hands out views, the dock knows ids). */
function idOf(wb: Workbench, view: GraphView | null): string | null {
  if (!view) return null
  return wb.editors.ids().find((id) => wb.graphById(id) === view) ?? null
}

function sameGroup(wb: Workbench, a: string, b: string): boolean {
  const pa = wb.editors.dock.getPanel(a)
  const pb = wb.editors.dock.getPanel(b)
  return !!pa && !!pb && pa.group === pb.group
}

/**
 * Shows `week` on a graph beside the dashboard `fromId`, optionally selecting `node`; resolves with
 * the graph once it has drawn the week.
 */
export async function showOnGraph(
  wb: Workbench,
  fromId: string,
  week: string,
  node?: string,
): Promise<GraphView> {
  const existing = wb.activeGraph()
  const gid = idOf(wb, existing)
  if (existing && gid && !sameGroup(wb, gid, fromId)) {
    wb.editors.open({ id: gid, type: 'graph', title: `Week ${week}` })
    if (existing.currentWeek !== week) await existing.showWeek(week)
    if (node) existing.selectNode(node, true)
    return whenGraphShows(wb, gid, week)
  }
  // no graph, or it shares the dashboard's tabs: a new graph beside the dashboard
  wb.editors.open({ id: fromId, type: 'dashboard', title: '' })
  const id = wb.openGraph(week, 'right', node)
  if (!id) throw new Error('no week to show')
  return whenGraphShows(wb, id, week)
}

/** Shows `week` on a graph beside the dashboard and draws `overlay` over it. */
export async function overlayOnGraph(
  wb: Workbench,
  fromId: string,
  week: string,
  overlay: GraphOverlay,
): Promise<GraphView> {
  const g = await showOnGraph(wb, fromId, week)
  await g.setOverlay(overlay)
  return g
}
