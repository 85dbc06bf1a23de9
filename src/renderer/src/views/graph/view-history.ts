// Undo and redo of a graph view's settings — its filters, colouring and diff — as Gephi's users
// have asked for since 2015 (gephi/gephi#1175, gephi-lite #126) and no graph tool ships. Each graph
// tab keeps its own history for the session. A step holds the whole settings before the change
// (they are small: a few filter values), so undo never has to invert an edit.

/** One step: the settings to go back (or forward) to, and what the change was, for menus. */
export interface HistoryStep<T> {
  state: T
  label: string
}

/** Most steps a view keeps; the oldest go first. */
export const HISTORY_LIMIT = 100
/** Changes of one kind this close together are one step (a slider dragged, a range typed). */
export const MERGE_MS = 700

export class ViewHistory<T> {
  private readonly past: HistoryStep<T>[] = []
  private readonly future: HistoryStep<T>[] = []
  private lastKind: string | null = null
  private lastAt = -Infinity

  constructor(
    private readonly same: (a: T, b: T) => boolean,
    private readonly now: () => number = () => performance.now(),
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /**
   * Records a change from `before` to `after`, named `label`. No step when nothing changed; a
   * change of the same `kind` within MERGE_MS of the last one extends that step (its `before`
   * stays the state before the first of them). Any change clears what could be redone.
   */
  record(before: T, after: T, label: string, kind = label): void {
    if (this.same(before, after)) return
    const t = this.now()
    const top = this.past.at(-1)
    this.future.length = 0
    if (top && kind === this.lastKind && t - this.lastAt < MERGE_MS) {
      top.label = label
      this.lastAt = t
      // Dragged back to where it started: the step undoes nothing any more.
      if (this.same(top.state, after)) {
        this.past.pop()
        this.lastKind = null
      }
      return
    }
    this.past.push({ state: before, label })
    if (this.past.length > this.limit) this.past.shift()
    this.lastKind = kind
    this.lastAt = t
  }

  /** The step to go back to (its state replaces `current`, which becomes redoable), or null. */
  undo(current: T): HistoryStep<T> | null {
    const step = this.past.pop()
    if (!step) return null
    this.future.push({ state: current, label: step.label })
    this.lastKind = null
    return step
  }

  /** The step undone last, to apply again (`current` becomes undoable again), or null. */
  redo(current: T): HistoryStep<T> | null {
    const step = this.future.pop()
    if (!step) return null
    this.past.push({ state: current, label: step.label })
    this.lastKind = null
    return step
  }

  /** What undo would take back ("exposure filter"), or null when there is nothing. */
  get undoLabel(): string | null {
    return this.past.at(-1)?.label ?? null
  }

  get redoLabel(): string | null {
    return this.future.at(-1)?.label ?? null
  }
}
