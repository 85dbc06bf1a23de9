// Graph explorer benchmark (BENCHMARKS.md "Graph explorer engine"): on a copy of the real-scale demo
// archive without positions, the first full layout of the universe (ForceAtlas2 in its worker), the
// largest week as `week.graph` JSON objects vs `week.frame` packed arrays (engine, bytes, client
// parse and decode), the packed codec beside Buffer, and ForceAtlas2 beside networkx
// `spring_layout` on the same union graph for the same iterations (bench/graph-peer.py).
// Usage: node bench/graph.mjs [ARCHIVE] [--iterations K] [--runs N]
//   ARCHIVE defaults to bench/data/real-scale.sqlite
//   (`node bin/dexposure.js --archive bench/data/real-scale.sqlite demo --scale real`, ~3 min).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { build } from 'esbuild'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const iterations = option('--iterations', 10)
const runs = option('--runs', 15)
const source =
  args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
  'bench/data/real-scale.sqlite'
if (!existsSync(source)) {
  process.stderr.write(
    `bench: ${source} is missing; build it with \`node bin/dexposure.js --archive ${source} demo --scale real\`\n`,
  )
  process.exit(1)
}
const dir = '.tmp/bench'
mkdirSync(dir, { recursive: true })
const archive = `${dir}/graph.sqlite`
for (const f of [archive, `${archive}-wal`, `${archive}-shm`]) rmSync(f, { force: true })
// a copy: the bench writes the layout, and measures the first one on an archive without any
copyFileSync(source, archive)
const loadStart = loadavg()[0]
await build({
  entryPoints: ['bench/graph.ts'],
  outfile: `${dir}/graph.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __dxCreateRequire } from 'node:module'; const require = __dxCreateRequire(import.meta.url);",
  },
})
const ours = JSON.parse(
  execFileSync(
    process.execPath,
    [`${dir}/graph.mjs`, archive, dir, String(iterations), String(runs)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_PATH: 'node_modules' },
      maxBuffer: 64 << 20,
    },
  ),
)
process.stderr.write(`bench: networkx spring_layout, ${iterations} iterations …\n`)
const peer = JSON.parse(
  execFileSync('/usr/bin/python3', ['bench/graph-peer.py', dir, String(iterations)], {
    encoding: 'utf8',
  }),
)
const loadEnd = loadavg()[0]

const ms = (s) => `${s.median.toFixed(1)} ms (min ${s.min.toFixed(1)})`
const mbs = (bytes, s) => `${(bytes / 1e6 / (s.median / 1000)).toFixed(0)} MB/s`
const size = (b) => `${(b / 1e6).toFixed(2)} MB`
const x = (a, b) => `${(a / b).toFixed(1)}×`
const { graph, frame, codec, layout, fa2 } = ours
if (ours.incremental.kind !== 'incremental' || ours.incremental.oldMoved !== 0)
  throw new Error(`incremental placement moved old nodes: ${JSON.stringify(ours.incremental)}`)
const fa2PerSec = fa2.iterations / (fa2.ms / 1000)
const peerPerSec = peer.iterations / (peer.ms / 1000)
const layoutPerSec = layout.iterations / (layout.fa2Ms / 1000)
const cpu = cpus()
const section = `<!-- graph:start -->
## Graph explorer engine (issue 10)

Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version} (shared with other jobs: load average ${loadStart.toFixed(1)} at the start, ${loadEnd.toFixed(1)} at the end). Date: ${new Date().toISOString().slice(0, 10)}.
Command: \`node bench/graph.mjs --iterations ${iterations} --runs ${runs}\` on a copy of the SYNTHETIC real-scale demo
archive (\`dexposure demo --scale real\`, seed 42) without stored positions. Week: ${ours.week}, the largest
(${ours.nodes.toLocaleString('en')} nodes, ${ours.edges.toLocaleString('en')} edges). Medians of ${runs} runs after a warm-up.

| the largest week, whole | \`week.graph\` (JSON objects) | \`week.frame\` (packed arrays) | ratio |
|---|---|---|---|
| engine: \`EngineService.handle\` (validation both ways) + \`JSON.stringify\` | ${ms(graph.engine)} | **${ms(frame.engine)}** | ${x(graph.engine.median, frame.engine.median)} |
| bytes on the wire | ${size(graph.bytes)} | **${size(frame.bytes)}** | ${x(graph.bytes, frame.bytes)} |
| client in Node: \`JSON.parse\` + the contract's zod parse (+ decoding the six arrays) | ${ms(graph.client)} | **${ms(frame.client)}** | ${x(graph.client.median, frame.client.median)} |

\`graph.universe\` (${layout.nodes.toLocaleString('en')} nodes, every week's union, with positions): ${ms(ours.universe.engine)} engine time, ${size(ours.universe.bytes)}; fetched once per revision.

| packed codec (\`src/shared/packed.ts\`, 8 MB Float64Array) | ours | Node \`Buffer\` base64 (native, Node only) | \`btoa\`/\`atob\` + binary string |
|---|---|---|---|
| encode | **${mbs(codec.mb * 1e6, codec.encode)}** | ${mbs(codec.mb * 1e6, codec.bufferEncode)} | ${mbs(codec.mb * 1e6, codec.btoa)} |
| decode | **${mbs(codec.mb * 1e6, codec.decode)}** | ${mbs(codec.mb * 1e6, codec.bufferDecode)} | ${mbs(codec.mb * 1e6, codec.atob)} |

| layout of the universe | ours | peer (same run) | ratio |
|---|---|---|---|
| first \`graph.universe\`: answer (layout pending, job started) | **${layout.pendingAnswerMs.toFixed(0)} ms** | — | — |
| first full layout, end to end (gather union edges, seed, ${layout.iterations} ForceAtlas2 iterations in the worker, write) | **${(layout.wallMs / 1000).toFixed(1)} s** | — | — |
| … gathering the union edges of ${layout.weeks} weeks | ${(layout.gatherMs / 1000).toFixed(1)} s | — | — |
| … ForceAtlas2, ${layout.iterations} iterations | ${(layout.fa2Ms / 1000).toFixed(1)} s (${layoutPerSec.toFixed(1)} iterations/s) | — | — |
| after an import of one more week with ${ours.incremental.placed} new nodes (1 %): placing them, every other node fixed (gather the union again, ${ours.incremental.iterations} iterations; ${ours.incremental.oldMoved} old nodes moved) | **${(ours.incremental.wallMs / 1000).toFixed(1)} s** | — | — |
| ${iterations} iterations on the union core (${fa2.nodes.toLocaleString('en')} nodes with edges, ${fa2.edges.toLocaleString('en')} pairs), same start | **${(fa2.ms / 1000).toFixed(1)} s (${fa2PerSec.toFixed(2)} iterations/s)**, graphology-layout-forceatlas2 0.10.1, Barnes-Hut θ 1 | networkx ${peer.networkx} \`spring_layout(iterations=${iterations})\` (default method at this size: ${peer.method}): ${(peer.ms / 1000).toFixed(1)} s (${peerPerSec.toFixed(2)} iterations/s; + ${(peer.build_ms / 1000).toFixed(1)} s to build the Graph) | ${x(fa2PerSec, peerPerSec)} iterations/s |

A ForceAtlas2 iteration is one Barnes-Hut force step (O(n log n) repulsion, O(m) attraction);
networkx's is an exact O(n²) step, which is why the peer runs ${iterations} iterations only (the
full layout's ${layout.iterations} would take it ${(layout.iterations / peerPerSec / 60).toFixed(0)} minutes). The short run includes the worker's start.
<!-- graph:end -->
`
const file = 'BENCHMARKS.md'
const md = readFileSync(file, 'utf8')
const start = md.indexOf('<!-- graph:start -->')
const end = md.indexOf('<!-- graph:end -->')
writeFileSync(
  file,
  start >= 0 && end > start
    ? md.slice(0, start) + section.trimEnd() + md.slice(end + '<!-- graph:end -->'.length)
    : md.trimEnd() + '\n\n' + section,
)
process.stdout.write(section)
process.stderr.write(`bench: ${JSON.stringify({ ours, peer })}\n`)
