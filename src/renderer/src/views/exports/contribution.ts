// Graph exports from the workbench (issue 13 §2): palette commands that export the active graph's
// week, or exactly what it shows after its filters ("the current filtered view"), as GEXF,
// GraphML, CSV or DeXposure JSON. The engine writes the file as an `export` job (progress and
// cancel in the Jobs panel) into its download folder; the page reads it back in chunks with
// `export.read` — the same path in browser mode and in the sandboxed Electron page, neither of
// which can read the engine's disk — and saves it as a download (services/downloads.ts; CSV
// saves two: the node list and the edge list).
import type { GraphExportFormat, GraphExportTarget } from '../../../../shared/api-export'
import { exportGraphJob } from '../../services/downloads'
import type { Command } from '../../workbench/commands'
import type { Contribution, Workbench } from '../context'

const FORMATS: { format: GraphExportFormat; label: string }[] = [
  { format: 'gexf', label: 'GEXF' },
  { format: 'graphml', label: 'GraphML' },
  { format: 'csv', label: 'CSV' },
  { format: 'dexposure-json', label: 'DeXposure JSON' },
]

/** What the active graph shows, as an export target naming its nodes and edges. */
export function viewTarget(wb: Workbench): GraphExportTarget | null {
  const shown = wb.activeGraph()?.shownItems()
  if (!shown) return null
  const index = new Map(shown.nodes.map((id, i) => [id, i]))
  const edges: number[] = []
  for (const e of shown.edges) {
    const s = index.get(e.source)
    const t = index.get(e.target)
    // a kept edge has both ends kept; anything else is not drawn either
    if (s !== undefined && t !== undefined) edges.push(s, t)
  }
  return {
    kind: 'view',
    week: shown.week,
    nodes: shown.nodes,
    edges,
    description: describeFilters(shown.filters as unknown as Record<string, unknown>),
  }
}

/** The filters that differ from "everything", in a few words for the file's description. */
function describeFilters(filters: Record<string, unknown>): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(filters)) {
    if (value === null || value === false || value === 'all') continue
    parts.push(`${key} ${JSON.stringify(value)}`)
  }
  return (parts.length ? parts.join(', ') : 'no filters').slice(0, 2000)
}

export const contribute: Contribution = (wb) => {
  const commands: Command[] = []
  for (const { format, label } of FORMATS) {
    commands.push({
      id: `graph.export.week.${format}`,
      title: `Export Week as ${label}`,
      category: 'Graph',
      enabled: () => !!wb.activeGraph()?.currentWeek,
      run: () => {
        const week = wb.activeGraph()?.currentWeek
        if (!week) return
        exportGraphJob(wb, { kind: 'week', week }, format, `Week ${week} as ${label}`).catch(
          wb.report,
        )
      },
    })
    commands.push({
      id: `graph.export.view.${format}`,
      title: `Export Filtered View as ${label}`,
      category: 'Graph',
      enabled: () => !!wb.activeGraph()?.shownItems(),
      run: () => {
        const target = viewTarget(wb)
        if (!target) return
        exportGraphJob(wb, target, format, `Filtered view as ${label}`).catch(wb.report)
      },
    })
  }
  wb.commands.register(...commands)
}
