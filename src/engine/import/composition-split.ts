// Fast decoding of one DeXposure week: every `"composition": {…}` object is cut out of the bytes
// and replaced by its index before V8's JSON.parse sees the rest.
//
// Why: compositions are small objects keyed by ~24k different token symbols. JSON.parse builds a
// new hidden class for nearly every key set, which made it run at ~35 MB/s on DeXposure weeks
// (measured on a generated 230 MB file; Python's json.load: ~46 MB/s). The uniform skeleton that
// remains ({id, size, composition: k}) parses at hundreds of MB/s, and compositions are kept as
// their source text plus their values (RawComposition), which is all the archive needs: the text
// is stored verbatim and the values feed the features. Measured end to end: ~2× JSON.parse.
import type { RawComposition } from '../../shared/domain'
import { badInput, memberOf, pathAt, type SliceLocation } from './json-text'
import { idProblem, MAX_ID_LENGTH } from './limits'

const KEY = Buffer.from('"composition"')
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN = 0x7b
const CLOSE = 0x7d

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
// Bytes that may appear in a JSON number.
const NUMBER_BYTE = new Uint8Array(256)
for (const c of '0123456789+-.eE') NUMBER_BYTE[c.charCodeAt(0)] = 1

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * End of the JSON number starting at b[i]; -1 when the bytes there are not one, -2 when it
 * overflows a double. Checked on the bytes: only a number with an exponent or 300+ integer digits can
 * overflow, so only those are converted here. The values themselves are parsed when first needed
 * (RawCompositionText): edge compositions, most of them, never need theirs.
 */
