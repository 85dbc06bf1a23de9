// The graph explorer: a whole week drawn with sigma.js (every node and edge), at positions the
// engine's layout keeps stable across weeks. One graphology graph holds every node of every week;
// switching week updates sizes, colours and visibility and swaps the edges, without rebuilding
// sigma. Readability comes from the view (log sizes and opacities, labels by size, edges hidden
// while moving, filters), never from dropping data.
import Graph from 'graphology'
import type { Attributes } from 'graphology-types'
import Sigma from 'sigma'
import { pathLine } from 'sigma/rendering'
import type { StylesDeclaration } from 'sigma/types'
import type { WorkbenchApi } from '../../../../shared/api'
import type { ArchiveService } from '../../services/archive'
import { Emitter } from '../../services/events'
import type { LogService } from '../../services/log'
import type { SelectionService } from '../../services/selection'
import { count, usd } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { ThemeColors, ThemeService } from '../../workbench/theme'
import {
  colourNodes,
  dictionaryColors,
  edgeScale,
  sizeScale,
  withAlpha,
  type ColorBy,
  type LegendEntry,
} from './appearance'
import type { GraphData, LoadedUniverse, LoadedWeek } from './data'
import {
  applyFilters,
  isFiltered,
  NO_FILTERS,
  type FilterResult,
  type FilterState,
} from './filters'
import { EDGE_CACHE_DEPTHS, EdgeCache } from './edge-cache'
import { fastDepthRanges } from './depth-ranges'
import { drawFlat, type DrawModes } from './flat-draw'
import { EdgeFramePassCache } from './frame-pass'
import { NodeCache } from './node-cache'
import { routeRefreshes } from './refresh'
import { FiltersPanel } from './filters-panel'
import { SidePanel } from './node-panel'
import { pairKey, type GraphOverlay } from './overlay'
import { saveBlob } from '../../services/downloads'
import { sceneFromSigma, svgToPng } from './scene'
import { rankItems, type PaletteItem } from '../../workbench/palette'
import { sceneToSvg } from '../../../../shared/graph-svg'
import { Timeline } from './timeline'

export interface GraphViewDeps {
  api: WorkbenchApi
  data: GraphData
  archive: ArchiveService
  selection: SelectionService
  theme: ThemeService
  log: LogService
  report: (e: unknown) => void
}

export interface GraphParams {
  week?: string
  colorBy?: ColorBy
  filters?: FilterState
  /** Week-vs-week diff against this week (edges appeared, vanished, grew, shrank). */
  compare?: string | null
  node?: string | null
}

/** Test and benchmark hooks: what each graph view shows, by editor id. */
export interface GraphStatus {
  week: string | null
  rendered: boolean
  renders: number
  nodes: number
  edges: number
  shownNodes: number
  shownEdges: number
  selected: string | null
  /** ms from the week request to the first frame drawn with it. */
  lastSwitchMs: number | null
  /** Where the last switch's time went (ms): frame load, edges swapped, styles, first frame;
   * `presented` (set a frame later): request → the frame on screen. In software WebGL the
   * compositor reads the canvas back after sigma's draw calls, which waits for the rasteriser
   * (seconds for 75k edges in SwiftShader); the next animation frame runs only after that, so
   * `presented` includes it and `lastSwitchMs` does not. */
  timings: Record<string, number>
  /** The overlay's title while one shows (forecast, contagion round, query result). */
  overlay: string | null
  /** ms from setOverlay to the first frame drawn with it. */
  lastOverlayMs: number | null
  /** ms from setOverlay to the frame on screen (see `timings.presented`). */
  lastOverlayPresentedMs: number | null
  /** Frames that rasterised the edges, added late ones to the cached layer, reused it as it was,
   * or showed it moved with the camera; and frames that drew the lit edges into their own layer,
   * or put that layer back (edge-cache.ts). */
  edgeFrames: {
    drawn: number
    appended: number
    reused: number
    moved: number
    topDrawn: number
    topReused: number
  }
  /** Frames that drew the nodes into their cached layer, reused it, or showed it moved with the
   * camera (node-cache.ts). */
  nodeFrames: { drawn: number; reused: number; moved: number }
  /** Frames that ran sigma's edge frame pass, and frames that kept its output (frame-pass.ts). */
  framePass: { run: number; kept: number }
  /** How sigma's edge and node programs draw: 'flat' (flat-draw.ts), or instanced and why. */
  drawModes: DrawModes
}

declare global {
  interface Window {
    __graphs?: Record<string, GraphStatus>
    /** The sigma instances by editor id, for the tests' camera and position checks. */
    __sigma?: Record<string, Sigma>
  }
}

type DiffKind = 0 | 1 | 2 | 3 | 4
// same, appeared, vanished, grew, shrank
const DIFF_LABELS = ['unchanged', 'appeared', 'vanished', 'grew > 10 %', 'shrank > 10 %']

