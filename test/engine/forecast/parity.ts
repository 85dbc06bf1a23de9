// ONNX Runtime against PyTorch on the outputs `train.py --parity` writes for a graph with repeated
// destinations (the case wrong scatter exports get silently wrong): every graph of a model, within
// 1e-4. Used for the shipped h=1 model (model.test.ts) and for a freshly trained one (train.test.ts).
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { ForecastModel } from '../../../src/engine/forecast/model'
import { freshProbability } from '../../../src/engine/forecast/scoring'

export type Parity = Record<string, number[]> & { n: number; p: number; n_features: number }

export const readParity = (file: string): Parity => JSON.parse(readFileSync(file, 'utf8')) as Parity

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

export async function expectOnnxMatchesPyTorch(modelDir: string, parity: Parity): Promise<void> {
  const model = await ForecastModel.load(modelDir)
  try {
    expect(parity.edge_dst.filter((d) => d === 0).length).toBeGreaterThanOrEqual(10)
    const enc = await model.runEncoder(
      Float32Array.from(parity.features),
      Int32Array.from(parity.edge_src),
      Int32Array.from(parity.edge_dst),
      Float32Array.from(parity.edge_weight),
    )
    expect(maxDiff(enc.h.data as Float32Array, parity.h)).toBeLessThan(1e-4)
    expect(maxDiff(enc.nodeChange, parity.node_change)).toBeLessThan(1e-4)
    const out = await model.scorePairs(
      enc,
      Int32Array.from(parity.src),
      Int32Array.from(parity.dst),
      Float32Array.from(parity.pair_hist),
    )
    expect(maxDiff(out.logit, parity.logit)).toBeLessThan(1e-4)
    const k = model.manifest.pair_history.length
    const base = model.manifest.pair_history.indexOf('log_weight_at_t')
    const expectedLogWeight = parity.weight_residual.map((r, i) =>
      Math.max(0, parity.pair_hist[i * k + base] + r),
    )
    expect(maxDiff(out.logWeight, expectedLogWeight)).toBeLessThan(1e-4)
    // the existence-only pass (ONNX Runtime fetches just `logit`) gives the same probabilities
    const prob = await model.existence(
      enc,
      Int32Array.from(parity.src),
      Int32Array.from(parity.dst),
      Float32Array.from(parity.pair_hist),
    )
    expect(maxDiff(prob, out.prob)).toBe(0)
    // the fresh head: its per-node vectors and the block probabilities of rows × all nodes
    expect(model.hasFreshHead).toBe(true)
    expect(maxDiff(enc.fresh!.src, parity.src_vec)).toBeLessThan(1e-4)
    expect(maxDiff(enc.fresh!.dst, parity.dst_vec)).toBeLessThan(1e-4)
    const block = await model.freshBlock(enc, Int32Array.from(parity.rows))
    expect(block.length).toBe(parity.rows.length * parity.n)
    expect(maxDiff(block, parity.probability)).toBeLessThan(1e-4)
    // and one pair from the vectors alone (how scoring.ts serves single fresh pairs)
    const [u, v] = [parity.rows[1], 5]
    expect(freshProbability(enc.fresh!, u, v)).toBeCloseTo(parity.probability[parity.n + v], 5)
  } finally {
    await model.release()
  }
}
