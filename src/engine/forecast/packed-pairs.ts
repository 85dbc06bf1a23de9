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
  // copied out of the blob: typed arrays need their element alignment
  const take = (bytes: number): ArrayBuffer => {
    const b = blob.buffer.slice(blob.byteOffset + at, blob.byteOffset + at + bytes)
    at += bytes
    return b as ArrayBuffer
  }
  const p: ForecastPairs = {
    probability: new Float64Array(take(m * 8)),
    weight: new Float64Array(take(m * 8)),
    src: new Int32Array(take(m * 4)),
    dst: new Int32Array(take(m * 4)),
    existsAtT: new Uint8Array(take(m)),
    inGraph: new Uint8Array(take(m)),
  }
  for (let k = 0; k < m; k++)
    if (p.src[k] < 0 || p.src[k] >= nodes || p.dst[k] < 0 || p.dst[k] >= nodes) return null
  return p
}
