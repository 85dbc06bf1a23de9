// The editor area: tabbed groups with splits and drag-to-dock, by dockview-core. Views register
// editor types; an editor is opened by type and id (the same id focuses the open tab). WebGL and
// Monaco panels need `renderer: 'always'`: dockview's default detaches hidden panels, which then
// measure 0×0.
import {
  createDockview,
  themeDark,
  themeLight,
  type DockviewApi,
  type GroupPanelPartInitParameters,
  type IContentRenderer,
  type SerializedDockview,
} from 'dockview-core'
import { Emitter } from '../services/events'
import type { ThemeKind } from './theme'

/** What a view's editor instance offers the editor area. */
export interface Editor {
  readonly element: HTMLElement
  /** Called when its tab becomes visible or hidden, and after every resize. */
  onVisible?(visible: boolean): void
  onResize?(): void
  /** Called when its tab becomes the active one (focus follows: week, selection). */
  onActive?(): void
  dispose(): void
}

/** Everything an editor needs from the area: its own title and params (persisted with layout). */
export interface EditorContext {
  readonly id: string
  setTitle(title: string): void
  /** Stores the editor's state in its params, so a restored layout reopens it as it was. */
  saveParams(params: Record<string, unknown>): void
  close(): void
}

export type EditorFactory = (params: Record<string, unknown>, ctx: EditorContext) => Editor

export interface OpenOptions {
  id: string
  type: string
  title: string
  params?: Record<string, unknown>
  /** Open beside the active editor (a split) instead of as a tab in its group. */
  split?: 'right' | 'below'
}

export class EditorArea {
  readonly dock: DockviewApi
  private readonly factories = new Map<string, EditorFactory>()
  private readonly instances = new Map<string, Editor>()
  /** The empty area's content, drawn once by dockview: redrawn when what it says changes. */
  private readonly watermarks = new Set<HTMLElement>()
  readonly layoutChanged = new Emitter<void>()
  readonly activeChanged = new Emitter<string | null>()

  constructor(
    host: HTMLElement,
    private readonly report: (e: unknown) => void,
    private readonly renderEmpty: (el: HTMLElement) => void,
  ) {
    this.dock = createDockview(host, {
      theme: themeLight,
      createComponent: (options) => this.createRenderer(options.id, options.name),
      createWatermarkComponent: () => {
        const element = document.createElement('div')
        element.className = 'editor-empty'
        renderEmpty(element)
        this.watermarks.add(element)
        return { element, init: () => {}, dispose: () => this.watermarks.delete(element) }
      },
    })
    this.dock.onDidLayoutChange(() => this.layoutChanged.emit())
    this.dock.onDidActivePanelChange((e) => {
      const id = e?.panel?.id ?? null
      if (id) this.instances.get(id)?.onActive?.()
      this.activeChanged.emit(id)
    })
  }

  /** Redraws the empty area (it says whether an archive is open, empty or has weeks). */
  refreshEmpty(): void {
    for (const el of this.watermarks) this.renderEmpty(el)
  }

  setTheme(kind: ThemeKind): void {
    this.dock.updateOptions({ theme: kind === 'dark' ? themeDark : themeLight })
  }

  registerType(type: string, factory: EditorFactory): void {
    this.factories.set(type, factory)
  }

  /** Opens (or focuses) an editor. */
  open(o: OpenOptions): void {
    const existing = this.dock.getPanel(o.id)
    if (existing) {
      existing.api.setActive()
      if (o.params) existing.api.updateParameters(o.params)
      return
    }
    const active = this.dock.activePanel
    this.dock.addPanel({
      id: o.id,
      component: o.type,
      title: o.title,
      params: o.params ?? {},
      renderer: 'always',
      ...(o.split && active ? { position: { referencePanel: active.id, direction: o.split } } : {}),
    })
  }

  get activeId(): string | null {
    return this.dock.activePanel?.id ?? null
  }

  instance(id: string): Editor | undefined {
    return this.instances.get(id)
  }

  ids(): string[] {
    return this.dock.panels.map((p) => p.id)
  }

  toJSON(): SerializedDockview {
    return this.dock.toJSON()
  }

  /** Restores a saved layout; an unreadable one is reported and replaced by an empty area. */
  restore(layout: unknown): boolean {
    try {
      this.dock.fromJSON(layout as SerializedDockview)
      return true
    } catch (e) {
      this.report(new Error(`the saved layout could not be restored: ${(e as Error).message}`))
      this.dock.clear()
      return false
    }
  }

  closeActive(): void {
    this.dock.activePanel?.api.close()
  }

  private createRenderer(id: string, type: string): IContentRenderer {
    const element = document.createElement('div')
    element.className = 'editor-host'
    let editor: Editor | null = null
    return {
      element,
      init: (p: GroupPanelPartInitParameters) => {
        const factory = this.factories.get(type)
        if (!factory) {
          element.textContent = `This workbench has no "${type}" view.`
          return
        }
        const ctx: EditorContext = {
          id,
          setTitle: (t) => p.api.setTitle(t),
          saveParams: (params) => {
            p.api.updateParameters(params)
            this.layoutChanged.emit()
          },
          close: () => p.api.close(),
        }
        try {
          editor = factory((p.params ?? {}) as Record<string, unknown>, ctx)
        } catch (e) {
          this.report(e)
          element.textContent = `This view failed to open: ${(e as Error).message}`
          return
        }
        this.instances.set(id, editor)
        element.append(editor.element)
        p.api.onDidVisibilityChange((v) => editor?.onVisible?.(v.isVisible))
        p.api.onDidDimensionsChange(() => editor?.onResize?.())
      },
      dispose: () => {
        this.instances.delete(id)
        editor?.dispose()
      },
    }
  }
}
