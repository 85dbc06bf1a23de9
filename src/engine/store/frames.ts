// Typed arrays ⇄ SQLite BLOBs (little-endian, as every platform we ship on). Views are zero-copy
// when the Buffer happens to be aligned; otherwise one copy.

type Typed = Float64Array | Float32Array | Int32Array

export function blobOf(a: Typed): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

function view<T extends Typed>(
  b: Buffer,
  Ctor: { new (buf: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number },
): T {
  const n = b.byteLength / Ctor.BYTES_PER_ELEMENT
  if (b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(b.buffer, b.byteOffset, n)
  const copy = new Uint8Array(b.byteLength)
  copy.set(b)
  return new Ctor(copy.buffer, 0, n)
}

export const float64Of = (b: Buffer): Float64Array => view(b, Float64Array)
export const float32Of = (b: Buffer): Float32Array => view(b, Float32Array)
export const int32Of = (b: Buffer): Int32Array => view(b, Int32Array)
