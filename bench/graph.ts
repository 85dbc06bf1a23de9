// The graph explorer's engine at real scale (bundled and run by bench/graph.mjs; prints JSON):
// 1. the largest week as `week.graph` JSON objects vs `week.frame` typed arrays: engine time
//    (EngineService.handle + JSON.stringify, as the server answers), bytes, and what a client
//    does (JSON.parse + the contract's zod parse + decoding the arrays) timed in Node;
// 2. the packed codec's throughput beside Node's native Buffer base64;
// 3. the first full layout of the universe (`graph.universe` with wait: gathering the union
//    edges, ForceAtlas2 in its worker, the write), then K iterations on the same core graph for
//    the peer (networkx spring_layout, bench/graph-peer.py), whose input it writes.
// Usage: node .tmp/bench/graph.mjs ARCHIVE PEER_DIR PEER_ITERATIONS RUNS
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { calls, type CallResponse, type EventPayload } from '../src/shared/api'
import type { WeekInput } from '../src/shared/domain'
import {
  decodeFloat32,
  decodeFloat64,
  decodeInt32,
  encodePacked,
  decodeBytes,
  encodeBytes,
} from '../src/shared/packed'
import { EngineService } from '../src/engine/service'
import { runForceAtlas2 } from '../src/engine/layout/forceatlas2'
import { connected, subgraph } from '../src/engine/layout/seed'
import { unionEdges } from '../src/engine/layout/universe'

const [archivePath, peerDir, peerIterationsArg, runsArg] = process.argv.slice(2)
const peerIterations = Number(peerIterationsArg ?? 50)
const runs = Number(runsArg ?? 15)
const log = (m: string) => process.stderr.write(`bench: ${m}\n`)

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const stats = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs) })
function timeRuns<T>(n: number, f: () => T): { times: number[]; value: T } {
  const times: number[] = []
  let value = f() // warm-up
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    value = f()
    times.push(performance.now() - t)
  }
  return { times, value }
}
async function timeAsync<T>(n: number, f: () => Promise<T>) {
  const times: number[] = []
  let value = await f()
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    value = await f()
    times.push(performance.now() - t)
  }
  return { times, value }
}

const service = EngineService.open(archivePath)
const week = (
  service.archive.db.prepare('SELECT week FROM weeks ORDER BY n_edges DESC LIMIT 1').get() as {
    week: string
  }
).week

// ---- 3 first: the full layout on the archive as it comes (no positions), as a user meets it
log('first graph.universe (full layout job) …')
const marks: { t: number; message: string | null; done: number }[] = []
service.on('job.progress', (p) => {
  const e = p as EventPayload<'job.progress'>
  marks.push({ t: performance.now(), message: e.message, done: e.done })
})
let t0 = performance.now()
const pending = (await service.handle('graph.universe', {})) as CallResponse<'graph.universe'>
const pendingMs = performance.now() - t0
const u = (await service.handle('graph.universe', { wait: true })) as CallResponse<'graph.universe'>
const layoutWall = performance.now() - t0
const gatherEnd = marks.filter((m) => m.message === 'weeks gathered').at(-1)?.t ?? t0
const iterEnd = marks.filter((m) => m.message === 'iterations').at(-1)?.t ?? performance.now()
const layout = {
  pendingAnswerMs: pendingMs,
  state: pending.layout.state,
  wallMs: layoutWall,
  gatherMs: gatherEnd - t0,
  fa2Ms: iterEnd - gatherEnd,
  iterations: u.layout.iterations ?? 0,
  nodes: u.count,
  weeks: u.weeks.length,
}

// ---- 3a. an incremental placement: an import of one more week, the last one plus 1 % new nodes
// (each holding three existing ones); the next request places them with every other node fixed
const newest = Math.ceil(u.count / 100)
const lastWeek = u.weeks.at(-1) as string
const last = service.archive.weekEdges(lastWeek)
const lastSizes = service.archive.loadWeek(lastWeek).sizes
const nextWeek = new Date(Date.parse(`${lastWeek}T00:00:00Z`) + 7 * 86_400_000)
  .toISOString()
  .slice(0, 10)
const added: WeekInput = {
  week: nextWeek,
  nodes: last.nodeIds.map((id, i) => ({ id, size: lastSizes[i], composition: null })),
  edges: Array.from(last.edgeSrc, (s, j) => ({
    source: last.nodeIds[s],
    target: last.nodeIds[last.edgeDst[j]],
    weight: last.edgeWeight[j],
    composition: null,
  })),
}
for (let k = 0; k < newest; k++) {
  const id = `bench-new-${k}`
  added.nodes.push({ id, size: 1e6, composition: null })
  for (let h = 0; h < 3; h++)
    added.edges.push({
      source: id,
      target: last.nodeIds[(k * 7919 + h * 104729) % last.nodeIds.length],
      weight: 1e5,
      composition: null,
    })
}
await service.archive.runImport(
  { source: 'bench:new-nodes', format: 'dexposure', sha256: 'bench', bytes: 0, synthetic: true },
  (session) => void session.putWeek(added),
)
const before = service.layout.view()
t0 = performance.now()
const inc = (await service.handle('graph.universe', {
  wait: true,
})) as CallResponse<'graph.universe'>
const incremental = {
  wallMs: performance.now() - t0,
  placed: before.unplaced,
  iterations: inc.layout.iterations ?? 0,
  kind: inc.layout.kind,
  // sanity: no old node moved
  oldMoved: (() => {
    const x = decodeFloat32(inc.x)
    let moved = 0
    for (let i = 0; i < u.count; i++) if (x[i] !== before.x[i]) moved++
    return moved
  })(),
}