export class GraphView implements Editor {
  readonly element: HTMLElement
  private readonly stage: HTMLElement
  private readonly caption: HTMLElement
  private readonly legendBox: HTMLElement
  private readonly side: HTMLElement
  private readonly filtersPanel: FiltersPanel
  private readonly panel: SidePanel
  private readonly timeline: Timeline
  private readonly searchInput: HTMLInputElement
  private readonly searchList: HTMLUListElement
  private graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: true })
  /** The next week's graph, built off-screen and handed to sigma in one go (sigma reacts to every
   * graph event: swapping 75k edges in place costs seconds, building a new graph a fraction). */
  private pendingGraph: Graph | null = null
  private sigma: Sigma | null = null
  private universe: LoadedUniverse | null = null
  private week: LoadedWeek | null = null
  private compareWeek: LoadedWeek | null = null
  private filtered: FilterResult | null = null
  private legend: LegendEntry[] = []
  private params: Required<GraphParams>
  /** Items lit by the hovered node (its neighbours and edges), to unlight on leave. */
  private lit: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] }
  private edgeCache: EdgeCache | null = null
  private selected: string | null = null
  private requested: string | null = null
  /** A week asked for before the universe was loaded. */
  private queuedWeek: string | null = null
  private colors: ThemeColors
  private dictColors = { category: [] as string[], sector: [] as string[] }
  private readonly status: GraphStatus
  private readonly offs: (() => void)[] = []

  constructor(
    private readonly deps: GraphViewDeps,
    private readonly ctx: EditorContext,
    params: GraphParams,
  ) {
    this.params = {
      week: params.week ?? deps.archive.lastWeek ?? '',
      colorBy: params.colorBy ?? 'category',
      filters: { ...NO_FILTERS, ...(params.filters ?? {}) },
      compare: params.compare ?? null,
      node: params.node ?? null,
    }
    this.colors = deps.theme.colors
    this.status = {
      week: null,
      rendered: false,
      renders: 0,
      nodes: 0,
      edges: 0,
      shownNodes: 0,
      shownEdges: 0,
      selected: null,
      lastSwitchMs: null,
      timings: {},
      overlay: null,
      lastOverlayMs: null,
      lastOverlayPresentedMs: null,
      edgeFrames: { drawn: 0, appended: 0, reused: 0, moved: 0, topDrawn: 0, topReused: 0 },
      nodeFrames: { drawn: 0, reused: 0, moved: 0 },
      framePass: { run: 0, kept: 0 },
      drawModes: { edges: null, nodes: null },
    }
    ;(window.__graphs ??= {})[ctx.id] = this.status

    this.element = div('graph-view')
    this.element.dataset.editor = ctx.id
    const toolbar = div('graph-toolbar')
    const searchBox = div('graph-search')
    this.searchInput = document.createElement('input')
    this.searchInput.type = 'search'
    this.searchInput.placeholder = 'Search protocols and tokens…'
    this.searchInput.setAttribute('aria-label', 'Search nodes')
    this.searchInput.setAttribute('role', 'combobox')
    this.searchList = document.createElement('ul')
    this.searchList.className = 'search-results'
    this.searchList.setAttribute('role', 'listbox')
    this.searchList.hidden = true
    searchBox.append(this.searchInput, this.searchList)
    this.wireSearch()

    const colorBy = document.createElement('select')
    colorBy.setAttribute('aria-label', 'Colour nodes by')
    colorBy.dataset.control = 'color-by'
    for (const [v, t] of [
      ['category', 'Colour: category'],
      ['sector', 'Colour: sector'],
      ['kind', 'Colour: protocol / token'],
      ['tvlChange', 'Colour: TVL change'],
      ['sis', 'Colour: SIS rank'],
    ])
      colorBy.append(new Option(t, v, false, v === this.params.colorBy))
    colorBy.addEventListener('change', () => {
      this.params.colorBy = colorBy.value as ColorBy
      this.save()
      this.restyle()
    })

    const threshold = document.createElement('input')
    threshold.type = 'range'
    threshold.min = '0'
    threshold.max = '9'
    threshold.step = '0.25'
    threshold.value = String(
      this.params.filters.exposure ? Math.log10(Math.max(1, this.params.filters.exposure[0])) : 0,
    )
    threshold.setAttribute('aria-label', 'Minimum exposure shown (log USD)')
    threshold.dataset.control = 'exposure-threshold'
    const thresholdLabel = document.createElement('span')
    thresholdLabel.className = 'muted threshold-label'
    const showThreshold = (): void => {
      const v = Number(threshold.value)
      thresholdLabel.textContent = v > 0 ? `edges ≥ ${usd(10 ** v)}` : 'all edges'
    }
    showThreshold()
    threshold.addEventListener('input', () => {
      showThreshold()
      const v = Number(threshold.value)
      const hi = this.params.filters.exposure?.[1] ?? Infinity
      this.setFilters({
        ...this.params.filters,
        exposure: v > 0 || hi !== Infinity ? [v > 0 ? 10 ** v : 0, hi] : null,
      })
    })

    const compare = document.createElement('select')
    compare.setAttribute('aria-label', 'Compare with week')
    compare.dataset.control = 'compare'
    compare.addEventListener('change', () => void this.setCompare(compare.value || null))
    this.compareSelect = compare

    const buttons = div('graph-buttons')
    buttons.append(
      iconButton('filter', 'Filters', () => this.toggleSide('filters'), 'filters'),
      iconButton('screen-full', 'Fit the whole graph', () => this.fit(), 'fit'),
      iconButton('file-media', 'Export PNG', () => void this.exportImage('png'), 'export-png'),
      iconButton('file-code', 'Export SVG', () => void this.exportImage('svg'), 'export-svg'),
      iconButton(
        'split-horizontal',
        'Open a week beside this one',
        () => this.openSplit(),
        'split',
      ),
      iconButton(
        'graph-line',
        'Forecast next week from this one (Alt+R)',
        () => window.dispatchEvent(new CustomEvent('dx:run-command', { detail: 'forecast.h1' })),
        'forecast',
      ),
    )
    toolbar.append(searchBox, colorBy, compare, threshold, thresholdLabel, buttons)

    const body = div('graph-body')
    const stageWrap = div('graph-stage-wrap')
    this.stage = div('graph-stage')
    this.stage.dataset.testid = 'graph'
    this.caption = div('graph-caption')
    this.caption.setAttribute('aria-live', 'polite')
    this.legendBox = div('graph-legend')
    stageWrap.append(this.stage, this.caption, this.legendBox)
    this.side = div('graph-side')
    this.side.hidden = true
    this.filtersPanel = new FiltersPanel(
      (f) => this.setFilters(f),
      () => {
        threshold.value = '0'
        showThreshold()
        this.setFilters({ ...NO_FILTERS })
      },
    )
    this.side.append(this.filtersPanel.element)
    this.panel = new SidePanel({
      api: deps.api,
      theme: () => this.colors,
      selectNode: (id) => this.selectNode(id, true),
      openEdge: (s, t) => void this.panel.showEdge(s, t, this.params.week).catch(deps.report),
      close: () => this.selectNode(null),
      report: deps.report,
    })
    body.append(stageWrap, this.side, this.panel.element)
    this.timeline = new Timeline((w) => this.showWeek(w))
    this.element.append(toolbar, body, this.timeline.element)

    this.offs.push(deps.theme.changed.on((c) => this.applyTheme(c)))
    this.offs.push(
      deps.archive.changed.on(() => {
        this.timeline.setWeeks(deps.archive.weeks)
        this.fillCompare()
      }),
    )
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.selected) this.selectNode(null)
    })
    void this.start().catch((e) => this.fail(e))
  }

  private readonly compareSelect: HTMLSelectElement

  /** The week shown, for commands (next/previous week) and the status bar. */
  /** How long the last overlay took from the call to its first frame (ms), null before one. */
  get lastOverlayMs(): number | null {
    return this.status.lastOverlayMs ?? null
  }

  /** Whether this view shows `week` and has drawn it. */
  showsDrawn(week: string): boolean {
    return this.status.week === week && this.status.rendered
  }

  get currentWeek(): string | null {
    return this.status.week
  }

  onActive(): void {
    this.deps.selection.set({ week: this.status.week, node: this.selected })
  }

  onVisible(visible: boolean): void {
    if (visible) this.sigma?.refresh()
    else this.timeline.stop()
  }

  onResize(): void {
    this.panel.resize()
  }

  dispose(): void {
    this.timeline.stop()
    for (const off of this.offs.splice(0)) off()
    this.sigma?.kill()
    this.sigma = null
    this.edgeCache = null
    this.panel.hide()
    delete window.__graphs?.[this.ctx.id]
    delete window.__sigma?.[this.ctx.id]
  }

  async stepWeek(delta: number): Promise<void> {
    const next = this.deps.archive.step(this.status.week, delta)
    if (next && next !== this.status.week) await this.showWeek(next)
  }

  togglePlay(): void {
    this.timeline.togglePlay()
  }

  focusSearch(): void {
    this.searchInput.focus()
    this.searchInput.select()
  }

  /** Shows another week: the graph keeps its nodes; sizes, colours, visibility and edges change. */
  async showWeek(week: string): Promise<void> {
    if (!this.deps.archive.has(week)) {
      this.showMessage(
        `The week of ${week} is not in this archive.`,
        'Pick a week on the timeline or in the Explorer.',
      )
      return
    }
    if (!this.universe) {
      // still loading (the first open of an archive lays it out first): show it once loaded
      this.queuedWeek = week
      return
    }
    const t0 = performance.now()
    this.requested = week
    const frame = await this.deps.data.loadWeek(week)
    if (this.requested !== week || !this.sigma || !this.universe) return
    if (frame.revision !== this.universe.revision) {
      // the universe changed (an import, a re-layout): reload it, then this week
      this.deps.data.reset()
      await this.start(week)
      return
    }
    const t1 = performance.now()
    // an overlay belongs to the week it was computed on
    if (this.overlay && frame.week !== this.week?.week) this.dropOverlay()
    this.week = frame
    this.params.week = week
    this.status.week = week
    this.status.rendered = false
    this.loadEdges()
    const t2 = performance.now()
    this.recompute()
    const t3 = performance.now()
    this.timeline.show(week)
    this.ctx.setTitle(`Week ${week}${this.compareWeek ? ` vs ${this.compareWeek.week}` : ''}`)
    this.deps.selection.set({ week })
    this.save()
    await this.nextFrame()
    const t4 = performance.now()
    this.status.lastSwitchMs = t4 - t0
    this.status.timings = {
      load: t1 - t0,
      edges: t2 - t1,
      styles: t3 - t2,
      frame: t4 - t3,
      inPlace: this.lastInPlace ? 1 : 0,
    }
    const timings = this.status.timings
    this.whenPresented(() => {
      if (this.status.timings === timings) timings.presented = performance.now() - t0
    })
    if (this.selected && this.panel.nodeShown === this.selected) {
      const at = this.universe.index.get(this.selected)
      const present = at !== undefined && frame.nodes.includes(at)
      // a node the analyst follows may be absent from a week: say so, keep its history
      void (
        present
          ? this.panel.showNode(this.selected, week, this.nodeColor(this.selected))
          : this.panel.showAbsent(this.selected, week)
      ).catch((e) => {
        this.panel.hide()
        this.deps.report(e)
      })
    }
  }

  private async start(week = this.params.week): Promise<void> {
    const archive = this.deps.archive
    this.timeline.setWeeks(archive.weeks)
    this.fillCompare()
    if (!archive.weeks.length) {
      this.showMessage(
        'This archive has no weeks yet.',
        'Import a DeXposure, DefiLlama or CSV file (File › Import, or the Explorer), or run `dexposure demo`.',
      )
      return
    }
    this.caption.textContent = 'Loading the layout…'
    const u = await this.deps.data.loadUniverse()
    if (u.layout.state === 'pending' && u.layout.jobId) {
      // the first open of an archive (or new nodes after an import) lays nodes out once; the
      // stored positions then serve every later open instantly
      await this.waitForLayout(u.layout.jobId, u.layout.unplaced)
      this.deps.data.reset()
      return this.start(week)
    }
    if (u.layout.state === 'stopped')
      this.deps.log.add(
        'warning',
        'layout',
        `${u.layout.unplaced} nodes have no stored position (${u.layout.message ?? 'the layout stopped'}); run "Graph: Re-layout" to place them`,
      )
    this.universe = u
    this.dictColors = {
      category: dictionaryColors(u.categories, u.category),
      sector: dictionaryColors(u.sectors, u.sector),
    }
    this.buildNodes(u)
    if (!this.sigma) this.createSigma()
    this.frameLayout(u)
    if (this.params.compare) await this.setCompare(this.params.compare, false)
    // a week asked for while loading (the Explorer, the timeline) wins over the one opened
    const wanted = this.queuedWeek ?? week
    this.queuedWeek = null
    await this.showWeek(archive.has(wanted) ? wanted : archive.lastWeek!)
    if (this.params.node && this.graph.hasNode(this.params.node))
      this.selectNode(this.params.node, true)
  }

  /** Shows the layout job's progress in the caption until it ends (done, failed or cancelled). */
  private waitForLayout(jobId: string, unplaced: number): Promise<void> {
    this.caption.textContent = `Laying out ${count(unplaced)} nodes once; their positions are then stored in the archive…`
    return new Promise((resolve) => {
      const offProgress = this.deps.api.on('job.progress', (p) => {
        if (p.id === jobId && p.total)
          this.caption.textContent = `Laying out ${count(unplaced)} nodes: ${Math.floor((100 * p.done) / p.total)} %`
      })
      const offDone = this.deps.api.on('job.done', (d) => {
        if (d.id !== jobId) return
        offProgress()
        offDone()
        if (d.state !== 'done')
          this.deps.log.add('warning', 'layout', `the layout job ${d.state}: ${d.message ?? ''}`)
        resolve()
      })
      this.offs.push(offProgress, offDone)
      // it may have ended before this view subscribed
      void this.deps.api
        .call('jobs.list', {})
        .then((running) => {
          if (!running.some((j) => j.id === jobId)) {
            offProgress()
            offDone()
            resolve()
          }
        })
        .catch(this.deps.report)
    })
  }

  private buildNodes(u: LoadedUniverse): void {
    this.pendingGraph = null
    this.swapGraph(this.nodeGraph(u))
  }

  /** A graph holding every node of the universe at its stored position (no edges yet). Simple,
   * not multi: a week has one edge per ordered pair (the import policy merges repeats), and
   * graphology's multi-edge bookkeeping cost ~0.5 s per real-scale week. */
  private nodeGraph(u: LoadedUniverse): Graph {
    const g = new Graph({ type: 'directed', multi: false, allowSelfLoops: true })
    const size = sizeScale(0)
    for (let i = 0; i < u.count; i++)
      g.addNode(u.ids[i], {
        i,
        x: u.x[i],
        y: u.y[i],
        size: size(0),
        color: '#999',
        name: u.names[i] ?? u.ids[i],
        label: u.names[i] ?? u.ids[i],
        hidden: true,
      })
    return g
  }

  private createSigma(): void {
    const sigma = new Sigma(this.graph, this.stage, {
      settings: {
        // sigma 4 sizes items in graph units by default, which makes pixel-sized nodes cover the
        // stage (toolchain.md); screen units keep sizes in pixels.
        itemSizesReference: 'screen',
        hideEdgesOnMove: true,
        renderLabels: true,
        labelRenderedSizeThreshold: 9,
        labelDensity: 0.6,
        minEdgeThickness: 0.3,
      } as Record<string, unknown>,
      styles: GRAPH_STYLES,
      // edges an overlay lights (a playback step's carriers) and edges waiting to join the cached
      // layer (edge-cache.ts)
      customEdgeState: { isOverlaid: false, isLate: false },
      // Straight edges only. sigma's default edge paths (line + self-loop) draw every edge with
      // the loop's 66 vertices (an instance carries the largest path's vertex count) through a
      // path-selecting shader: at 75k edges that is 5M vertices a frame, 10–13 s in software
      // WebGL (SwiftShader), every frame. Every importer drops self-loops (import/normalize.ts),
      // so a week never has one (sigma would draw a stray one as a zero-length straight edge),
      // and a straight edge needs 4 vertices.
      primitives: { depthLayers: EDGE_CACHE_DEPTHS, edges: { paths: [pathLine()] } },
      // (the view holds sigma by its default type: the custom states and depth are this file's)
    } as unknown as ConstructorParameters<typeof Sigma>[2])
    this.sigma = sigma
    ;(window.__sigma ??= {})[this.ctx.id] = sigma
    fastDepthRanges(sigma)
    drawFlat(sigma, this.status.drawModes, (kind, reason) =>
      this.deps.log.add(
        'warning',
        'graph',
        `${kind} are drawn instanced (slower in software WebGL): ${reason}`,
      ),
    )
    const cache = new EdgeCache(sigma)
    this.status.edgeFrames = cache.counts
    this.edgeCache = cache
    const nodes = new NodeCache(sigma)
    this.status.nodeFrames = nodes.counts
    this.status.framePass = new EdgeFramePassCache(sigma, cache, nodes).counts
    routeRefreshes(sigma, cache, nodes)
    sigma.on('afterRender', () => {
      this.status.renders++
      if (this.status.week && !this.status.rendered) this.status.rendered = true
      const cb = this.frameWaiters.splice(0)
      for (const f of cb) f()
    })
    sigma.on('clickNode', ({ node }) => this.selectNode(node, false))
    sigma.on('clickStage', () => this.selectNode(null))
    sigma.on('enterNode', ({ node }) => {
      this.stage.style.cursor = 'pointer'
      this.highlightNeighbourhood(node)
    })
    sigma.on('leaveNode', () => {
      this.stage.style.cursor = ''
      this.highlightNeighbourhood(null)
    })
    // a drag that starts on a node pans the view: its neighbourhood goes out at the first step,
    // so the moved layers are all a drag step draws (a lit hub kept hundreds of nodes and labels
    // drawn live each step until the pointer's hover was resolved again: 430–550 ms a step here)
    const captor = sigma.getMouseCaptor()
    captor.on('mousemovebody', () => {
      if (captor.isMouseDown && captor.draggedEvents > 0 && this.lit.nodes.length)
        this.highlightNeighbourhood(null)
    })
    // the stage changes size with the side panels and the dock's splits, not only the window:
    // sigma must resize and redraw (a resize alone leaves a blank canvas)
    const resized = new ResizeObserver(() => {
      sigma.resize()
      sigma.refresh({ skipIndexation: true })
    })
    resized.observe(this.stage)
    this.offs.push(() => resized.disconnect())
    this.applyTheme(this.colors)
  }

  /** Frames the bulk of the layout: the 0.5–99.5 % range of positions, so a few far-flung
   * isolated nodes do not shrink everything else to a blob. Fixed for every week. */
  private frameLayout(u: LoadedUniverse): void {
    if (!this.sigma || u.count < 20) return
    const q = (a: Float32Array, p: number): number => {
      const s = Float32Array.from(a).sort()
      return s[Math.min(s.length - 1, Math.max(0, Math.floor(p * (s.length - 1))))]
    }
    this.sigma.setCustomBBox({
      x: [q(u.x, 0.005), q(u.x, 0.995)],
      y: [q(u.y, 0.005), q(u.y, 0.995)],
    })
  }

  /** Calls `f` at the animation frame after the one just drawn: it runs once the compositor has
   * taken that frame (in software WebGL, after the canvas readback waited for the rasteriser). */
  private whenPresented(f: () => void): void {
    requestAnimationFrame(() => f())
  }

  private readonly frameWaiters: (() => void)[] = []
  private nextFrame(): Promise<void> {
    return new Promise((resolve) => {
      this.frameWaiters.push(resolve)
      this.sigma?.scheduleRender()
    })
  }

  /** Replaces the graph's edges with the week's (and, diffing, the vanished ones of the other). */
  private loadEdges(): void {
    const u = this.universe!
    const w = this.week!
    // one scale for every week: the largest TVL of any node bounds any exposure to it
    const globalMax = Math.max(1, maxOf(u.maxSize), maxOf(w.edgeWeight))
    const scale = edgeScale(globalMax)
    const diff = this.compareWeek ? diffEdges(u.count, w, this.compareWeek) : null
    // Edges are keyed by their pair (holder · count + issuer), so a pair keeps its key from week
    // to week and a step of the timeline only drops and adds the edges that changed.
    const spec = new Map<string, EdgeSpec>()
    for (let e = 0; e < w.edgeSource.length; e++) {
      const s = scale(w.edgeWeight[e])
      const key = String(w.edgeSource[e] * u.count + w.edgeTarget[e])
      spec.set(key, { e, base: s.size, opacity: s.opacity, diff: diff ? diff.kinds[e] : 0 })
    }
    // the ends of the edges not of this week (a week's edge has them at its index e)
    const otherEnds = new Map<string, [number, number]>()
    if (diff && this.compareWeek)
      for (const j of diff.vanished) {
        const c = this.compareWeek
        const s = scale(c.edgeWeight[j])
        const key = `v${c.edgeSource[j] * u.count + c.edgeTarget[j]}`
        spec.set(key, { e: -1, base: s.size, opacity: s.opacity, diff: 2 })
        otherEnds.set(key, [c.edgeSource[j], c.edgeTarget[j]])
      }
    const extra = this.overlay?.extraEdges ?? []
    for (let i = 0; i < extra.length; i++) {
      const x = extra[i]
      const si = u.index.get(x.source)
      const ti = u.index.get(x.target)
      // a predicted edge that exists in the week is drawn as the week's edge, recoloured
      if (si === undefined || ti === undefined || spec.has(String(si * u.count + ti))) continue
      const key = `x${si * u.count + ti}`
      spec.set(key, { e: -2, base: x.size ?? 1, opacity: x.opacity ?? 1, diff: 0, own: x.color })
      otherEnds.set(key, [si, ti])
    }
    this.edgeSpec = spec
    const ends = (key: string, e: number): [number, number] =>
      e >= 0 ? [w.edgeSource[e], w.edgeTarget[e]] : otherEnds.get(key)!
    // In place when a good part of the edges persist (a step of the timeline: about half of a
    // real-scale week's 70k pairs carry on to the next), so only the pairs that changed are
    // dropped and added; a new graph handed to sigma in one go otherwise (a far week, a reload).
    const g = this.graph
    const drop: string[] = []
    g.forEachEdge((key) => {
      if (!spec.has(key)) drop.push(key)
    })
    const add: string[] = []
    for (const key of spec.keys()) if (!g.hasEdge(key)) add.push(key)
    const inPlace =
      this.sigma !== null &&
      !this.pendingGraph &&
      g.order === u.count &&
      spec.size - add.length >= 0.25 * spec.size
    if (inPlace) {
      this.highlightNeighbourhood(null)
      this.reconcileEdges(drop, add, ends)
    } else {
      const target = this.nodeGraph(u)
      for (const [key, a] of spec) {
        const [si, ti] = ends(key, a.e)
        target.addDirectedEdgeWithKey(key, u.ids[si], u.ids[ti], { ...UNSTYLED, ...a })
      }
      this.pendingGraph = target
    }
    this.status.nodes = w.nodes.length
    this.status.edges = w.edgeSource.length
    this.lastInPlace = inPlace
  }

  /** Drops and adds edges in the shown graph without sigma's per-event handlers, which re-index
   * every item on each dropped edge: sigma's own index is updated here, edge by edge, and the
   * next recompute hands the changed edges over with one full process (new edges need places
   * in sigma's programs). */
  private reconcileEdges(
    drop: string[],
    add: string[],
    ends: (key: string, e: number) => [number, number],
  ): void {
    const u = this.universe!
    const g = this.graph
    const sg = this.sigma as unknown as SigmaEdgeIndex
    sg.unbindGraphHandlers()
    try {
      for (const key of drop) {
        sg.edgeGroups.unregister(key)
        sg.removeEdge(key)
        g.dropEdge(key)
      }
      for (const key of add) {
        const a = this.edgeSpec.get(key)!
        const [si, ti] = ends(key, a.e)
        g.addDirectedEdgeWithKey(key, u.ids[si], u.ids[ti], { ...UNSTYLED, ...a })
        // sigma builds the edge's display data in the next recompute's refresh (once, styled)
        sg.edgeGroups.register(key)
        this.addedInPlace.push(key)
      }
    } finally {
      sg.bindGraphHandlers()
    }
    this.structureChanged = true
  }

  private lastInPlace = false

  /** Edges added in place that sigma has not seen yet (handed to it by the next recompute). */
  private addedInPlace: string[] = []

  /** Edges were added or dropped in place since sigma last indexed the graph. */
  private structureChanged = false

  /** Hands sigma a new graph. Its parallel-edge index keeps the graph it was built with (sigma
   * 4.0.4's setGraph does not update it), so it is pointed at the new one first. */
  private swapGraph(graph: Graph): void {
    this.graph = graph
    this.addedInPlace = []
    if (!this.sigma) return
    ;(this.sigma as unknown as SigmaEdgeIndex).edgeGroups.graph = graph
    this.sigma.setGraph(graph)
    this.structureChanged = false
  }

  /** The shown edges' week-dependent attributes by edge key, written in each recompute. */
  private edgeSpec = new Map<string, EdgeSpec>()

  /** Draws an overlay over the week (or removes it): positions, filters and camera stay. */
  async setOverlay(overlay: GraphOverlay | null): Promise<void> {
    const t0 = performance.now()
    const hadExtra = !!this.overlay?.extraEdges?.length
    this.overlay = overlay
    this.status.overlay = overlay?.title ?? null
    this.overlayChanged.emit(overlay)
    this.overlayEdgeColor = []
    const w = this.week
    const u = this.universe
    if (overlay?.edgeColors && w && u) {
      // the week's pair keys, built once per week: playback sets a new overlay every step
      if (this.pairKeysOf !== w) {
        this.pairKeys = new Array<string>(w.edgeSource.length)
        for (let e = 0; e < w.edgeSource.length; e++)
          this.pairKeys[e] = pairKey(u.ids[w.edgeSource[e]], u.ids[w.edgeTarget[e]])
        this.pairKeysOf = w
      }
      for (let e = 0; e < w.edgeSource.length; e++)
        this.overlayEdgeColor[e] = overlay.edgeColors.get(this.pairKeys[e])
    }
    if (!w) return
    if (hadExtra || overlay?.extraEdges?.length) this.loadEdges()
    this.recompute()
    await this.nextFrame()
    this.status.lastOverlayMs = performance.now() - t0
    this.status.lastOverlayPresentedMs = null
    this.whenPresented(() => {
      if (this.overlay === overlay) this.status.lastOverlayPresentedMs = performance.now() - t0
    })
  }

  private pairKeys: string[] = []
  private pairKeysOf: LoadedWeek | null = null

  private dropOverlay(): void {
    this.overlay = null
    this.status.overlay = null
    this.overlayEdgeColor = []
    this.overlayChanged.emit(null)
  }

  /** Fires when the overlay is set or dropped (a week switch drops it). */
  readonly overlayChanged = new Emitter<GraphOverlay | null>()

  /** What the view shows now (week, filters, the kept nodes and edges by id), for exports of
   * "the current filtered view". */
  shownItems(): {
    week: string
    filters: FilterState
    nodes: string[]
    edges: { source: string; target: string; usd: number }[]
  } | null {
    const u = this.universe
    const w = this.week
    const f = this.filtered
    if (!u || !w || !f) return null
    const nodes: string[] = []
    for (let i = 0; i < u.count; i++) if (f.nodeKeep[i]) nodes.push(u.ids[i])
    const edges: { source: string; target: string; usd: number }[] = []
    for (let e = 0; e < w.edgeSource.length; e++)
      if (f.edgeKeep[e])
        edges.push({
          source: u.ids[w.edgeSource[e]],
          target: u.ids[w.edgeTarget[e]],
          usd: w.edgeWeight[e],
        })
    return { week: w.week, filters: { ...this.params.filters }, nodes, edges }
  }

  get currentOverlay(): GraphOverlay | null {
    return this.overlay
  }

  private overlay: GraphOverlay | null = null
  /** The overlay's colour of each week edge, by edge index (undefined: not recoloured). */
  private overlayEdgeColor: (string | undefined)[] = []

  /** Filters, colours and sizes for the current week, then one sigma refresh. */
  private recompute(): void {
    const u = this.universe
    const w = this.week
    if (!u || !w || !this.sigma) return
    this.filtered = applyFilters(u, w, this.params.filters)
    if (this.params.colorBy === 'sis') this.loadSis(w.week)
    const c = colourNodes(
      u,
      w,
      this.params.colorBy,
      this.filtered.nodeKeep,
      this.dictColors,
      this.sis?.week === w.week ? this.sis.rank : undefined,
    )
    this.legend = c.legend
    const sizeOf = new Float64Array(u.count)
    w.nodes.forEach((n, i) => (sizeOf[n] = w.size[i]))
    const globalMax = maxOf(u.maxSize)
    const sizeFor = sizeScale(globalMax)
    const g = this.pendingGraph ?? this.graph
    // vanished edges of a diff have their ends kept visible too
    this.extraNodes.clear()
    if (this.compareWeek)
      g.forEachEdge((key, _a, s, t) => {
        if (key.startsWith('v')) {
          const ok = this.filtered!.nodeKeep
          const si = u.index.get(s)!
          const ti = u.index.get(t)!
          if (ok[si] || ok[ti] || !isFiltered(this.params.filters)) {
            this.extraNodes.add(si)
            this.extraNodes.add(ti)
          }
        }
      })
    if (this.overlay?.extraEdges)
      for (const x of this.overlay.extraEdges) {
        const si = u.index.get(x.source)
        const ti = u.index.get(x.target)
        if (si !== undefined && ti !== undefined) {
          this.extraNodes.add(si)
          this.extraNodes.add(ti)
        }
      }
    const keep = this.filtered.nodeKeep
    const o = this.overlay
    const labelColor = this.colors.label
    // Attributes are written in place, silently, and only the items whose display attributes
    // changed are handed to sigma: an overlay step or a filter change restyles tens of items,
    // not 75k edges (graphology's updateEach* events make sigma reprocess every item).
    const changedNodes: string[] = []
    const toggled: string[] = []
    g.forEachNode((key, attrs) => {
      const i = attrs.i as number
      const hidden = !(keep[i] === 1 || this.extraNodes.has(i))
      const mark = key === this.selected || !!o?.marked?.has(key)
      let label = attrs.name as string | null
      const size = o?.nodeSizes?.get(key) ?? sizeFor(sizeOf[i])
      let color = c.colors[i]
      if (o?.nodeColors) {
        const oc = o.nodeColors.get(key)
        // nodes the overlay does not colour fade back, unlabelled
        color = oc ?? this.alpha(c.colors[i], 0.12)
        if (!oc && !mark) label = null
      }
      if (
        attrs.hidden !== hidden ||
        attrs.lc !== labelColor ||
        attrs.mark !== mark ||
        attrs.label !== label ||
        attrs.size !== size ||
        attrs.color !== color
      ) {
        if (attrs.hidden !== hidden) toggled.push(key)
        attrs.hidden = hidden
        attrs.lc = labelColor
        attrs.mark = mark
        attrs.label = label
        attrs.size = size
        attrs.color = color
        changedNodes.push(key)
      }
    })
    const spec = this.edgeSpec
    const changedEdges = new Set<string>()
    const overlaid: string[] = []
    g.forEachEdge((key, attrs) => {
      const a = attrs as unknown as EdgeAttrs
      const { hidden, color, size, hc, hs, over, oc, os } = a
      Object.assign(a, spec.get(key))
      this.styleEdge(a)
      if (a.over) overlaid.push(key)
      if (
        a.hidden !== hidden ||
        a.color !== color ||
        a.size !== size ||
        a.hc !== hc ||
        a.hs !== hs ||
        // the lit look of an edge lit before and after (a state change restyles the others)
        (a.over && over && (a.oc !== oc || a.os !== os))
      )
        changedEdges.add(key)
    })
    for (const key of this.addedInPlace) changedEdges.add(key)
    this.addedInPlace = []
    // an edge is drawn only between shown nodes: those of a node shown or hidden now are redrawn
    if (!this.pendingGraph)
      for (const n of toggled) g.forEachEdge(n, (key) => changedEdges.add(key))
    this.status.timings.restyled = changedNodes.length + changedEdges.size
    if (this.pendingGraph) {
      const next = this.pendingGraph
      this.pendingGraph = null
      this.swapGraph(next)
      this.lit = { nodes: [], edges: [] }
      this.edgeCache?.resetTop()
      if (this.selected) this.sigma.setNodeState(this.selected, { isHighlighted: true })
    } else if (changedNodes.length || changedEdges.size || this.structureChanged) {
      this.sigma.refresh({
        partialGraph: { nodes: changedNodes, edges: [...changedEdges] },
        // edges added in place have no place in sigma's programs yet: a full process gives them one
        skipIndexation: !this.structureChanged,
        schedule: true,
      })
      this.structureChanged = false
    }
    this.edgeCache?.setTop('overlay', overlaid)
    const shownNodes = this.filtered.nodeKeep.reduce((a, b) => a + b, 0)
    const shownEdges = this.filtered.edgeKeep.reduce((a, b) => a + b, 0)
    this.status.shownNodes = shownNodes
    this.status.shownEdges = shownEdges
    this.renderCaption(shownNodes, shownEdges)
    this.renderLegend()
    if (!this.side.hidden) this.renderFilters()
  }

  private readonly extraNodes = new Set<number>()

  /** The week's SIS ranking (its top 1,000) for "Colour: SIS rank", by universe index. */
  private sis: { week: string; rank: Map<number, number> } | null = null
  private sisLoading: string | null = null

  /** Asks the engine for the week's SIS ranking (computed and stored by the engine when the week
   * has none yet), then recolours if the view still shows that week by SIS. */
  private loadSis(week: string): void {
    if (this.sis?.week === week || this.sisLoading === week) return
    this.sisLoading = week
    this.deps.api
      .call('week.sis', { week, limit: 1000, sort: 'rank', order: 'asc' })
      .then((r) => {
        if (this.sisLoading === week) this.sisLoading = null
        const u = this.universe
        if (!u) return
        const rank = new Map<number, number>()
        for (const row of r.rows) {
          const i = u.index.get(row.node)
          if (i !== undefined) rank.set(i, row.rank)
        }
        this.sis = { week, rank }
        if (this.week?.week === week && this.params.colorBy === 'sis') this.restyle()
      })
      .catch((e: unknown) => {
        if (this.sisLoading === week) this.sisLoading = null
        this.deps.report(e)
      })
  }

  private restyle(): void {
    this.recompute()
  }

  /** An edge's display attributes (read by GRAPH_STYLES): hidden by the filters, coloured by
   * diff kind or overlay, width and opacity by exposure. */
  private styleEdge(a: EdgeAttrs): void {
    const f = this.filtered
    const o = this.overlay
    const c = this.colors
    a.hidden =
      !f ||
      (a.e >= 0 && !f.edgeKeep[a.e]) ||
      (a.e === -1 && !!this.params.filters.exposure) ||
      (a.e === -2 && !o)
    a.size = a.base
    let base: string
    let opacity = a.opacity
    const oc = o && a.e >= 0 ? this.overlayEdgeColor[a.e] : undefined
    // an overlay that dims the other edges lights its own through a state, over the cached layer
    // of dimmed edges: a playback step then redraws only the lit ones (edge-cache.ts)
    a.over = !!oc && !!o?.dimOtherEdges
    if (a.over) {
      a.oc = this.alpha(oc!, Math.max(0.7, opacity))
      a.os = Math.max(1, a.base)
    }
    if (a.e === -2) base = a.own ?? c.accent
    else if (oc && !a.over) {
      base = oc
      opacity = Math.max(0.7, opacity)
      a.size = Math.max(1, a.base)
    } else if (o?.dimOtherEdges) {
      base = c.edge
      opacity *= 0.15
    } else {
      base = [c.edge, c.added, c.removed, c.grew, c.shrank][a.diff]
      if (this.compareWeek) opacity = a.diff ? Math.max(0.45, opacity) : opacity * 0.35
    }
    a.color = this.alpha(base, opacity)
    // lit by a hover: one accent colour, at least 1.5 px, so the neighbourhood stands out
    a.hc = this.alpha(c.accent, 0.9)
    a.hs = Math.max(1.5, a.size)
  }

  /** Lights the hovered node's neighbours and edges (sigma item states: only those items are
   * restyled, so hovering stays cheap at 75k edges); null unlights. */
  private highlightNeighbourhood(node: string | null): void {
    const sigma = this.sigma
    if (!sigma) return
    const keepSelected = (k: string): boolean => k !== this.selected
    sigma.setNodesState(this.lit.nodes.filter(keepSelected), { isHighlighted: false })
    this.lit = { nodes: [], edges: [] }
    if (!node || !this.graph.hasNode(node)) {
      this.edgeCache?.setTop('hover', [])
      return
    }
    const nodes = this.graph
      .neighbors(node)
      .filter((n) => !this.graph.getNodeAttribute(n, 'hidden'))
    const edges = this.graph.edges(node).filter((e) => !this.graph.getEdgeAttribute(e, 'hidden'))
    sigma.setNodesState(nodes, { isHighlighted: true })
    // lit edges draw on top of the cached layer (edge-cache.ts)
    this.edgeCache?.setTop('hover', edges)
    this.lit = { nodes, edges }
  }

  /** withAlpha, cached by opacity in 1/40 steps, then by colour (one string per colour and
   * step, not per item; keyed in two levels so a lookup builds no string: an overlay step asks
   * for every node's faded colour, and the joined key cost ≈ 50 ms a step at real scale). */
  private readonly alphaCache = new Map<number, Map<string, string>>()
  private alpha(color: string, opacity: number): string {
    const q = Math.round(opacity * 40) / 40
    let byColor = this.alphaCache.get(q)
    if (!byColor) this.alphaCache.set(q, (byColor = new Map()))
    let v = byColor.get(color)
    if (v === undefined) {
      if (byColor.size > 4096) byColor.clear()
      byColor.set(color, (v = withAlpha(color, q)))
    }
    return v
  }

  private renderCaption(shownNodes: number, shownEdges: number): void {
    const w = this.week!
    const filtered = isFiltered(this.params.filters)
    const parts = [
      `Week of ${w.week}`,
      filtered
        ? `showing ${count(shownNodes)} of ${count(w.nodes.length)} nodes, ${count(shownEdges)} of ${count(w.edgeSource.length)} edges`
        : `${count(w.nodes.length)} nodes · ${count(w.edgeSource.length)} edges (holder → issuer)`,
      `TVL ${usd(w.totalTvl)} · exposure ${usd(w.totalExposure)}`,
    ]
    if (this.compareWeek) parts.push(`diff vs ${this.compareWeek.week}`)
    if (this.overlay) parts.push(this.overlay.title)
    if (w.synthetic) parts.push('synthetic demo data')
    this.caption.textContent = parts.join(' — ')
    this.caption.dataset.nodes = String(w.nodes.length)
    this.caption.dataset.edges = String(w.edgeSource.length)
    this.caption.classList.toggle('filtered', filtered)
  }

  private renderLegend(): void {
    const items = this.overlay
      ? this.overlay.legend
      : this.compareWeek
        ? this.diffLegend()
        : this.legend.slice(0, 14)
    this.legendBox.replaceChildren(
      ...items.map((l) => {
        const item = document.createElement('span')
        item.className = 'legend-item'
        const dot = document.createElement('i')
        dot.style.background = l.color
        item.append(dot, `${l.label} `)
        const n = document.createElement('small')
        n.textContent = count(l.count)
        item.append(n)
        return item
      }),
    )
    if (!this.overlay && !this.compareWeek && this.legend.length > 14) {
      const more = document.createElement('span')
      more.className = 'legend-item muted'
      more.textContent = `+${this.legend.length - 14} more`
      this.legendBox.append(more)
    }
  }

  private diffLegend(): LegendEntry[] {
    const counts = [0, 0, 0, 0, 0]
    this.graph.forEachEdge((_k, a) => counts[(a as EdgeAttrs).diff]++)
    const c = this.colors
    const colors = [c.edge, c.added, c.removed, c.grew, c.shrank]
    return [1, 2, 3, 4, 0].map((k) => ({
      label: DIFF_LABELS[k],
      color: colors[k],
      count: counts[k],
    }))
  }

  private renderFilters(): void {
    const u = this.universe
    const w = this.week
    const f = this.filtered
    if (!u || !w || !f) return
    const cats = new Map<string, number>()
    for (const n of w.nodes) {
      const c = u.categories[u.category[n]]
      cats.set(c, (cats.get(c) ?? 0) + 1)
    }
    this.filtersPanel.render({
      universe: u,
      weekSizes: w.size,
      weekNodes: w.nodes,
      edgeWeights: w.edgeWeight,
      nodeKeep: f.nodeKeep,
      edgeKeep: f.edgeKeep,
      steps: f.steps,
      filters: this.params.filters,
      categoriesInWeek: cats,
    })
  }

  setFilters(f: FilterState): void {
    this.params.filters = f
    this.save()
    this.recompute()
  }

  /** Ego network of a node (depth 1–3), from commands and the node panel. */
  egoNetwork(node: string, depth = 1, direction: 'out' | 'in' | 'both' = 'both'): void {
    this.setFilters({ ...this.params.filters, ego: { node, depth, direction } })
    this.toggleSide('filters', true)
  }

  toggleSide(which: 'filters', show?: boolean): void {
    const visible = show ?? this.side.hidden
    this.side.hidden = !visible
    this.side.dataset.show = which
    if (visible) this.renderFilters()
    this.panel.resize()
  }

  private async setCompare(week: string | null, redraw = true): Promise<void> {
    this.params.compare = week
    this.compareSelect.value = week ?? ''
    this.compareWeek =
      week && this.deps.archive.has(week) ? await this.deps.data.loadWeek(week) : null
    this.save()
    if (redraw && this.week) {
      this.loadEdges()
      this.recompute()
      this.ctx.setTitle(
        `Week ${this.week.week}${this.compareWeek ? ` vs ${this.compareWeek.week}` : ''}`,
      )
    }
  }

  private fillCompare(): void {
    const s = this.compareSelect
    const weeks = this.deps.archive.weeks
    s.replaceChildren(new Option('No diff', ''))
    for (const w of [...weeks].reverse()) s.append(new Option(`Diff vs ${w.week}`, w.week))
    s.value = this.params.compare ?? ''
  }

  /** Selects a node (or none): highlighted, labelled, its panel opened; `fly` moves the camera. */
  selectNode(id: string | null, fly = false): void {
    if (id && !this.graph.hasNode(id)) {
      this.deps.log.add('warning', 'graph', `node "${id}" is in no archived week`)
      return
    }
    const before = this.selected
    this.selected = id
    this.status.selected = id
    this.markSelected(before, id)
    this.params.node = id
    this.save()
    this.deps.selection.set({ node: id })
    if (!id) this.panel.hide()
    else {
      const inWeek = this.week && this.filtered?.nodeKeep[this.universe!.index.get(id)!]
      if (!inWeek)
        this.deps.log.add(
          'info',
          'graph',
          `${id} is not shown in the week of ${this.status.week} (absent or filtered out)`,
        )
      const at = this.universe!.index.get(id)!
      const present = !!this.week && this.week.nodes.includes(at)
      void (
        present
          ? this.panel.showNode(id, this.params.week, this.nodeColor(id))
          : this.panel.showAbsent(id, this.params.week)
      ).catch((e) => {
        this.panel.hide()
        this.deps.report(e)
      })
      if (fly) this.flyTo(id)
    }
    this.panel.resize()
  }

  /** Moves the selection's mark (label always shown, lit) from one node to another. */
  private markSelected(before: string | null, after: string | null): void {
    const g = this.graph
    const marked = this.overlay?.marked
    if (before && before !== after && g.hasNode(before)) {
      g.setNodeAttribute(before, 'mark', !!marked?.has(before))
      this.sigma?.setNodeState(before, { isHighlighted: false })
    }
    if (after && g.hasNode(after)) {
      g.setNodeAttribute(after, 'mark', true)
      this.sigma?.setNodeState(after, { isHighlighted: true })
    }
  }

  flyTo(id: string): void {
    const d = this.sigma?.getNodeDisplayData(id)
    if (!d || !this.sigma) return
    void this.sigma.getCamera().animate({ x: d.x, y: d.y, ratio: 0.25 }, { duration: 500 })
  }

  fit(): void {
    void this.sigma?.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: 300 })
  }

  private nodeColor(id: string): string {
    return (this.graph.getNodeAttribute(id, 'color') as string | undefined) ?? '#999'
  }

  private openSplit(): void {
    const other = this.deps.archive.step(this.status.week, -1) ?? this.status.week
    window.dispatchEvent(
      new CustomEvent('dx:open-graph', { detail: { week: other, split: 'right' } }),
    )
  }

  async exportImage(kind: 'png' | 'svg', whole = false): Promise<string> {
    if (!this.sigma || !this.week) throw new Error('no week is drawn yet')
    const c = this.colors
    const legend = this.overlay
      ? this.overlay.legend
      : this.compareWeek
        ? this.diffLegend()
        : this.legend
    const svg = sceneToSvg(
      sceneFromSigma(
        this.sigma,
        {
          title: `DeXposure exposure network — week of ${this.week.week}${this.compareWeek ? ` vs ${this.compareWeek.week}` : ''}`,
          subtitle: `${this.caption.textContent ?? ''}`,
          legend,
          background: c.background,
          text: c.text,
          muted: c.muted,
        },
        whole,
      ),
    )
    const name = `dexposure-${this.week.week}${whole ? '-whole' : ''}.${kind}`
    if (kind === 'svg') saveBlob(new Blob([svg], { type: 'image/svg+xml' }), name)
    else saveBlob(await svgToPng(svg), name)
    this.deps.log.info('export', `saved ${name}`)
    return name
  }

  private applyTheme(c: ThemeColors): void {
    this.colors = c
    this.stage.style.background = c.background
    this.timeline.setColors({ line: c.accent, bars: withAlpha(c.muted, 0.35), marker: c.removed })
    if (this.week) this.recompute()
    else this.sigma?.refresh()
  }

  private showMessage(title: string, hint: string): void {
    const box = div('graph-message')
    const h = document.createElement('h3')
    h.textContent = title
    const p = document.createElement('p')
    p.textContent = hint
    box.append(h, p)
    this.caption.replaceChildren(box)
  }

  private fail(e: unknown): void {
    this.deps.report(e)
    this.showMessage('The graph could not be loaded.', (e as Error)?.message ?? String(e))
  }

  private save(): void {
    this.ctx.saveParams({ ...this.params })
  }

  private wireSearch(): void {
    let items: PaletteItem[] = []
    let active = 0
    const render = (): void => {
      const u = this.universe
      if (!u) return
      if (!items.length)
        items = u.ids.map((id, i) => ({
          label: u.names[i] ?? id,
          detail: `${id} · ${u.categories[u.category[i]]}`,
          run: () => this.selectNode(id, true),
        }))
      const q = this.searchInput.value
      const shown = q.trim() ? rankItems(items, q).slice(0, 12) : []
      active = 0
      this.searchList.hidden = !shown.length
      this.searchList.replaceChildren(
        ...shown.map((it, i) => {
          const li = document.createElement('li')
          li.setAttribute('role', 'option')
          li.className = i === active ? 'active' : ''
          li.textContent = it.label
          const d = document.createElement('small')
          d.textContent = ` ${it.detail}`
          li.append(d)
          li.addEventListener('mousedown', (e) => {
            e.preventDefault()
            choose(it)
          })
          return li
        }),
      )
      this.searchList.dataset.count = String(shown.length)
      this.shownSearch = shown
    }
    const choose = (it: PaletteItem): void => {
      this.searchList.hidden = true
      this.searchInput.blur()
      it.run()
    }
    this.searchInput.addEventListener('input', render)
    this.searchInput.addEventListener('keydown', (e) => {
      const n = this.shownSearch.length
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault()
        if (!n) return
        active = (active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n
        ;[...this.searchList.children].forEach((li, i) =>
          li.classList.toggle('active', i === active),
        )
      } else if (e.key === 'Enter' && n) {
        e.preventDefault()
        choose(this.shownSearch[active])
      } else if (e.key === 'Escape') {
        this.searchList.hidden = true
      }
    })
    this.searchInput.addEventListener('blur', () =>
      setTimeout(() => (this.searchList.hidden = true), 150),
    )
  }

  private shownSearch: PaletteItem[] = []
}

