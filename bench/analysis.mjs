// Speed of the workbench's risk, forecast and backtest calls (issue 11) on a copy of an archive:
// `node bench/analysis.mjs [ARCHIVE] [WEEK] [FORECAST_WEEK] [BACKTEST_FROM:TO | ''] [DRAWS]`
// (default: a fresh small demo archive, 2022-05-09, 2025-06-02, 2025-01-06:2025-01-20, 200).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { build } from 'esbuild'

mkdirSync('.tmp/bench', { recursive: true })
const [
  source,
  week = '2022-05-09',
  fweek = '2025-06-02',
  bt = '2025-01-06:2025-01-20',
  draws = '200',
] = process.argv.slice(2)
const archive = '.tmp/bench/analysis.sqlite'
for (const f of [archive, `${archive}-wal`, `${archive}-shm`]) rmSync(f, { force: true })
if (source) {
  if (!existsSync(source)) throw new Error(`${source} is missing`)
  copyFileSync(source, archive)
} else
  execFileSync(process.execPath, ['bin/dexposure.js', '--quiet', '--archive', archive, 'demo'], {
    stdio: 'inherit',
  })
await build({
  entryPoints: ['bench/analysis.ts'],
  outfile: '.tmp/bench/analysis.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
const timings = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/analysis.mjs', archive, week, fweek, bt, draws], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: 'node_modules' },
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
)
console.log(
  JSON.stringify(
    {
      machine: `${cpus()[0]?.model} ×${cpus().length}, node ${process.version}`,
      date: new Date().toISOString().slice(0, 10),
      archive: source ?? 'small demo (seed 42)',
      week,
      forecastWeek: fweek,
      draws: Number(draws),
      ms: timings,
    },
    null,
    2,
  ),
)
