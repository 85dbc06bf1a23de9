// The graph explorer: a whole week drawn with sigma.js (every node and edge), at positions the
// engine's layout keeps stable across weeks. One graphology graph holds every node of every week;
// the week's edges are typed arrays drawn by our own layer in sigma (edge-items.ts,
// edge-layer.ts). Switching week updates sizes, colours and visibility and refills the edge
// arrays, without rebuilding sigma. Readability comes from the view (log sizes and opacities, labels by size, edges hidden
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
import { preloadCharts } from '../../ui/chart'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { ThemeColors, ThemeService } from '../../workbench/theme'
import {
  colourNodes,
  dictionaryColors,
  edgeScale,
  drawnSize,
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
  filterChangeName,
} from './filters'
import {
  buildEdgeSet,
  cssOfPacked,
  EdgeItems,
  edgesOf,
  EdgeOrigin,
  ITEM_WORDS,
  packColor,
  sameBytes,
  type EdgeSet,
  type ExtraEdge,
} from './edge-items'
import { EdgeLayer, edgeFrameCounts } from './edge-layer'
import { fastDepthRanges } from './depth-ranges'
import { skipLabelPicking } from './label-picking'
import { drawFlat, type DrawModes } from './flat-draw'
import { NodeCache, nodeFrameCounts } from './node-cache'
import { routeRefreshes } from './refresh'
import { recolorNodes } from './node-recolor'
import { FiltersPanel } from './filters-panel'
import { SidePanel } from './node-panel'
import { extraCount, pairCode, pairKey, type GraphOverlay } from './overlay'
import { saveBlob } from '../../services/downloads'
import { sceneFromSigma, svgToPng, type DrawnEdge } from './scene'
import { rankItems, type PaletteItem } from '../../workbench/palette'
import { keyLabel } from '../../workbench/commands'
import { sceneToSvg } from '../../../../shared/graph-svg'
import { Timeline } from './timeline'
import { ViewHistory } from './view-history'
import {
  LABEL_SIDES,
  clearLabelSides,
  discOf,
  labelBox,
  labelSides,
  type LabelBox,
  type LabelItem,
  type LabelSide,
} from './label-sides'

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

/** The settings a graph view can undo and redo: its filters, colouring and diff. */
interface ViewSettings {
  colorBy: ColorBy
  filters: FilterState
  compare: string | null
}

const settingsKey = (v: ViewSettings): string =>
  // Infinity (an open range's end) would read as null in plain JSON
  JSON.stringify(v, (_k, x: unknown) => (x === Infinity ? 'Infinity' : x))

/** Test and benchmark hooks: what each graph view shows, by editor id. */
export interface GraphStatus {
  week: string | null
  rendered: boolean
  /** The last frame drew the view whole: no picture in parts or moved (edge-layer.ts,
   * node-cache.ts); set false by each week request and each overlay. */
  whole: boolean
  renders: number
  nodes: number
  edges: number
  shownNodes: number
  shownEdges: number
  selected: string | null
  /** ms from the week request to the first frame drawn with it. */
  lastSwitchMs: number | null
  /** Where the last switch's time went (ms): frame load, edges swapped (`edgeSetAhead` 1: built
   * ahead), styles (`restyled`: how many nodes that handed to sigma), first frame;
   * `presented` (set a frame later): request → the frame on screen; `complete`: request → the
   * first frame with the week whole on screen (later than `presented` where a large week's
   * edges are drawn in parts). In software WebGL the
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
  /** ms from setOverlay to the first frame on screen with the view whole (later than
   * `lastOverlayPresentedMs` where the overlay's new edge colours are drawn in parts). */
  lastOverlayCompleteMs: number | null
  /** Frames that finished rasterising the edges, reused their layer as it was, showed it moved
   * with the camera, or drew a part of the next picture (a large week after a switch or a camera
   * move); and draws of a lit list's own layer: whole, by the edges that came and went, or put
   * back as it was (edge-layer.ts, lit-layer.ts). */
  edgeFrames: ReturnType<typeof edgeFrameCounts>
  /** Frames that finished drawing the nodes into their cached layer (of which those that drew
   * only the part a few restyled nodes cover, and the nodes they drew), reused it, showed it
   * moved with the camera, or drew a part of the next picture (node-cache.ts). */
  nodeFrames: NodeCache['counts']
  /** The weeks whose edges are built ahead of a step to them (prefetchAround), in an idle
   * moment once the week shown is whole. */
  edgesAhead: string[]
  /** The node the view highlighted in a frame nobody sees, to warm the hover's drawing path
   * (warmHoverPaths); null until then. */
  hoverWarmedWith: string | null
  /** How sigma's node program (and its edge program, which the view leaves empty) draw: 'flat'
   * (flat-draw.ts), or instanced and why. */
  drawModes: DrawModes
}

declare global {
  interface Window {
    __graphs?: Record<string, GraphStatus>
    /** The sigma instances by editor id, for the tests' camera and position checks. */
    __sigma?: Record<string, Sigma>
  }
}

