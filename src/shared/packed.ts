// Large numeric arrays cross the API as base64 strings of little-endian typed arrays: a whole
// real-scale week is a few MB of text instead of ~100k JSON objects. Pure TypeScript, the same in
// Node and in the browser. Where the host has a native codec it is used: the browser's
// `Uint8Array.fromBase64` / `toBase64` (feature-detected: Debian's Chromium 156 has them) and
// Node's `Buffer` for encoding (simdutf): 2.7–20× faster than the portable loops below on a 5 MB
// array, and without their intermediate buffers (`node bench/packed-codec.mjs`, BENCHMARKS.md).
// The portable loops serve any other host (atob/btoa are slow on multi-MB strings); they are
// table-driven over bytes, strings going in and out through TextEncoder/TextDecoder.

export type PackedArray = Float64Array | Float32Array | Int32Array

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const PAD = 61 // '='
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

// 12 bits → their two base64 characters as one uint16 in host byte order, so the encoder writes
// two characters per store.
const ENC12 = new Uint16Array(4096)
// character code → 6-bit value, 255 for characters outside the alphabet.
const DEC = new Uint8Array(256).fill(255)
for (let i = 0; i < 64; i++) DEC[ALPHABET.charCodeAt(i)] = i
for (let i = 0; i < 4096; i++) {
  const a = ALPHABET.charCodeAt(i >> 6)
  const b = ALPHABET.charCodeAt(i & 63)
  ENC12[i] = LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b
}
// two characters (one little-endian uint16) → their 12 bits; 0xffff for a pair outside the alphabet.
const DEC16 = new Uint16Array(65536).fill(0xffff)
for (let a = 0; a < 64; a++)
  for (let b = 0; b < 64; b++)
    DEC16[ALPHABET.charCodeAt(a) | (ALPHABET.charCodeAt(b) << 8)] = (a << 6) | b

const utf8 = new TextDecoder()
const ascii = new TextEncoder()

type Base64Array = {
  fromBase64?: (text: string, options: { lastChunkHandling: 'strict' }) => Uint8Array
  prototype: { toBase64?: () => string }
}
type NodeBuffer = {
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(enc: 'base64'): string }
}

/** The codecs this host gets: its own where it has one, else the portable loops below. */
function hostBase64() {
  const U8 = Uint8Array as unknown as Base64Array
  const Buf = (globalThis as { Buffer?: NodeBuffer }).Buffer
  const fromBase64 = U8.fromBase64
  const encoder: 'Uint8Array' | 'Buffer' | 'portable' =
    typeof U8.prototype.toBase64 === 'function' ? 'Uint8Array' : Buf ? 'Buffer' : 'portable'
  const decoder: 'Uint8Array' | 'portable' =
    typeof fromBase64 === 'function' ? 'Uint8Array' : 'portable'
  const encode =
    encoder === 'Uint8Array'
      ? (bytes: Uint8Array) => (bytes as unknown as { toBase64(): string }).toBase64()
      : encoder === 'Buffer'
        ? (bytes: Uint8Array) =>
            Buf!.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
        : encodeBytesPortable
  // Buffer's decoder skips characters outside the alphabet silently: only its encoder is used
  const decode =
    decoder === 'Uint8Array'
      ? (text: string): Uint8Array => {
          let out: Uint8Array
          try {
            out = fromBase64!(text, { lastChunkHandling: 'strict' })
          } catch (e) {
            throw new Error('base64 holds a character outside the alphabet', { cause: e })
          }
          // fromBase64 skips ASCII whitespace, which the format does not allow
          const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
          if (out.length !== (text.length / 4) * 3 - pad)
            throw new Error('base64 holds a character outside the alphabet')
          return out
        }
      : decodeBytesPortable
  return { encode, decode, name: { encode: encoder, decode: decoder } }
}

const host = hostBase64()
/** The codecs this host uses (tests, devtools). */
export const base64Codecs = host.name

