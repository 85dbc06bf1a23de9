// Forecast speed at real scale (BENCHMARKS.md "Forecasting"): on the largest week of a real-scale
// demo archive, the h=1 encoder in ONNX Runtime beside the same model's PyTorch forward (CPU, same
// run), the pair head's throughput, and a complete one-horizon `dexposure forecast` (wall, peak RSS).
// Usage: node bench/forecast.mjs [ARCHIVE]  (default bench/data/real-scale.sqlite from bench:archive --keep)
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { build } from 'esbuild'

const source = process.argv[2] ?? 'bench/data/real-scale.sqlite'
if (!existsSync(source)) {
  process.stderr.write(
    `bench: ${source} is missing; run \`npm run bench:archive -- --keep\` first\n`,
  )
  process.exit(1)
}
const archive = '.tmp/bench/forecast.sqlite'
for (const f of [archive, `${archive}-wal`, `${archive}-shm`]) rmSync(f, { force: true })
copyFileSync(source, archive)
const load0 = loadavg()[0]
await build({
  entryPoints: ['bench/forecast-encoder.ts'],
  outfile: '.tmp/bench/forecast-encoder.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
})
const ort = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/forecast-encoder.mjs', archive, '7'], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: 'node_modules' },
  }),
)
const torch = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    [
      'bench/forecast-peer.py',
      archive,
      ort.week,
      '7',
      String(ort.batch),
      String(ort.freshRows),
      String(ort.freshFloor),
    ],
    {
      encoding: 'utf8',
    },
  ),
)
// Two complete forecasts in fresh processes. The bench archive has no pair-memory checkpoints, as
// one from before schema 4, so the first walks the whole archive and leaves them
// (docs/archive-schema.md); the second starts from them, as every forecast does after an import,
// which writes them once committed.
const forecast = () => {
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      process.execPath,
      'bin/dexposure.js',
      '--quiet',
      '--json',
      '--archive',
      archive,
      'forecast',
      '--week',
      ort.week,
      '--horizon',
      '1',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  )
  if (run.status !== 0) throw new Error(run.stderr)
  const [wall, rssKb] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  return { wall, rssKb, fc: JSON.parse(run.stdout) }
}
const cold = forecast()
const { wall, rssKb, fc } = forecast()
const checkpointMb =
  Number(
    execFileSync('sqlite3', [
      archive,
      'SELECT coalesce(sum(length(pairs) + length(node_ids)), 0) FROM pair_memory_checkpoints',
    ]),
  ) /
  2 ** 20
const f1 = (x) => x.toFixed(1)
const coverage = fc.exhaustive
  ? `all ${fc.pairs_scored.toLocaleString('en')} ordered pairs scored exactly (pairs with history by the pair head, the rest by the fresh head in blocks)`
  : `${fc.pairs_scored.toLocaleString('en')} candidate pairs scored exactly, the other ${(fc.nodes * (fc.nodes - 1) - fc.pairs_scored).toLocaleString('en')} pairs at the sampled non-candidate probability ${fc.non_candidate_probability?.toExponential(2)}`
const section = `<!-- forecast:start -->
## Forecasting (issue 3)

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ONNX Runtime ${ort.provider} (load average ${load0.toFixed(1)} at start). Date: ${new Date().toISOString().slice(0, 10)}.
Command: \`node bench/forecast.mjs\` on the largest week of the real-scale demo archive (${ort.week}: ${ort.nodes.toLocaleString('en')} nodes, ${ort.edges.toLocaleString('en')} edges), model \`resources/models/h1\`.

| task | DeXposure Workbench (ONNX Runtime, CPU) | peer: same model in PyTorch 1.13 (CPU, 2 threads), same run | ratio |
|---|---|---|---|
| encoder, one week (median of 7) | **${f1(ort.encoderMs)} ms** | ${f1(torch.encoderMs)} ms | ${(torch.encoderMs / ort.encoderMs).toFixed(2)}× |
| pair head, existence pass (what a forecast runs on every candidate; 2 M pairs in batches of ${ort.batch.toLocaleString('en')}, PyTorch in the same batches) | **${(ort.existencePairsPerSecond / 1e6).toFixed(2)} M pairs/s** | ${(torch.existencePairsPerSecond / 1e6).toFixed(2)} M pairs/s | ${(ort.existencePairsPerSecond / torch.existencePairsPerSecond).toFixed(2)}× |
| pair head, both outputs (existence and weight) | **${(ort.pairsPerSecond / 1e6).toFixed(2)} M pairs/s** | — | — |
| fresh head, every pair of the week as a forecast scans it (n² = ${(ort.nodes ** 2 / 1e6).toFixed(0)} M: blocks of ${ort.freshRows} holders × all issuers, MatMul + Sigmoid on the week's per-node vectors, reduced to row sums and the ${ort.freshKept.toLocaleString('en')} cells with p ≥ ${ort.freshFloor}; PyTorch the same) | **${(ort.freshPairsPerSecond / 1e6).toFixed(0)} M pairs/s** | ${(torch.freshPairsPerSecond / 1e6).toFixed(0)} M pairs/s | ${(ort.freshPairsPerSecond / torch.freshPairsPerSecond).toFixed(2)}× |
| complete one-horizon forecast (\`dexposure forecast --horizon 1\`: history, encoder, ${coverage}, stored; pair history from the checkpoints an import writes) | **${wall.toFixed(1)} s** wall, peak RSS **${(rssKb / 1024).toFixed(0)} MB** | — | — |
| the same on an archive without checkpoints (walking all archived weeks and writing ${checkpointMb.toFixed(0)} MB of pair-memory checkpoints, which an import now does once committed) | ${cold.wall.toFixed(1)} s wall, peak RSS ${(cold.rssKb / 1024).toFixed(0)} MB | — | — |

Targets: encoder ≤ 1 s, complete forecast ≤ 5 s, peak RSS ≤ 2 GB.
<!-- forecast:end -->`
const file = 'BENCHMARKS.md'
let doc = readFileSync(file, 'utf8')
doc = doc.includes('<!-- forecast:start -->')
  ? doc.replace(/<!-- forecast:start -->[\s\S]*<!-- forecast:end -->/, section)
  : `${doc.trimEnd()}\n\n${section}\n`
writeFileSync(file, doc)
process.stdout.write(section + '\n')
