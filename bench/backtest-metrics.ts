// Pooled realistic-protocol metrics at real-scale size: AUPRC, ROC AUC and ECE over N pairs in
// W weekly runs (ScoreTally), on pairs written to FILE.f64 / FILE.u8 for the Python peer.
// Usage (through bench/backtest-metrics.mjs): node backtest-metrics.mjs OUT_PREFIX N W
import { writeFileSync } from 'node:fs'
import { Rng } from '../src/engine/demo/rng'
import { ScoreTally } from '../src/shared/metrics'

const [prefix, nArg, wArg] = process.argv.slice(2)
const n = Number(nArg ?? 10_000_000)
const weeks = Number(wArg ?? 6)
const rng = new Rng(17)
const scores = new Float64Array(n)
const labels = new Uint8Array(n)
for (let i = 0; i < n; i++) {
  // base rate ≈ 2.5 %; float32-rounded logistic scores give realistic ties
  const pos = rng.next() < 0.025
  const z = (pos ? 1.5 : -1.5) + 1.6 * (rng.next() + rng.next() + rng.next() - 1.5)
  labels[i] = pos ? 1 : 0
  scores[i] = Math.fround(1 / (1 + Math.exp(-3 * z)))
}
writeFileSync(`${prefix}.f64`, scores)
writeFileSync(`${prefix}.u8`, labels)

const t0 = performance.now()
const pooled = new ScoreTally()
const per = Math.ceil(n / weeks)
for (let w = 0; w < weeks; w++) {
  const week = new ScoreTally()
  for (let i = w * per; i < Math.min(n, (w + 1) * per); i++) week.add(scores[i], labels[i] === 1)
  pooled.absorb(week)
}
const t1 = performance.now()
const ap = pooled.averagePrecision()
const auc = pooled.rocAuc()
const ece = pooled.expectedCalibrationError()
const t2 = performance.now()
process.stdout.write(
  JSON.stringify({
    n,
    weeks,
    ap,
    auc,
    ece,
    build_s: (t1 - t0) / 1000,
    metrics_s: (t2 - t1) / 1000,
    total_s: (t2 - t0) / 1000,
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
  }) + '\n',
)
