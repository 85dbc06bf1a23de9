// What a view folder receives to contribute to the shell: the services, the shell's parts and the
// moves every view needs (open a week's graph, go to a node). Each area (risk, forecast, console,
// reports) registers its side views, editors and commands in one `contribute(wb)` function, so
// the composition root (main.ts) stays a list of contributions.
import type { WorkbenchApi } from '../../../shared/api'
import type { ArchiveService } from '../services/archive'
import type { JobsService } from '../services/jobs'
import type { LogService } from '../services/log'
import type { SelectionService } from '../services/selection'
import type { CommandRegistry } from '../workbench/commands'
import type { EditorArea } from '../workbench/editors'
import type { WorkbenchParts } from '../workbench/parts'
import type { StatusBar } from '../workbench/statusbar'
import type { ThemeService } from '../workbench/theme'
import type { GraphData } from './graph/data'
import type { GraphView } from './graph/view'

export interface Workbench {
  api: WorkbenchApi
  archive: ArchiveService
  selection: SelectionService
  jobs: JobsService
  log: LogService
  theme: ThemeService
  data: GraphData
  commands: CommandRegistry
  editors: EditorArea
  parts: WorkbenchParts
  status: StatusBar
  /** Logs an error (Log panel, toast) without throwing. */
  report(e: unknown): void
  /** A short-lived toast (errors also go to the Log panel). */
  flash(message: string, tone?: 'error' | 'warning'): void
  /** Shows a week in the active graph, or opens a graph tab (beside it when `split`); a new tab
   * selects `node` once drawn. Returns the editor id of the graph that shows it. */
  openGraph(week: string | null, split?: 'right' | 'below', node?: string): string | null
  /** Selects a node in the active graph (flying to it), or opens the last week with it. */
  goToNode(id: string): void
  /** The graph view of the active tab, or the last graph tab used. */
  activeGraph(): GraphView | null
  /** A graph view by editor id, once its tab exists. */
  graphById(id: string): GraphView | null
}

/** A view folder's registration: side views, panel tabs, editors, commands. */
export type Contribution = (wb: Workbench) => void
