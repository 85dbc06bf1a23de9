// ONNX Runtime side of bench/forecast.mjs: the h=1 model's encoder on the largest week of an
// archive (median of runs) and the pair head's throughput on 2 M pairs (both outputs, and the
// existence-only pass a forecast uses for every candidate), and the fresh head over all n² pairs
// in blocks. Prints one JSON line.
import { ForecastModel, PAIR_BATCH, defaultModelDir } from '../src/engine/forecast/model'
import { FRESH_KEEP_FLOOR } from '../src/engine/forecast/stages/scan-fresh'
import { FRESH_BLOCK_CELLS, scanFreshRows } from '../src/engine/forecast/scoring'
import { Archive } from '../src/engine/store/archive'

const [file, runsArg] = process.argv.slice(2)
const runs = Number(runsArg ?? 5)
const archive = Archive.open(file, { readonly: true })
const largest = archive.listWeeks().reduce((a, b) => (b.edges > a.edges ? b : a))
const frame = archive.loadWeek(largest.week)
const model = await ForecastModel.load(defaultModelDir(1)!)
const times: number[] = []
let enc = await model.encode(frame)
for (let i = 0; i < runs; i++) {
  const t = performance.now()
  enc = await model.encode(frame)
  times.push(performance.now() - t)
}
times.sort((a, b) => a - b)
const P = 2_000_000
const n = frame.nodeIds.length
const src = new Int32Array(P)
const dst = new Int32Array(P)
for (let i = 0; i < P; i++) {
  src[i] = (i * 7919) % n
  dst[i] = (i * 104729 + 1) % n
}
const hist = new Float32Array(P * model.manifest.pair_history.length)
const t0 = performance.now()
await model.scorePairs(enc, src, dst, hist)
const headMs = performance.now() - t0
const t1 = performance.now()
await model.existence(enc, src, dst, hist)
const existenceMs = performance.now() - t1
// the fresh head over every pair of the week as a forecast scans it: blocks of holders reduced in
// ONNX Runtime to row sums and the cells with p ≥ FRESH_KEEP_FLOOR, which JS reads
let sum = 0
let keptCells = 0
const t2 = performance.now()
await scanFreshRows(model, enc, n, FRESH_KEEP_FLOOR, Infinity, (b) => {
  for (let r = 0; r < b.rowSum.length; r++) sum += b.rowSum[r]
  keptCells += b.keptProb.length
})
const freshMs = performance.now() - t2
process.stdout.write(
  JSON.stringify({
    week: largest.week,
    nodes: n,
    edges: frame.edgeSrc.length,
    provider: model.provider,
    encoderMs: times[Math.floor(times.length / 2)],
    encoderMinMs: times[0],
    pairsPerSecond: P / (headMs / 1000),
    existencePairsPerSecond: P / (existenceMs / 1000),
    batch: PAIR_BATCH,
    freshPairsPerSecond: (n * n) / (freshMs / 1000),
    freshRows: Math.max(1, Math.floor(FRESH_BLOCK_CELLS / n)),
    freshSum: sum,
    freshKept: keptCells,
    freshFloor: FRESH_KEEP_FLOOR,
  }) + '\n',
)
await model.release()
archive.close()