function numberEnd(b: Uint8Array, i: number): number {
  const start = i
  if (b[i] === 0x2d) i++
  const intStart = i
  if (b[i] === 0x30) i++
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (isDigit(b[++i]));
  else return -1
  const intDigits = i - intStart
  if (b[i] === 0x2e) {
    if (!isDigit(b[++i])) return -1
    while (isDigit(b[++i]));
  }
  let exponent = false
  if (b[i] === 0x65 || b[i] === 0x45) {
    exponent = true
    i++
    if (b[i] === 0x2b || b[i] === 0x2d) i++
    if (!isDigit(b[i])) return -1
    while (isDigit(b[++i]));
  }
  // A number must end at a delimiter: "12abc" or "1.2.3" is not one.
  if (NUMBER_BYTE[b[i]] || (b[i] >= 0x41 && b[i] <= 0x7a)) return -1
  if (
    (exponent || intDigits > 300) &&
    !Number.isFinite(
      Number(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1')),
    )
  )
    return -2
  return i
}

/** The values of a flat `{"key": number, …}` object text, in order. */
function numbersOf(json: string): number[] {
  const out: number[] = []
  const n = json.length
  let i = 0
  while (i < n) {
    const c = json.charCodeAt(i++)
    if (c === QUOTE) {
      while (i < n) {
        const d = json.charCodeAt(i++)
        if (d === BACKSLASH) i++
        else if (d === QUOTE) break
      }
    } else if (c === COLON) {
      while (isWs(json.charCodeAt(i))) i++
      const s = i
      while (i < n && NUMBER_BYTE[json.charCodeAt(i)]) i++
      out.push(Number(json.slice(s, i)))
    }
  }
  return out
}

/** A composition kept as its source text; its values are parsed on first use. */
class RawCompositionText implements RawComposition {
  readonly kind = 'raw' as const
  private parsed: number[] | null = null
  constructor(readonly json: string) {}
  get values(): number[] {
    return (this.parsed ??= numbersOf(this.json))
  }
}

export interface SplitWeek {
  /** The week's JSON with each composition object replaced by its index in `compositions`. */
  skeleton: string
  compositions: RawComposition[]
  /** Maps a character offset in `skeleton` back to a byte offset in the file. */
  toFileOffset(skeletonIndex: number): number
}

/**
 * Splits the compositions out of one week's bytes (already checked to be valid UTF-8).
 * Compositions must be flat objects of numbers; anything else is an error naming the byte offset.
 */
export function splitCompositions(bytes: Buffer, loc: SliceLocation): SplitWeek {
  const pieces: Buffer[] = []
  const compositions: RawComposition[] = []
  // Per placeholder: where it starts in the skeleton (bytes), its length, and the bytes removed
  // before and after it — enough to map an error position back to the file.
  const marks: { at: number; length: number; before: number; after: number }[] = []
  let skeletonBytes = 0
  let shift = 0
  let last = 0
  let pos = 0
  // Names the node or link whose composition is at fault (found by re-reading the week up to the
  // error: only on the error path).
  const fail = (message: string, at: number) => {
    const member = memberOf(pathAt(bytes, at))
    return badInput(member ? member.prefix + message : message, {
      file: loc.file,
      week: loc.week,
      field: member?.field ?? 'composition',
      offset: loc.base + at,
    })
  }

  while ((pos = bytes.indexOf(KEY, pos)) >= 0) {
    // An escaped quote cannot start a string token: `\"composition"` is inside a string.
    let backslashes = 0
    for (let q = pos - 1; q >= 0 && bytes[q] === BACKSLASH; q--) backslashes++
    let p = pos + KEY.length
    if (backslashes % 2 === 1) {
      pos = p
      continue
    }
    while (isWs(bytes[p])) p++
    if (bytes[p] !== COLON) {
      pos = p // the string "composition" used as a value, not a key
      continue
    }
    p++
    while (isWs(bytes[p])) p++
    const start = p
    if (bytes[p] !== OPEN) {
      // null is allowed (no composition); JSON.parse will judge anything malformed.
      if (bytes.toString('latin1', p, p + 4) === 'null') {
        pos = p + 4
        continue
      }
      throw fail('composition must be an object of token → USD numbers', p)
    }
    p++
    let count = 0
    for (;;) {
      while (isWs(bytes[p])) p++
      if (bytes[p] === CLOSE) {
        p++
        break
      }
      if (count > 0) {
        if (bytes[p] !== COMMA) throw fail('expected "," or "}" in composition', p)
        p++
        while (isWs(bytes[p])) p++
      }
      if (bytes[p] !== QUOTE) throw fail('expected a token symbol (a string) in composition', p)
      const keyAt = p
      p++
      while (p < bytes.length && bytes[p] !== QUOTE) p += bytes[p] === BACKSLASH ? 2 : 1
      if (p >= bytes.length) throw fail('unterminated string in composition', start)
      p++
      // Bytes ≥ characters, so only a long key in bytes needs decoding to be measured.
      if (p - keyAt - 2 > MAX_ID_LENGTH) {
        let key: string
        try {
          key = JSON.parse(bytes.toString('utf8', keyAt, p)) as string
        } catch {
          throw fail('a token symbol in composition is not a valid JSON string', keyAt)
        }
        const problem = idProblem('a composition key (token symbol)', key)
        if (problem) throw fail(problem, keyAt)
      }
      while (isWs(bytes[p])) p++
      if (bytes[p] !== COLON) throw fail('expected ":" after a token symbol in composition', p)
      p++
      while (isWs(bytes[p])) p++
      const ns = p
      p = numberEnd(bytes, ns)
      if (p === -2) {
        const text = bytes.toString('latin1', ns, ns + 40).split(/[,}\s]/)[0]
        throw fail(`composition value ${text} is not a finite number`, ns)
      }
      if (p < 0) {
        const text = bytes
          .toString('latin1', ns, Math.min(ns + 12, bytes.length))
          .split(/[,}\s]/)[0]
        throw fail(`composition value must be a number, found ${text || 'nothing'}`, ns)
      }
      count++
    }
    const index = String(compositions.length)
    compositions.push(new RawCompositionText(bytes.toString('utf8', start, p)))
    pieces.push(bytes.subarray(last, start), Buffer.from(index, 'latin1'))
    skeletonBytes += start - last
    const removed = p - start - index.length
    marks.push({ at: skeletonBytes, length: index.length, before: shift, after: shift + removed })
    skeletonBytes += index.length
    shift += removed
    last = p
    pos = p
  }
  pieces.push(bytes.subarray(last))
  const skeleton = Buffer.concat(pieces).toString('utf8')

  const toFileOffset = (skeletonIndex: number): number => {
    const b = Buffer.byteLength(skeleton.slice(0, skeletonIndex), 'utf8')
    let mark: (typeof marks)[number] | undefined
    for (const m of marks) {
      if (m.at > b) break
      mark = m
    }
    if (!mark) return loc.base + b
    // inside a placeholder: point at the start of the composition it stands for
    if (b < mark.at + mark.length) return loc.base + mark.at + mark.before
    return loc.base + b + mark.after
  }
  return { skeleton, compositions, toFileOffset }
}