// ---- 1. week.graph vs week.frame
log(`week ${week}: week.graph vs week.frame …`)
const graphEngine = await timeAsync(runs, async () =>
  JSON.stringify(await service.handle('week.graph', { week })),
)
const frameEngine = await timeAsync(runs, async () =>
  JSON.stringify(await service.handle('week.frame', { week })),
)
const graphText = graphEngine.value
const frameText = frameEngine.value
const graphClient = timeRuns(runs, () => calls['week.graph'].response.parse(JSON.parse(graphText)))
const frameClient = timeRuns(runs, () => {
  const f = calls['week.frame'].response.parse(JSON.parse(frameText))
  return [
    decodeInt32(f.nodes),
    decodeFloat64(f.size),
    decodeFloat32(f.tvlChange),
    decodeInt32(f.edgeSource),
    decodeInt32(f.edgeTarget),
    decodeFloat64(f.edgeWeight),
  ]
})
const universeEngine = await timeAsync(Math.min(runs, 5), async () =>
  JSON.stringify(await service.handle('graph.universe', {})),
)
const nodes = JSON.parse(graphText).nodes.length as number
const edges = JSON.parse(graphText).edges.length as number

// ---- 2. the codec
log('packed codec …')
const big = Float64Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i) * 1e9)
const bigBytes = new Uint8Array(big.buffer)
const text = encodePacked(big)
const mb = big.byteLength / 1e6
const codec = {
  encode: stats(timeRuns(30, () => encodePacked(big)).times),
  decode: stats(timeRuns(30, () => decodeFloat64(text)).times),
  bufferEncode: stats(timeRuns(30, () => Buffer.from(big.buffer).toString('base64')).times),
  bufferDecode: stats(timeRuns(30, () => Buffer.from(text, 'base64')).times),
  // atob/btoa (in Node and browsers) work on binary strings: building one is part of the cost
  btoa: stats(
    timeRuns(5, () => {
      let s = ''
      for (let i = 0; i < bigBytes.length; i += 8192)
        s += String.fromCharCode(...bigBytes.subarray(i, i + 8192))
      return btoa(s)
    }).times,
  ),
  atob: stats(
    timeRuns(5, () => {
      const s = atob(text)
      const out = new Uint8Array(s.length)
      for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
      return out
    }).times,
  ),
  mb,
}
if (encodeBytes(bigBytes) !== Buffer.from(bigBytes).toString('base64')) throw new Error('codec')
if (decodeBytes(text).length !== bigBytes.length) throw new Error('codec')

// ---- 3b. ForceAtlas2 iterations beside the peer on the same core graph and start
log(`ForceAtlas2, ${peerIterations} iterations on the union core for the peer …`)
const view = service.layout.view()
const union = await unionEdges(service.archive, view.universe)
const core = connected(view.universe.ids.length, union)
const sub = subgraph(core, union)
const sx = Float32Array.from(sub.nodes, (i) => view.x[i])
const sy = Float32Array.from(sub.nodes, (i) => view.y[i])
const fa2 = await runForceAtlas2({
  x: sx,
  y: sy,
  fixed: new Uint8Array(sub.nodes.length),
  edges: sub.edges,
  iterations: peerIterations,
})
const lines: string[] = []
for (let j = 0; j < sub.edges.a.length; j++)
  lines.push(`${sub.edges.a[j]} ${sub.edges.b[j]} ${sub.edges.weight[j]}`)
writeFileSync(join(peerDir, 'union-edges.txt'), lines.join('\n') + '\n')
writeFileSync(
  join(peerDir, 'union-pos.txt'),
  Array.from(sx, (x, k) => `${x} ${sy[k]}`).join('\n') + '\n',
)
service.close()

process.stdout.write(
  JSON.stringify({
    week,
    nodes,
    edges,
    graph: {
      engine: stats(graphEngine.times),
      bytes: graphText.length,
      client: stats(graphClient.times),
    },
    frame: {
      engine: stats(frameEngine.times),
      bytes: frameText.length,
      client: stats(frameClient.times),
    },
    universe: { engine: stats(universeEngine.times), bytes: universeEngine.value.length },
    codec,
    layout,
    incremental,
    fa2: {
      nodes: sub.nodes.length,
      edges: sub.edges.a.length,
      iterations: peerIterations,
      ms: fa2.ms,
      settings: fa2.settings,
    },
  }) + '\n',
)
