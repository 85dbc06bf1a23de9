// The fast path of the DeXposure week reader: one pass over a week's bytes straight to the packed
// week the archive writes, for weeks in the shape DeXposure files have:
//   {"nodes": [{"id": "…", "size": N, "composition": {…} | null}, …],
//    "links": [{"source": "…" | null, "target": "…" | null, "size": N, "composition": {…} | null}, …]}
// (any whitespace, members in any order, composition optional).
//
// Why: the general reader (dexposure.ts readWeek → normalize.ts → packed-week.ts) cuts the
// compositions out, hands the rest to JSON.parse, walks the objects JSON.parse built, merges links
// through a Map keyed by "source\0target" strings and packs the result — four passes and an object
// per node, link and composition, about 60 % of an import's CPU on the real-scale file (profile in
// BENCHMARKS.md). Here numbers are read from the bytes and only the strings the archive stores are
// created.
//
// It never decides anything the general reader would decide differently: whatever it does not
// handle exactly as the general path — any error, escapes in ids, numeric or null node ids,
// duplicate node ids or links, unknown members, strict mode's unknown endpoints — makes it give
// up (return null), and the caller runs the general reader on the same bytes, which then reports
// the error with its file, week, field and offset, or applies the rare rule. Week for week, the
// result is the one the general path gives (test/engine/import/dexposure-fast.test.ts).
import { isUtf8 } from 'node:buffer'
import type { ImportCounts, RawComposition } from '../../shared/domain'
import { compositionStats } from '../../shared/features'
import type { PackedWeek } from '../store/packed-week'
import { MAX_ID_LENGTH } from './limits'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN = 0x7b
const CLOSE = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/** Thrown (never escapes this module) when the week needs the general reader. */
const GIVE_UP = Symbol('give up')

// Powers of ten that are exact doubles (10^0 … 10^22).
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k)
const TWO_53 = 2 ** 53

// Member names as bytes.
const bytesOf = (s: string): number[] => [...Buffer.from(s, 'latin1')]
const K_NODES = bytesOf('nodes')
const K_LINKS = bytesOf('links')
// The members a node or a link may have; member() returns the position of the name read. Each may
// appear once: `seen` holds bit 1 << position of those read.
const NODE_MEMBERS = ['id', 'size', 'composition'].map(bytesOf)
const [N_ID, N_SIZE] = [0, 1] // 2: composition
const LINK_MEMBERS = ['source', 'target', 'size', 'composition'].map(bytesOf)
const [L_SOURCE, L_TARGET, L_SIZE] = [0, 1, 2] // 3: composition

