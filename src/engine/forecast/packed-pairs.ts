// A forecast run's stored pairs once more as packed columns (`forecast_runs.pairs_packed`,
// migration 10), beside its `forecast_edges` rows. Why: reading a real-scale run's 352k rows
// through better-sqlite3 materialises 2.1 M values (0.53–0.62 s, however ordered) and maps 704k
// node ids to positions, so the first `forecast.frame` of a run took 1.3–1.6 s where later ones
// took 0.3 s (BENCHMARKS.md, forecast overlay); one BLOB is read in milliseconds. The rows stay the
// table that SQL, exports and reports read; the columns are the same pairs in the same order
// (probability descending, then rowid) with the same doubles.
import type { ForecastPairs } from './stored-run'

/** Layout version; a blob of another one is not read (the rows are). */
const VERSION = 1
const HEADER = 8

/**
 * Pairs as little-endian columns after an 8-byte header (count u32, version u32): probability and
 * predicted weight (f64), holder and issuer positions in the run's node order (i32), exists at t
 * and in Ĝ (u8).
 */
export function packPairs(p: ForecastPairs): Buffer {
  const m = p.src.length
  const buf = Buffer.alloc(HEADER + m * 26)
  buf.writeUInt32LE(m, 0)
  buf.writeUInt32LE(VERSION, 4)
  let at = HEADER
  for (const column of [p.probability, p.weight, p.src, p.dst, p.existsAtT, p.inGraph]) {
    const bytes = new Uint8Array(column.buffer, column.byteOffset, column.byteLength)
    buf.set(bytes, at)
    at += bytes.length
  }
  return buf
}

/**
 * The pairs of a packed blob, or null when it is not one this program wrote for `pairs` rows over
 * `nodes` nodes (another layout, a size that does not match, a position outside the nodes).
 */
export function unpackPairs(blob: Buffer, pairs: number, nodes: number): ForecastPairs | null {
  if (blob.length < HEADER) return null
  const m = blob.readUInt32LE(0)
  if (blob.readUInt32LE(4) !== VERSION || m !== pairs || blob.length !== HEADER + m * 26)
    return null
  let at = HEADER
  // Views into the blob where its columns fall on their element alignment (the header is 8
  // bytes, so they do when the blob's own offset is a multiple of 8: a read of 9 MB then copies
  // nothing, and allocates nothing for the garbage collector to follow); copies otherwise.
  const view = blob.byteOffset % 8 === 0
  const take = <T>(C: new (b: ArrayBuffer, o: number, n: number) => T, width: number): T => {
    const o = blob.byteOffset + at
    at += m * width
    return view
      ? new C(blob.buffer as ArrayBuffer, o, m)
      : new C(blob.buffer.slice(o, o + m * width) as ArrayBuffer, 0, m)
  }
  const p: ForecastPairs = {
    probability: take(Float64Array, 8),
    weight: take(Float64Array, 8),
    src: take(Int32Array, 4),
    dst: take(Int32Array, 4),
    existsAtT: take(Uint8Array, 1),
    inGraph: take(Uint8Array, 1),
  }
  for (let k = 0; k < m; k++)
    if (p.src[k] < 0 || p.src[k] >= nodes || p.dst[k] < 0 || p.dst[k] >= nodes) return null
  return p
}
