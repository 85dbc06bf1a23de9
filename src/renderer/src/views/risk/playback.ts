// Plays a contagion run on the graph: step, play, first and last through its rounds, each round
// one `GraphView.setOverlay` (node colours by state, sizes by loss, shocked nodes marked, the edges
// that carried loss in the round). "Split by method" opens a second graph beside the first and
// steps both together (aligned by round: the methods take different numbers of rounds). The
// per-round overlays come from PlaybackFrames (built once per round, then reused).
import { pairCode } from '../graph/overlay'
import type { GraphView } from '../graph/view'
import type { Workbench } from '../context'
import { usd } from '../../ui/format'
import {
  alignedStep,
  decodePlayback,
  METHOD_LABELS,
  PlaybackFrames,
  type MethodName,
} from './playback-model'
import { whenGraphShows } from '../graph/when-shown'

const PLAY_INTERVAL_MS = 700

/** A graph showing `week`: the active one (switched to the week), or a new tab / split. */
export async function graphShowing(
  wb: Workbench,
  week: string,
  split?: 'right',
): Promise<{ id: string; graph: GraphView }> {
  if (!wb.archive.has(week))
    throw new Error(`week ${week} is not archived: the graph cannot show it`)
  const active = split ? null : wb.activeGraph()
  // a split opens beside the active editor: make it the graph, not the scenario's own tab
  if (split) {
    const g = wb.activeGraph()
    const gid = g && wb.editors.ids().find((x) => wb.graphById(x) === g)
    if (gid) wb.editors.dock.getPanel(gid)?.api.setActive()
  }
  const id = wb.openGraph(week, split)
  if (!id) throw new Error('no graph could be opened (the archive has no weeks)')
  const graph = active ?? wb.graphById(id)
  if (!graph) throw new Error(`graph tab ${id} did not open`)
  if (active && active.currentWeek !== week) await active.showWeek(week)
  await whenGraphShows(wb, id, week)
  return { id, graph }
}

interface Lane {
  method: MethodName
  graph: GraphView
  graphId: string
  frames: PlaybackFrames
  /** The overlay this lane set last (the graph's overlayChanged tells ours from another's). */
  current: unknown
  off: () => void
}

export interface PlaybackTarget {
  runId: number
  scenario: string
  /** The week the graph shows for this run (the observed or realised week; a forecast's t). */
  showWeek: string
  /** True when the run's graph is a forecast: carriers outside the shown week are extra edges. */
  forecast: boolean
}

/** What the editor's controls show after each step. */
export interface PlaybackState {
  playing: boolean
  step: number
  steps: number
  /** ms from the step asked for to its overlays drawn on every graph. */
  stepMs: number | null
  lanes: { method: MethodName; title: string; graphId: string; overlayMs: number | null }[]
}

export class PlaybackController {
  private lanes: Lane[] = []
  private step = 0
  private timer: ReturnType<typeof setInterval> | null = null
  private applying: Promise<void> = Promise.resolve()
  private readonly frameCache = new Map<MethodName, Promise<PlaybackFrames>>()
  /** ms of the last step: its overlays built (first time) or looked up, set and drawn. */
  private stepMs: number | null = null

  constructor(
    private readonly wb: Workbench,
    private readonly target: PlaybackTarget,
    private readonly onState: (s: PlaybackState | null) => void,
  ) {}

  get attached(): boolean {
    return this.lanes.length > 0
  }

  get steps(): number {
    return this.lanes[0]?.frames.length ?? 0
  }

  /** Loads (once) and precomputes the playback of one method. */
  frames(method: MethodName): Promise<PlaybackFrames> {
    let p = this.frameCache.get(method)
    if (!p) {
      p = this.loadFrames(method)
      p.catch(() => this.frameCache.delete(method))
      this.frameCache.set(method, p)
    }
    return p
  }

  private async loadFrames(method: MethodName): Promise<PlaybackFrames> {
    const wb = this.wb
    const [resp, u0] = await Promise.all([
      wb.api.call('risk.playback', {
        runId: this.target.runId,
        scenario: this.target.scenario,
        method,
      }),
      wb.data.loadUniverse(),
    ])
    let u = u0
    if (resp.revision !== u.revision) {
      // the universe was re-laid out or grew since it was loaded: indices follow the engine's
      wb.data.reset()
      u = await wb.data.loadUniverse()
      if (resp.revision !== u.revision)
        throw new Error(
          `the playback uses universe revision ${resp.revision}, the graph ${u.revision}: reload the archive`,
        )
    }
    let weekEdges: Set<number> | undefined
    if (this.target.forecast) {
      const w = await wb.data.loadWeek(this.target.showWeek)
      weekEdges = new Set<number>()
      for (let e = 0; e < w.edgeSource.length; e++)
        weekEdges.add(pairCode(w.edgeSource[e], w.edgeTarget[e], u.ids.length))
    }
    return new PlaybackFrames(decodePlayback(resp), { ids: u.ids, usd, weekEdges })
  }

