// Fast paths of the archive on a real-scale archive: load the largest week as typed arrays, one
// node's full history, one node's edges across weeks. Prints one JSON line of timings (ms).
import { Archive } from '../src/engine/store/archive'

const file = process.argv[2]
const runs = Number(process.argv[3] ?? 30)
const archive = Archive.open(file, { readonly: true })
const weeks = archive.listWeeks()
const largest = weeks.reduce((a, b) => (b.edges > a.edges ? b : a))

function timeIt(fn: () => unknown): { median: number; p95: number; min: number } {
  const t: number[] = []
  for (let i = 0; i < runs; i++) {
    const s = performance.now()
    fn()
    t.push(performance.now() - s)
  }
  t.sort((a, b) => a - b)
  return { median: t[Math.floor(t.length / 2)], p95: t[Math.floor(t.length * 0.95)], min: t[0] }
}

const frame = archive.loadWeek(largest.week)
// The node present in most weeks with the most edges is the heaviest history query.
const busiest = archive.db
  .prepare(
    'SELECT node_id, count(*) c FROM nodes GROUP BY node_id ORDER BY c DESC, node_id LIMIT 1',
  )
  .get() as { node_id: string }
const result = {
  archive: file,
  weeks: weeks.length,
  largestWeek: largest.week,
  nodes: frame.nodeIds.length,
  edges: frame.edgeSrc.length,
  node: busiest.node_id,
  loadWeek: timeIt(() => archive.loadWeek(largest.week)),
  nodeHistory: timeIt(() => archive.nodeHistory(busiest.node_id)),
  historyRows: archive.nodeHistory(busiest.node_id).length,
  nodeEdges: timeIt(() => archive.nodeEdges(busiest.node_id)),
  edgeRows: archive.nodeEdges(busiest.node_id).length,
}
archive.close()
process.stdout.write(JSON.stringify(result) + '\n')
