// Restores and saves the workbench per archive: theme, parts (side bar, panel, sizes), the editor
// layout with its open tabs (each tab's params carry its week, filters, colouring), the last
// week and the forecast model chosen per horizon. Kept by the engine in the per-user store beside (never inside) the archive.
import type { WorkbenchApi } from '../../../shared/api'
import type { PartsState } from './parts'
import type { ThemePreference } from './theme'

export interface SavedWorkbench {
  version: 1
  theme: ThemePreference
  parts: PartsState
  layout: unknown
  week: string | null
  /** The forecast model chosen per horizon (services/model-choice.ts); absent in older states. */
  models?: Record<string, string>
}

export function isSavedWorkbench(v: unknown): v is SavedWorkbench {
  const s = v as SavedWorkbench | null
  return !!s && s.version === 1 && typeof s.parts === 'object'
}

export class StatePersistence {
  private timer: ReturnType<typeof setTimeout> | null = null
  private paused = true

  constructor(
    private readonly api: WorkbenchApi,
    private readonly snapshot: () => SavedWorkbench,
    private readonly report: (e: unknown) => void,
  ) {}

  async load(): Promise<SavedWorkbench | null> {
    const { state } = await this.api.call('workbench.state.get', {})
    return isSavedWorkbench(state) ? state : null
  }

  /** Saving starts after the restore, so a half-restored layout is never written. */
  resume(): void {
    this.paused = false
  }

  pause(): void {
    this.paused = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Debounced: a burst of changes (dragging a split) is one write. */
  schedule(): void {
    if (this.paused) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.flush(), 400)
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.paused) return
    try {
      await this.api.call('workbench.state.set', { state: this.snapshot() })
    } catch (e) {
      this.report(e)
    }
  }
}
