// The fixed parts around the editor area, as in VS Code: activity bar, side bar, bottom panel and
// status bar. The side bar and panel are resizable splits by dockview-core's splitview; views
// contribute side-bar views and panel tabs, and the layout service hides, shows and focuses them.
import {
  createSplitview,
  Orientation,
  SplitviewPanel,
  type SplitviewApi,
  type SerializedSplitview,
} from 'dockview-core'
import { Emitter } from '../services/events'

/** A side-bar view (Explorer, Search …) contributed by a view folder. */
export interface SideView {
  id: string
  title: string
  /** Codicon name: https://microsoft.github.io/vscode-codicons/ */
  icon: string
  order: number
  /** Renders into its host once, when first shown. */
  render(host: HTMLElement): void
  /** Called every time it is shown (e.g. to focus its search box). */
  onShow?(): void
}

/** A tab of the bottom panel (Jobs, Log). */
export interface PanelTab {
  id: string
  title: string
  render(host: HTMLElement): void
}

/** A splitview part holding a fixed element (dockview's vanilla API wants a panel class). */
class ElementPanel extends SplitviewPanel {
  constructor(
    id: string,
    private readonly host: HTMLElement,
  ) {
    super(id, id)
    this.element.append(host)
  }
  protected getComponent() {
    return { update: () => {}, dispose: () => {} }
  }
}

export interface PartsState {
  side: string | null
  sideVisible: boolean
  panel: string | null
  panelVisible: boolean
  sizes?: { side?: number; panel?: number }
}

export class WorkbenchParts {
  readonly activityBar: HTMLElement
  readonly sideBar: HTMLElement
  readonly editorHost: HTMLElement
  readonly statusBar: HTMLElement
  private readonly panelHost: HTMLElement
  private readonly horizontal: SplitviewApi
  private readonly vertical: SplitviewApi
  private readonly sideViews: SideView[] = []
  private readonly rendered = new Set<string>()
  private readonly sideHosts = new Map<string, HTMLElement>()
  private readonly panelTabs: PanelTab[] = []
  private readonly panelHosts = new Map<string, HTMLElement>()
  private activeSide: string | null = null
  private activePanel: string | null = null
  private readonly badges = new Map<string, string>()
  readonly changed = new Emitter<void>()

  constructor(root: HTMLElement) {
    root.classList.add('wb')
    this.activityBar = el('nav', 'activitybar')
    this.activityBar.setAttribute('aria-label', 'Views')
    this.sideBar = el('aside', 'sidebar')
    this.editorHost = el('div', 'editor-area')
    this.panelHost = el('section', 'panel')
    this.panelHost.setAttribute('aria-label', 'Panel')
    this.statusBar = el('footer', 'statusbar')
    this.statusBar.setAttribute('role', 'status')
    const main = el('div', 'wb-main')
    const splitHost = el('div', 'wb-split')
    main.append(this.activityBar, splitHost)
    root.append(main, this.statusBar)

    const center = el('div', 'wb-center')
    this.horizontal = createSplitview(splitHost, {
      orientation: Orientation.HORIZONTAL,
      proportionalLayout: false,
      createComponent: (o) => new ElementPanel(o.id, o.id === 'side' ? this.sideBar : center),
    })
    this.horizontal.addPanel({ id: 'side', component: 'side', minimumSize: 180, maximumSize: 640 })
    this.horizontal.addPanel({ id: 'center', component: 'center', minimumSize: 320 })
    this.vertical = createSplitview(center, {
      orientation: Orientation.VERTICAL,
      proportionalLayout: false,
      createComponent: (o) =>
        new ElementPanel(o.id, o.id === 'editor' ? this.editorHost : this.panelHost),
    })
    this.vertical.addPanel({ id: 'editor', component: 'editor', minimumSize: 160 })
    this.vertical.addPanel({ id: 'panel', component: 'panel', minimumSize: 80 })
    const fit = (): void => {
      this.horizontal.layout(splitHost.clientWidth, splitHost.clientHeight)
      this.vertical.layout(center.clientWidth, center.clientHeight)
    }
    new ResizeObserver(fit).observe(splitHost)
    new ResizeObserver(() => this.vertical.layout(center.clientWidth, center.clientHeight)).observe(
      center,
    )
    this.horizontal.getPanel('side')!.api.setSize({ size: 290 })
    this.vertical.getPanel('panel')!.api.setSize({ size: 170 })
    this.horizontal.onDidLayoutChange(() => this.changed.emit())
    this.vertical.onDidLayoutChange(() => this.changed.emit())
  }

  addSideView(view: SideView): void {
    this.sideViews.push(view)
    this.sideViews.sort((a, b) => a.order - b.order)
    const host = el('div', 'sideview')
    host.dataset.view = view.id
    host.hidden = true
    this.sideHosts.set(view.id, host)
    this.sideBar.append(host)
    this.renderActivityBar()
  }

