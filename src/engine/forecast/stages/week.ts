// Week stage: the anchor week's frame (nodes, edges, features as stored at import), the memory of
// every pair among its nodes up to t (memory.ts: from the last pair-memory checkpoint), and, from
// the same walk, the debuts of the edges of the weeks the recalibration counts new relationships
// in (all ≤ t; recalibrate.ts).
import type { WeekFrame } from '../../../shared/domain'
import type { Archive } from '../../store/archive'
import type { PairMemory, ScoringContext } from '../baselines'
import { pairMemoryAt, type WeekDebuts } from '../memory'

export interface WeekStage {
  frame: WeekFrame
  n: number
  /** Pair memory keyed src · n + dst, and the week's position among the archived weeks. */
  memory: Map<number, PairMemory>
  position: number
  /** What the scoring rules read (scoring.ts). */
  ctx: Pick<ScoringContext, 'week' | 'n' | 'memory'>
  debuts: Map<string, WeekDebuts>
}

export function loadWeekStage(
  archive: Archive,
  week: string,
  debutWeeks: readonly string[] = [],
): WeekStage {
  const frame = archive.loadWeek(week)
  const n = frame.nodeIds.length
  const { memory, position, debuts } = pairMemoryAt(archive, week, frame.nodeIds, debutWeeks)
  return { frame, n, memory, position, ctx: { week: position, n, memory }, debuts }
}
