// Benchmark of the foundation (issue: archive + importers), written to BENCHMARKS.md:
// 1. import of a real-scale 283-week DeXposure JSON (written by the demo generator, ~1 GB) with
//    `dexposure import`, beside Python's json.load of the same file (Debian /usr/bin/python3):
//    wall time, MB/s, peak RSS (GNU time);
// 2. the archive's fast paths on that archive (largest week as typed arrays, a node's history,
//    its edges), beside Python sqlite3 + numpy reading the same rows.
// Usage: node bench/archive.mjs [--keep] [--runs N] [--cli DIR] [--before DIR] [--archive FILE]
//   (npm run bench:archive)
//   --cli DIR: import with the CLI bundle built in DIR instead of out/node (a private build, so
//   a rebuild of out/node during the run cannot change what is measured).
//   --before DIR: also import with the CLI bundle built in DIR (scripts/build-node.mjs run with
//   another outdir, e.g. from an older commit), in the same run, for a before/after row.
//   --archive FILE: the archive the import writes (default bench/data/real-scale.sqlite, which the
//   run deletes and rebuilds; point it under /tmp to leave the shared archive alone).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { build } from 'esbuild'

const args = process.argv.slice(2)
const runsAt = args.indexOf('--runs')
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 30
const beforeAt = args.indexOf('--before')
const beforeDir = beforeAt >= 0 ? args[beforeAt + 1] : null
const loadAtStart = loadavg()[0]
const dataDir = 'bench/data'
const json = `${dataDir}/real-scale.json`
const archiveAt = args.indexOf('--archive')
const archive = archiveAt >= 0 ? args[archiveAt + 1] : `${dataDir}/real-scale.sqlite`
mkdirSync(dataDir, { recursive: true })

const cliAt = args.indexOf('--cli')
const cliDir = cliAt >= 0 ? args[cliAt + 1] : null
const cli = cliDir ? ['bench/cli-at.mjs'] : ['bin/dexposure.js']
if (cliDir) process.env.DX_CLI = `${cliDir}/cli.js`
const log = (m) => process.stderr.write(`bench: ${m}\n`)

/** Runs a command under GNU time; returns wall seconds, CPU seconds (user + system) and peak RSS in MB. */
function timed(cmd, cmdArgs, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...cmdArgs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env,
  })
  if (r.status !== 0)
    throw new Error(`${cmd} ${cmdArgs.join(' ')} failed: ${r.stderr.slice(-2000)}`)
  const last = r.stderr.trim().split('\n').at(-1).split(' ')
  return {
    seconds: Number(last[0]),
    peakRssMb: Number(last[1]) / 1024,
    cpuSeconds: Number(last[2]) + Number(last[3]),
    stdout: r.stdout,
  }
}

if (!existsSync(json)) {
  log(`writing the real-scale demo JSON to ${json} …`)
  const g = timed(process.execPath, [
    ...cli,
    '--quiet',
    'demo',
    '--scale',
    'real',
    '--seed',
    '42',
    '--out',
    json,
  ])
  log(`  written in ${g.seconds} s`)
}
const bytes = statSync(json).size
const mb = bytes / 1e6
log(`file: ${(bytes / 1e9).toFixed(2)} GB`)

log('Python json.load …')
const py = timed('/usr/bin/python3', [
  '-c',
  'import json,sys; json.load(open(sys.argv[1], "rb"))',
  json,
])
log(`  ${py.seconds} s, peak ${py.peakRssMb.toFixed(0)} MB`)

