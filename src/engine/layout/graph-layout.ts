// The layout of one archive's universe as the explorer sees it: the universe with its stored
// positions (cached per revision), and the one layout job that may be placing nodes.
//
// Positions are computed once and stored (node_positions). A node without a stored position gets
// a provisional one (a point of a disc around the layout) until a layout job places it: the first
// request on an archive without positions starts a full layout, a request after an import that
// added nodes starts an incremental one (old nodes fixed). Requests never wait for it unless asked:
// at real scale a full layout takes minutes (BENCHMARKS.md), so the answer says `pending` and
// names the job, whose `job.done` tells the UI to fetch the universe again.
import { DexposureError, isDexposureError } from '../../shared/errors'
import type { JobContext, JobRegistry } from '../jobs'
import type { Archive } from '../store/archive'
import { runForceAtlas2, type Fa2Input } from './forceatlas2'
import { connected, discPoint, extent, placeOnRing, seedPositions, subgraph } from './seed'
import {
  lastRun,
  readPositions,
  runSequence,
  storedCount,
  writePositions,
  type LayoutKind,
  type LayoutRun,
} from './store'
import {
  buildUniverse,
  currentImportId,
  unionEdges,
  type UnionEdges,
  type Universe,
} from './universe'

/** Default iterations per kind of run (a measured compromise between quality and minutes). */
export const DEFAULT_ITERATIONS: Record<LayoutKind, number> = {
  full: 300,
  relayout: 100,
  incremental: 50,
}

/** Share of the nodes, largest first, that a re-layout holds in place. */
export const PINNED_SHARE = 0.05

export interface UniverseView {
  /** Changes whenever the universe (an import) or any position (a layout run) changes. */
  revision: number
  universe: Universe
  x: Float32Array
  y: Float32Array
  pinned: Uint8Array
  /** 1 where the position is stored; 0 where it is provisional (not placed by a layout yet). */
  placed: Uint8Array
  unplaced: number
  run: LayoutRun | null
}

export interface LayoutStatus {
  /**
   * ready: every node has a stored position. pending: `jobId` is placing the `unplaced` nodes
   * (their positions are provisional). stopped: nodes lack positions and the automatic layout
   * failed or was cancelled (`message`); `layout.run` starts it again.
   */
  state: 'ready' | 'pending' | 'stopped'
  /** The running layout job, if any (also a re-layout of a ready universe). */
  jobId: string | null
  message: string | null
}

export interface LayoutRequest {
  iterations?: number
  /** Ignore the stored positions (a new map); default: start from them, largest nodes pinned. */
  reseed?: boolean
}

interface RunningLayout {
  id: string
  kind: LayoutKind
  finished: Promise<void>
}

