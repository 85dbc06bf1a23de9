// The forecast overlay on one graph: loads a stored forecast (or runs it as a job), draws it with
// `GraphView.setOverlay`, rebuilds it when the threshold moves (coalesced: a slider dragged faster
// than the graph draws only draws the latest value) and notices when the graph drops it (a week
// switch). The side view, the table and the forecast commands share this one controller.
import { Emitter } from '../../services/events'
import type { Workbench } from '../context'
import type { GraphOverlay } from '../graph/overlay'
import type { GraphView } from '../graph/view'
import {
  loadForecast,
  loadStoredRun,
  sameRun,
  showModelStatus,
  type ForecastRun,
  type LoadedForecast,
} from './frame'
import { buildForecastOverlay, type ForecastColors, type OverlayCounts } from './overlay-builder'

/** Test and benchmark hooks: the overlay's state and where its time went. */
export interface ForecastStatus {
  graphId: string | null
  week: string | null
  horizon: number | null
  runId: number | null
  threshold: number | null
  counts: OverlayCounts | null
  /** ms: frame call + decode, per-run preparation, overlay build, setOverlay to first frame;
   * `waitAhead`: how long the show waited for the run loaded ahead (0 when it was ready). */
  timings: Record<string, number>
  /** Whether the last show drew a run loaded ahead (`prefetch`) rather than one it loaded. */
  loadedAhead: boolean
  /** ms from "show" (or a threshold change) to the first frame drawn with the overlay. */
  lastShowMs: number | null
  lastThresholdMs: number | null
  /** Threshold changes drawn (a test waits for the next one). */
  draws: number
}

declare global {
  interface Window {
    __forecast?: ForecastStatus
  }
}

/** The colours of the overlay for the current theme: the diff colours, and violet for new pairs. */
export function forecastColors(wb: Workbench): ForecastColors {
  const c = wb.theme.colors
  return {
    appear: c.kind === 'dark' ? '#c77dff' : '#9d2fd6',
    vanish: c.removed,
    grew: c.grew,
    shrank: c.shrank,
    edge: c.edge,
  }
}

export class ForecastOverlay {
  loaded: LoadedForecast | null = null
  graphId: string | null = null
  threshold = 0.5
  counts: OverlayCounts | null = null
  /** Fires when the overlay is drawn, redrawn at another threshold, or dropped. */
  readonly changed = new Emitter<'shown' | 'threshold' | 'dropped'>()
  private current: GraphOverlay | null = null
  /** The last forecast loaded (kept after a clear: showing it again needs no engine call). */
  private lastLoaded: LoadedForecast | null = null
  /** A stored run loading ahead of "Show on graph" (`prefetch`). */
  private ahead: {
    week: string
    horizon: number
    run: ForecastRun
    loading: Promise<LoadedForecast | null>
  } | null = null
  /** Shows in progress (a prefetch then waits for the next render). */
  private showing = 0
  private offGraph: (() => void) | null = null
  private drawing: Promise<void> | null = null
  private pending: number | null = null
  readonly status: ForecastStatus = {
    graphId: null,
    week: null,
    horizon: null,
    runId: null,
    threshold: null,
    counts: null,
    timings: {},
    loadedAhead: false,
    lastShowMs: null,
    lastThresholdMs: null,
    draws: 0,
  }

  constructor(private readonly wb: Workbench) {
    window.__forecast = this.status
    wb.theme.changed.on(() => {
      if (this.shown) void this.redraw().catch(wb.report)
    })
  }

  /** Whether our overlay is on its graph now. */
  get shown(): boolean {
    const g = this.graphId ? this.wb.graphById(this.graphId) : null
    return !!g && !!this.current && g.currentOverlay === this.current
  }

  get graph(): GraphView | null {
    return this.graphId ? this.wb.graphById(this.graphId) : null
  }

  /**
   * Starts loading a stored run the side view names, so that "Show on graph" then only draws it:
   * the frame call, its decode and the preparation (a real-scale run's 5 MB) happen while the
   * analyst reads the panel. One run is loaded ahead at a time, the last one asked for; a failure
   * is logged here, and the show that meets it loads the run again and reports its own error.
   */
  prefetch(week: string, horizon: number, run: ForecastRun): void {
    // a show in progress loads the run itself
    if (this.showing) return
    if (this.lastLoaded && sameRun(this.lastLoaded.run, run)) return
    if (this.ahead && sameRun(this.ahead.run, run)) return
    const loading = loadStoredRun(this.wb, week, horizon, run).catch((e: unknown) => {
      this.wb.log.add(
        'warning',
        'forecast',
        `loading run #${run.run_id} ahead of "Show on graph" failed: ${e instanceof Error ? e.message : String(e)}`,
      )
      return null
    })
    this.ahead = { week, horizon, run, loading }
  }

