// The recalibration's count of new relationships N̂ (src/engine/forecast/stages/recalibrate.ts)
// against what appeared, at every anchor t of an archive: the anchors' mean alone and with the
// trend of new relationships up to t (churnTrend). A recalibrated forecast's Σ p over the fresh
// pairs equals N̂, so this is the backtest's fresh_ratio at every anchor at once, without scoring
// a pair. The counts come from one walk here (each pair's first week, either direction), not the
// engine's checkpointed walk: an independent count of the same thing. Prints TSV per anchor and a
// summary per horizon (Σ N̂ / Σ appeared, and the mean |ln(N̂ / appeared)| over the anchors).
// Usage (bundled, see BENCHMARKS.md): rt.mjs ARCHIVE [H,H,…] [FROM]
import { addWeeks } from '../src/shared/dates'
import { churnTrend, planRecalibration } from '../src/engine/forecast/stages/recalibrate'
import { Archive } from '../src/engine/store/archive'

const [file, hArg, from = '0000-00-00'] = process.argv.slice(2)
const horizons = (hArg ?? '1,4,8,12').split(',').map(Number)
const archive = Archive.open(file, { readonly: true })
const weeks = archive.listWeeks().map((w) => w.week)
const position = new Map(weeks.map((w, i) => [w, i]))

// every week's nodes and edges as global node numbers, and each unordered pair's first week
const gid = new Map<string, number>()
const id = (s: string) => gid.get(s) ?? (gid.set(s, gid.size), gid.size - 1)
const first = new Map<number, number>()
const key = (u: number, v: number) => Math.min(u, v) * 2 ** 26 + Math.max(u, v)
const frames = weeks.map((w, p) => {
  const f = archive.weekEdges(w)
  const ids = Int32Array.from(f.nodeIds, id)
  for (let j = 0; j < f.edgeSrc.length; j++) {
    const k = key(ids[f.edgeSrc[j]], ids[f.edgeDst[j]])
    if (!first.has(k)) first.set(k, p)
  }
  return { ids, src: f.edgeSrc, dst: f.edgeDst }
})
archive.close()

/** New relationships of the window s → target: edges of target between nodes of s on pairs with
 * no edge either way in any week ≤ s. */
const counted = new Map<string, number>()
function newRelationships(s: string, target: string): number {
  const cacheKey = `${s}>${target}`
  const hit = counted.get(cacheKey)
  if (hit !== undefined) return hit
  const ps = position.get(s)!
  const present = new Set(frames[ps].ids)
  const f = frames[position.get(target)!]
  let n = 0
  for (let j = 0; j < f.src.length; j++) {
    const u = f.ids[f.src[j]]
    const v = f.ids[f.dst[j]]
    if (present.has(u) && present.has(v) && first.get(key(u, v))! > ps) n++
  }
  counted.set(cacheKey, n)
  return n
}

console.log('horizon\tweek\tappeared\tmean\ttrend_factor\tmean_ratio\ttrend_ratio')
const summary: string[] = []
for (const h of horizons) {
  let appeared = 0
  let byMean = 0
  let byTrend = 0
  let logMean = 0
  let logTrend = 0
  let anchors = 0
  for (const t of weeks) {
    const target = addWeeks(t, h)
    if (t < from || !position.has(target)) continue
    const plan = planRecalibration(weeks, t, h)
    if (plan.skip) continue
    const count = (ws: { week: string; target: string }[]) =>
      ws.map((w) => newRelationships(w.week, w.target))
    const mean = count(plan.anchors).reduce((a, b) => a + b, 0) / plan.anchors.length
    const trend = churnTrend(mean, count(plan.windows.recent), count(plan.windows.inside))
    const truth = newRelationships(t, target)
    if (truth === 0 || mean === 0) continue
    const withTrend = mean * trend.factor
    appeared += truth
    byMean += mean
    byTrend += withTrend
    logMean += Math.abs(Math.log(mean / truth))
    logTrend += Math.abs(Math.log(withTrend / truth))
    anchors++
    console.log(
      [
        h,
        t,
        truth,
        mean,
        trend.factor.toFixed(4),
        (mean / truth).toFixed(4),
        (withTrend / truth).toFixed(4),
      ].join('\t'),
    )
  }
  summary.push(
    `# h=${h}: ${anchors} anchors from ${from}; Σ N̂ / Σ appeared: mean ${(byMean / appeared).toFixed(3)}, with trend ${(byTrend / appeared).toFixed(3)}; ` +
      `mean |ln(N̂/appeared)|: mean ${(logMean / anchors).toFixed(3)}, with trend ${(logTrend / anchors).toFixed(3)}`,
  )
}
for (const line of summary) console.log(line)