export class GraphLayout {
  private cached: { key: string; view: UniverseView; builtFrom: string[] } | null = null
  private edgesCache: { universe: Universe; edges: UnionEdges } | null = null
  private running: RunningLayout | null = null
  /** The automatic layout stopped (failed or cancelled) for this revision: not restarted for it. */
  private stopped: { revision: number; message: string } | null = null

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
  ) {}

  /** The universe and its positions now (no layout work; cheap while nothing changed). */
  view(): UniverseView {
    const importId = currentImportId(this.archive)
    const runs = runSequence(this.archive)
    // the count catches positions deleted by hand (derived data may be emptied at any time)
    const key = `${importId}:${runs}:${storedCount(this.archive)}`
    if (this.cached?.key === key) return this.cached.view
    const stored = readPositions(this.archive)
    // the universe's order follows the stored one, so it is rebuilt only when either changed
    const prev = this.cached
    const universe =
      prev &&
      prev.view.universe.importId === importId &&
      (sameIds(stored.ids, prev.view.universe.ids) || sameIds(stored.ids, prev.builtFrom))
        ? prev.view.universe
        : buildUniverse(this.archive, stored.ids)
    const n = universe.ids.length
    const x = new Float32Array(n)
    const y = new Float32Array(n)
    const pinned = new Uint8Array(n)
    const placed = new Uint8Array(n)
    for (let i = 0; i < stored.ids.length; i++) {
      const u = universe.index.get(stored.ids[i])
      if (u === undefined) continue
      x[u] = stored.x[i]
      y[u] = stored.y[i]
      pinned[u] = stored.pinned[i]
      placed[u] = 1
    }
    let unplaced = 0
    const { cx, cy, radius } = extent(x, y, placed, n)
    for (let u = 0; u < n; u++)
      if (!placed[u]) {
        const p = discPoint(universe.ids[u], radius)
        x[u] = cx + p.x
        y[u] = cy + p.y
        unplaced++
      }
    const view: UniverseView = {
      revision: revisionOf(importId, runs, unplaced),
      universe,
      x,
      y,
      pinned,
      placed,
      unplaced,
      run: lastRun(this.archive),
    }
    // during an import (its transaction open on this connection) the weeks read may yet roll back
    if (!this.archive.db.inTransaction) this.cached = { key, view, builtFrom: stored.ids }
    return view
  }

  /**
   * The view for `graph.universe`: starts the automatic layout when nodes lack positions (a full
   * one when nothing is stored, else an incremental one) and, with `wait`, answers once it ended.
   */
  async universe(wait = false): Promise<{ view: UniverseView; status: LayoutStatus }> {
    let view = this.view()
    if (view.unplaced > 0 && !this.running && this.stopped?.revision !== view.revision)
      this.start(view.unplaced < view.universe.ids.length ? 'incremental' : 'full', {}, true)
    if (wait && this.running) {
      await this.running.finished
      view = this.view()
    }
    return { view, status: this.status(view) }
  }

  /** `layout.run`: a re-layout (or, with reseed or nothing stored, a full layout) as a job. */
  run(req: LayoutRequest): string {
    if (this.running)
      throw new DexposureError(
        'CONFLICT',
        `a layout job is already running (${this.running.id}); cancel it first`,
      )
    const view = this.view()
    const anyStored = view.unplaced < view.universe.ids.length
    return this.start(req.reseed || !anyStored ? 'full' : 'relayout', req, false)
  }

  /** Resolves when the running layout job (if any) has ended, whatever its outcome. */
  async idle(): Promise<void> {
    await this.running?.finished
  }

  private status(view: UniverseView): LayoutStatus {
    const jobId = this.running?.id ?? null
    if (view.unplaced === 0) return { state: 'ready', jobId, message: null }
    if (this.running) return { state: 'pending', jobId, message: null }
    return {
      state: 'stopped',
      jobId: null,
      message: this.stopped?.message ?? 'the layout has not run',
    }
  }

  private start(kind: LayoutKind, req: LayoutRequest, automatic: boolean): string {
    const revision = this.view().revision
    const id = this.jobs.start(
      'layout',
      async (ctx) => {
        try {
          return await this.layout(kind, req, ctx)
        } catch (e) {
          if (automatic)
            this.stopped = {
              revision,
              message: isDexposureError(e)
                ? e.describe()
                : e instanceof Error
                  ? e.message
                  : String(e),
            }
          throw e
        } finally {
          this.running = null
        }
      },
      // job.done carries the run (its id, kind, nodes moved) so the UI knows what changed
      { result: (run) => ({ ...run }) },
    )
    // settled once the job's own job.done is out, so a waiter sees the same end as the UI
    const finished = new Promise<void>((resolve) => {
      const onDone = (p: { id: string }) => {
        if (p.id !== id) return
        this.jobs.off('job.done', onDone)
        resolve()
      }
      this.jobs.on('job.done', onDone)
    })
    this.running = { id, kind, finished }
    if (!automatic) this.stopped = null
    return id
  }

  private async layout(kind: LayoutKind, req: LayoutRequest, ctx: JobContext) {
    const started = performance.now()
    const view = this.view()
    const u = view.universe
    const n = u.ids.length
    const iterations = req.iterations ?? DEFAULT_ITERATIONS[kind]
    const weeks = u.weeks.length
    const total = weeks + iterations
    const edges = await this.edges(u, (done) => ctx.progress(done, total, 'weeks gathered'), ctx)

    const x = new Float32Array(n)
    const y = new Float32Array(n)
    const placed = new Uint8Array(n)
    const pinned = new Uint8Array(n)
    const fixed = new Uint8Array(n)
    if (kind !== 'full') {
      x.set(view.x)
      y.set(view.y)
      placed.set(view.placed)
    }
    const bySize = largestFirst(u.maxSize)
    seedPositions({ ids: u.ids, x, y, placed, order: bySize, edges })
    if (kind === 'incremental') {
      // old nodes stay exactly where they are; only the new ones move
      fixed.set(view.placed)
      pinned.set(view.pinned)
    } else if (kind === 'relayout') {
      // the map the analyst learned: its largest nodes hold still
      const k = Math.ceil(n * PINNED_SHARE)
      for (let i = 0; i < k; i++) if (view.placed[bySize[i]]) pinned[bySize[i]] = 1
      fixed.set(pinned)
    }
    let moved = 0
    for (let i = 0; i < n; i++) moved += fixed[i] ? 0 : 1
    // ForceAtlas2 lays out the nodes with edges. Nodes without any (in no week) would only be
    // pushed out by repulsion to a far ring that dwarfs the map: they go on a ring just outside it.
    const core = connected(n, edges)
    await layoutCore(
      core,
      { x, y, fixed, edges, iterations },
      (done) => ctx.progress(weeks + done, total, 'iterations'),
      ctx.signal,
    )
    placeOnRing(u.ids, x, y, core, fixed)
    ctx.progress(total, total, 'iterations')
    // nothing is written once cancelled (the write itself is one transaction)
    ctx.signal.throwIfAborted()
    // an import's open transaction would take the layout with it on a rollback; the import's
    // commit changes the revision, so the automatic layout runs again after it
    if (this.archive.db.inTransaction)
      throw new DexposureError('CONFLICT', 'an import is running; the layout was not written')
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i]))
        throw new DexposureError('INTERNAL', `layout gave node "${u.ids[i]}" no finite position`)
    let pinnedCount = 0
    for (let i = 0; i < n; i++) pinnedCount += pinned[i]
    const runId = writePositions(this.archive, {
      ids: u.ids,
      x,
      y,
      pinned,
      run: {
        kind,
        durationMs: performance.now() - started,
        iterations,
        nodes: n,
        moved,
        pinned: pinnedCount,
        edges: edges.a.length,
        importId: u.importId,
      },
    })
    return { runId, kind, nodes: n, moved, iterations }
  }

  /** The union edges of a universe, gathered once per universe. */
  private async edges(
    u: Universe,
    onWeek: (done: number) => void,
    ctx: JobContext,
  ): Promise<UnionEdges> {
    if (this.edgesCache?.universe === u) return this.edgesCache.edges
    const edges = await unionEdges(this.archive, u, { signal: ctx.signal, onWeek })
    this.edgesCache = { universe: u, edges }
    return edges
  }
}

