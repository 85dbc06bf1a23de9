// ONNX Runtime side of bench/forecast.mjs: the h=1 model's encoder on the largest week of an
// archive (median of runs) and the pair head's throughput on 2 M pairs (both outputs, and the
// existence-only pass a forecast uses for every candidate). Prints one JSON line.
import { ForecastModel, PAIR_BATCH, defaultModelDir } from '../src/engine/forecast/model'
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
  }) + '\n',
)
await model.release()
archive.close()
