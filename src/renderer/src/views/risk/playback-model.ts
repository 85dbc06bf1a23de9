// Contagion playback as graph overlays: the engine sends a run's steps as changes (positions in a
// list of touched nodes, their new loss and state, the edges that carried loss), in universe
// indices. Here they are applied once into per-step arrays (cumulative loss and state of every
// touched node after each step), and each step's overlay (node colours and sizes, the shocked
// nodes marked, the carrying edges recoloured, legend with counts, title) is built on first use
// and kept, so stepping back and forth costs a Map lookup plus the graph's own redraw.
// Pure: no DOM, unit-tested (test/renderer/views/risk/playback-model.test.ts).
import type { CallResponse } from '../../../../shared/api'
import { decodeFloat64, decodeInt32 } from '../../../../shared/packed'
import { carriersOfSteps } from '../../../../shared/risk/carriers'
import type { LegendEntry } from '../graph/appearance'
import { pairCode, type EdgePairs, type GraphOverlay, type OverlayEdge } from '../graph/overlay'

export type PlaybackResponse = CallResponse<'risk.playback'>
export type MethodName = PlaybackResponse['method']

export const METHOD_LABELS: Record<MethodName, string> = {
  reference: 'Reference cascade',
  debtrank: 'DebtRank',
  'eisenberg-noe': 'Eisenberg–Noe',
}

/** Node states as the engine numbers them (docs/risk.md, "Playback"). */
export const HEALTHY = 0
export const DISTRESSED = 1
export const DEFAULTED = 2

export interface PlaybackColors {
  /** A node with a loss that is not (yet) distressed. */
  hit: string
  distressed: string
  defaulted: string
  /** Edges that carried loss in the step. */
  carrier: string
}

/** Readable on the light and dark graph backgrounds: amber → orange → deep red. */
export const PLAYBACK_COLORS: PlaybackColors = {
  hit: '#e6b400',
  distressed: '#f0701a',
  defaulted: '#b3001b',
  carrier: '#d62728',
}

export interface DecodedStep {
  round: number
  loss: number
  distressed: number
  newlyDistressed: number
  changed: Int32Array
  nodeLoss: Float64Array
  nodeState: Int32Array
  /** The edges that carry loss at this step (rebuilt from the engine's changes). */
  edgeSource: Int32Array
  edgeTarget: Int32Array
}

export interface DecodedPlayback {
  runId: number
  scenario: string
  method: MethodName
  variant: string
  graph: PlaybackResponse['graph']
  week: string
  targetWeek: string
  revision: number
  matchesStored: boolean
  /** Universe index of each touched node. */
  nodes: Int32Array
  tvl: Float64Array
  /** Universe indices of the shocked nodes. */
  shocked: Int32Array
  steps: DecodedStep[]
}

export function decodePlayback(r: PlaybackResponse): DecodedPlayback {
  const carriers = carriersOfSteps(
    r.steps.map((s) => ({
      source: decodeInt32(s.edgeSource),
      target: decodeInt32(s.edgeTarget),
      stopped: decodeInt32(s.edgeStopped),
    })),
  )
  return {
    runId: r.runId,
    scenario: r.scenario,
    method: r.method,
    variant: r.variant,
    graph: r.graph,
    week: r.week,
    targetWeek: r.targetWeek,
    revision: r.revision,
    matchesStored: r.matchesStored,
    nodes: decodeInt32(r.nodes),
    tvl: decodeFloat64(r.tvl),
    shocked: decodeInt32(r.shocked),
    steps: r.steps.map((s, k) => ({
      round: s.round,
      loss: s.loss,
      distressed: s.distressed,
      newlyDistressed: s.newlyDistressed,
      changed: decodeInt32(s.changed),
      nodeLoss: decodeFloat64(s.nodeLoss),
      nodeState: decodeInt32(s.nodeState),
      edgeSource: carriers[k].source,
      edgeTarget: carriers[k].target,
    })),
  }
}

export interface StepCounts {
  /** Touched nodes with a loss that are not distressed. */
  hit: number
  distressed: number
  defaulted: number
  shocked: number
  /** Edges that carried loss in this step. */
  carriers: number
}