/**
 * Runs ForceAtlas2 on the `core` nodes and the edges among them, writing their new positions into
 * `input.x`/`input.y`; nothing runs when every core node is fixed.
 */
async function layoutCore(
  core: Uint8Array,
  input: Fa2Input,
  onProgress: (iterations: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const sub = subgraph(core, input.edges)
  const m = sub.nodes.length
  const x = new Float32Array(m)
  const y = new Float32Array(m)
  const fixed = new Uint8Array(m)
  let movable = 0
  for (let k = 0; k < m; k++) {
    const u = sub.nodes[k]
    x[k] = input.x[u]
    y[k] = input.y[u]
    fixed[k] = input.fixed[u]
    movable += fixed[k] ? 0 : 1
  }
  if (movable === 0) return
  const r = await runForceAtlas2(
    { x, y, fixed, edges: sub.edges, iterations: input.iterations },
    { signal, onProgress },
  )
  for (let k = 0; k < m; k++) {
    input.x[sub.nodes[k]] = r.x[k]
    input.y[sub.nodes[k]] = r.y[k]
  }
}

/**
 * Every import and every layout run raise importId + runs; the low bit marks provisional
 * positions, so positions deleted by hand change the revision too. It only ever grows.
 */
const revisionOf = (importId: number, runs: number, unplaced: number): number =>
  2 * (importId + runs) + (unplaced > 0 ? 1 : 0)

/** Indices by decreasing value (ties by index, so the order is deterministic). */
export function largestFirst(values: Float64Array): Int32Array {
  const order = Int32Array.from(values.keys())
  order.sort((a, b) => values[b] - values[a] || a - b)
  return order
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
