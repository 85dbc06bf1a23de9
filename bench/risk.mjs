// `node bench/risk.mjs [--archive FILE] [--runs N]`: times bench/risk.ts (TypeScript risk
// analytics on a real-scale week) and bench/risk-peer.py (networkx PageRank and the reference
// cascade in Python on the same graph and shock sets), and prints both with their ratios.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { build } from 'esbuild'

const args = process.argv.slice(2)
mkdirSync('.tmp/bench', { recursive: true })
await build({
  entryPoints: ['bench/risk.ts'],
  outfile: '.tmp/bench/risk.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  // graphology is CommonJS with extension-less deep imports: bundle it; keep the native module out.
  external: ['better-sqlite3'],
  logLevel: 'warning',
})
const graphFile = '.tmp/bench/risk-graph.json'
const ts = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/risk.mjs', '--out', graphFile, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: 'node_modules' },
  }),
)
const runsIdx = args.indexOf('--runs')
const pyRuns = Math.min(runsIdx >= 0 ? Number(args[runsIdx + 1]) : 15, 5)
const py = JSON.parse(
  execFileSync('/usr/bin/python3', ['bench/risk-peer.py', 'bench', graphFile, String(pyRuns)], {
    encoding: 'utf8',
  }),
)
const ratio = (a, b) => Number((a / b).toFixed(1))
console.log(
  JSON.stringify(
    {
      machine: `${cpus()[0]?.model} ×${cpus().length}, node ${process.version}`,
      date: new Date().toISOString().slice(0, 10),
      typescript: ts,
      python: py,
      ratios: {
        pagerankNetworkxOverOurs: ratio(py.pagerank.median, ts.pagerank.median),
        pagerankGraphologyOverOurs: ratio(ts.graphologyPagerank.median, ts.pagerank.median),
        referenceCascadesPythonOverOurs: ratio(
          py.referenceCascades.median,
          ts.referenceCascades.median,
        ),
      },
    },
    null,
    2,
  ),
)