const importArgs = ['--quiet', '--json', '--archive', archive, 'import', json]
const clearArchive = () => {
  for (const f of [archive, `${archive}-wal`, `${archive}-shm`]) rmSync(f, { force: true })
}
/** Content hash of every archived week, to show two builds archive the same thing. */
const weekHashes = () =>
  execFileSync(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(process.argv[1], { readonly: true });
       const h = require('node:crypto').createHash('sha256');
       for (const r of db.prepare('SELECT week, n_nodes, n_edges, total_tvl, total_exposure, content_sha256, counts FROM weeks ORDER BY week').raw().iterate()) h.update(JSON.stringify(r));
       process.stdout.write(h.digest('hex'))`,
      archive,
    ],
    { encoding: 'utf8' },
  )
let before = null
if (beforeDir) {
  clearArchive()
  log(`dexposure import, the build in ${beforeDir} …`)
  before = timed(process.execPath, ['bench/cli-at.mjs', ...importArgs], {
    ...process.env,
    DX_CLI: `${beforeDir}/cli.js`,
  })
  before.weeks = weekHashes()
  log(
    `  ${before.seconds} s, peak ${before.peakRssMb.toFixed(0)} MB, weeks ${before.weeks.slice(0, 16)}`,
  )
}
clearArchive()
log('dexposure import …')
const imp = timed(process.execPath, [...cli, ...importArgs])
const report = JSON.parse(imp.stdout)
imp.weeks = weekHashes()
log(
  `  ${imp.seconds} s, peak ${imp.peakRssMb.toFixed(0)} MB, ${report.weeksInserted.length} weeks ${imp.weeks.slice(0, 16)}`,
)
if (before && before.weeks !== imp.weeks)
  throw new Error('the two builds archived different weeks (content hashes differ)')

log('fast paths …')
await build({
  entryPoints: ['bench/load-week.ts'],
  outfile: '.tmp/bench/load-week.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
// Bundled into .tmp/ (outside node_modules' reach), so resolve packages from the project root.
const load = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/load-week.mjs', archive, String(runs)], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: 'node_modules' },
  }),
)
const peer = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    ['bench/load-week-peer.py', archive, load.largestWeek, load.node, String(Math.min(runs, 10))],
    {
      encoding: 'utf8',
    },
  ),
)

const cpu = cpus()[0]?.model ?? 'unknown CPU'
const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.versions.node} (1-minute load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end: the machine is shared)`
const date = new Date().toISOString().slice(0, 10)
const f2 = (x) => x.toFixed(2)
const section = `<!-- archive:start -->
## Archive and import (issue 2)

Machine: ${machine}. Date: ${date}. Command: \`npm run bench:archive\` (bench/archive.mjs).
Input: the demo generator's real-scale archive written as DeXposure JSON
(\`dexposure demo --scale real --seed 42 --out …\`): ${(bytes / 1e9).toFixed(2)} GB, ${report.weeksInserted.length} weeks,
${load.nodes.toLocaleString('en')} nodes and ${load.edges.toLocaleString('en')} edges in the largest week (${load.largestWeek}).

| task | DeXposure Workbench | peer (same run) | ratio |
|---|---|---|---|
| parse/import the 1 GB-class file: wall time | **${f2(imp.seconds)} s** (${f2(mb / imp.seconds)} MB/s; streamed, validated, written to SQLite) | Python \`json.load\` (parse only): ${f2(py.seconds)} s (${f2(mb / py.seconds)} MB/s) | ${f2(py.seconds / imp.seconds)}× faster |
| … CPU time (user + system, all threads) | ${f2(imp.cpuSeconds)} s | ${f2(py.cpuSeconds)} s | — |
| … peak RSS | **${imp.peakRssMb.toFixed(0)} MB** | ${py.peakRssMb.toFixed(0)} MB | ${f2(py.peakRssMb / imp.peakRssMb)}× less |${
  before
    ? `
| the same import with the build in \`${beforeDir}\` (same run; same week hashes) | ${f2(before.seconds)} s wall, ${f2(before.cpuSeconds)} s CPU, peak ${before.peakRssMb.toFixed(0)} MB | json.load above | ${f2(py.seconds / before.seconds)}× faster |`
    : ''
}
| load the largest week (nodes + edges + features as typed arrays), median of ${runs} | **${f2(load.loadWeek.median)} ms** (p95 ${f2(load.loadWeek.p95)}) | Python sqlite3 + numpy from \`nodes\`/\`edges\`: ${f2(peer.loadWeek.median)} ms | ${f2(peer.loadWeek.median / load.loadWeek.median)}× |
| one node's full history (${load.historyRows} weeks, node \`${load.node}\`) | **${f2(load.nodeHistory.median)} ms** | ${f2(peer.nodeHistory.median)} ms | ${f2(peer.nodeHistory.median / load.nodeHistory.median)}× |
| the same node's edges across all weeks (${load.edgeRows.toLocaleString('en')} rows) | **${f2(load.nodeEdges.median)} ms** | — | — |

Week hashes (SHA-256 over every archived week's counts and content hash): \`${imp.weeks}\`.

Targets: import ≥ 3× \`json.load\`'s speed with peak RSS ≤ 1 GB (issue 14 §4); largest week ≤ 50 ms; a node's history ≤ 20 ms.
<!-- archive:end -->`

const file = 'BENCHMARKS.md'
let doc = existsSync(file)
  ? readFileSync(file, 'utf8')
  : '# Benchmarks\n\nMeasured figures, each beside its peer in the same run. Never asserted in tests (shared, noisy machines).\n'
doc = doc.includes('<!-- archive:start -->')
  ? doc.replace(/<!-- archive:start -->[\s\S]*<!-- archive:end -->/, section)
  : `${doc.trimEnd()}\n\n${section}\n`
writeFileSync(file, doc)
log(`written to ${file}`)
if (!args.includes('--keep'))
  for (const f of [archive, `${archive}-wal`, `${archive}-shm`]) rmSync(f, { force: true })
process.stdout.write(section + '\n')
