// `node bench/backtest-metrics.mjs [N] [WEEKS]`: times the pooled realistic-protocol metrics
// (bench/backtest-metrics.ts, ScoreTally) against scikit-learn on the same pairs
// (bench/backtest-metrics-peer.py) and checks that both agree. Default: 10⁷ pairs in 6 weeks.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { build } from 'esbuild'

const [n = '10000000', weeks = '6'] = process.argv.slice(2)
mkdirSync('.tmp/bench', { recursive: true })
await build({
  entryPoints: ['bench/backtest-metrics.ts'],
  outfile: '.tmp/bench/backtest-metrics.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
})
const prefix = '.tmp/bench/backtest-metrics-pairs'
const ts = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/backtest-metrics.mjs', prefix, n, weeks], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  }),
)
const py = JSON.parse(
  execFileSync('/usr/bin/python3', ['bench/backtest-metrics-peer.py', prefix], {
    encoding: 'utf8',
  }),
)
for (const f of ['.f64', '.u8']) rmSync(prefix + f)
const rel = (a, b) => Math.abs(a - b) / Math.abs(b)
console.log(
  JSON.stringify(
    {
      machine: `${cpus()[0]?.model} ×${cpus().length}, node ${process.version}`,
      date: new Date().toISOString().slice(0, 10),
      pairs: ts.n,
      weeks: ts.weeks,
      typescript: ts,
      sklearn: py,
      ratio: Number((py.total_s / ts.total_s).toFixed(2)),
      max_rel_diff: Math.max(rel(ts.ap, py.ap), rel(ts.auc, py.auc), rel(ts.ece, py.ece)),
    },
    null,
    2,
  ),
)
