// Strict JSON text helpers shared by the JSON importers: UTF-8 decoding that reports the byte
// offset of the first bad byte, JSON.parse whose failures are translated into a byte offset and a
// plain message, and a locator that finds the byte offset of a value by its path. The locator and
// the syntax checker only run after something went wrong, so they favour clarity over speed.
import { DexposureError, type ErrorLocation } from '../../shared/errors'

export type JsonPath = (string | number)[]

/** Where a byte slice sits in its file, for messages. */
export interface SliceLocation {
  file: string
  week?: string
  /** Absolute byte offset of the slice's first byte in the file. */
  base: number
}

export function badInput(message: string, loc: ErrorLocation): DexposureError {
  return new DexposureError('BAD_INPUT', message, loc)
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes UTF-8, refusing invalid bytes with the absolute offset of the first one. */
export function decodeUtf8(bytes: Uint8Array, loc: SliceLocation): string {
  try {
    return fatalDecoder.decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    throw badInput(`the file is not valid UTF-8 (bad byte 0x${hex(bytes[at])})`, {
      file: loc.file,
      week: loc.week,
      offset: loc.base + at,
    })
  }
}

const hex = (b: number | undefined) => (b ?? 0).toString(16).padStart(2, '0')

/** Index of the first byte that breaks UTF-8 (RFC 3629), or bytes.length when all are valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length
  let i = 0
  while (i < n) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    // Continuation bytes expected after the lead byte, and the smallest code point it may encode.
    const need =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0
    if (need === 0) return i
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000
    if (i + need >= n) return i // sequence cut off by the end of the bytes
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]
      if ((c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return n
}

/** UTF-8 byte length of text[0, end) without building a copy. */
export function utf8Length(text: string, end: number): number {
  let bytes = 0
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** JSON.parse of already decoded text; a syntax error names the absolute byte offset. */
export function parseJsonText(text: string, loc: SliceLocation): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const found = findJsonSyntaxError(text)
    const pos = found?.pos ?? 0
    throw badInput(`invalid JSON: ${found?.message ?? (e as Error).message}`, {
      file: loc.file,
      week: loc.week,
      offset: loc.base + utf8Length(text, pos),
    })
  }
}

/** Decode + parse a byte slice (strict UTF-8, byte offsets in errors). */
export function parseJsonBytes(bytes: Uint8Array, loc: SliceLocation): unknown {
  return parseJsonText(decodeUtf8(bytes, loc), loc)
}

// ------------------------------------------------------------------ syntax error finder

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

function describeToken(s: string, i: number): string {
  if (i >= s.length) return 'the end of the text'
  const m = /^(-?Infinity|NaN|[A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i, i + 32))
  if (m) {
    if (m[1] === 'NaN' || m[1].endsWith('Infinity'))
      return `${m[1]} (not valid JSON: NaN and Infinity have no JSON form)`
    return `"${m[1]}"`
  }
  return JSON.stringify(s[i])
}

/**
 * Position (UTF-16 index) and description of the first JSON syntax error in `s`, or null when
 * the text is valid. V8's JSON.parse messages omit the position for some errors, so the error path
 * re-checks the text with this small validator.
 */
export function findJsonSyntaxError(s: string): { pos: number; message: string } | null {
  const n = s.length
  // Container stack: 1 = object, 2 = array.
  const stack: number[] = []
  let i = 0
  const ws = () => {
    while (i < n && isWs(s.charCodeAt(i))) i++
  }
  const fail = (what: string) => ({ pos: i, message: what })

  const str = (): { pos: number; message: string } | null => {
    const start = i
    i++ // opening quote
    while (i < n) {
      const c = s.charCodeAt(i)
      if (c === 0x22) {
        i++
        return null
      }
      if (c < 0x20) return fail('control character inside a string (escape it)')
      if (c === 0x5c) {
        const e = s[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6)))
            return fail('bad \\u escape in a string')
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else return fail('bad escape in a string')
      } else i++
    }
    i = start
    return fail('unterminated string (the text ends inside it)')
  }

  const value = (): { pos: number; message: string } | null => {
    ws()
    if (i >= n) return fail('unexpected end of the text (truncated?)')
    const c = s[i]
    if (c === '"') return str()
    if (c === '{' || c === '[') return null // caller pushes
    const lit = /^(true|false|null)/.exec(s.slice(i, i + 5))
    if (lit) {
      i += lit[1].length
      return null
    }
    const num = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 400))
    if (num && num[0] !== '-' && num[0] !== '') {
      i += num[0].length
      return null
    }
    return fail(`unexpected ${describeToken(s, i)} where a value was expected`)
  }

  // Parse one value, iteratively for containers.
  const start = (): { pos: number; message: string } | null => {
    const err = value()
    if (err) return err
    if (s[i] === '{' || s[i] === '[') {
      stack.push(s[i] === '{' ? 1 : 2)
      i++
      ws()
      if (s[i] === (stack[stack.length - 1] === 1 ? '}' : ']')) {
        stack.pop()
        i++
        return null
      }
      return stack[stack.length - 1] === 1 ? key() : start()
    }
    return null
  }
  const key = (): { pos: number; message: string } | null => {
    ws()
    if (s[i] !== '"')
      return fail(`expected a double-quoted property name, found ${describeToken(s, i)}`)
    const e = str()
    if (e) return e
    ws()
    if (s[i] !== ':')
      return fail(`expected ':' after a property name, found ${describeToken(s, i)}`)
    i++
    return start()
  }

  let err = start()
  while (!err) {
    ws()
    if (stack.length === 0) {
      if (i < n) return fail(`unexpected ${describeToken(s, i)} after the end of the JSON value`)
      return null
    }
    const top = stack[stack.length - 1]
    const close = top === 1 ? '}' : ']'
    if (s[i] === ',') {
      i++
      err = top === 1 ? key() : start()
    } else if (s[i] === close) {
      stack.pop()
      i++
    } else if (i >= n) return fail('unexpected end of the text (truncated?)')
    else
      return fail(
        `expected ',' or '${close}' after ${top === 1 ? 'a property value' : 'an array element'}, found ${describeToken(s, i)}`,
      )
  }
  return err
}

