// Recall of the forecast's candidate set (src/engine/forecast/run.ts candidatePairs) on large
// weeks: the share of edges at t+h (between nodes of t) that the candidates contain. Prints JSON.
// Usage (bundled, see BENCHMARKS.md): cr.mjs ARCHIVE [H] [ANCHORS] [PROPENSITY_PAIRS]
import { addWeeks } from '../src/shared/dates'
import { pairMemoryAt } from '../src/engine/forecast/memory'
import { candidatePairs } from '../src/engine/forecast/stages/candidates'
import { Archive } from '../src/engine/store/archive'

const [file, horizonArg, countArg, propensityArg] = process.argv.slice(2)
const h = Number(horizonArg ?? 1)
const archive = Archive.open(file, { readonly: true })
const weeks = archive.listWeeks().map((w) => w.week)
const have = new Set(weeks)
const anchors = weeks.filter((w) => have.has(addWeeks(w, h))).slice(-Number(countArg ?? 6))
const rows = []
for (const week of anchors) {
  const t0 = performance.now()
  const frame = archive.loadWeek(week)
  const { memory } = pairMemoryAt(archive, week, frame.nodeIds)
  const candidates = candidatePairs(
    frame,
    memory,
    propensityArg === undefined ? undefined : Number(propensityArg),
  )
  const later = archive.loadWeek(addWeeks(week, h))
  const pos = new Map(frame.nodeIds.map((id, i) => [id, i]))
  const n = frame.nodeIds.length
  let truth = 0
  let hit = 0
  let fresh = 0
  let freshHit = 0
  for (let j = 0; j < later.edgeSrc.length; j++) {
    const s = pos.get(later.nodeIds[later.edgeSrc[j]])
    const d = pos.get(later.nodeIds[later.edgeDst[j]])
    if (s === undefined || d === undefined) continue
    truth++
    const key = s * n + d
    const inCandidates = candidates.has(key)
    if (inCandidates) hit++
    if (!memory.has(key)) {
      fresh++
      if (inCandidates) freshHit++
    }
  }
  rows.push({
    week,
    nodes: n,
    candidates: candidates.size,
    truth,
    recall: hit / truth,
    never_seen_edges: fresh,
    never_seen_recall: fresh ? freshHit / fresh : null,
    ms: Math.round(performance.now() - t0),
  })
}
archive.close()
process.stdout.write(
  JSON.stringify({ horizon: h, propensity_pairs: propensityArg ?? 'default', rows }) + '\n',
)
