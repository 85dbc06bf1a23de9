// The engine's fresh-pair graphs (src/engine/forecast/fresh-block.ts): their embedded ONNX bytes are
// exactly what training/fresh_block.py writes, and real ONNX Runtime sessions of them compute
// sigmoid(src_rows · dst) (block) and its row sums and the cells in [lo, hi) (scan), for contiguous
// and scattered rows.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  FRESH_BLOCK_ONNX_BASE64,
  FRESH_SCAN_ONNX_BASE64,
  freshSessions,
  scalar,
  srcRows,
  transposedDst,
} from '../../../src/engine/forecast/fresh-block'

const [n, width] = [7, 3]
const src = Float32Array.from({ length: n * width }, (_, i) => Math.sin(i) * 2)
const dst = Float32Array.from({ length: n * width }, (_, i) => Math.cos(i * 1.7) - 0.5)
const expected = (u: number, v: number) => {
  let logit = 0
  for (let k = 0; k < width; k++) logit += src[u * width + k] * dst[v * width + k]
  return 1 / (1 + Math.exp(-logit))
}
const ROWS = [Int32Array.of(2, 3, 4), Int32Array.of(6, 0, 3)]

describe('fresh block graphs', () => {
  it('embeds the graphs training/fresh_block.py writes', () => {
    const written = (which: string) =>
      execFileSync('/usr/bin/python3', ['training/fresh_block.py', which], {
        encoding: 'utf8',
      }).trim()
    expect(FRESH_BLOCK_ONNX_BASE64).toBe(written('block'))
    expect(FRESH_SCAN_ONNX_BASE64).toBe(written('scan'))
  })

  it('block: rows × all nodes as sigmoid(src · dst)', async () => {
    const { block, scan } = await freshSessions({ executionProviders: ['cpu'] })
    const dstT = transposedDst(dst, n, width)
    for (const rows of ROWS) {
      const out = await block.run({ src_rows: srcRows(src, rows, width), dst_t: dstT })
      const prob = out.probability.data as Float32Array
      expect(out.probability.dims).toEqual([rows.length, n])
      rows.forEach((u, r) => {
        for (let v = 0; v < n; v++) expect(prob[r * n + v]).toBeCloseTo(expected(u, v), 6)
      })
    }
    await block.release()
    await scan.release()
  })

  it('scan: row sums and exactly the cells with lo ≤ p < hi', async () => {
    const { block, scan } = await freshSessions({ executionProviders: ['cpu'] })
    const dstT = transposedDst(dst, n, width)
    let kept = 0
    for (const rows of ROWS)
      for (const [lo, hi] of [
        [0.3, Infinity],
        [0.1, 0.6],
        [2, 3],
      ]) {
        const out = await scan.run({
          src_rows: srcRows(src, rows, width),
          dst_t: dstT,
          lo: scalar(lo),
          hi: scalar(hi),
        })
        const sums = out.row_sum.data as Float32Array
        const index = out.kept_index.data as Int32Array
        const prob = out.kept_prob.data as Float32Array
        const want: [number, number, number][] = []
        rows.forEach((u, r) => {
          let sum = 0
          for (let v = 0; v < n; v++) {
            const p = expected(u, v)
            sum += p
            if (p >= lo && p < hi) want.push([r, v, p])
          }
          expect(sums[r]).toBeCloseTo(sum, 5)
        })
        const got = Array.from(prob, (p, k) => [index[2 * k], index[2 * k + 1], p])
        expect(got.map(([r, v]) => [r, v])).toEqual(want.map(([r, v]) => [r, v]))
        got.forEach(([, , p], k) => expect(p).toBeCloseTo(want[k][2], 6))
        kept += got.length
      }
    // the ranges that must keep cells kept some (the last one, above 1, keeps none)
    expect(kept).toBeGreaterThan(0)
    await block.release()
    await scan.release()
  })
})