  /**
   * Plays `methods` (one, or two side by side) on graphs showing the run's week: the first on the
   * active graph, the second on a graph split to its right.
   */
  async attach(methods: MethodName[]): Promise<void> {
    this.detach()
    const frames = await Promise.all(methods.map((m) => this.frames(m)))
    const lanes: Lane[] = []
    for (let i = 0; i < methods.length; i++) {
      const { id, graph } = await graphShowing(
        this.wb,
        this.target.showWeek,
        i === 0 ? undefined : 'right',
      )
      const lane: Lane = {
        method: methods[i],
        graph,
        graphId: id,
        frames: frames[i],
        current: null,
        off: () => {},
      }
      // a week switch drops the overlay, another view may set its own: the playback lets go
      lane.off = graph.overlayChanged.on((o) => {
        if (this.lanes.includes(lane) && (o === null || o !== lane.current)) this.detach()
      })
      lanes.push(lane)
    }
    this.lanes = lanes
    this.step = 0
    await this.show(0)
  }

  /** Stops playing, removes the overlays this playback drew. */
  detach(clear = false): void {
    this.pause()
    const lanes = this.lanes
    this.lanes = []
    for (const l of lanes) {
      l.off()
      if (clear) void l.graph.setOverlay(null).catch((e) => this.wb.report(e))
    }
    if (lanes.length) this.onState(null)
  }

  /** Shows step k (clamped) on every lane; resolves when drawn. */
  show(k: number): Promise<void> {
    const next = this.applying.then(() => this.apply(k))
    this.applying = next.catch(() => {})
    return next
  }

  private async apply(k: number): Promise<void> {
    if (!this.lanes.length) return
    const t0 = performance.now()
    const lead = this.lanes[0]
    const step = Math.max(0, Math.min(lead.frames.length - 1, k))
    this.step = step
    const round = lead.frames.run.steps[step].round
    await Promise.all(
      this.lanes.map((l, i) => {
        const overlay = l.frames.frame(i === 0 ? step : alignedStep(l.frames, round)).overlay
        l.current = overlay
        return l.graph.setOverlay(overlay)
      }),
    )
    this.stepMs = performance.now() - t0
    this.emit()
    this.prepare(step + 1)
  }

  /** Builds step k's overlays once this frame is painted, while the analyst looks at the step
   * before (a first visit then only sets them: ≈ 50 ms a step on a real-scale week). */
  private prepare(k: number): void {
    const lanes = this.lanes
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (this.lanes !== lanes || k >= (lanes[0]?.frames.length ?? 0)) return
        const round = lanes[0].frames.run.steps[k].round
        lanes.forEach((l, i) => l.frames.frame(i === 0 ? k : alignedStep(l.frames, round)))
      }, 0),
    )
  }

  private emit(): void {
    this.onState({
      playing: this.timer !== null,
      step: this.step,
      steps: this.steps,
      stepMs: this.stepMs,
      lanes: this.lanes.map((l) => ({
        method: l.method,
        title: l.graph.currentOverlay?.title ?? METHOD_LABELS[l.method],
        graphId: l.graphId,
        overlayMs: l.graph.lastOverlayMs,
      })),
    })
  }

  first(): Promise<void> {
    this.pause()
    return this.show(0)
  }

  last(): Promise<void> {
    this.pause()
    return this.show(this.steps - 1)
  }

  next(): Promise<void> {
    this.pause()
    return this.show(this.step + 1)
  }

  previous(): Promise<void> {
    this.pause()
    return this.show(this.step - 1)
  }

  get playing(): boolean {
    return this.timer !== null
  }

  /** Plays from the current round (from the first when at the last) to the last. */
  play(): void {
    if (this.timer || !this.lanes.length) return
    if (this.step >= this.steps - 1) void this.show(0).catch((e) => this.wb.report(e))
    this.timer = setInterval(() => {
      if (this.step >= this.steps - 1) {
        this.pause()
        return
      }
      void this.show(this.step + 1).catch((e) => {
        this.pause()
        this.wb.report(e)
      })
    }, PLAY_INTERVAL_MS)
    this.emit()
  }

  pause(): void {
    if (!this.timer) return
    clearInterval(this.timer)
    this.timer = null
    if (this.lanes.length) this.emit()
  }

  dispose(): void {
    this.detach()
  }
}
