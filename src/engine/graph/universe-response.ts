// `graph.universe`: the universe view and its layout status packed for the wire (typed arrays as
// base64, names and ids as JSON arrays).
import type { CallResponse } from '../../shared/api'
import { encodePacked } from '../../shared/packed'
import type { LayoutStatus, UniverseView } from '../layout/graph-layout'

export const KINDS = ['protocol', 'token']

export function universeResponse(
  view: UniverseView,
  status: LayoutStatus,
): CallResponse<'graph.universe'> {
  const u = view.universe
  const pinned: number[] = []
  for (let i = 0; i < view.pinned.length; i++) if (view.pinned[i]) pinned.push(i)
  const run = view.run
  return {
    revision: view.revision,
    count: u.ids.length,
    weeks: u.weeks,
    ids: u.ids,
    names: u.names,
    categories: u.categories,
    category: encodePacked(u.category),
    sectors: u.sectors,
    sector: encodePacked(u.sector),
    kinds: KINDS,
    kind: encodePacked(u.kind),
    x: encodePacked(view.x),
    y: encodePacked(view.y),
    pinned: encodePacked(Int32Array.from(pinned)),
    firstWeek: encodePacked(u.firstWeek),
    lastWeek: encodePacked(u.lastWeek),
    maxSize: encodePacked(u.maxSize),
    layout: {
      ...status,
      unplaced: view.unplaced,
      runId: run?.runId ?? null,
      kind: run?.kind ?? null,
      iterations: run?.iterations ?? null,
      created: run?.created ?? null,
      durationMs: run?.durationMs ?? null,
    },
  }
}