  /**
   * Shows the forecast of (graph's week, horizon) on `graph`: the stored run, or (with `compute`)
   * a new one run as a job. Returns false when nothing is stored and `compute` is false.
   */
  async show(graphId: string, horizon: number, compute = true): Promise<boolean> {
    this.showing++
    try {
      return await this.showNow(graphId, horizon, compute)
    } finally {
      this.showing--
    }
  }

  private async showNow(graphId: string, horizon: number, compute: boolean): Promise<boolean> {
    const t0 = performance.now()
    const graph = this.wb.graphById(graphId)
    const week = graph?.currentWeek
    if (!graph || !week) throw new Error('no graph shows a week: open a week first')
    // a run loading ahead for this week and horizon is waited for, not loaded a second time
    const ahead = this.ahead
    let waitAhead = 0
    let fromAhead: LoadedForecast | null = null
    if (ahead && ahead.week === week && ahead.horizon === horizon) {
      this.ahead = null
      const w0 = performance.now()
      fromAhead = await ahead.loading
      waitAhead = performance.now() - w0
      if (fromAhead) this.lastLoaded = fromAhead
    }
    const loaded = await loadForecast(this.wb, week, horizon, compute, this.lastLoaded)
    if (!loaded) return false
    const drewAhead = fromAhead !== null && loaded.run === fromAhead.run
    this.lastLoaded = loaded
    if (graph.currentWeek !== week)
      throw new Error(`the graph moved to week ${graph.currentWeek} while the forecast loaded`)
    this.release()
    this.loaded = loaded
    this.graphId = graphId
    this.threshold = loaded.prepared.cut
    this.offGraph = graph.overlayChanged.on((o) => {
      // another overlay replaced ours, or a week switch dropped it
      if (o !== this.current) this.dropped()
    })
    Object.assign(this.status, {
      graphId,
      week,
      horizon,
      runId: loaded.run.run_id,
      // a run loaded ahead carries the timings of its own load
      timings: { ...(drewAhead ? fromAhead!.timings : loaded.timings), waitAhead },
      loadedAhead: drewAhead,
    })
    await this.draw(graph)
    this.status.lastShowMs = performance.now() - t0
    showModelStatus(this.wb, loaded.run)
    this.changed.emit('shown')
    return true
  }

  /** Moves the threshold; draws it at once, or after the draw in progress (latest value wins). */
  setThreshold(threshold: number): Promise<void> {
    this.threshold = threshold
    if (this.drawing) {
      this.pending = threshold
      return this.drawing
    }
    const graph = this.graph
    if (!graph || !this.loaded) return Promise.resolve()
    const t0 = performance.now()
    this.drawing = (async () => {
      try {
        await this.draw(graph)
        this.status.lastThresholdMs = performance.now() - t0
        this.status.draws++
        this.changed.emit('threshold')
      } finally {
        this.drawing = null
      }
      if (this.pending !== null && this.pending !== this.counts?.threshold) {
        const next = this.pending
        this.pending = null
        await this.setThreshold(next)
      } else this.pending = null
    })()
    return this.drawing
  }

  /** Removes the overlay from its graph. */
  async clear(): Promise<void> {
    const g = this.graph
    if (g && this.shown) await g.setOverlay(null)
    this.dropped()
  }

  private async redraw(): Promise<void> {
    const g = this.graph
    if (g && this.loaded) await this.draw(g)
  }

  private async draw(graph: GraphView): Promise<void> {
    const loaded = this.loaded!
    const t0 = performance.now()
    const { overlay, counts } = buildForecastOverlay(
      loaded.prepared,
      this.threshold,
      forecastColors(this.wb),
    )
    const t1 = performance.now()
    this.current = overlay
    this.counts = counts
    this.status.threshold = this.threshold
    this.status.counts = counts
    await graph.setOverlay(overlay)
    this.status.timings.build = t1 - t0
    this.status.timings.setOverlay = performance.now() - t1
  }

  private dropped(): void {
    const had = this.loaded !== null
    this.release()
    this.loaded = null
    this.graphId = null
    this.counts = null
    Object.assign(this.status, { graphId: null, threshold: null, counts: null })
    if (had) this.changed.emit('dropped')
  }

  private release(): void {
    this.offGraph?.()
    this.offGraph = null
    this.current = null
  }
}
