// The engine's fresh-pair block scorer: probability[B, N] = sigmoid(src_rows[B, W] · dst_t[W, N]),
// an ONNX graph independent of any model (a MatMul and a Sigmoid, opset 17), run on the per-node
// vectors a model's fresh_head returns once per week. The contract defines fresh probabilities so
// (docs/model-contract.md); re-running the model's own graph per block of holders recomputed all N
// nodes' vectors every block. Its 200 bytes are embedded, so no file needs locating or packaging;
// training/fresh_block.py writes them, and test/engine/forecast/fresh-block.test.ts checks they
// are what it writes.
import * as ort from 'onnxruntime-node'

export const FRESH_BLOCK_ONNX_BASE64 =
  'CAgSE2RleHBvc3VyZS13b3JrYmVuY2g6qAEKIAoIc3JjX3Jvd3MKBWRzdF90EgVsb2dpdCIGTWF0TXVsCh0KBWxvZ2l0Egtwcm9iYWJpbGl0eSIHU2lnbW9pZBILZnJlc2hfYmxvY2taHAoIc3JjX3Jvd3MSEAoOCAESCgoDEgFCCgMSAVdaGQoFZHN0X3QSEAoOCAESCgoDEgFXCgMSAU5iHwoLcHJvYmFiaWxpdHkSEAoOCAESCgoDEgFCCgMSAU5CBAoAEBE='

/** A session of the block scorer with the model's session options (same provider). */
export function freshBlockSession(
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(Buffer.from(FRESH_BLOCK_ONNX_BASE64, 'base64'), options)
}

/** dst vectors, row-major [N × W], transposed to the scorer's [W × N] input (once per week). */
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