export interface PlaybackFrame {
  step: number
  round: number
  loss: number
  counts: StepCounts
  overlay: GraphOverlay
}

export interface FrameOptions {
  /** Universe ids by index (graph.universe), to name nodes and edges as the graph does. */
  ids: readonly string[]
  colors?: PlaybackColors
  /** USD formatter for the title (ui/format's usd). */
  usd: (x: number) => string
  /**
   * The edges of the week the graph shows, by `pairCode` over `ids`. Carriers outside it (a
   * forecast graph's predicted edges) are drawn as extra edges; absent: every carrier is taken as
   * a week edge.
   */
  weekEdges?: ReadonlySet<number>
  /** Node size range in pixels for the loss scale (default 2 … 12, the graph's own TVL range). */
  minSize?: number
  maxSize?: number
}

/** Sizes are kept to a tenth of a pixel (at the default zoom: a difference never seen). */
const SIZE_STEPS_PER_PIXEL = 10

/**
 * Pixel size of a node by its loss: √ scale against the largest loss of the whole run, to a tenth
 * of a pixel. Why rounded: DebtRank's later rounds change most nodes' losses by a hair; unrounded,
 * every round resized ≈ 9,300 of a real-scale week's nodes (sigma re-processes and the node layer
 * is drawn again: ≈ 150 ms a step in software WebGL), rounded, tens and then none (BENCHMARKS.md).
 */
export function lossSize(loss: number, maxLoss: number, min = 2, max = 12): number {
  if (!(loss > 0) || !(maxLoss > 0)) return min
  const size = min + (max - min) * Math.sqrt(Math.min(1, loss / maxLoss))
  return Math.round(size * SIZE_STEPS_PER_PIXEL) / SIZE_STEPS_PER_PIXEL
}

/**
 * The run's state after every step, applied once: `loss[k * n + i]` and `state[k * n + i]` for
 * touched node i after step k. Memory n × steps × 9 bytes (10k nodes × 100 steps ≈ 9 MB).
 */
export class PlaybackFrames {
  readonly n: number
  readonly length: number
  readonly loss: Float64Array
  readonly state: Uint8Array
  readonly maxLoss: number
  private readonly frames: (PlaybackFrame | undefined)[]
  private readonly shockedIds: Set<string>
  private readonly colors: PlaybackColors

  constructor(
    readonly run: DecodedPlayback,
    private readonly o: FrameOptions,
  ) {
    const n = run.nodes.length
    const steps = run.steps.length
    this.n = n
    this.length = steps
    this.loss = new Float64Array(n * steps)
    this.state = new Uint8Array(n * steps)
    let maxLoss = 0
    for (let k = 0; k < steps; k++) {
      const base = k * n
      if (k > 0) {
        this.loss.copyWithin(base, base - n, base)
        this.state.copyWithin(base, base - n, base)
      }
      const s = run.steps[k]
      for (let c = 0; c < s.changed.length; c++) {
        const i = s.changed[c]
        if (i < 0 || i >= n)
          throw new Error(`playback step ${k} changes node position ${i} outside 0…${n - 1}`)
        this.loss[base + i] = s.nodeLoss[c]
        this.state[base + i] = s.nodeState[c]
        if (s.nodeLoss[c] > maxLoss) maxLoss = s.nodeLoss[c]
      }
      // carriers reach the graph by index: an index outside the universe is refused here
      for (const ends of [s.edgeSource, s.edgeTarget])
        for (let c = 0; c < ends.length; c++)
          if (!(ends[c] >= 0 && ends[c] < o.ids.length)) this.id(ends[c])
    }
    this.maxLoss = maxLoss
    this.frames = new Array<PlaybackFrame | undefined>(steps)
    this.shockedIds = new Set(Array.from(run.shocked, (u) => this.id(u)))
    this.colors = o.colors ?? PLAYBACK_COLORS
  }

  private id(u: number): string {
    const id = this.o.ids[u]
    if (id === undefined) throw new Error(`playback names universe index ${u}, not in the universe`)
    return id
  }

  /** The last step's round (the run's length in rounds). */
  get lastRound(): number {
    return this.length ? this.run.steps[this.length - 1].round : 0
  }