// same, appeared, vanished, grew, shrank
/** The opacity of the week's other edges under an overlay that fades them. */
const DIMMED = 0.15
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
  /** Every node of every week; no edges (the edge layer draws them from `edgeSet`). */
  private graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: true })
  private sigma: Sigma | null = null
  private universe: LoadedUniverse | null = null
  private week: LoadedWeek | null = null
  private compareWeek: LoadedWeek | null = null
  private filtered: FilterResult | null = null
  private legend: LegendEntry[] = []
  private params: Required<GraphParams>
  /** The hovered node's neighbourhood, to unlight on leave: the nodes lit (its neighbours), the
   * hovered node, the neighbours labelled. */
  private lit: Lit = noLit()
  private edgeLayer: EdgeLayer | null = null
  /** The shown edges (the week's, a diff's vanished ones, an overlay's extra ones). */
  private edgeSet: EdgeSet | null = null
  /** Whether each universe node is shown now (written by recompute). */
  private nodeShown = new Uint8Array(0)
  private selected: string | null = null
  private requested: string | null = null
  /** A week asked for before the universe was loaded. */
  private queuedWeek: string | null = null
  private colors: ThemeColors
  private dictColors = { category: [] as string[], sector: [] as string[] }
  private readonly status: GraphStatus
  private readonly offs: (() => void)[] = []
  private readonly history = new ViewHistory<ViewSettings>(
    (a, b) => settingsKey(a) === settingsKey(b),
  )
  private readonly colorSelect: HTMLSelectElement
  private readonly thresholdInput: HTMLInputElement
  private readonly thresholdLabel: HTMLElement
  private readonly undoButton: HTMLButtonElement
  private readonly redoButton: HTMLButtonElement

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
      whole: false,
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
      lastOverlayCompleteMs: null,
      edgeFrames: edgeFrameCounts(),
      nodeFrames: nodeFrameCounts(),
      edgesAhead: [],
      hoverWarmedWith: null,
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
      const before = this.settings()
      this.params.colorBy = colorBy.value as ColorBy
      this.recordChange(before, 'colour')
      this.save()
      this.restyle()
    })
    this.colorSelect = colorBy

    const threshold = document.createElement('input')
    threshold.type = 'range'
    threshold.min = '0'
    threshold.max = '9'
    threshold.step = '0.25'
    threshold.setAttribute('aria-label', 'Minimum exposure shown (log USD)')
    threshold.dataset.control = 'exposure-threshold'
    const thresholdLabel = document.createElement('span')
    thresholdLabel.className = 'muted threshold-label'
    this.thresholdInput = threshold
    this.thresholdLabel = thresholdLabel
    this.showThreshold()
    threshold.addEventListener('input', () => {
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
    compare.addEventListener('change', () => {
      const before = this.settings()
      void this.setCompare(compare.value || null)
      this.recordChange(before, 'diff')
    })
    this.compareSelect = compare

    const buttons = div('graph-buttons')
    this.undoButton = iconButton('discard', 'Undo', () => void this.undoView(), 'undo-view')
    this.redoButton = iconButton('redo', 'Redo', () => void this.redoView(), 'redo-view')
    this.showHistory()
    buttons.append(
      this.undoButton,
      this.redoButton,
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
      () => this.setFilters({ ...NO_FILTERS }),
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

  /** The week last asked for: the one shown, or the one loading. */
  get requestedWeek(): string | null {
    return this.requested ?? this.status.week
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
    this.cancelReindex()
    for (const off of this.offs.splice(0)) off()
    this.sigma?.kill()
    this.sigma = null
    this.edgeLayer = null
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
    this.status.whole = false
    const ahead = this.loadEdges()
    const t2 = performance.now()
    this.recompute()
    const t3 = performance.now()
    this.timeline.show(week)
    this.ctx.setTitle(`Week ${week}${this.compareWeek ? ` vs ${this.compareWeek.week}` : ''}`)
    this.deps.selection.set({ week })
    this.save()
    const timings: Record<string, number> = {
      load: t1 - t0,
      edges: t2 - t1,
      styles: t3 - t2,
      restyled: this.lastRestyled,
      edgeSetAhead: ahead ? 1 : 0,
    }
    this.wholeWaiters.push(() =>
      this.whenPresented(() => {
        if (this.status.timings === timings) timings.complete = performance.now() - t0
      }),
    )
    this.wholeWaiters.push(() => this.prefetchAround(week))
    this.wholeWaiters.push(() => this.warmHoverPaths())
    // the node panel's chart (and every other view's) loads ECharts: fetch it now, not on a click
    this.wholeWaiters.push(preloadCharts)
    await this.nextFrame()
    const t4 = performance.now()
    this.status.lastSwitchMs = t4 - t0
    timings.frame = t4 - t3
    this.status.timings = timings
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

  /** Loads the weeks before and after `week` once it is on screen whole, so that a step or the
   * timeline's play shows the next one without waiting for the engine (≈ 60–100 ms of a switch
   * on a real-scale week). A failed prefetch is dropped from the cache: the switch to that week
   * asks again and reports the error then. */
  private prefetchAround(week: string): void {
    if (this.status.week !== week) return
    for (const delta of [1, -1]) {
      const next = this.deps.archive.step(week, delta)
      if (next && next !== week)
        void this.deps.data
          .loadWeek(next)
          .then((w) => this.buildEdgeSetAhead(w, week))
          .catch(() => undefined)
    }
  }

  /** Whether warmHoverPaths has run (or is queued) for this view's sigma. */
  private hoverWarmed = false

  /**
   * Once, when the first week is whole, in an idle moment: a frame drawn with one on-screen node
   * highlighted as a hover does, then the frame as it is, in the same task, so that only the
   * second reaches the screen. In software WebGL the first frame that draws nodes above the cached
   * node layer (sigma's `topNodes` depth, with their forced labels) waits for SwiftShader to build
   * that path: the first hover's frame took 100–150 ms against 50–65 ms for later ones
   * (BENCHMARKS.md, 2026-12-05). Here it is paid where nobody waits.
   */
  private warmHoverPaths(): void {
    if (this.hoverWarmed) return
    this.hoverWarmed = true
    requestIdleCallback(
      () => {
        const sigma = this.sigma
        const u = this.universe
        // a hover came first (and built the path): nothing to do
        if (!sigma || !u || this.lit.node >= 0) return
        // the smallest node on screen: its label is not drawn yet, and a label that appears is
        // part of the path (a node already labelled warmed nothing)
        const { width, height } = sigma.getDimensions()
        let key: string | null = null
        let smallest = Infinity
        for (let i = 0; i < u.count; i++) {
          if (!this.nodeShown[i] || u.ids[i] === this.selected) continue
          const d = sigma.getNodeDisplayData(u.ids[i])
          if (!d || d.size >= smallest) continue
          const at = sigma.graphToViewport(d)
          if (at.x < 0 || at.y < 0 || at.x > width || at.y > height) continue
          key = u.ids[i]
          smallest = d.size
        }
        if (key === null) return
        // sigma's render is private in its types; public in its code (its scheduler calls it)
        const render = (): void => (sigma as unknown as { render(): void }).render()
        sigma.setNodeState(key, { isHighlighted: true, ...hoverLabel('right') })
        render()
        sigma.setNodeState(key, { isHighlighted: false, ...hoverLabel(null) })
        render()
        this.status.hoverWarmedWith = key
      },
      { timeout: 3000 },
    )
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

  /** The universe's nodes in a new graph, handed to sigma by the next recompute with the week's
   * sizes, colours and visibility written: sigma then processes 11k nodes once, not once as
   * built (all hidden) and again as styled. */
  private buildNodes(u: LoadedUniverse): void {
    this.graph = this.nodeGraph(u)
    this.handedOver = false
  }

  /** Whether sigma holds `graph` (see buildNodes). */
  private handedOver = false

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
    // an empty graph: the nodes come with the first week's styles (buildNodes)
    const sigma = new Sigma(new Graph({ type: 'directed' }), this.stage, {
      settings: {
        // sigma 4 sizes items in graph units by default, which makes pixel-sized nodes cover the
        // stage (toolchain.md); screen units keep sizes in pixels.
        itemSizesReference: 'screen',
        hideEdgesOnMove: true,
        renderLabels: true,
        // nodes drawn from 7 px are named at the first view (sizeScale: TVL above ≈ $0.5B where
        // the largest node of the archive held $200B); at 9 px only the two or three largest
        // were. Sigma's label grid keeps them apart (labelDensity).
        labelRenderedSizeThreshold: 7,
        labelDensity: 0.6,
        minEdgeThickness: 0.3,
      } as Record<string, unknown>,
      styles: GRAPH_STYLES,
      // sigma holds no edge (the edge layer draws them): its edge program is made with the one
      // path it needs least (its defaults add the self-loop's 66-vertex path to every program)
      primitives: { edges: { paths: [pathLine()] } },
    } as unknown as ConstructorParameters<typeof Sigma>[2])
    this.sigma = sigma
    ;(window.__sigma ??= {})[this.ctx.id] = sigma
    fastDepthRanges(sigma)
    skipLabelPicking(sigma)
    drawFlat(sigma, this.status.drawModes, (kind, reason) =>
      this.deps.log.add(
        'warning',
        'graph',
        `${kind} are drawn instanced (slower in software WebGL): ${reason}`,
      ),
    )
    const nodes = new NodeCache(sigma)
    this.nodeCache = nodes
    this.status.nodeFrames = nodes.counts
    const layer = new EdgeLayer(sigma, {
      positions: () => this.nodePositions(),
      drawsIn: (p) => nodes.drawsIn(p),
    })
    this.status.edgeFrames = layer.counts
    this.edgeLayer = layer
    Object.defineProperty(sigma, 'dxEdges', {
      value: {
        edgesOf: (node: string) => this.edgesDrawnOf(node),
        held: () => this.edgeSet?.count ?? 0,
        // stories: the USD exposure of each week edge an overlay lights
        litExposures: () => {
          const [set, w, lit] = [this.edgeSet, this.week, this.edgeLayer?.lit.overlay]
          const usd: number[] = []
          for (let i = 0; set && w && lit && i < lit.count; i++) {
            const k = lit.edge[i]
            if (set.origin[k] === EdgeOrigin.Week) usd.push(w.edgeWeight[set.ref[k]])
          }
          return usd
        },
        // stories: the share of nodes up to which a restyle leaves the label grid for later
        setLateGridShare: (share: number) => (this.lateGridShare = share),
        // stories: how long the steps pause before the label grid is rebuilt
        setReindexQuietMs: (ms: number) => (this.reindexQuietMs = ms),
      },
      configurable: true,
    })
    routeRefreshes(sigma, nodes)
    sigma.on('afterRender', () => {
      this.status.renders++
      if (this.status.week && !this.status.rendered) this.status.rendered = true
      // set on a change only: benches stamp the moment it becomes true
      const whole = layer.whole && nodes.whole
      if (whole !== this.status.whole) this.status.whole = whole
      if (whole) for (const f of this.wholeWaiters.splice(0)) f()
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
    // sigma must resize and redraw (a resize alone leaves a blank canvas). The nodes' framing
    // and label grid follow the size: a process of their positions, no restyle (a full refresh
    // restyled all 11k nodes of a real-scale week, ≈ 0.2 s, when a scenario opened beside it)
    let processedAt = sigma.getDimensions()
    const resized = new ResizeObserver(() => {
      sigma.resize()
      const size = sigma.getDimensions()
      if (size.width === processedAt.width && size.height === processedAt.height) return
      processedAt = size
      sigma.refresh({ partialGraph: { nodes: [] }, skipIndexation: false })
      this.refreshMarkedLabels()
    })
    resized.observe(this.stage)
    this.offs.push(() => resized.disconnect())
    // forced labels are placed again when the camera rests: a zoom moves nodes apart or together
    // (labels keep their size in pixels)
    let placing: ReturnType<typeof setTimeout> | null = null
    const camera = sigma.getCamera()
    const onCamera = (): void => {
      if (!this.marked.length && !this.sidedLabels.size) return
      if (placing) clearTimeout(placing)
      placing = setTimeout(() => {
        placing = null
        this.refreshMarkedLabels()
      }, LABEL_REST_MS)
    }
    camera.on('updated', onCamera)
    this.offs.push(() => {
      camera.off('updated', onCamera)
      if (placing) clearTimeout(placing)
    })
    this.applyTheme(this.colors, false)
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

  /** The week's edges as typed arrays (and, diffing, the vanished ones of the other week; with
   * an overlay, its edges not in the week); true when they had been built ahead
   * (buildEdgeSetAhead). */
  private loadEdges(): boolean {
    const u = this.universe!
    const w = this.week!
    const extra: ExtraEdge[] = []
    this.extraEdgeColors = []
    const ahead = this.edgeSetsAhead.get(w)
    this.edgeSetsAhead.delete(w)
    this.showEdgesAhead()
    if (ahead?.universe === u && !this.compareWeek && !extraCount(this.overlay)) {
      this.edgeSet = ahead.set
      this.status.nodes = w.nodes.length
      this.status.edges = w.edgeSource.length
      return true
    }
    for (const x of this.overlay?.extraEdges ?? []) {
      const source = u.index.get(x.source)
      const target = u.index.get(x.target)
      if (source === undefined || target === undefined) continue
      extra.push({ source, target, width: x.size ?? 1, opacity: x.opacity ?? 1 })
      this.extraEdgeColors.push(x.color)
    }
    const xp = this.overlay?.extraPairs
    for (let k = 0; xp && k < xp.source.length; k++) {
      extra.push({
        source: xp.source[k],
        target: xp.target[k],
        width: xp.size,
        opacity: xp.opacity[k],
      })
      this.extraEdgeColors.push(xp.color)
    }
    this.edgeSet = buildEdgeSet(u.count, w, weekEdgeScale(u, w), this.compareWeek, extra)
    this.status.nodes = w.nodes.length
    this.status.edges = w.edgeSource.length
    return false
  }

  /** Edge sets of the weeks beside the one shown, built while the page is idle (prefetchAround):
   * a step to one swaps it in (building it cost ≈ 20–35 ms of a real-scale week's switch). */
  private readonly edgeSetsAhead = new Map<LoadedWeek, { universe: LoadedUniverse; set: EdgeSet }>()

  private showEdgesAhead(): void {
    this.status.edgesAhead = [...this.edgeSetsAhead.keys()].map((w) => w.week)
  }

  /** Builds `w`'s plain edge set (no compared week, no overlay) once the page is idle, if the
   * view still shows `shown` then. */
  private buildEdgeSetAhead(w: LoadedWeek, shown: string): void {
    requestIdleCallback(
      () => {
        const u = this.universe
        if (!u || this.status.week !== shown || this.compareWeek || this.edgeSetsAhead.has(w))
          return
        this.edgeSetsAhead.set(w, {
          universe: u,
          set: buildEdgeSet(u.count, w, weekEdgeScale(u, w)),
        })
        // the weeks beside the one shown, no more
        while (this.edgeSetsAhead.size > 2)
          this.edgeSetsAhead.delete(this.edgeSetsAhead.keys().next().value!)
        this.showEdgesAhead()
      },
      { timeout: 1000 },
    )
  }

  /** The colour of each overlay extra edge, by its index among those resolved. */
  private extraEdgeColors: string[] = []

  /** Hands sigma a new graph (of nodes). Its parallel-edge index keeps the graph it was built
   * with (sigma 4.0.4's setGraph does not update it), so it is pointed at the new one first. */
  private swapGraph(graph: Graph): void {
    this.graph = graph
    if (!this.sigma) return
    ;(this.sigma as unknown as SigmaEdgeIndex).edgeGroups.graph = graph
    this.sigma.setGraph(graph)
  }

  /** Each universe node's position in sigma's framed graph space, for the edge layer: the
   * universe's positions through sigma's normalisation (a scale and an offset, fixed by the
   * graph's bounding box), computed again only when that map or the universe changed. (Reading
   * sigma's node display data instead copies each node's whole record: ≈ 90 ms at 11k nodes.) */
  private nodePositions(): { xy: Float32Array; version: number } {
    const u = this.universe
    const sigma = this.sigma
    if (!u || !sigma) return { xy: this.positions.xy, version: this.positions.version }
    const o = sigma.graphToFramedGraph({ x: 0, y: 0 })
    const one = sigma.graphToFramedGraph({ x: 1, y: 1 })
    const map = [o.x, o.y, one.x - o.x, one.y - o.y]
    const p = this.positions
    if (p.of !== u || map.some((v, i) => v !== p.map[i])) {
      const xy = p.xy.length === 2 * u.count ? p.xy : new Float32Array(2 * u.count)
      for (let i = 0; i < u.count; i++) {
        xy[2 * i] = map[0] + map[2] * u.x[i]
        xy[2 * i + 1] = map[1] + map[3] * u.y[i]
      }
      this.positions = { of: u, map, xy, version: p.version + 1 }
    }
    return { xy: this.positions.xy, version: this.positions.version }
  }

  private positions: {
    of: LoadedUniverse | null
    map: number[]
    xy: Float32Array
    version: number
  } = { of: null, map: [], xy: new Float32Array(0), version: 0 }

  /** Draws an overlay over the week (or removes it): positions, filters and camera stay. */
  async setOverlay(overlay: GraphOverlay | null): Promise<void> {
    const t0 = performance.now()
    const hadExtra = extraCount(this.overlay) > 0
    this.overlay = overlay
    this.status.overlay = overlay?.title ?? null
    this.overlayChanged.emit(overlay)
    this.overlayEdgeColor = []
    this.overlayEdges = []
    const w = this.week
    const u = this.universe
    if (overlay?.edgeColors && w && u) {
      const keys = this.pairKeys(w, u)
      for (let e = 0; e < w.edgeSource.length; e++) {
        const color = overlay.edgeColors.get(keys[e])
        if (color === undefined) continue
        this.overlayEdgeColor[e] = color
        this.overlayEdges.push(e)
      }
    }
    if (overlay?.edgePairs && w && u) {
      const edgeOf = this.edgesByPair(w, u)
      const n = u.ids.length
      for (const { source, target, color } of overlay.edgePairs)
        for (let k = 0; k < source.length; k++) {
          const e = edgeOf.get(pairCode(source[k], target[k], n))
          if (e === undefined) continue
          if (this.overlayEdgeColor[e] === undefined) this.overlayEdges.push(e)
          this.overlayEdgeColor[e] = color
        }
    }
    if (!w) return
    if (hadExtra || extraCount(overlay)) this.loadEdges()
    this.recompute()
    this.status.whole = false
    this.status.lastOverlayCompleteMs = null
    this.wholeWaiters.push(() =>
      this.whenPresented(() => {
        if (this.overlay === overlay) this.status.lastOverlayCompleteMs = performance.now() - t0
      }),
    )
    await this.nextFrame()
    this.status.lastOverlayMs = performance.now() - t0
    this.status.lastOverlayPresentedMs = null
    this.whenPresented(() => {
      if (this.overlay === overlay) this.status.lastOverlayPresentedMs = performance.now() - t0
    })
  }

  /** The week's edges' pairKeys, by edge (built once per week: playback sets an overlay a step). */
  private pairKeys(w: LoadedWeek, u: LoadedUniverse): string[] {
    if (this.pairKeysOf.week !== w) {
      const keys = new Array<string>(w.edgeSource.length)
      for (let e = 0; e < w.edgeSource.length; e++)
        keys[e] = pairKey(u.ids[w.edgeSource[e]], u.ids[w.edgeTarget[e]])
      this.pairKeysOf = { week: w, keys }
    }
    return this.pairKeysOf.keys
  }

  private pairKeysOf: { week: LoadedWeek | null; keys: string[] } = { week: null, keys: [] }

  /** The week's edge by `pairCode` of its ends (built once per week). */
  private edgesByPair(w: LoadedWeek, u: LoadedUniverse): Map<number, number> {
    if (this.edgesByPairOf.week !== w) {
      const map = new Map<number, number>()
      const n = u.ids.length
      for (let e = 0; e < w.edgeSource.length; e++)
        map.set(pairCode(w.edgeSource[e], w.edgeTarget[e], n), e)
      this.edgesByPairOf = { week: w, map }
    }
    return this.edgesByPairOf.map
  }

  private edgesByPairOf: { week: LoadedWeek | null; map: Map<number, number> } = {
    week: null,
    map: new Map(),
  }

  private dropOverlay(): void {
    this.overlay = null
    this.status.overlay = null
    this.overlayEdgeColor = []
    this.overlayEdges = []
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
  /** The week edges the overlay recolours (indices, each once). */
  private overlayEdges: number[] = []

  /** See LATE_GRID_SHARE (stories change it). */
  private lateGridShare = LATE_GRID_SHARE
  private reindexQuietMs = REINDEX_QUIET_MS
  /** How many nodes the last recompute handed to sigma restyled. */
  private lastRestyled = 0

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
    const g = this.graph
    const set = this.edgeSet
    // the ends of a diff's vanished edges and of an overlay's extra edges are kept visible too
    this.extraNodes.clear()
    const ok = this.filtered.nodeKeep
    const filtered = isFiltered(this.params.filters)
    for (let k = w.edgeSource.length; set && k < set.count; k++) {
      const [s, t] = [set.source[k], set.target[k]]
      if (set.origin[k] === EdgeOrigin.Vanished && (ok[s] || ok[t] || !filtered)) {
        this.extraNodes.add(s)
        this.extraNodes.add(t)
      }
    }
    for (const x of this.overlay?.extraEdges ?? []) {
      const s = u.index.get(x.source)
      const t = u.index.get(x.target)
      if (s !== undefined && t !== undefined) {
        this.extraNodes.add(s)
        this.extraNodes.add(t)
      }
    }
    const xp = this.overlay?.extraPairs
    for (let k = 0; xp && k < xp.source.length; k++) {
      this.extraNodes.add(xp.source[k])
      this.extraNodes.add(xp.target[k])
    }
    const keep = this.filtered.nodeKeep
    const o = this.overlay
    const labelColor = this.colors.label
    if (this.nodeShown.length !== u.count) this.nodeShown = new Uint8Array(u.count)
    const shown = this.nodeShown
    // Attributes are written in place, silently, and only the nodes whose display attributes
    // changed are handed to sigma: an overlay step or a filter change restyles tens of nodes,
    // not 11k (graphology's updateEach* events make sigma reprocess every item).
    const changedNodes: string[] = []
    // nodes whose colour alone changed (a forecast recolours every node of the week): written
    // into sigma in place, not restyled (node-recolor.ts)
    const recolored: string[] = []
    let toggled = 0
    let resized = 0
    const marked: string[] = []
    g.forEachNode((key, attrs) => {
      const i = attrs.i as number
      const hidden = !(keep[i] === 1 || this.extraNodes.has(i))
      shown[i] = hidden ? 0 : 1
      const mark = key === this.selected || !!o?.marked?.has(key)
      if (mark && !hidden) marked.push(key)
      let label = attrs.name as string | null
      const sized = o?.nodeSizes?.get(key)
      const size = sized ?? drawnSize(attrs.size as number, !!attrs.hidden, sizeFor(sizeOf[i]))
      let color = c.colors[i]
      if (o?.nodeColors) {
        const oc = o.nodeColors.get(key)
        // nodes the overlay does not colour fade back, unlabelled
        color = oc ?? this.alpha(c.colors[i], 0.12)
        if (!oc && !mark) label = null
      }
      const styled =
        attrs.hidden !== hidden ||
        attrs.lc !== labelColor ||
        attrs.mark !== mark ||
        attrs.label !== label ||
        attrs.size !== size
      if (!styled && attrs.color !== color) {
        attrs.color = color
        recolored.push(key)
      } else if (styled) {
        // sigma's label grid and program order follow sizes and visibility
        if (attrs.hidden !== hidden) toggled++
        else if (attrs.size !== size) resized++
        attrs.hidden = hidden
        attrs.lc = labelColor
        attrs.mark = mark
        attrs.label = label
        attrs.size = size
        attrs.color = color
        changedNodes.push(key)
      }
    })
    this.marked = marked
    // sigma's positions are valid once it has the graph: a new graph places its labels after
    if (this.handedOver)
      for (const key of this.placeMarkedLabels())
        if (!changedNodes.includes(key)) changedNodes.push(key)
    // the edges first: handing sigma a new graph draws a frame at once
    this.fillEdges()
    if (this.handedOver && recolored.length)
      changedNodes.push(
        ...recolorNodes(this.sigma, this.nodeCache!, recolored, (k) =>
          g.getNodeAttribute(k, 'color'),
        ),
      )
    else changedNodes.push(...recolored)
    this.lastRestyled = changedNodes.length
    if (!this.handedOver) {
      // a new graph (buildNodes): one full process, styled; item states start afresh
      this.handedOver = true
      this.swapGraph(g)
      this.lit = noLit()
      if (this.selected && g.hasNode(this.selected))
        this.sigma.setNodeState(this.selected, { isHighlighted: true })
      this.refreshMarkedLabels()
    } else if (changedNodes.length) {
      // Nodes resized (a playback round's, by loss) or a few shown and hidden (the next week's
      // comers and leavers: ≈ 400 of a real-scale week's 11k) are drawn as they are now at once;
      // the label grid, which holds the shown nodes ranked by size, is rebuilt once the steps
      // pause (processing every node cost ≈ 60 ms a step on a real-scale week; a reference
      // cascade's round resizes thousands: 70–85 ms of its first rounds, BENCHMARKS.md). Many
      // shown or hidden (a jump across months): at once, the grid would name the wrong nodes.
      const moved = toggled + resized
      const deferGrid = moved > 0 && (toggled === 0 || moved <= u.count * this.lateGridShare)
      this.sigma.refresh({
        partialGraph: { nodes: changedNodes },
        skipIndexation: moved === 0 || deferGrid,
        schedule: true,
      })
      if (deferGrid) this.reindexLater()
      else if (moved) this.cancelReindex()
    }
    if (this.lit.node >= 0) this.highlightNeighbourhood(u.ids[this.lit.node])
    this.sigma.scheduleRender()
    const shownNodes = this.filtered.nodeKeep.reduce((a, b) => a + b, 0)
    const shownEdges = this.filtered.edgeKeep.reduce((a, b) => a + b, 0)
    this.status.shownNodes = shownNodes
    this.status.shownEdges = shownEdges
    this.renderCaption(shownNodes, shownEdges)
    this.renderLegend()
    if (!this.side.hidden) this.renderFilters()
  }

  private readonly extraNodes = new Set<number>()

  /** The node layer's picture (node-cache.ts), once sigma is made. */
  private nodeCache: NodeCache | null = null

  /** The shown nodes whose labels the view forces on (selected, an overlay's marked). */
  private marked: string[] = []

  /** Label widths by text, in sigma's label font (measured once each). */
  private readonly labelWidths = new Map<string, number>()
  private labelMeasure: CanvasRenderingContext2D | null = null

  /**
   * Gives each forced label a side where it covers no other and is not cut off by the stage's
   * edge (label-sides.ts), at the camera as it is; writes the sides that changed into the nodes' attributes, silently, and returns those
   * nodes (for sigma to restyle). A label nobody forces goes back to the right.
   */
  private placeMarkedLabels(): string[] {
    const sigma = this.sigma
    const g = this.graph
    if (!sigma || !g) return []
    const ratio = sigma.getCamera().getState().ratio
    const items: LabelItem[] = []
    for (const key of this.marked) {
      const a = g.getNodeAttributes(key)
      const label = a.label as string | null
      if (!label) continue
      const p = sigma.graphToViewport({ x: a.x as number, y: a.y as number })
      items.push({
        key,
        x: p.x,
        y: p.y,
        r: sigma.scaleSize(a.size as number, ratio),
        width: this.labelWidth(label),
      })
    }
    const sides = items.length
      ? labelSides(items, { ...LABEL_GEOMETRY, stage: sigma.getDimensions() })
      : new Map<string, LabelSide>()
    const changed: string[] = []
    for (const key of this.sidedLabels) {
      if (sides.has(key) || !g.hasNode(key)) continue
      g.getNodeAttributes(key).ls = 'right'
      changed.push(key)
    }
    this.sidedLabels.clear()
    for (const [key, side] of sides) {
      const a = g.getNodeAttributes(key)
      if (side !== 'right') this.sidedLabels.add(key)
      if ((a.ls ?? 'right') === side) continue
      a.ls = side
      changed.push(key)
    }
    return changed
  }

  /** Nodes whose label is not on the right (to put back when they are no longer forced). */
  private readonly sidedLabels = new Set<string>()

  /** Places the forced labels again and has sigma draw the ones that moved. */
  private refreshMarkedLabels(): void {
    const changed = this.placeMarkedLabels()
    if (changed.length)
      this.sigma?.refresh({
        partialGraph: { nodes: changed },
        skipIndexation: true,
        schedule: true,
      })
  }

  private labelWidth(text: string): number {
    let w = this.labelWidths.get(text)
    if (w === undefined) {
      this.labelMeasure ??= document.createElement('canvas').getContext('2d')
      if (!this.labelMeasure) return text.length * 7
      this.labelMeasure.font = LABEL_FONT
      w = this.labelMeasure.measureText(text).width
      this.labelWidths.set(text, w)
    }
    return w
  }

  private reindexTimer: ReturnType<typeof setTimeout> | null = null

  /** Has sigma index the nodes again (label grid, program order) once nothing restyled them for
   * REINDEX_QUIET_MS. */
  private reindexLater(): void {
    this.cancelReindex()
    this.reindexTimer = setTimeout(() => {
      this.reindexTimer = null
      this.sigma?.refresh({ partialGraph: { nodes: [] }, skipIndexation: false, schedule: true })
    }, this.reindexQuietMs)
  }

  private cancelReindex(): void {
    if (this.reindexTimer) clearTimeout(this.reindexTimer)
    this.reindexTimer = null
  }

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

  /** The edge layer's lists for the current week, filters, diff and overlay: every shown edge in
   * its colour and width by exposure (the base) and the edges an overlay lights over them. A list
   * equal to the one drawn is not handed over (a playback step keeps the same dimmed base). */
  private fillEdges(): void {
    const set = this.edgeSet
    const layer = this.edgeLayer
    const f = this.filtered
    if (!set || !layer || !f) return
    // the other edges faded: the base is the week as drawn without the overlay, shown fainter
    const dim = !!this.overlay?.dimOtherEdges
    const base = this.spareBase
    if (this.fillBase(layer, set, f, dim, base) && !base.equals(layer.base)) {
      this.spareBase = layer.base
      layer.base = base
      layer.baseChanged()
    }
    const shownDim = dim ? DIMMED : 1
    if (layer.dim !== shownDim) {
      layer.dim = shownDim
      this.sigma?.scheduleRender()
    }
    const lit = this.spareLit
    lit.reset(0)
    // lit over the faded base: a playback step then redraws only the lit edges
    if (dim) this.fillLit(set, f, lit)
    if (!lit.equals(layer.lit.overlay)) {
      this.spareLit = layer.lit.overlay
      layer.lit.overlay = lit
      layer.litChanged('overlay')
    }
  }

  /** Fills `base` with the base list, unless what it is made of is what the layer's base was
   * made of (answers false then). Why: a playback round changes only the lit edges over a faded
   * base, and visiting a real-scale week's 75k edges to find the same base again cost ≈ 13 ms of
   * each round's JS (a profile of `bench/scenario-ui.mjs`). */
  private fillBase(
    layer: EdgeLayer,
    set: EdgeSet,
    f: FilterResult,
    dim: boolean,
    base: EdgeItems,
  ): boolean {
    const o = this.overlay
    const c = this.colors
    const shown = this.nodeShown
    const exposureFiltered = !!this.params.filters.exposure
    const made = this.baseMadeOf
    const inputs = {
      layer,
      set,
      colors: c,
      compare: this.compareWeek,
      exposureFiltered,
      overlaid: !!o,
      dim,
      // faded, the base does not show the overlay's colours (fillLit lights them)
      overlayColors: dim ? null : this.overlayEdgeColor,
      extraColors: this.extraEdgeColors,
    }
    if (
      made &&
      (Object.keys(inputs) as (keyof typeof inputs)[]).every((k) => made[k] === inputs[k]) &&
      sameBytes(made.keep, f.edgeKeep) &&
      sameBytes(made.shown, shown)
    )
      return false
    this.baseMadeOf = { ...inputs, keep: f.edgeKeep.slice(), shown: shown.slice() }
    const diffColors = [c.edge, c.added, c.removed, c.grew, c.shrank]
    base.reset(set.count)
    if (this.drawnAs.length < set.count) this.drawnAs = new Int32Array(set.count)
    const drawnAs = this.drawnAs
    for (let k = 0; k < set.count; k++) {
      drawnAs[k] = -1
      const origin = set.origin[k]
      const ref = set.ref[k]
      const s = set.source[k]
      const t = set.target[k]
      // an edge is drawn only between shown nodes
      if (!this.edgeVisible(set, k, f, exposureFiltered) || !shown[s] || !shown[t]) continue
      let width = set.width[k]
      let opacity = set.opacity[k]
      let color: string
      const oc = o && !dim && origin === EdgeOrigin.Week ? this.overlayEdgeColor[ref] : undefined
      if (origin === EdgeOrigin.Extra) {
        if (dim) continue
        color = this.extraEdgeColors[ref] ?? c.accent
      } else if (oc) {
        color = oc
        opacity = Math.max(0.7, opacity)
        width = Math.max(1, width)
      } else {
        color = diffColors[set.diff[k]]
        if (this.compareWeek) opacity = set.diff[k] ? Math.max(0.45, opacity) : opacity * 0.35
      }
      drawnAs[k] = base.count
      base.push(k, s, t, packColor(color, opacity), width)
    }
    return true
  }

  /** What the layer's base list was last filled from (fillBase). */
  private baseMadeOf: {
    layer: EdgeLayer
    set: EdgeSet
    colors: ThemeColors
    compare: LoadedWeek | null
    exposureFiltered: boolean
    overlaid: boolean
    dim: boolean
    overlayColors: (string | undefined)[] | null
    extraColors: string[]
    keep: Uint8Array
    shown: Uint8Array
  } | null = null

  /** Whether edge `k` of `set` passes the filters (its ends aside). */
  private edgeVisible(
    set: EdgeSet,
    k: number,
    f: FilterResult,
    exposureFiltered: boolean,
  ): boolean {
    const origin = set.origin[k]
    return origin === EdgeOrigin.Week
      ? f.edgeKeep[set.ref[k]] === 1
      : origin === EdgeOrigin.Vanished
        ? !exposureFiltered
        : !!this.overlay
  }

  /** Fills `lit` with a faded overlay's lit edges, in the set's order (by exposure), from the
   * edges the overlay recolours and its extra edges only. */
  private fillLit(set: EdgeSet, f: FilterResult, lit: EdgeItems): void {
    const c = this.colors
    const shown = this.nodeShown
    const exposureFiltered = !!this.params.filters.exposure
    const w = this.week
    const weekEdges = w ? w.edgeSource.length : 0
    const at = this.setIndexOf(set, weekEdges)
    // marked by set index, then visited in that order (no sort: a DebtRank round lights 74k)
    if (this.litMarks.length < set.count) this.litMarks = new Uint8Array(set.count)
    const marks = this.litMarks
    for (const e of this.overlayEdges) if (e < weekEdges) marks[at[e]] = 1
    lit.reset(this.overlayEdges.length + set.count - weekEdges)
    for (let k = 0; k < set.count; k++) {
      if (marks[k]) marks[k] = 0
      else if (k < weekEdges || set.origin[k] !== EdgeOrigin.Extra) continue
      const s = set.source[k]
      const t = set.target[k]
      if (!this.edgeVisible(set, k, f, exposureFiltered) || !shown[s] || !shown[t]) continue
      const ref = set.ref[k]
      const oc = set.origin[k] === EdgeOrigin.Week ? this.overlayEdgeColor[ref] : undefined
      const lc = oc ?? this.extraEdgeColors[ref] ?? c.accent
      lit.push(k, s, t, packColor(lc, Math.max(0.7, set.opacity[k])), Math.max(1, set.width[k]))
    }
  }

  /** Each week edge's index in `set` (the set orders them by exposure), built once per set. */
  private setIndexOf(set: EdgeSet, weekEdges: number): Int32Array {
    if (this.setIndex.set !== set) {
      const at = new Int32Array(weekEdges)
      for (let k = 0; k < weekEdges; k++) at[set.ref[k]] = k
      this.setIndex = { set, at }
    }
    return this.setIndex.at
  }

  private litMarks = new Uint8Array(0)
  private setIndex: { set: EdgeSet | null; at: Int32Array } = {
    set: null,
    at: new Int32Array(0),
  }

  /** Called at the next frame that draws the view whole. */
  private wholeWaiters: (() => void)[] = []

  /** Lists the layer does not hold, filled by the next fillEdges. */
  private spareBase = new EdgeItems()
  private spareLit = new EdgeItems()
  /** Each edge's item in the layer's base list (−1: not drawn), by edge of `edgeSet`. */
  private drawnAs = new Int32Array(0)

  /** Lights the hovered node's neighbours (sigma node states) and its drawn edges (the edge
   * layer's hover list, drawn over the base: no edge of the base is drawn again); null unlights. */
  private highlightNeighbourhood(node: string | null): void {
    const sigma = this.sigma
    const layer = this.edgeLayer
    if (!sigma || !layer) return
    const keepSelected = (k: string): boolean => k !== this.selected
    sigma.setNodesState(this.lit.nodes.filter(keepSelected), { isHighlighted: false })
    sigma.setNodesState(this.lit.labelled, hoverLabel(null))
    const hadEdges = layer.lit.hover.count > 0
    this.lit = noLit()
    layer.lit.hover.reset(0)
    const u = this.universe
    const set = this.edgeSet
    const n = node === null || !u ? undefined : u.index.get(node)
    if (n === undefined || !set) {
      if (hadEdges) layer.litChanged('hover')
      sigma.scheduleRender()
      return
    }
    const base = layer.base
    const accent = packColor(this.colors.accent, 0.9)
    const near = new Set<number>()
    for (const e of edgesOf(set, n)) {
      const other = set.source[e] === n ? set.target[e] : set.source[e]
      if (this.nodeShown[other]) near.add(other)
      const k = this.drawnAs[e]
      // lit: one accent colour, at least 1.5 px, so the neighbourhood stands out
      if (k >= 0)
        layer.lit.hover.push(e, set.source[e], set.target[e], accent, Math.max(1.5, base.width(k)))
    }
    near.delete(n)
    const nodes = [...near].map((i) => u!.ids[i])
    sigma.setNodesState(nodes, { isHighlighted: true })
    const sides = this.neighbourLabelSides(u!.ids[n], nodes)
    for (const side of LABEL_SIDES) {
      const keys = [...sides].filter(([, s]) => s === side).map(([k]) => k)
      if (keys.length) sigma.setNodesState(keys, hoverLabel(side))
    }
    layer.litChanged('hover')
    this.lit = { nodes, node: n, labelled: [...sides.keys()] }
    sigma.scheduleRender()
  }

  /**
   * Which of a hovered node's neighbours get a label, and on which side: the largest ones whose
   * label covers no other, no labelled node, neither the hovered node nor its label, no forced
   * label, and stays on the stage (label-sides.ts clearLabelSides). Every neighbour labelled
   * printed a hub's hundreds of names over each other.
   */
  private neighbourLabelSides(hovered: string, nodes: string[]): Map<string, LabelSide> {
    const sigma = this.sigma
    const g = this.graph
    if (!sigma || !g) return new Map()
    const ratio = sigma.getCamera().getState().ratio
    const stage = sigma.getDimensions()
    const item = (key: string): LabelItem | null => {
      const a = g.getNodeAttributes(key)
      const label = a.label as string | null
      if (!label) return null
      const p = sigma.graphToViewport({ x: a.x as number, y: a.y as number })
      const r = sigma.scaleSize(a.size as number, ratio)
      return { key, x: p.x, y: p.y, r, width: this.labelWidth(label) }
    }
    const forced = new Set(this.marked)
    const obstacles: LabelBox[] = []
    for (const key of [hovered, ...this.marked]) {
      const it = g.hasNode(key) ? item(key) : null
      if (!it) continue
      const side = (g.getNodeAttribute(key, 'ls') as LabelSide | undefined) ?? 'right'
      obstacles.push(labelBox(it, side, LABEL_GEOMETRY), discOf(it))
    }
    const candidates: LabelItem[] = []
    for (const key of nodes) {
      if (forced.has(key)) continue
      const it = item(key)
      if (it && it.x >= 0 && it.y >= 0 && it.x <= stage.width && it.y <= stage.height)
        candidates.push(it)
    }
    // the largest few hundred: a hub's thousands would cost more than a hover's frame
    candidates.sort((a, b) => b.r - a.r)
    return clearLabelSides(
      candidates.slice(0, MAX_LABEL_CANDIDATES),
      { ...LABEL_GEOMETRY, stage },
      obstacles,
      MAX_NEIGHBOUR_LABELS,
    )
  }

  /** How the edges of `node` are drawn now (stories): lit (`topEdges`) or in the base (`edges`),
   * with their colour and width. */
  private edgesDrawnOf(
    node: string,
  ): { source: string; target: string; depth: string; color: string; size: number }[] {
    const u = this.universe
    const set = this.edgeSet
    const layer = this.edgeLayer
    const n = u?.index.get(node)
    if (!set || !layer || n === undefined) return []
    const litAt = new Map<number, [number, number]>()
    for (const why of ['overlay', 'hover'] as const) {
      const list = layer.lit[why]
      for (let k = 0; k < list.count; k++) litAt.set(list.edge[k], [list.color(k), list.width(k)])
    }
    const out: ReturnType<GraphView['edgesDrawnOf']> = []
    for (const e of edgesOf(set, n)) {
      const k = this.drawnAs[e]
      if (k < 0) continue
      const l = litAt.get(e)
      const ends = { source: u!.ids[set.source[e]], target: u!.ids[set.target[e]] }
      out.push(
        l
          ? { ...ends, depth: 'topEdges', color: cssOfPacked(l[0]), size: l[1] }
          : {
              ...ends,
              depth: 'edges',
              color: cssOfPacked(layer.baseColor(k)),
              size: layer.base.width(k),
            },
      )
    }
    return out
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
    const set = this.edgeSet
    for (let k = 0; set && k < set.count; k++)
      if (set.origin[k] !== EdgeOrigin.Extra) counts[set.diff[k]]++
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
    const before = this.settings()
    this.params.filters = f
    const name = filterChangeName(before.filters, f)
    this.recordChange(before, name, `filters: ${name}`)
    this.showThreshold()
    this.save()
    this.recompute()
  }

  /** The settings undo and redo restore: a step keeps its own filters object, whatever the view
   * holds next. */
  private settings(): ViewSettings {
    const { colorBy, filters, compare } = this.params
    return { colorBy: colorBy ?? 'category', filters: { ...filters! }, compare: compare ?? null }
  }

  private recordChange(before: ViewSettings, label: string, kind?: string): void {
    this.history.record(before, this.settings(), label, kind)
    this.showHistory()
  }

  /** Takes back the last change of filters, colour or diff (Ctrl+Z); false when there was none. */
  async undoView(): Promise<boolean> {
    const step = this.history.undo(this.settings())
    if (step) await this.applySettings(step.state)
    return step !== null
  }

  /** Applies again the change undone last (Ctrl+Shift+Z); false when there was none. */
  async redoView(): Promise<boolean> {
    const step = this.history.redo(this.settings())
    if (step) await this.applySettings(step.state)
    return step !== null
  }

  get canUndo(): boolean {
    return this.history.undoLabel !== null
  }

  get canRedo(): boolean {
    return this.history.redoLabel !== null
  }

  private async applySettings(s: ViewSettings): Promise<void> {
    this.showHistory()
    this.params.colorBy = s.colorBy
    this.colorSelect.value = s.colorBy
    this.params.filters = s.filters
    this.showThreshold()
    // a new diff reloads the edges and recomputes; otherwise recompute here
    if (s.compare !== (this.params.compare ?? null)) await this.setCompare(s.compare)
    else {
      this.save()
      this.recompute()
    }
  }

  /** The Undo and Redo buttons: enabled when there is a step, titled with what it changes. */
  private showHistory(): void {
    for (const [b, what, label, keys] of [
      [this.undoButton, 'Undo', this.history.undoLabel, keyLabel('$mod+Z')],
      [this.redoButton, 'Redo', this.history.redoLabel, keyLabel('$mod+Shift+Z')],
    ] as const) {
      b.disabled = label === null
      const title =
        label === null ? `${what} (nothing to ${what.toLowerCase()})` : `${what} ${label} (${keys})`
      b.title = title
      b.setAttribute('aria-label', title)
    }
  }

  /** The exposure slider and its label, from the exposure filter's lower end. */
  private showThreshold(): void {
    const e = this.params.filters.exposure
    const v = e && e[0] > 0 ? Math.log10(e[0]) : 0
    if (Math.abs(Number(this.thresholdInput.value) - v) > 1e-9)
      this.thresholdInput.value = String(v)
    this.thresholdLabel.textContent = v > 0 ? `edges ≥ ${usd(10 ** v)}` : 'all edges'
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
    // (a graph not handed to sigma yet gets the selection's state when it is: recompute)
    const sigma = this.handedOver ? this.sigma : null
    if (before && before !== after && g.hasNode(before)) {
      g.setNodeAttribute(before, 'mark', !!marked?.has(before))
      sigma?.setNodeState(before, { isHighlighted: false })
    }
    if (after && g.hasNode(after)) {
      g.setNodeAttribute(after, 'mark', true)
      sigma?.setNodeState(after, { isHighlighted: true })
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
        this.drawnEdges(),
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

  /** The edges as the layer draws them, the overlay's lit ones last (over the others). */
  private *drawnEdges(): Generator<DrawnEdge> {
    const layer = this.edgeLayer
    const u = this.universe
    if (!layer || !u) return
    for (const list of [layer.base, layer.lit.overlay])
      for (let k = 0, o = 0; k < list.count; k++, o += ITEM_WORDS)
        yield {
          source: u.ids[list.data[o]],
          target: u.ids[list.data[o + 1]],
          color: cssOfPacked(list === layer.base ? layer.baseColor(k) : list.color(k)),
          width: list.width(k),
        }
  }

  /** The theme's colours on the stage, the timeline and (`restyle`) the graph. */
  private applyTheme(c: ThemeColors, restyle = true): void {
    this.colors = c
    this.stage.style.background = c.background
    this.timeline.setColors({ line: c.accent, bars: withAlpha(c.muted, 0.35), marker: c.removed })
    if (!restyle) return
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

/** The part of sigma 4.0.4's renderer that `swapGraph` points at the new graph (not in its public
 * types; pinned version in package.json). */
interface SigmaEdgeIndex {
  edgeGroups: { graph: Graph }
}

/** Up to this share of the nodes shown or hidden (with those resized), sigma's label grid is
 * rebuilt after REINDEX_QUIET_MS without a restyle (recompute), not at once; nodes only resized,
 * however many, always. */
const LATE_GRID_SHARE = 0.1
/** sigma's label font and placement (its defaults: 12 px, a 5 px gap from the node's edge). */
const LABEL_FONT = '12px sans-serif'
const LABEL_GEOMETRY = { height: 14, margin: 5 }
/** A hovered node's neighbours considered for a label (largest first), and labelled at most. */
const MAX_LABEL_CANDIDATES = 400
const MAX_NEIGHBOUR_LABELS = 60

interface Lit {
  nodes: string[]
  node: number
  labelled: string[]
}
const noLit = (): Lit => ({ nodes: [], node: -1, labelled: [] })

/** The item state of a hovered node's labelled neighbour (null: not labelled). Custom states of
 * sigma's, untyped in the view's instance. */
const hoverLabel = (side: LabelSide | null): Record<string, unknown> => ({
  isLabelled: side !== null,
  labelSide: side,
})
const LABEL_REST_MS = 150
const REINDEX_QUIET_MS = 400

// Sigma 4 styles bound to attributes that recompute() writes, with the hover highlight as an item
// state. No reducers: sigma merges a reducer's result into its display data with a generic object
// spread on every refresh of every item, which cost ~1 s per real-scale week in software WebGL;
// attribute bindings write straight into the display data, and item states restyle only the items
// whose state changed (a hover touches the hovered node's neighbourhood). No edge styles: sigma
// holds no edge (edge-layer.ts).
/** Item states of the view's own (sigma's are built in). */
interface NodeLabelState {
  isLabelled: boolean
  labelSide: LabelSide | null
}

const GRAPH_STYLES: StylesDeclaration<Attributes, Attributes, NodeLabelState> = {
  nodes: [
    {
      x: { attribute: 'x' },
      y: { attribute: 'y' },
      size: { attribute: 'size', defaultValue: 2 },
      color: { attribute: 'color', defaultValue: '#999' },
      label: { attribute: 'label' },
      labelColor: { attribute: 'lc', defaultValue: '#000' },
      // the side of a forced label (label-sides.ts); the others stay on the right
      labelPosition: { attribute: 'ls', defaultValue: 'right' },
      // (a state list is an AND in sigma 4: an OR is nested)
      depth: {
        whenState: 'isHovered',
        then: 'topNodes',
        else: { whenState: 'isHighlighted', then: 'topNodes', else: 'nodes' },
      },
      // Every label in one depth, over all nodes. Why: sigma 4.0.4 builds the labels of each
      // depth into one shared buffer and, on a frame where no label changed, draws that buffer
      // again for each depth — the last depth's labels only. With the selection's label on top
      // and the others beneath, every frame after the first (the node layer drawn again at rest,
      // a hover) lost all labels but the selection's.
      labelDepth: 'topNodes',
    },
    { whenData: 'hidden', then: { visibility: 'hidden' } },
    { whenData: 'mark', then: { labelVisibility: 'visible', depth: 'topNodes' } },
    // a hovered node's labelled neighbours, on their side (item states: a nested conditional
    // in the first rule slowed the first process of a real-scale week by ≈ 0.3 s)
    { whenState: 'isLabelled', then: { labelVisibility: 'visible' } },
    { whenState: { labelSide: 'left' }, then: { labelPosition: 'left' } },
    { whenState: { labelSide: 'above' }, then: { labelPosition: 'above' } },
    { whenState: { labelSide: 'below' }, then: { labelPosition: 'below' } },
  ],
}

/** Edge widths and opacities on one scale for every week: the largest TVL of any node bounds any
 * exposure to it. */
function weekEdgeScale(u: LoadedUniverse, w: LoadedWeek): ReturnType<typeof edgeScale> {
  return edgeScale(Math.max(1, maxOf(u.maxSize), maxOf(w.edgeWeight)))
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
