// Page object for one graph editor (a tab of the editor area showing a week with sigma.js). It
// reads what the view exposes for tests: window.__graphs[editorId] (week, counts, selection) and
// window.__sigma[editorId] (the sigma instance: camera, screen positions of nodes).
import { readFile } from 'node:fs/promises'
import { expect, type Download, type Locator, type Page } from '@playwright/test'
import type { GraphStatus } from '../../../src/renderer/src/views/graph/view'
import { pixelStats, type PixelStats } from './pixels'

export interface CameraState {
  x: number
  y: number
  ratio: number
  angle: number
}

/** An edge as the edge layer draws it (edge-layer.ts), from the view's `dxEdges` hook. */
export interface DrawnEdge {
  source: string
  target: string
  depth: string
  color: string
  size: number
}

/** The graph view's hooks on its sigma instance, for stories (view.ts, edge-layer.ts). */
interface EdgeHooks {
  dxEdges: { edgesOf(node: string): DrawnEdge[]; held(): number; litExposures(): number[] }
  dxEdgeLayer: {
    topLayerMin: number
    litDeltas: boolean
    litChanged(): void
    base: { count: number }
    lit: { overlay: { count: number } }
    pace: { fixed: number | null }
    drawBySigma(on: boolean): number
    baseChanged(): void
  }
  dxNodeCache: {
    pace: { fixed: number | null }
    patching: boolean
    pickingIdleMs: number | null
    invalidate(): void
  }
}

/** A label the view forces on: its side and box, and its node's bounding square ([x0, y0, x1, y1],
 * screen px). */
export interface ForcedLabel {
  id: string
  label: string
  side: string
  box: number[]
  node: number[]
}