interface EdgeSpec {
  /** Index of the edge in the shown week, −1 for a vanished edge drawn from the compared week,
   * −2 for an overlay's extra edge (e.g. predicted to appear). */
  e: number
  /** Width and opacity by exposure (log scales fixed across weeks). */
  base: number
  opacity: number
  diff: DiffKind
  /** An overlay edge's own colour. */
  own?: string
}

interface EdgeAttrs extends EdgeSpec {
  // display attributes, written by styleEdge and read by GRAPH_STYLES
  hidden: boolean
  size: number
  color: string
  /** Colour and width when lit by a hovered node. */
  hc: string
  hs: number
  /** Lit by an overlay that dims the other edges (state `isOverlaid`): its colour and width. */
  over: boolean
  oc: string
  os: number
}

/** The parts of sigma 4.0.4's renderer that in-place edge reconciliation drives directly (not in
 * its public types; pinned version in package.json). */
interface SigmaEdgeIndex {
  edgeGroups: { graph: Graph; register(edge: string): void; unregister(edge: string): void }
  removeEdge(edge: string): void
  bindGraphHandlers(): void
  unbindGraphHandlers(): void
}

const UNSTYLED = {
  hidden: true,
  size: 0,
  color: '#0000',
  hc: '#0000',
  hs: 0,
  over: false,
  oc: '#0000',
  os: 0,
}

