// Loads the universe (every node of every week, with its stored layout position) and week frames
// through the contract, decoding the compact arrays once. Frames are cached (a few dozen weeks)
// so the timeline steps back and forth without asking the engine again.
import type { CallResponse, WorkbenchApi } from '../../../../shared/api'
import { decodeFloat32, decodeFloat64, decodeInt32 } from '../../../../shared/packed'
import type { Universe, WeekData } from './filters'

export interface LoadedUniverse extends Universe {
  revision: number
  weeks: string[]
  firstWeek: Int32Array
  lastWeek: Int32Array
  layout: CallResponse<'graph.universe'>['layout']
  /** id → universe index. */
  index: Map<string, number>
}

export interface LoadedWeek extends WeekData {
  synthetic: boolean
  revision: number
  totalTvl: number
  totalExposure: number
}

const FRAME_CACHE = 48

export class GraphData {
  private universe: Promise<LoadedUniverse> | null = null
  private readonly frames = new Map<string, Promise<LoadedWeek>>()

  constructor(private readonly api: WorkbenchApi) {}

  /** Forgets everything (after an import, a re-layout or another archive). */
  reset(): void {
    this.universe = null
    this.frames.clear()
  }

  loadUniverse(): Promise<LoadedUniverse> {
    if (!this.universe) {
      this.universe = this.api.call('graph.universe', {}).then(decodeUniverse)
      this.universe.catch(() => (this.universe = null))
    }
    return this.universe
  }

  loadWeek(week: string): Promise<LoadedWeek> {
    let p = this.frames.get(week)
    if (p) {
      // most recently used last
      this.frames.delete(week)
      this.frames.set(week, p)
      return p
    }
    p = this.api.call('week.frame', { week }).then(decodeWeek)
    p.catch(() => this.frames.delete(week))
    this.frames.set(week, p)
    while (this.frames.size > FRAME_CACHE) this.frames.delete(this.frames.keys().next().value!)
    return p
  }
}

function decodeUniverse(r: CallResponse<'graph.universe'>): LoadedUniverse {
  return {
    revision: r.revision,
    count: r.count,
    ids: r.ids,
    names: r.names,
    categories: r.categories,
    category: decodeInt32(r.category),
    sectors: r.sectors,
    sector: decodeInt32(r.sector),
    // normalised to 0 protocol, 1 token, whatever order the engine lists its kinds in
    kind: decodeInt32(r.kind).map((k) => (r.kinds[k] === 'protocol' ? 0 : 1)),
    x: decodeFloat32(r.x),
    y: decodeFloat32(r.y),
    maxSize: decodeFloat64(r.maxSize),
    weeks: r.weeks,
    firstWeek: decodeInt32(r.firstWeek),
    lastWeek: decodeInt32(r.lastWeek),
    layout: r.layout,
    index: new Map(r.ids.map((id, i) => [id, i])),
  }
}

function decodeWeek(r: CallResponse<'week.frame'>): LoadedWeek {
  return {
    week: r.week,
    synthetic: r.synthetic,
    revision: r.revision,
    totalTvl: r.totalTvl,
    totalExposure: r.totalExposure,
    nodes: decodeInt32(r.nodes),
    size: decodeFloat64(r.size),
    tvlChange: decodeFloat32(r.tvlChange),
    edgeSource: decodeInt32(r.edgeSource),
    edgeTarget: decodeInt32(r.edgeTarget),
    edgeWeight: decodeFloat64(r.edgeWeight),
  }
}
