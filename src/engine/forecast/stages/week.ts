// Week stage: the anchor week's frame (nodes, edges, features as stored at import), the memory of
// every pair among its nodes up to t (memory.ts: from the last pair-memory checkpoint), and why
// the model may not suit the week (provenance.ts).
import type { WeekFrame } from '../../../shared/domain'
import type { Archive } from '../../store/archive'
import type { PairMemory, ScoringContext } from '../baselines'
import { pairMemoryAt } from '../memory'
import type { ModelManifest } from '../model'
import { modelWarnings } from '../provenance'

export interface WeekStage {
  frame: WeekFrame
  n: number
  /** Pair memory keyed src · n + dst, and the week's position among the archived weeks. */
  memory: Map<number, PairMemory>
  position: number
  /** What the scoring rules read (scoring.ts). */
  ctx: Pick<ScoringContext, 'week' | 'n' | 'memory'>
  warnings: string[]
}

export function loadWeekStage(archive: Archive, week: string, manifest: ModelManifest): WeekStage {
  const frame = archive.loadWeek(week)
  const n = frame.nodeIds.length
  const warnings = modelWarnings(manifest, { nodes: n, synthetic: frame.synthetic })
  const { memory, position } = pairMemoryAt(archive, week, frame.nodeIds)
  return { frame, n, memory, position, ctx: { week: position, n, memory }, warnings }
}
