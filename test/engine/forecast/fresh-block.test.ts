// The engine's fresh-pair block scorer (src/engine/forecast/fresh-block.ts): its embedded ONNX bytes
// are exactly what training/fresh_block.py writes, and a real ONNX Runtime session of it computes
// sigmoid(src_rows · dst) for contiguous and scattered rows.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  FRESH_BLOCK_ONNX_BASE64,
  freshBlockSession,
  srcRows,
  transposedDst,
} from '../../../src/engine/forecast/fresh-block'

describe('fresh block scorer', () => {
  it('embeds the graph training/fresh_block.py writes', () => {
    const written = execFileSync('/usr/bin/python3', ['training/fresh_block.py'], {
      encoding: 'utf8',
    }).trim()
    expect(FRESH_BLOCK_ONNX_BASE64).toBe(written)
  })

  it('scores rows × all nodes as sigmoid(src · dst)', async () => {
    const [n, width] = [7, 3]
    const src = Float32Array.from({ length: n * width }, (_, i) => Math.sin(i) * 2)
    const dst = Float32Array.from({ length: n * width }, (_, i) => Math.cos(i * 1.7) - 0.5)
    const session = await freshBlockSession({ executionProviders: ['cpu'] })
    const dstT = transposedDst(dst, n, width)
    for (const rows of [Int32Array.of(2, 3, 4), Int32Array.of(6, 0, 3)]) {
      const out = await session.run({ src_rows: srcRows(src, rows, width), dst_t: dstT })
      const prob = out.probability.data as Float32Array
      expect(out.probability.dims).toEqual([rows.length, n])
      rows.forEach((u, r) => {
        for (let v = 0; v < n; v++) {
          let logit = 0
          for (let k = 0; k < width; k++) logit += src[u * width + k] * dst[v * width + k]
          expect(prob[r * n + v]).toBeCloseTo(1 / (1 + Math.exp(-logit)), 6)
        }
      })
    }
    await session.release()
  })
})