type Latin1Buffer = Buffer & {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

interface Composition {
  json: string
  values: number[] | null
}

/** A node's composition as the general reader hands it to compositionStats (RawComposition). */
const raw = (c: Composition): RawComposition => ({
  kind: 'raw',
  json: c.json,
  values: c.values as number[],
})

class WeekBytes {
  p = 0
  /** End of the last member name read by key(). */
  private keyEnd = 0
  constructor(readonly b: Latin1Buffer) {}

  ws(): number {
    const b = this.b
    let p = this.p
    let c = b[p]
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p]
    this.p = p
    return c
  }

  expect(c: number): void {
    if (this.ws() !== c) throw GIVE_UP
    this.p++
  }

  /** `"name":` → [start, end) of the name's bytes. Names with escapes give up. */
  key(): number {
    if (this.ws() !== QUOTE) throw GIVE_UP
    const b = this.b
    const start = ++this.p
    let p = start
    for (;;) {
      const c = b[p]
      if (c === QUOTE) break
      if (c === BACKSLASH || c === undefined) throw GIVE_UP
      p++
    }
    this.keyEnd = p
    this.p = p + 1
    this.expect(COLON)
    return start
  }

  /** Whether the name key() returned at `start` is `name`. */
  is(start: number, name: number[]): boolean {
    const b = this.b
    if (this.keyEnd - start !== name.length) return false
    for (let k = 0; k < name.length; k++) if (b[start + k] !== name[k]) return false
    return true
  }

  /**
   * The next member `"name": ` of an object whose members are `names`: the name's position in
   * `names`, with the value's first byte at `p`. An unknown name, or one already in `seen` (bit
   * 1 << position), gives up: the general reader decides what those mean.
   */
  member(names: number[][], seen: number): number {
    const k = this.key()
    this.ws()
    for (let f = 0; f < names.length; f++)
      if (this.is(k, names[f])) {
        if (seen & (1 << f)) throw GIVE_UP
        return f
      }
    throw GIVE_UP
  }

  /** An id value: a string; or, where `nullable`, null (returned as null). */
  id(nullable: boolean): string | null {
    if (nullable && this.isNull()) return null
    if (this.b[this.p] !== QUOTE) throw GIVE_UP
    return this.str()
  }

  /** A composition value: a flat object (composition()) or null. */
  maybeComposition(withValues: boolean): Composition | null {
    if (this.isNull()) return null
    if (this.b[this.p] !== OPEN) throw GIVE_UP
    return this.composition(withValues)
  }

  /** A string without escapes (ids): the general reader decodes the same bytes as UTF-8. */
  str(): string {
    const b = this.b
    const start = this.p + 1
    let p = start
    let ascii = true
    let escaped = false
    for (;;) {
      const c = b[p]
      if (c === QUOTE) break
      // Control characters (invalid in JSON) go to the general reader.
      if (c < 0x20 || c === undefined) throw GIVE_UP
      if (c === BACKSLASH) {
        escaped = true
        p++
      } else if (c >= 0x80) ascii = false
      p++
    }
    this.p = p + 1
    if (escaped) {
      // Rare (the real file has ids such as "\u0000…AVAX"): decoded by JSON.parse, as the general
      // reader decodes them.
      let s: string
      try {
        s = JSON.parse(b.utf8Slice(start - 1, p + 1)) as string
      } catch {
        throw GIVE_UP
      }
      if (s.length > MAX_ID_LENGTH || s === '') throw GIVE_UP
      return s
    }
    // Bytes ≥ characters: only a long byte run can be over the limit; the general reader measures it.
    if (p - start > MAX_ID_LENGTH || p === start) throw GIVE_UP
    return ascii ? b.latin1Slice(start, p) : b.utf8Slice(start, p)
  }

  /** A JSON number, exactly as JSON.parse reads it; anything else (or overflow) gives up. */
  num(): number {
    const b = this.b
    let p = this.p
    const start = p
    let negative = false
    if (b[p] === 0x2d) {
      negative = true
      p++
    }
    let m = 0
    let c = b[p]
    if (c === 0x30) c = b[++p]
    else if (c >= 0x31 && c <= 0x39) {
      do {
        m = m * 10 + (c - 0x30)
        c = b[++p]
      } while (c >= 0x30 && c <= 0x39)
    } else throw GIVE_UP
    let fraction = 0
    if (c === 0x2e) {
      c = b[++p]
      if (!(c >= 0x30 && c <= 0x39)) throw GIVE_UP
      do {
        m = m * 10 + (c - 0x30)
        fraction++
        c = b[++p]
      } while (c >= 0x30 && c <= 0x39)
    }
    let exact = true
    if (c === 0x65 || c === 0x45) {
      exact = false
      c = b[++p]
      if (c === 0x2b || c === 0x2d) c = b[++p]
      if (!(c >= 0x30 && c <= 0x39)) throw GIVE_UP
      do c = b[++p]
      while (c >= 0x30 && c <= 0x39)
    }
    this.p = p
    // Clinger's fast path: an integer below 2^53 and a power of ten ≤ 10^22 are exact doubles, so
    // one IEEE division is correctly rounded, as V8's JSON.parse and Number() are. Otherwise the
    // text goes through Number(), which JSON.parse shares its conversion with.
    let v: number
    if (exact && m < TWO_53 && fraction <= 22) v = m / POW10[fraction]
    else {
      v = Number(b.latin1Slice(start + (negative ? 1 : 0), p))
      if (!Number.isFinite(v)) throw GIVE_UP
    }
    return negative ? -v : v
  }

  /**
   * A flat composition object {"token": number, …}, kept as its source text (the archive stores it
   * verbatim, as the general reader's composition-split.ts does); its values only when `withValues`.
   */
  composition(withValues: boolean): Composition {
    const b = this.b
    const start = this.p
    this.p++
    const values: number[] | null = withValues ? [] : null
    let first = true
    for (;;) {
      let c = this.ws()
      if (c === CLOSE) {
        this.p++
        break
      }
      if (!first) {
        if (c !== COMMA) throw GIVE_UP
        this.p++
        c = this.ws()
      }
      first = false
      if (c !== QUOTE) throw GIVE_UP
      const keyAt = this.p
      let p = keyAt + 1
      // Keys may hold escapes: only their end matters, the text is stored as written.
      for (;;) {
        const d = b[p]
        if (d === QUOTE) break
        if (d === undefined) throw GIVE_UP
        p += d === BACKSLASH ? 2 : 1
      }
      if (p - keyAt - 1 > MAX_ID_LENGTH) throw GIVE_UP
      this.p = p + 1
      this.expect(COLON)
      this.ws()
      const v = this.num()
      if (values) values.push(v)
    }
    return { json: b.utf8Slice(start, this.p), values }
  }

  /** A member value that may be null: true when it was (and was consumed). */
  isNull(): boolean {
    const b = this.b
    const p = this.p
    if (b[p] !== 0x6e) return false
    if (b[p + 1] !== 0x75 || b[p + 2] !== 0x6c || b[p + 3] !== 0x6c) throw GIVE_UP
    this.p = p + 4
    return true
  }

  /** After an element or member: true on ',', false on the closing bracket `close`. */
  more(close: number): boolean {
    const c = this.ws()
    this.p++
    if (c === COMMA) return true
    if (c === close) return false
    throw GIVE_UP
  }
}