// Sigma 4 styles bound to attributes that recompute() writes, with the hover highlight as an item
// state. No reducers: sigma merges a reducer's result into its display data with a generic object
// spread on every refresh of every item, which cost ~1 s per real-scale week in software WebGL;
// attribute bindings write straight into the display data, and item states restyle only the items
// whose state changed (a hover touches the hovered node's neighbourhood, not 75k edges).
const GRAPH_STYLES: StylesDeclaration<
  Attributes,
  Attributes,
  object,
  { isOverlaid: boolean; isLate: boolean }
> = {
  nodes: [
    {
      x: { attribute: 'x' },
      y: { attribute: 'y' },
      size: { attribute: 'size', defaultValue: 2 },
      color: { attribute: 'color', defaultValue: '#999' },
      label: { attribute: 'label' },
      labelColor: { attribute: 'lc', defaultValue: '#000' },
      // (a state list is an AND in sigma 4: an OR is nested)
      depth: {
        whenState: 'isHovered',
        then: 'topNodes',
        else: { whenState: 'isHighlighted', then: 'topNodes', else: 'nodes' },
      },
    },
    { whenData: 'hidden', then: { visibility: 'hidden' } },
    { whenData: 'mark', then: { labelVisibility: 'visible', depth: 'topNodes' } },
    { whenState: 'isHighlighted', then: { labelVisibility: 'visible' } },
  ],
  edges: [
    {
      size: { attribute: 'size', defaultValue: 1 },
      color: { attribute: 'color', defaultValue: '#ccc' },
      depth: {
        whenState: 'isHighlighted',
        then: 'topEdges',
        else: {
          whenState: 'isOverlaid',
          then: 'topEdges',
          else: { whenState: 'isLate', then: 'edgesLate', else: 'edges' },
        },
      },
    },
    { whenData: 'hidden', then: { visibility: 'hidden' } },
    { whenState: 'isOverlaid', then: { color: { attribute: 'oc' }, size: { attribute: 'os' } } },
    { whenState: 'isHighlighted', then: { color: { attribute: 'hc' }, size: { attribute: 'hs' } } },
  ],
}