// ------------------------------------------------------------------ value locator

function skipWsBytes(b: Uint8Array, i: number): number {
  while (i < b.length && isWs(b[i])) i++
  return i
}

/** Index just past the JSON value starting at b[i] (b is known to be valid JSON). */
export function skipJsonValue(b: Uint8Array, i: number): number {
  const c = b[i]
  if (c === 0x22) {
    i++
    while (i < b.length) {
      const d = b[i++]
      if (d === 0x5c) i++
      else if (d === 0x22) return i
    }
    return i
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0
    let inStr = false
    while (i < b.length) {
      const d = b[i++]
      if (inStr) {
        if (d === 0x5c) i++
        else if (d === 0x22) inStr = false
      } else if (d === 0x22) inStr = true
      else if (d === 0x7b || d === 0x5b) depth++
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i
    }
    return i
  }
  while (i < b.length) {
    const d = b[i]
    if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) break
    i++
  }
  return i
}

/**
 * Offset within `b` of the value at `path` (object keys or array indices; for repeated keys the
 * last one, as JSON.parse keeps it), or of the deepest container found on the way. `b` must hold
 * valid JSON.
 */
export function locateJsonValue(b: Uint8Array, path: JsonPath): number {
  let i = skipWsBytes(b, 0)
  for (const step of path) {
    if (typeof step === 'number') {
      if (b[i] !== 0x5b) return i
      let j = skipWsBytes(b, i + 1)
      for (let k = 0; k < step; k++) {
        if (b[j] === 0x5d) return i
        j = skipWsBytes(b, skipJsonValue(b, j))
        if (b[j] !== 0x2c) return i
        j = skipWsBytes(b, j + 1)
      }
      if (b[j] === 0x5d) return i
      i = j
    } else {
      if (b[i] !== 0x7b) return i
      let j = skipWsBytes(b, i + 1)
      let found = -1
      while (b[j] === 0x22) {
        const keyEnd = skipJsonValue(b, j)
        const key = JSON.parse(new TextDecoder().decode(b.subarray(j, keyEnd))) as string
        j = skipWsBytes(b, skipWsBytes(b, keyEnd) + 1) // past ':'
        if (key === step) found = j
        j = skipWsBytes(b, skipJsonValue(b, j))
        if (b[j] !== 0x2c) break
        j = skipWsBytes(b, j + 1)
      }
      if (found < 0) return i
      i = found
    }
  }
  return i
}

/**
 * Path of the innermost value holding byte `at` of `b` (object keys and array indices, e.g.
 * `['nodes', 3, 'composition']`), read from the start of `b`: the inverse of locateJsonValue, for
 * errors found on raw bytes (composition-split.ts). `b` need only be well formed up to `at`.
 */
export function pathAt(b: Uint8Array, at: number): JsonPath {
  // key: the member being read (objects; null between a ',' and the next key) or the element index.
  const stack: { array: boolean; key: string | number | null }[] = []
  let i = 0
  while (i < at && i < b.length) {
    const c = b[i]
    const top = stack[stack.length - 1]
    if (c === 0x22) {
      const end = skipJsonValue(b, i)
      if (end > at) break
      if (top && !top.array && top.key === null) {
        try {
          top.key = JSON.parse(new TextDecoder().decode(b.subarray(i, end))) as string
        } catch {
          top.key = '?'
        }
      }
      i = end
      continue
    }
    if (c === 0x7b) stack.push({ array: false, key: null })
    else if (c === 0x5b) stack.push({ array: true, key: 0 })
    else if (c === 0x7d || c === 0x5d) stack.pop()
    else if (c === 0x2c && top) top.key = top.array ? (top.key as number) + 1 : null
    i++
  }
  return stack.map((f) => f.key).filter((k): k is string | number => k !== null)
}

/** Where an error found inside a week's nodes or links is: `node 3: ` / `link 5: ` and the field. */
export function memberOf(path: JsonPath): { prefix: string; field: string } | null {
  const [list, index] = path
  if ((list !== 'nodes' && list !== 'links') || typeof index !== 'number') return null
  // The token key names the field only when it is short enough to print.
  const key = path[3]
  const depth = typeof key === 'string' && key.length <= 64 ? 4 : 3
  return {
    prefix: `${list === 'nodes' ? 'node' : 'link'} ${index}: `,
    field: pathName(path.slice(0, depth)),
  }
}

/** `nodes[3].composition.USDT` style name of a path, for messages and the `field` location. */
export function pathName(path: JsonPath): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p
    else out += `[${JSON.stringify(p)}]`
  }
  return out
}

/** 'null', 'an array', 'an object' or the typeof name, for "expected X, found Y" messages. */
export const typeName = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : typeof v

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