export class GraphEditor {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly id: string,
  ) {
    this.root = page.locator(`.graph-view[data-editor="${id}"]`)
  }

  // ---- what the view shows --------------------------------------------------------------------

  status(): Promise<GraphStatus> {
    return this.page.evaluate((id) => ({ ...window.__graphs![id] }), this.id)
  }

  /** Waits until sigma has drawn `week` in this editor. */
  async waitForWeek(week: string): Promise<GraphStatus> {
    await this.page.waitForFunction(
      ([id, w]) => window.__graphs?.[id]?.week === w && window.__graphs[id].rendered,
      [this.id, week] as const,
    )
    return this.status()
  }

  /** Waits until a frame has been drawn after `renders` frames (a filter or style change). */
  async waitForRenderAfter(renders: number): Promise<GraphStatus> {
    await this.page.waitForFunction(([id, n]) => (window.__graphs?.[id]?.renders ?? 0) > n, [
      this.id,
      renders,
    ] as const)
    return this.status()
  }

  /** The edges the view holds (the week's, with a diff's or an overlay's), how many the edge
   * layer draws and how many of them an overlay lights; sigma itself holds none (edge-layer.ts). */
  drawnEdges(): Promise<{ held: number; drawn: number; lit: number; inSigma: number }> {
    return this.page.evaluate((id) => {
      const s = window.__sigma![id] as unknown as EdgeHooks & { getGraph(): { size: number } }
      return {
        held: s.dxEdges.held(),
        drawn: s.dxEdgeLayer.base.count,
        lit: s.dxEdgeLayer.lit.overlay.count,
        inSigma: s.getGraph().size,
      }
    }, this.id)
  }

  /** The USD exposure at quantile `q` of the edges an overlay lights. */
  litExposureAt(q: number): Promise<number> {
    return this.page.evaluate(
      ([id, q]) => {
        const usd = (window.__sigma![id] as unknown as EdgeHooks).dxEdges.litExposures()
        return usd.sort((a, b) => a - b)[Math.floor(q * (usd.length - 1))]
      },
      [this.id, q] as const,
    )
  }

  /** Each shown node's fill colour, by node id. */
  nodeColours(): Promise<Record<string, string>> {
    return this.page.evaluate((id) => {
      const g = window.__sigma![id].getGraph()
      const out: Record<string, string> = {}
      g.forEachNode((n, a) => {
        if (!a.hidden) out[n] = a.color as string
      })
      return out
    }, this.id)
  }

  caption(): Locator {
    return this.root.locator('.graph-caption')
  }

  legend(): Locator {
    return this.root.locator('.graph-legend')
  }

  stage(): Locator {
    return this.root.locator('.graph-stage')
  }

  /** Pixels sigma drew on the stage (the caption and legend overlays are hidden for the shot). */
  async stagePixels(): Promise<PixelStats> {
    return pixelStats(this.page, await this.stageShot())
  }

  /** A screenshot of what sigma drew on the stage, without the caption and legend overlays. */
  stageShot(): Promise<Buffer> {
    return this.stage().screenshot({
      style: '.graph-caption, .graph-legend { visibility: hidden !important; }',
    })
  }

  /** A screenshot of the stage after a frame of sigma's: one that builds its labels again
   * (`rebuildLabels`) or, as most frames, one that draws the labels it holds. */
  async stageShotAfterFrame(rebuildLabels: boolean): Promise<Buffer> {
    await this.page.evaluate(
      ([id, rebuild]) => {
        const s = window.__sigma![id] as unknown as {
          labelRenderer: { labelsDirty: boolean }
          render(): void
        }
        if (rebuild) s.labelRenderer.labelsDirty = true
        s.render()
      },
      [this.id, rebuildLabels] as const,
    )
    return this.stageShot()
  }

  /** How many labels sigma shows (its label grid's and the forced ones). */
  displayedLabels(): Promise<number> {
    return this.page.evaluate((id) => window.__sigma![id].getNodeDisplayedLabels().size, this.id)
  }

  /** A screenshot of the stage with sigma drawing the nodes itself: node-cache.ts wraps the node
   * program's `render` on the instance, and without the wrapper sigma's own (the prototype's)
   * runs. The wrapper is put back and the stage drawn again before this returns. */
  stageShotNodesDrawnDirectly(): Promise<Buffer> {
    return this.stageShotWhile(([id, direct]) => {
      const s = window.__sigma![id]
      const held = window as unknown as { __nodeRender?: unknown }
      const program = (s as unknown as { nodeProgram: Record<string, unknown> }).nodeProgram
      if (direct) {
        held.__nodeRender = program.render
        delete program.render
      } else program.render = held.__nodeRender
    })
  }

  /** A screenshot of the stage after sigma restyled every node from its attributes, each in its
   * place (a partial refresh without re-indexing: a full one re-orders overlapping nodes): what
   * a recolour in place (node-recolor.ts) must equal. */
  stageShotNodesRestyledBySigma(): Promise<Buffer> {
    return this.stageShotWhile(([id, on]) => {
      const s = window.__sigma![id]
      if (on) s.refresh({ partialGraph: { nodes: s.getGraph().nodes() }, skipIndexation: true })
    })
  }

  /** A screenshot of the stage with the node layer drawn again whole, not patched where nodes
   * changed (node-cache.ts); patches are made again before this returns. */
  stageShotNodesDrawnWhole(): Promise<Buffer> {
    return this.stageShotWhile(([id, whole]) => {
      const c = (window.__sigma![id] as unknown as EdgeHooks).dxNodeCache
      c.patching = !whole
      if (whole) c.invalidate()
    })
  }

  /** sigma's picking image (where the pointer finds each node) as a read finds it — the node
   * layer draws it when read (node-cache.ts) —, as a hash of its bytes. */
  pickingImage(): Promise<string> {
    return this.page.evaluate(async (id) => {
      const s = window.__sigma![id] as unknown as {
        getWebGLContext(): WebGL2RenderingContext
        pickingFrameBuffer: WebGLFramebuffer
        getHitAtPosition(p: { x: number; y: number }): unknown
      }
      s.getHitAtPosition({ x: 0, y: 0 })
      const gl = s.getWebGLContext()
      gl.bindFramebuffer(gl.FRAMEBUFFER, s.pickingFrameBuffer)
      const w = gl.drawingBufferWidth
      const h = gl.drawingBufferHeight
      const bytes = new Uint8Array(w * h * 4)
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, bytes)
      gl.bindFramebuffer(gl.FRAMEBUFFER, null)
      const digest = await crypto.subtle.digest('SHA-256', bytes)
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
    }, this.id)
  }

  /** A screenshot of the stage with the lit edges drawn each frame instead of put back from
   * their layer (edge-layer.ts `topLayerMin`); the layer is used again before this returns. */
  stageShotLitEdgesDrawnDirectly(): Promise<Buffer> {
    return this.stageShotWhile(([id, direct]) => {
      const s = window.__sigma![id] as unknown as EdgeHooks
      s.dxEdgeLayer.topLayerMin = direct ? Infinity : 0
    })
  }

  /** A screenshot of the stage with the lit edges' layers drawn again whole, not by the edges
   * that came and went (lit-layer.ts); deltas are used again before this returns. */
  stageShotLitLayersDrawnWhole(): Promise<Buffer> {
    return this.stageShotWhile(([id, whole]) => {
      const s = window.__sigma![id] as unknown as EdgeHooks
      s.dxEdgeLayer.litDeltas = !whole
      s.dxEdgeLayer.litChanged()
    })
  }

  /**
   * A screenshot of the stage with the edges drawn by sigma's own edge program instead of the
   * edge layer: the layer's base edges are added to sigma's graph with their colours and widths
   * (in the layer's order) and the layer is switched off. Both are undone, and the stage drawn
   * again, before this returns.
   */
  stageShotEdgesDrawnBySigma(): Promise<Buffer> {
    return this.stageShotWhile(([id, bySigma]) => {
      ;(window.__sigma![id] as unknown as EdgeHooks).dxEdgeLayer.drawBySigma(bySigma)
    })
  }

  /** Has the edge layer and the node layer draw their pictures in parts of `edges` and `nodes`
   * a frame (edges after a switch or a camera move, nodes after a camera move), as they do on
   * their own for a large week in software WebGL (raster-pace.ts; the pace is every view's);
   * null: as they measure. */
  drawInParts(edges: number | null, nodes: number | null): Promise<void> {
    return this.page.evaluate(
      ([id, edges, nodes]) => {
        const s = window.__sigma![id] as unknown as EdgeHooks
        s.dxEdgeLayer.pace.fixed = edges
        s.dxNodeCache.pace.fixed = nodes
      },
      [this.id, edges, nodes] as const,
    )
  }

  /** A screenshot of the stage with the edges and the nodes drawn again whole, each in one draw
   * call. */
  stageShotDrawnWhole(): Promise<Buffer> {
    return this.stageShotWhile(([id, whole]) => {
      const s = window.__sigma![id] as unknown as EdgeHooks
      const w = window as unknown as { __parts?: (number | null)[] }
      if (whole) {
        w.__parts = [s.dxEdgeLayer.pace.fixed, s.dxNodeCache.pace.fixed]
        s.dxEdgeLayer.pace.fixed = null
        s.dxNodeCache.pace.fixed = null
        // new versions: the last pictures cannot stand in, so both are drawn at once
        s.dxEdgeLayer.baseChanged()
        s.dxNodeCache.invalidate()
      } else [s.dxEdgeLayer.pace.fixed, s.dxNodeCache.pace.fixed] = w.__parts ?? [null, null]
    })
  }

  /** Keeps the lit edges in their own layer from `n` lit edges on (edge-layer.ts `topLayerMin`),
   * and draws the stage again. */
  async setLitLayerMin(n: number): Promise<GraphStatus> {
    const renders = (await this.status()).renders
    await this.page.evaluate(
      ([id, n]) => {
        const s = window.__sigma![id]
        ;(s as unknown as EdgeHooks).dxEdgeLayer.topLayerMin = n
        s.scheduleRender()
      },
      [this.id, n] as const,
    )
    return this.waitForRenderAfter(renders)
  }

  /** A screenshot of the stage drawn with `set([id, true])` done in the page; `set([id, false])`
   * undoes it, and the stage is drawn again, before this returns. */
  private async stageShotWhile(set: (arg: readonly [string, boolean]) => void): Promise<Buffer> {
    const toggle = async (on: boolean): Promise<void> => {
      const renders = (await this.status()).renders
      await this.page.evaluate(set, [this.id, on] as const)
      await this.page.evaluate((id) => window.__sigma![id].scheduleRender(), this.id)
      await this.waitForRenderAfter(renders)
    }
    await toggle(true)
    try {
      return await this.stageShot()
    } finally {
      await toggle(false)
    }
  }

  /**
   * Draws the whole stage again (every layer re-rasterised) with sigma's edge and node programs
   * drawn flat (flat-draw.ts) or, `flat` false, instanced as sigma draws them, and counts the
   * draw calls those programs made of each kind meanwhile.
   */
  async redrawCountingDraws(flat: boolean): Promise<{ flat: number; instanced: number }> {
    const renders = (await this.status()).renders
    await this.page.evaluate(
      ([id, flat]) => {
        type Info = { program: WebGLProgram }
        type Program = { normalProgram: Info; pickProgram: Info | null; dxFlat: unknown }
        const s = window.__sigma![id] as unknown as {
          edgeProgram: Program
          nodeProgram: Program
          webGLContext: WebGL2RenderingContext
          refresh(): void
        }
        const programs = [s.edgeProgram, s.nodeProgram]
        for (const p of programs) (p.dxFlat as { setEnabled(on: boolean): void }).setEnabled(flat)
        const ours = new Set(
          programs.flatMap((p) => [p.normalProgram.program, p.pickProgram?.program]),
        )
        const gl = s.webGLContext
        const counts = { flat: 0, instanced: 0 }
        ;(window as unknown as { __drawCounts: typeof counts }).__drawCounts = counts
        const current = (): boolean => ours.has(gl.getParameter(gl.CURRENT_PROGRAM))
        const plain = gl.drawArrays.bind(gl)
        const instanced = gl.drawArraysInstanced.bind(gl)
        gl.drawArrays = (...a) => {
          if (current()) counts.flat++
          plain(...a)
        }
        gl.drawArraysInstanced = (...a) => {
          if (current()) counts.instanced++
          instanced(...a)
        }
        s.refresh()
      },
      [this.id, flat] as const,
    )
    await this.waitForRenderAfter(renders)
    return this.page.evaluate((id) => {
      const gl = (window.__sigma![id] as unknown as { webGLContext: WebGL2RenderingContext })
        .webGLContext
      const own = gl as unknown as Record<string, unknown>
      delete own.drawArrays
      delete own.drawArraysInstanced
      return (window as unknown as { __drawCounts: { flat: number; instanced: number } })
        .__drawCounts
    }, this.id)
  }

  /** Moves the pointer onto a node where it is drawn (sigma lights its neighbourhood). */
  async hoverNode(node: string): Promise<void> {
    const p = await this.screenPosition(node)
    const box = (await this.stage().boundingBox())!
    await this.page.mouse.move(box.x + p.x, box.y + p.y)
  }

  /** How the edge layer draws the edges of `node` that are shown: lit (`topEdges`) or in the
   * base (`edges`), colour and width. */
  edgesDrawnOf(node: string): Promise<DrawnEdge[]> {
    return this.page.evaluate(
      ([id, n]) => (window.__sigma![id] as unknown as EdgeHooks).dxEdges.edgesOf(n),
      [this.id, node] as const,
    )
  }

  /** How long after its last frame the node layer draws a picking image nothing read (null:
   * only when read); the previous setting. */
  setPickingIdle(ms: number | null): Promise<number | null> {
    return this.page.evaluate(
      ([id, v]) => {
        const c = (window.__sigma![id] as unknown as EdgeHooks).dxNodeCache
        const was = c.pickingIdleMs
        c.pickingIdleMs = v
        return was
      },
      [this.id, ms] as const,
    )
  }

  /** Whether sigma holds `node` as hovered. */
  isHovered(node: string): Promise<boolean> {
    return this.page.evaluate(([id, n]) => !!window.__sigma![id].getNodeState(n).isHovered, [
      this.id,
      node,
    ] as const)
  }

  /** Up to this share of the nodes restyled by a step, the view rebuilds sigma's label grid
   * once the steps pause rather than at once (view.ts LATE_GRID_SHARE: 0.1). */
  setLateGridShare(share: number): Promise<void> {
    return this.setLabelGrid('setLateGridShare', share)
  }

  /** How long the steps pause before the view rebuilds sigma's label grid (view.ts
   * REINDEX_QUIET_MS: 400). */
  setReindexQuietMs(ms: number): Promise<void> {
    return this.setLabelGrid('setReindexQuietMs', ms)
  }

  /** One of the view's label-grid settings for stories (view.ts `dxEdges`). */
  private setLabelGrid(
    setting: 'setLateGridShare' | 'setReindexQuietMs',
    v: number,
  ): Promise<void> {
    return this.page.evaluate(
      ([id, name, value]) =>
        (
          window.__sigma![id] as unknown as { dxEdges: Record<string, (v: number) => void> }
        ).dxEdges[name](value),
      [this.id, setting, v] as const,
    )
  }

  /** Counts sigma's full processes of the nodes from now (re-index and re-process): the count
   * so far, each time the returned function is called. */
  async countProcesses(): Promise<() => Promise<number>> {
    await this.page.evaluate((id) => {
      const w = window as unknown as { __dxProcesses: Record<string, number> }
      w.__dxProcesses ??= {}
      if (w.__dxProcesses[id] === undefined)
        window.__sigma![id].on('afterProcess', () => w.__dxProcesses[id]++)
      w.__dxProcesses[id] = 0
    }, this.id)
    return () =>
      this.page.evaluate(
        (id) => (window as unknown as { __dxProcesses: Record<string, number> }).__dxProcesses[id],
        this.id,
      )
  }

  /** What sigma's label grid holds (the nodes whose labels it may draw, with their sizes),
   * sorted; `reindexed`: after sigma indexed every node again (the grid rebuilt from scratch)
   * and drew a frame. */
  async labelGrid(reindexed = false): Promise<string[]> {
    type Grid = {
      labelRenderer: { labelGrid: { cells: Record<string, { key: string; size: number }[]> } }
    }
    if (reindexed) {
      const renders = (await this.status()).renders
      await this.page.evaluate(
        (id) => window.__sigma![id].refresh({ partialGraph: { nodes: [] }, schedule: true }),
        this.id,
      )
      await this.waitForRenderAfter(renders)
    }
    return this.page.evaluate((id) => {
      const cells = (window.__sigma![id] as unknown as Grid).labelRenderer.labelGrid.cells
      return Object.values(cells)
        .flat()
        .map((c) => `${c.key} ${c.size.toFixed(4)}`)
        .sort()
    }, this.id)
  }

  /** Whether sigma holds `node` as highlighted (a hovered node's neighbour, the selection). */
  isHighlighted(node: string): Promise<boolean> {
    return this.page.evaluate(([id, n]) => !!window.__sigma![id].getNodeState(n).isHighlighted, [
      this.id,
      node,
    ] as const)
  }

  // ---- camera and positions -------------------------------------------------------------------

  camera(): Promise<CameraState> {
    return this.page.evaluate((id) => window.__sigma![id].getCamera().getState(), this.id)
  }

  /** Waits for the camera to stop moving (an animation ends at its exact target). */
  async waitForCameraAt(target: Partial<CameraState>, tolerance = 1e-3): Promise<CameraState> {
    await this.page.waitForFunction(
      ([id, t, tol]) => {
        const s = window.__sigma?.[id]?.getCamera().getState() as unknown
        if (!s) return false
        const now = s as Record<string, number>
        return Object.entries(t).every(([k, v]) => Math.abs(now[k] - (v as number)) <= tol)
      },
      [this.id, target, tolerance] as const,
    )
    return this.camera()
  }

  /** A node's position on the stage in CSS pixels (sigma.graphToViewport of its x/y). */
  screenPosition(node: string): Promise<{ x: number; y: number }> {
    return this.page.evaluate(
      ([id, n]) => {
        const s = window.__sigma![id]
        const a = s.getGraph().getNodeAttributes(n) as { x: number; y: number }
        return s.graphToViewport({ x: a.x, y: a.y })
      },
      [this.id, node] as const,
    )
  }

  /**
   * Records, at every frame sigma draws from now on, the week shown and where `node` is on the
   * screen (and whether it is shown); `stop` removes the recorder and returns what it saw, one
   * entry per week in the order drawn. Nothing is missed however fast the weeks go by.
   */
  async trackNode(
    node: string,
  ): Promise<{ stop(): Promise<{ week: string; x: number; y: number; shown: boolean }[]> }> {
    await this.page.evaluate(
      ([id, n]) => {
        const s = window.__sigma![id]
        const seen: { week: string; x: number; y: number; shown: boolean }[] = []
        const record = (): void => {
          const week = window.__graphs![id].week!
          if (seen.at(-1)?.week === week) return
          const a = s.getGraph().getNodeAttributes(n) as { x: number; y: number }
          const d = s.getNodeDisplayData(n)
          seen.push({ week, ...s.graphToViewport(a), shown: !!d && d.visibility !== 'hidden' })
        }
        s.on('afterRender', record)
        const w = window as unknown as Record<string, unknown>
        w.__dxTrack = { seen, off: () => s.off('afterRender', record) }
      },
      [this.id, node] as const,
    )
    return {
      stop: () =>
        this.page.evaluate(() => {
          const w = window as unknown as Record<string, { seen: never[]; off(): void }>
          w.__dxTrack.off()
          return w.__dxTrack.seen
        }),
    }
  }

  /** The nodes sigma shows now (its reducers did not hide them), largest first. */
  visibleNodes(): Promise<{ id: string; label: string | null; size: number }[]> {
    return this.page.evaluate((id) => {
      const s = window.__sigma![id]
      const out: { id: string; label: string | null; size: number }[] = []
      s.getGraph().forEachNode((n) => {
        const d = s.getNodeDisplayData(n)
        if (d && d.visibility !== 'hidden') out.push({ id: n, label: d.label, size: d.size })
      })
      return out.sort((a, b) => b.size - a.size)
    }, this.id)
  }

  /**
   * The labels the view forces on (selected and marked nodes), as sigma places them on screen:
   * each label's box on its side (sigma's defaults: 12 px sans-serif, 14 px line, 5 px from the
   * node's edge) and its node's bounding square.
   */
  forcedLabels(): Promise<ForcedLabel[]> {
    return this.page.evaluate((id) => {
      const s = window.__sigma![id]
      const ctx = document.createElement('canvas').getContext('2d')!
      ctx.font = '12px sans-serif'
      const ratio = s.getCamera().getState().ratio
      const out: ForcedLabel[] = []
      s.getGraph().forEachNode((n, a) => {
        const d = s.getNodeDisplayData(n)
        if (!d || d.visibility === 'hidden' || d.labelVisibility !== 'visible' || !d.label) return
        const p = s.graphToViewport({ x: a.x as number, y: a.y as number })
        const r = s.scaleSize(d.size, ratio)
        const w = ctx.measureText(d.label).width
        const side = (d.labelPosition ?? 'right') as string
        const gap = r + 5
        const box =
          side === 'left'
            ? [p.x - gap - w, p.y - 7, p.x - gap, p.y + 7]
            : side === 'above'
              ? [p.x - w / 2, p.y - gap - 14, p.x + w / 2, p.y - gap]
              : side === 'below'
                ? [p.x - w / 2, p.y + gap, p.x + w / 2, p.y + gap + 14]
                : [p.x + gap, p.y - 7, p.x + gap + w, p.y + 7]
        out.push({ id: n, label: d.label, side, box, node: [p.x - r, p.y - r, p.x + r, p.y + r] })
      })
      return out
    }, this.id)
  }

  /** Forced labels that cover another forced label or another labelled node, or that the stage's
   * edge cuts off (none expected). */
  async forcedLabelOverlaps(): Promise<string[]> {
    const labels = await this.forcedLabels()
    const stage = await this.page.evaluate((id) => window.__sigma![id].getDimensions(), this.id)
    const hit = (a: number[], b: number[]): boolean =>
      Math.min(a[2], b[2]) > Math.max(a[0], b[0]) && Math.min(a[3], b[3]) > Math.max(a[1], b[1])
    const out: string[] = []
    for (const a of labels) {
      const [x0, y0, x1, y1] = a.box
      if (x0 < 0 || y0 < 0 || x1 > stage.width || y1 > stage.height)
        out.push(`${a.label} off the stage`)
      for (const b of labels) {
        if (a.id === b.id) continue
        if (a.id < b.id && hit(a.box, b.box)) out.push(`${a.label} × ${b.label}`)
        if (hit(a.box, b.node)) out.push(`${a.label} × node ${b.label}`)
      }
    }
    return out
  }

  /** Whether every shown node is the centre or linked to it by a shown edge (depth 1). */
  onlyNeighboursShown(centre: string): Promise<boolean> {
    return this.page.evaluate(
      ([id, c]) => {
        const s = window.__sigma![id]
        const g = s.getGraph()
        const near = new Set<string>([c])
        for (const e of (s as unknown as EdgeHooks).dxEdges.edgesOf(c))
          near.add(e.source).add(e.target)
        let ok = true
        g.forEachNode((n) => {
          const d = s.getNodeDisplayData(n)
          if (d && d.visibility !== 'hidden' && !near.has(n)) ok = false
        })
        return ok
      },
      [this.id, centre] as const,
    )
  }

  /** Clicks a node where it is drawn on the screen. */
  async clickNode(node: string): Promise<void> {
    const p = await this.screenPosition(node)
    const box = (await this.stage().boundingBox())!
    await this.page.mouse.click(box.x + p.x, box.y + p.y)
  }

  // ---- toolbar --------------------------------------------------------------------------------

  button(
    action: 'filters' | 'fit' | 'export-png' | 'export-svg' | 'split' | 'undo-view' | 'redo-view',
  ): Locator {
    return this.root.locator(`.graph-toolbar [data-action="${action}"]`)
  }

  control(name: 'color-by' | 'compare' | 'exposure-threshold'): Locator {
    return this.root.locator(`[data-control="${name}"]`)
  }

  async fit(): Promise<CameraState> {
    await this.button('fit').click()
    return this.waitForCameraAt({ x: 0.5, y: 0.5, ratio: 1, angle: 0 })
  }

  /** Types in the graph's search box; the result whose id is `node` is chosen. */
  async search(text: string, node: string): Promise<void> {
    const input = this.root.locator('.graph-search input')
    await input.fill(text)
    const hit = this.root
      .locator('.search-results li')
      .filter({ has: this.page.locator('small', { hasText: new RegExp(`^\\s*${node} ·`) }) })
    await hit.first().click()
  }

  // ---- filters --------------------------------------------------------------------------------

  /** What the view shows, in the terms undo and redo restore: counts, colouring, slider, diff. */
  async viewSettings(): Promise<{
    shownNodes: number
    shownEdges: number
    colorBy: string
    threshold: string
    compare: string
  }> {
    const s = await this.status()
    return {
      shownNodes: s.shownNodes,
      shownEdges: s.shownEdges,
      colorBy: await this.control('color-by').inputValue(),
      threshold: await this.control('exposure-threshold').inputValue(),
      compare: await this.control('compare').inputValue(),
    }
  }

  filters(): Locator {
    return this.root.locator('.filters')
  }

  async openFilters(): Promise<void> {
    if (!(await this.filters().isVisible())) await this.button('filters').click()
    await expect(this.filters()).toBeVisible()
  }

  async closeFilters(): Promise<void> {
    if (await this.filters().isVisible()) await this.button('filters').click()
    await expect(this.filters()).toBeHidden()
  }

  categoryBox(name: string): Locator {
    return this.filters().locator(`input[data-category="${name}"]`)
  }

  /** The categories of the week with their node counts, as the filter lists them. */
  async categories(): Promise<{ name: string; count: number }[]> {
    return this.filters()
      .locator('.checklist label')
      .evaluateAll((labels) =>
        labels.map((l) => ({
          name: (l.querySelector('input') as HTMLInputElement).dataset.category!,
          count: Number(l.querySelector('small')!.textContent!.replace(/,/g, '')),
        })),
      )
  }

  /** Sets an edge exposure range (USD) in the filter's number inputs. */
  async setExposureRange(min: number | null, max: number | null = null): Promise<void> {
    const inputs = this.filters().locator('[data-range="exposure"] input')
    await inputs.nth(0).fill(min === null ? '' : String(min))
    await inputs.nth(0).press('Enter')
    await inputs.nth(1).fill(max === null ? '' : String(max))
    await inputs.nth(1).press('Enter')
  }

  async setEgo(node: string, depth: 1 | 2 | 3): Promise<void> {
    const centre = this.filters().getByLabel('Ego network centre')
    await centre.fill(node)
    await centre.press('Enter')
    await this.filters().getByLabel('Ego depth').selectOption(String(depth))
  }

  hideIsolated(): Locator {
    return this.filters().locator('[data-filter="isolated"]')
  }

  async resetFilters(): Promise<void> {
    await this.filters().getByRole('button', { name: 'Reset all filters' }).click()
  }

  // ---- timeline -------------------------------------------------------------------------------

  timeline(): Locator {
    return this.root.locator('.timeline')
  }

  playButton(): Locator {
    return this.timeline().locator('[data-action="play"]')
  }

  // ---- node panel -----------------------------------------------------------------------------

  panel(): Locator {
    return this.root.locator('.graph-panel')
  }

  async closePanel(): Promise<void> {
    await this.panel().getByRole('button', { name: 'Close panel' }).click()
    await expect(this.panel()).toBeHidden()
  }

  /** Non-transparent pixels of the panel's chart (ECharts draws on a 2D canvas, readable). */
  chartPixels(): Promise<number> {
    return this.panel()
      .locator('.panel-chart canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
        let n = 0
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
        return n
      })
  }

  // ---- export ---------------------------------------------------------------------------------

  /** Clicks an export button and returns the downloaded file. */
  async export(kind: 'png' | 'svg'): Promise<{ download: Download; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.button(kind === 'png' ? 'export-png' : 'export-svg').click(),
    ])
    const path = await download.path()
    return { download, bytes: await readFile(path) }
  }
}
