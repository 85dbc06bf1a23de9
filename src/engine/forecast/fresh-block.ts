// The engine's fresh-pair graphs, independent of any model and run on the per-node vectors a
// model's fresh_head returns once per week (the contract defines fresh probabilities as
// σ(src_vec_u · dst_vec_v), docs/model-contract.md):
// - FRESH_BLOCK: probability[B, N] = σ(src_rows[B, W] · dst_t[W, N]), a MatMul and a Sigmoid;
// - FRESH_SCAN: the same block reduced inside ONNX Runtime to what a forecast reads from it, the
//   row sums and the cells with lo ≤ p < hi (row in the block, column, p). JS then touches K cells
//   instead of B · N: summing and filtering 1.2·10⁸ probabilities in JS took 1.3 s of a 3.9 s
//   real-scale forecast (BENCHMARKS.md).
// Re-running the model's own graph per block of holders recomputed all N nodes' vectors every
// block. The graphs are a few hundred bytes, embedded so no file needs locating or packaging;
// training/fresh_block.py writes them, and test/engine/forecast/fresh-block.test.ts checks they are
// what it writes.
import * as ort from 'onnxruntime-node'

export const FRESH_BLOCK_ONNX_BASE64 =
  'CAgSE2RleHBvc3VyZS13b3JrYmVuY2g6qAEKIAoIc3JjX3Jvd3MKBWRzdF90EgVsb2dpdCIGTWF0TXVsCh0KBWxvZ2l0Egtwcm9iYWJpbGl0eSIHU2lnbW9pZBILZnJlc2hfYmxvY2taHAoIc3JjX3Jvd3MSEAoOCAESCgoDEgFCCgMSAVdaGQoFZHN0X3QSEAoOCAESCgoDEgFXCgMSAU5iHwoLcHJvYmFiaWxpdHkSEAoOCAESCgoDEgFCCgMSAU5CBAoAEBE='

export const FRESH_SCAN_ONNX_BASE64 =
  'CAgSE2RleHBvc3VyZS13b3JrYmVuY2g6ywQKIAoIc3JjX3Jvd3MKBWRzdF90EgVsb2dpdCIGTWF0TXVsCh0KBWxvZ2l0Egtwcm9iYWJpbGl0eSIHU2lnbW9pZAo4Cgtwcm9iYWJpbGl0eQoEYXhpcxIHcm93X3N1bSIJUmVkdWNlU3VtKg8KCGtlZXBkaW1zGACgAQIKHgoLcHJvYmFiaWxpdHkKAmxvEgViZWxvdyIETGVzcwoWCgViZWxvdxIIYXRfbGVhc3QiA05vdAoeCgtwcm9iYWJpbGl0eQoCaGkSBXVuZGVyIgRMZXNzChwKCGF0X2xlYXN0CgV1bmRlchIEa2VwdCIDQW5kChYKBGtlcHQSBXdoZXJlIgdOb25aZXJvCioKBXdoZXJlEgdpbmRleDY0IglUcmFuc3Bvc2UqDQoEcGVybUABQACgAQcKKwoLcHJvYmFiaWxpdHkKB2luZGV4NjQSCWtlcHRfcHJvYiIIR2F0aGVyTkQKJgoHaW5kZXg2NBIKa2VwdF9pbmRleCIEQ2FzdCoJCgJ0bxgGoAECEgpmcmVzaF9zY2FuKg0IARAHOgEBQgRheGlzWhwKCHNyY19yb3dzEhAKDggBEgoKAxIBQgoDEgFXWhkKBWRzdF90EhAKDggBEgoKAxIBVwoDEgFOWgwKAmxvEgYKBAgBEgBaDAoCaGkSBgoECAESAGIWCgdyb3dfc3VtEgsKCQgBEgUKAxIBQmIdCgprZXB0X2luZGV4Eg8KDQgGEgkKAxIBSwoCCAJiGAoJa2VwdF9wcm9iEgsKCQgBEgUKAxIBS0IECgAQEQ=='

/** Sessions of both graphs with the model's session options (same provider). */
export async function freshSessions(
  options: ort.InferenceSession.SessionOptions,
): Promise<{ block: ort.InferenceSession; scan: ort.InferenceSession }> {
  const session = (b64: string) => ort.InferenceSession.create(Buffer.from(b64, 'base64'), options)
  return {
    block: await session(FRESH_BLOCK_ONNX_BASE64),
    scan: await session(FRESH_SCAN_ONNX_BASE64),
  }
}

/** dst vectors, row-major [N × W], transposed to the graphs' [W × N] input (once per week). */
export function transposedDst(dst: Float32Array, n: number, width: number): ort.Tensor {
  const t = new Float32Array(width * n)
  for (let v = 0; v < n; v++) for (let k = 0; k < width; k++) t[k * n + v] = dst[v * width + k]
  return new ort.Tensor('float32', t, [width, n])
}

/** The rows' src vectors, gathered into one [B × W] tensor (contiguous rows are a view). */
export function srcRows(src: Float32Array, rows: Int32Array, width: number): ort.Tensor {
  const b = rows.length
  let contiguous = true
  for (let r = 1; r < b && contiguous; r++) contiguous = rows[r] === rows[r - 1] + 1
  const data =
    contiguous && b > 0
      ? src.subarray(rows[0] * width, (rows[0] + b) * width)
      : Float32Array.from(
          { length: b * width },
          (_, i) => src[rows[Math.floor(i / width)] * width + (i % width)],
        )
  return new ort.Tensor('float32', data, [b, width])
}

/** A scalar float32 input (lo, hi). */
export const scalar = (x: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(x), [])
