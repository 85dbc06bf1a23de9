// Typed arrays ⇄ base64 for the API: exact round trips (NaN payloads, -0, infinities, empty),
// the standard base64 text (what Node's Buffer writes), and malformed input refused.
import { describe, expect, it } from 'vitest'
import {
  base64Codecs,
  decodeBytes,
  decodeBytesPortable,
  decodeFloat32,
  decodeFloat64,
  decodeInt32,
  encodeBytes,
  encodeBytesPortable,
  encodePacked,
} from '../../src/shared/packed'

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('packed arrays', () => {
  it('round-trips float64 edge values bit for bit', () => {
    const nanPayload = new Float64Array(new BigUint64Array([0x7ff8_0000_dead_beefn]).buffer)[0]
    const a = Float64Array.of(
      0,
      -0,
      NaN,
      nanPayload,
      Infinity,
      -Infinity,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      -1e-310,
      Math.PI,
      2 ** 53 + 2,
    )
    const back = decodeFloat64(encodePacked(a))
    expect(bytesOf(back)).toEqual(bytesOf(a))
    expect(Object.is(back[1], -0)).toBe(true)
    expect(back[2]).toBeNaN()
  })

  it('round-trips float32 and int32 extremes', () => {
    const f = Float32Array.of(-0, NaN, Infinity, 3.4e38, 1.4e-45, -1.5)
    expect(bytesOf(decodeFloat32(encodePacked(f)))).toEqual(bytesOf(f))
    const i = Int32Array.of(0, -1, 2 ** 31 - 1, -(2 ** 31), 123456789)
    expect([...decodeInt32(encodePacked(i))]).toEqual([...i])
  })

  it('round-trips empty arrays', () => {
    expect(encodePacked(new Float64Array(0))).toBe('')
    expect(decodeFloat64('')).toEqual(new Float64Array(0))
    expect(decodeInt32('')).toEqual(new Int32Array(0))
  })

  it('writes standard padded base64 for every length and alignment, with either codec', () => {
    const pool = Uint8Array.from({ length: 200 }, (_, i) => (i * 97 + 13) & 255)
    for (let offset = 0; offset < 5; offset++)
      for (let n = 0; n < 60; n++) {
        const bytes = pool.subarray(offset, offset + n)
        const text = encodeBytes(bytes)
        expect(text).toBe(bytesOf(bytes).toString('base64'))
        expect(encodeBytesPortable(bytes)).toBe(text)
        expect(bytesOf(decodeBytes(text))).toEqual(bytesOf(bytes))
        expect(bytesOf(decodeBytesPortable(text))).toEqual(bytesOf(bytes))
      }
  })

  it('encodes views into a larger buffer as their own elements only', () => {
    const whole = Float64Array.from({ length: 20 }, (_, i) => i + 0.5)
    const view = whole.subarray(3, 11)
    expect([...decodeFloat64(encodePacked(view))]).toEqual([...view])
  })

  it('round-trips a large array (the block loops, not only the tails)', () => {
    const a = Float64Array.from({ length: 100_003 }, (_, i) => Math.sin(i) * 1e9)
    const text = encodePacked(a)
    expect(text).toBe(bytesOf(a).toString('base64'))
    expect(encodeBytesPortable(new Uint8Array(a.buffer))).toBe(text)
    expect(bytesOf(decodeFloat64(text))).toEqual(bytesOf(a))
    expect(bytesOf(decodeBytesPortable(text))).toEqual(bytesOf(a))
  })

  it("encodes with Node's Buffer here (the browser's codec: packed-browser.test.ts)", () => {
    // Node 22 has no Uint8Array.fromBase64: its decoding stays the portable loop
    expect(base64Codecs.encode).toBe(
      typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === 'function'
        ? 'Uint8Array'
        : 'Buffer',
    )
  })

  it('refuses malformed text, with either codec', () => {
    for (const decode of [decodeBytesPortable]) {
      expect(() => decode('abc')).toThrow(/multiple of 4/)
      expect(() => decode('ab!d')).toThrow(/outside the alphabet/)
      expect(() => decode('AA  AA  ')).toThrow(/outside the alphabet/)
      expect(() => decode('A'.repeat(31) + '*' + 'A'.repeat(32))).toThrow(/outside the alphabet/)
    }
    expect(() => decodeBytes('abc')).toThrow(/multiple of 4/)
    expect(() => decodeBytes('ab!d')).toThrow(/outside the alphabet/)
    expect(() => decodeBytes('é'.repeat(4))).toThrow(/outside the alphabet/)
    // a bad character inside the 16-character blocks, not only in the tail
    expect(() => decodeBytes('A'.repeat(31) + '*' + 'A'.repeat(32))).toThrow(/outside the alphabet/)
    expect(() => decodeFloat64(encodeBytes(new Uint8Array(12)))).toThrow(/whole Float64Array/)
    expect(() => decodeInt32(encodeBytes(new Uint8Array(6)))).toThrow(/whole Int32Array/)
  })
})