  addPanelTab(tab: PanelTab): void {
    this.panelTabs.push(tab)
    const host = el('div', 'panel-body')
    host.dataset.tab = tab.id
    host.hidden = true
    this.panelHosts.set(tab.id, host)
    this.panelHost.append(host)
    this.renderPanelTabs()
    if (!this.activePanel) this.showPanelTab(tab.id, false)
  }

  get sideVisible(): boolean {
    return this.horizontal.getPanel('side')!.api.isVisible
  }

  get panelVisible(): boolean {
    return this.vertical.getPanel('panel')!.api.isVisible
  }

  /** Shows a side view; clicking the active one's icon again hides the side bar (VS Code). */
  showSideView(id: string, toggle = false): void {
    const view = this.sideViews.find((v) => v.id === id)
    if (!view) return
    if (toggle && this.activeSide === id && this.sideVisible) {
      this.setSideVisible(false)
      return
    }
    this.activeSide = id
    for (const [vid, host] of this.sideHosts) host.hidden = vid !== id
    if (!this.rendered.has(id)) {
      this.rendered.add(id)
      view.render(this.sideHosts.get(id)!)
    }
    this.setSideVisible(true)
    view.onShow?.()
    this.renderActivityBar()
    this.changed.emit()
  }

  setSideVisible(visible: boolean): void {
    this.horizontal.getPanel('side')!.api.setVisible(visible)
    this.renderActivityBar()
    this.changed.emit()
  }

  setPanelVisible(visible: boolean): void {
    this.vertical.getPanel('panel')!.api.setVisible(visible)
    this.changed.emit()
  }

  showPanelTab(id: string, reveal = true): void {
    this.activePanel = id
    const tab = this.panelTabs.find((t) => t.id === id)
    for (const [tid, host] of this.panelHosts) {
      host.hidden = tid !== id
      if (tid === id && tab && !host.dataset.rendered) {
        host.dataset.rendered = '1'
        tab.render(host)
      }
    }
    if (reveal) this.setPanelVisible(true)
    this.renderPanelTabs()
    this.changed.emit()
  }

  state(): PartsState {
    return {
      side: this.activeSide,
      sideVisible: this.sideVisible,
      panel: this.activePanel,
      panelVisible: this.panelVisible,
      sizes: {
        side: this.horizontal.getPanel('side')!.width,
        panel: this.vertical.getPanel('panel')!.height,
      },
    }
  }

  restore(s: PartsState): void {
    if (s.sizes?.side) this.horizontal.getPanel('side')!.api.setSize({ size: s.sizes.side })
    if (s.sizes?.panel) this.vertical.getPanel('panel')!.api.setSize({ size: s.sizes.panel })
    if (s.side) this.showSideView(s.side)
    this.setSideVisible(s.sideVisible)
    if (s.panel) this.showPanelTab(s.panel, false)
    this.setPanelVisible(s.panelVisible)
  }

  /** For tests and the Help view: the splits as dockview serialises them. */
  splits(): { horizontal: SerializedSplitview; vertical: SerializedSplitview } {
    return { horizontal: this.horizontal.toJSON(), vertical: this.vertical.toJSON() }
  }

  private renderActivityBar(): void {
    const buttons = this.sideViews.map((v) => {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = `activity codicon codicon-${v.icon}`
      b.title = v.title
      b.dataset.view = v.id
      b.setAttribute('aria-label', v.title)
      const active = this.activeSide === v.id && this.sideVisible
      b.classList.toggle('active', active)
      b.setAttribute('aria-pressed', String(active))
      b.addEventListener('click', () => this.showSideView(v.id, true))
      return b
    })
    this.activityBar.replaceChildren(...buttons)
  }

  private renderPanelTabs(): void {
    let strip = this.panelHost.querySelector<HTMLElement>('.panel-tabs')
    if (!strip) {
      strip = el('div', 'panel-tabs')
      strip.setAttribute('role', 'tablist')
      const close = document.createElement('button')
      close.type = 'button'
      close.className = 'panel-close icon codicon codicon-close'
      close.title = 'Hide panel'
      close.setAttribute('aria-label', 'Hide panel')
      close.addEventListener('click', () => this.setPanelVisible(false))
      this.panelHost.prepend(strip)
      strip.dataset.close = '1'
      strip.after(close)
    }
    strip.replaceChildren(
      ...this.panelTabs.map((t) => {
        const b = document.createElement('button')
        b.type = 'button'
        b.setAttribute('role', 'tab')
        b.dataset.tab = t.id
        b.className = t.id === this.activePanel ? 'active' : ''
        b.setAttribute('aria-selected', String(t.id === this.activePanel))
        b.textContent = t.title
        const badge = this.badges.get(t.id)
        if (badge) {
          const s = document.createElement('span')
          s.className = 'badge-count'
          s.textContent = badge
          b.append(s)
        }
        b.addEventListener('click', () => this.showPanelTab(t.id))
        return b
      }),
    )
  }

  /** A count on a panel tab (running jobs, errors); an empty text hides it. */
  setBadge(tab: string, text: string): void {
    this.badges.set(tab, text)
    this.renderPanelTabs()
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  e.className = className
  return e
}