/** Base64 of raw bytes (RFC 4648, with padding). */
export function encodeBytes(bytes: Uint8Array): string {
  return host.encode(bytes)
}

/** The bytes of a base64 string; throws on a malformed one. */
export function decodeBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64 length ${text.length} is not a multiple of 4`)
  if (text.length === 0) return new Uint8Array(0)
  return host.decode(text)
}

/** encodeBytes without the host's codec (exported for tests). */
export function encodeBytesPortable(bytes: Uint8Array): string {
  const n = bytes.length
  const out = new Uint8Array(((n + 2) / 3) << 2)
  const out16 = new Uint16Array(out.buffer)
  // 12 input bytes (three uint32 loads) → 16 characters (eight uint16 stores): about 30 % faster
  // than byte by byte (measured). Needs a 4-byte aligned input; typed arrays of 4- and 8-byte
  // elements always are.
  const aligned = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0
  const words = aligned ? ((n / 12) | 0) * 3 : 0
  const w = aligned ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : new Uint32Array(0)
  let o = 0
  for (let k = 0; k < words; k += 3) {
    const w0 = w[k]
    const w1 = w[k + 1]
    const w2 = w[k + 2]
    const g0 = ((w0 & 255) << 16) | (w0 & 0xff00) | ((w0 >>> 16) & 255)
    const g1 = ((w0 >>> 24) << 16) | ((w1 & 255) << 8) | ((w1 >>> 8) & 255)
    const g2 = (((w1 >>> 16) & 255) << 16) | ((w1 >>> 24) << 8) | (w2 & 255)
    const g3 = (((w2 >>> 8) & 255) << 16) | (((w2 >>> 16) & 255) << 8) | (w2 >>> 24)
    out16[o] = ENC12[g0 >>> 12]
    out16[o + 1] = ENC12[g0 & 4095]
    out16[o + 2] = ENC12[g1 >>> 12]
    out16[o + 3] = ENC12[g1 & 4095]
    out16[o + 4] = ENC12[g2 >>> 12]
    out16[o + 5] = ENC12[g2 & 4095]
    out16[o + 6] = ENC12[g3 >>> 12]
    out16[o + 7] = ENC12[g3 & 4095]
    o += 8
  }
  const full = n - (n % 3)
  for (let i = words * 4; i < full; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    out16[o++] = ENC12[v >>> 12]
    out16[o++] = ENC12[v & 4095]
  }
  const rest = n - full
  if (rest > 0) {
    const p = o << 1
    const v = (bytes[full] << 16) | (rest === 2 ? bytes[full + 1] << 8 : 0)
    out[p] = ALPHABET.charCodeAt(v >>> 18)
    out[p + 1] = ALPHABET.charCodeAt((v >>> 12) & 63)
    out[p + 2] = rest === 2 ? ALPHABET.charCodeAt((v >>> 6) & 63) : PAD
    out[p + 3] = PAD
  }
  return utf8.decode(out)
}

/** decodeBytes without the host's codec (exported for tests). */
export function decodeBytesPortable(text: string): Uint8Array {
  const len = text.length
  if (len % 4 !== 0) throw new Error(`base64 length ${len} is not a multiple of 4`)
  if (len === 0) return new Uint8Array(0)
  const chars = new Uint8Array(len)
  // Non-ASCII characters become several bytes and are caught below (written count ≠ length or a
  // code outside the alphabet).
  const { written } = ascii.encodeInto(text, chars)
  if (written !== len) throw new Error('base64 holds a character outside the alphabet')
  const pad = chars[len - 1] === PAD ? (chars[len - 2] === PAD ? 2 : 1) : 0
  const out = new Uint8Array((len / 4) * 3 - pad)
  const body = pad > 0 ? len - 4 : len
  let badPair = 0
  // 16 characters (eight pair lookups) → 12 bytes (three uint32 stores): about 30 % faster than
  // character by character (measured).
  const words = LITTLE_ENDIAN ? ((body / 16) | 0) * 3 : 0
  const c16 = new Uint16Array(chars.buffer, 0, len >> 1)
  const w = new Uint32Array(out.buffer, 0, words)
  let p = 0
  for (let k = 0; k < words; k += 3) {
    const a0 = DEC16[c16[p]]
    const a1 = DEC16[c16[p + 1]]
    const a2 = DEC16[c16[p + 2]]
    const a3 = DEC16[c16[p + 3]]
    const a4 = DEC16[c16[p + 4]]
    const a5 = DEC16[c16[p + 5]]
    const a6 = DEC16[c16[p + 6]]
    const a7 = DEC16[c16[p + 7]]
    p += 8
    badPair |= a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7
    const g0 = (a0 << 12) | a1
    const g1 = (a2 << 12) | a3
    const g2 = (a4 << 12) | a5
    const g3 = (a6 << 12) | a7
    w[k] = (g0 >>> 16) | (g0 & 0xff00) | ((g0 & 255) << 16) | ((g1 >>> 16) << 24)
    w[k + 1] =
      ((g1 >>> 8) & 255) | ((g1 & 255) << 8) | ((g2 >>> 16) << 16) | (((g2 >>> 8) & 255) << 24)
    w[k + 2] = (g2 & 255) | ((g3 >>> 16) << 8) | (((g3 >>> 8) & 255) << 16) | ((g3 & 255) << 24)
  }
  // a pair table value with bit 15 set is an invalid pair
  if (badPair & 0x8000) throw new Error('base64 holds a character outside the alphabet')
  let bad = 0
  let o = words * 4
  for (let i = (words / 3) * 16; i < body; i += 4) {
    const a = DEC[chars[i]]
    const b = DEC[chars[i + 1]]
    const c = DEC[chars[i + 2]]
    const d = DEC[chars[i + 3]]
    bad |= a | b | c | d
    const v = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = v >>> 16
    out[o++] = (v >>> 8) & 255
    out[o++] = v & 255
  }
  if (pad > 0) {
    const a = DEC[chars[body]]
    const b = DEC[chars[body + 1]]
    const c = pad === 1 ? DEC[chars[body + 2]] : 0
    bad |= a | b | c
    const v = (a << 18) | (b << 12) | (c << 6)
    out[o] = v >>> 16
    if (pad === 1) out[o + 1] = (v >>> 8) & 255
  }
  // 255 (invalid) is the only table value with bit 7 set: one test for the whole string.
  if (bad & 128) throw new Error('base64 holds a character outside the alphabet')
  return out
}

/** Base64 of a typed array's elements as little-endian bytes. */
export function encodePacked(a: PackedArray): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  return encodeBytes(LITTLE_ENDIAN ? bytes : swapped(bytes, a.BYTES_PER_ELEMENT))
}

type Ctor<T> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T
  readonly BYTES_PER_ELEMENT: number
  name: string
}

function decodeAs<T extends PackedArray>(text: string, C: Ctor<T>): T {
  const bytes = decodeBytes(text)
  if (bytes.byteLength % C.BYTES_PER_ELEMENT !== 0)
    throw new Error(`${bytes.byteLength} bytes do not make whole ${C.name} elements`)
  const le = LITTLE_ENDIAN ? bytes : swapped(bytes, C.BYTES_PER_ELEMENT)
  // decodeBytes returns a fresh buffer of these bytes, so the view needs no copy.
  return new C(le.buffer as ArrayBuffer, le.byteOffset, le.byteLength / C.BYTES_PER_ELEMENT)
}

export const decodeFloat64 = (text: string): Float64Array => decodeAs(text, Float64Array)
export const decodeFloat32 = (text: string): Float32Array => decodeAs(text, Float32Array)
export const decodeInt32 = (text: string): Int32Array => decodeAs(text, Int32Array)

/** A copy with each `width`-byte element reversed (big-endian hosts only). */
function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i += width)
    for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k]
  return out
}