/** Each shown-week edge's change against the compared week, and the compared week's edges that
 * vanished. Pairs are keyed by universe indices (holder · count + issuer). */
function diffEdges(
  count: number,
  w: LoadedWeek,
  c: LoadedWeek,
): { kinds: DiffKind[]; vanished: number[] } {
  const before = new Map<number, number>()
  for (let j = 0; j < c.edgeSource.length; j++)
    before.set(c.edgeSource[j] * count + c.edgeTarget[j], c.edgeWeight[j])
  const seen = new Set<number>()
  const kinds: DiffKind[] = new Array(w.edgeSource.length)
  for (let e = 0; e < w.edgeSource.length; e++) {
    const key = w.edgeSource[e] * count + w.edgeTarget[e]
    seen.add(key)
    const b = before.get(key)
    const a = w.edgeWeight[e]
    kinds[e] = b === undefined ? 1 : a > b * 1.1 ? 3 : a < b / 1.1 ? 4 : 0
  }
  const vanished: number[] = []
  for (let j = 0; j < c.edgeSource.length; j++)
    if (!seen.has(c.edgeSource[j] * count + c.edgeTarget[j])) vanished.push(j)
  return { kinds, vanished }
}

function maxOf(a: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i]
  return m
}

function div(className: string): HTMLDivElement {
  const d = document.createElement('div')
  d.className = className
  return d
}

function iconButton(
  icon: string,
  title: string,
  fn: () => void,
  action: string,
): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = `icon codicon codicon-${icon}`
  b.title = title
  b.dataset.action = action
  b.setAttribute('aria-label', title)
  b.addEventListener('click', fn)
  return b
}
