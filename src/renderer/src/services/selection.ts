// The one "current week / node / edge" of the workbench. Graph views each show their own week; the
// focused view writes its week here, so the status bar, the Explorer and commands follow it.
import { Emitter } from './events'

export interface Selection {
  week: string | null
  node: string | null
  edge: { source: string; target: string } | null
}

export class SelectionService {
  private state: Selection = { week: null, node: null, edge: null }
  readonly changed = new Emitter<Selection>()

  get current(): Readonly<Selection> {
    return this.state
  }

  set(patch: Partial<Selection>): void {
    const next = { ...this.state, ...patch }
    if (
      next.week === this.state.week &&
      next.node === this.state.node &&
      next.edge?.source === this.state.edge?.source &&
      next.edge?.target === this.state.edge?.target
    )
      return
    this.state = next
    this.changed.emit(next)
  }
}