  /** The overlay of step k (built on first use, then kept). */
  frame(k: number): PlaybackFrame {
    if (!(k >= 0 && k < this.length))
      throw new Error(`no playback step ${k} (0…${this.length - 1})`)
    return (this.frames[k] ??= this.build(k))
  }

  private build(k: number): PlaybackFrame {
    const { run, n, colors } = this
    const o = this.o
    const step = run.steps[k]
    const base = k * n
    const nodeColors = new Map<string, string>()
    const nodeSizes = new Map<string, number>()
    const counts: StepCounts = {
      hit: 0,
      distressed: 0,
      defaulted: 0,
      shocked: this.shockedIds.size,
      carriers: step.edgeSource.length,
    }
    for (let i = 0; i < n; i++) {
      const loss = this.loss[base + i]
      const st = this.state[base + i]
      if (!(loss > 0) && st === HEALTHY) continue
      const id = this.id(run.nodes[i])
      if (st === DEFAULTED) {
        nodeColors.set(id, colors.defaulted)
        counts.defaulted++
      } else if (st === DISTRESSED) {
        nodeColors.set(id, colors.distressed)
        counts.distressed++
      } else {
        nodeColors.set(id, colors.hit)
        counts.hit++
      }
      nodeSizes.set(id, lossSize(loss, this.maxLoss, o.minSize, o.maxSize))
    }
    const { pairs, extraEdges } = this.carriers(step)
    const legend: LegendEntry[] = [
      { label: 'defaulted', color: colors.defaulted, count: counts.defaulted },
      { label: 'distressed', color: colors.distressed, count: counts.distressed },
      { label: 'loss, not distressed', color: colors.hit, count: counts.hit },
      { label: 'edges carrying loss', color: colors.carrier, count: counts.carriers },
    ]
    const overlay: GraphOverlay = {
      title: playbackTitle(run.method, step.round, this.lastRound, step.loss, o.usd),
      legend,
      nodeColors,
      nodeSizes,
      marked: this.shockedIds,
      edgePairs: [{ ...pairs, color: colors.carrier }],
      dimOtherEdges: true,
      ...(extraEdges.length ? { extraEdges } : {}),
    }
    return { step: k, round: step.round, loss: step.loss, counts, overlay }
  }

  /** A step's carriers as the graph's pairs (by universe index: a DebtRank round names up to
   * every edge of a real-scale week, 75k, where string keys cost ≈ 0.1 s a step), and those that
   * are not edges of the shown week as extra edges. */
  private carriers(step: DecodedStep): {
    pairs: Omit<EdgePairs, 'color'>
    extraEdges: OverlayEdge[]
  } {
    const week = this.o.weekEdges
    if (!week)
      return { pairs: { source: step.edgeSource, target: step.edgeTarget }, extraEdges: [] }
    const n = this.o.ids.length
    const source: number[] = []
    const target: number[] = []
    const extraEdges: OverlayEdge[] = []
    const extra = new Set<number>()
    for (let c = 0; c < step.edgeSource.length; c++) {
      const s = step.edgeSource[c]
      const t = step.edgeTarget[c]
      const code = pairCode(s, t, n)
      if (week.has(code)) {
        source.push(s)
        target.push(t)
      } else if (!extra.has(code)) {
        extra.add(code)
        extraEdges.push({
          source: this.id(s),
          target: this.id(t),
          color: this.colors.carrier,
          size: 1.5,
        })
      }
    }
    return {
      pairs: { source: Int32Array.from(source), target: Int32Array.from(target) },
      extraEdges,
    }
  }
}

/** "DebtRank · round 3 / 7 · loss $1.20B" */
export function playbackTitle(
  method: MethodName,
  round: number,
  lastRound: number,
  loss: number,
  usd: (x: number) => string,
): string {
  return `${METHOD_LABELS[method]} · round ${round} / ${lastRound} · loss ${usd(loss)}`
}

/**
 * The step of `frames` to show beside step `k` of a leading run in a split view: the last step
 * whose round is at most the leader's round (two methods have different numbers of rounds).
 */
export function alignedStep(frames: PlaybackFrames, round: number): number {
  let best = 0
  for (let k = 0; k < frames.length; k++) if (frames.run.steps[k].round <= round) best = k
  return best
}