/** Growable parallel arrays of the kept links. */
class Links {
  src = new Int32Array(1024)
  dst = new Int32Array(1024)
  weight = new Float64Array(1024)
  comps: (string | null)[] = []
  size = 0

  push(s: number, d: number, w: number, comp: string | null): void {
    if (this.size === this.src.length) {
      const n = this.size * 2
      const src = new Int32Array(n)
      src.set(this.src)
      const dst = new Int32Array(n)
      dst.set(this.dst)
      const weight = new Float64Array(n)
      weight.set(this.weight)
      this.src = src
      this.dst = dst
      this.weight = weight
    }
    this.src[this.size] = s
    this.dst[this.size] = d
    this.weight[this.size++] = w
    this.comps.push(comp)
  }
}

export interface FastWeek {
  packed: PackedWeek
  counts: ImportCounts
}

/**
 * The packed week and its counts, as the general reader would produce them, or null when the week
 * needs the general reader (see the header).
 */
export function fastWeek(bytes: Buffer, week: string, strict?: boolean): FastWeek | null {
  if (!isUtf8(bytes)) return null
  try {
    return readFast(new WeekBytes(bytes as Latin1Buffer), week, strict)
  } catch (e) {
    if (e === GIVE_UP) return null
    throw e
  }
}

function readFast(r: WeekBytes, week: string, strict: boolean | undefined): FastWeek {
  // Counts in the general reader's key order: the kept totals, then each rule as first applied.
  const counts: ImportCounts & { nodes_kept: number; edges_kept: number } = {
    nodes_kept: 0,
    edges_kept: 0,
  }
  const bump = (k: keyof ImportCounts) => (counts[k] = (counts[k] ?? 0) + 1)

  r.expect(OPEN)
  if (!r.is(r.key(), K_NODES)) throw GIVE_UP
  r.expect(OPEN_ARRAY)
  const index = new Map<string, number>()
  const nodeIds: string[] = []
  const sizeList: number[] = []
  const nodeComps: (string | null)[] = []
  const stats: { nTokenTypes: number; maxShare: number; entropy: number }[] = []
  if (r.ws() === CLOSE_ARRAY) r.p++
  else
    do {
      r.expect(OPEN)
      let id: string | null = null
      let size = NaN
      let seen = 0
      let comp: Composition | null = null
      if (r.ws() === CLOSE) r.p++
      else
        do {
          const f = r.member(NODE_MEMBERS, seen)
          seen |= 1 << f
          if (f === N_ID) id = r.id(false)
          else if (f === N_SIZE) size = r.num()
          else comp = r.maybeComposition(true)
        } while (r.more(CLOSE))
      const required = (1 << N_ID) | (1 << N_SIZE)
      if ((seen & required) !== required || id === null || index.has(id)) throw GIVE_UP
      if (size < 0) {
        bump('nodes_negative_size_clipped')
        size = 0
      }
      index.set(id, nodeIds.length)
      nodeIds.push(id)
      sizeList.push(size)
      nodeComps.push(comp ? comp.json : null)
      stats.push(compositionStats(size, comp ? raw(comp) : null))
    } while (r.more(CLOSE_ARRAY))

  r.expect(COMMA)
  if (!r.is(r.key(), K_LINKS)) throw GIVE_UP
  r.expect(OPEN_ARRAY)
  const n = nodeIds.length
  const links = new Links()
  const pairs = new Set<number>()
  if (r.ws() === CLOSE_ARRAY) r.p++
  else
    do {
      r.expect(OPEN)
      let source: string | null = null
      let target: string | null = null
      let size = NaN
      let seen = 0
      let comp: Composition | null = null
      if (r.ws() === CLOSE) r.p++
      else
        do {
          const f = r.member(LINK_MEMBERS, seen)
          seen |= 1 << f
          if (f === L_SOURCE) source = r.id(true)
          else if (f === L_TARGET) target = r.id(true)
          else if (f === L_SIZE) size = r.num()
          else comp = r.maybeComposition(false)
        } while (r.more(CLOSE))
      // A missing endpoint or size is an error of the general reader.
      const required = (1 << L_SOURCE) | (1 << L_TARGET) | (1 << L_SIZE)
      if ((seen & required) !== required) throw GIVE_UP
      // normalize.ts's rules, in its order.
      if (source === null || target === null) {
        bump('edges_target_null_dropped')
        continue
      }
      const s = index.get(source)
      const t = index.get(target)
      if (s === undefined || t === undefined) {
        if (strict) throw GIVE_UP
        bump('edges_endpoint_missing_dropped')
        continue
      }
      if (s === t) {
        bump('edges_self_loop_dropped')
        continue
      }
      if (!(size > 0)) {
        bump('edges_nonpositive_dropped')
        continue
      }
      // A repeated pair is merged (weights and compositions summed) by the general reader.
      const key = s * n + t
      if (pairs.has(key)) throw GIVE_UP
      pairs.add(key)
      links.push(s, t, size, comp ? comp.json : null)
    } while (r.more(CLOSE_ARRAY))
  r.expect(CLOSE)
  if (r.ws() !== undefined) throw GIVE_UP // the slice ends with the week's closing brace

  counts.nodes_kept = n
  counts.edges_kept = links.size
  const nTokens = new Int32Array(n)
  const maxShare = new Float64Array(n)
  const entropy = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    nTokens[i] = stats[i].nTokenTypes
    maxShare[i] = stats[i].maxShare
    entropy[i] = stats[i].entropy
  }
  const e = links.size
  return {
    packed: {
      week,
      nodeIds,
      sizes: Float64Array.from(sizeList),
      nodeComps,
      nTokens,
      maxShare,
      entropy,
      edgeSrc: links.src.slice(0, e),
      edgeDst: links.dst.slice(0, e),
      edgeWeight: links.weight.slice(0, e),
      edgeComps: links.comps,
    },
    counts,
  }
}
