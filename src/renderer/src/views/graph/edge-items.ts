// The shown edges as typed arrays: the week's edges (with a diff's vanished edges and an overlay's
// predicted ones), which node each touches, and the items the edge layer draws (edge-layer.ts).
// Why our own and not graphology + sigma's edge pipeline: a week switch replaced ~75k graphology
// edges and sigma re-processed every one of them (its style rules, display data and program
// buffers: ≈ 1.4 s of JS a switch at real scale, BENCHMARKS.md); from typed arrays the same
// edges are styled and packed in a few milliseconds.

/** Where a drawn edge comes from: an edge of the shown week (`ref` is its index there), an edge
 * of the compared week that vanished (`ref`: its index in that week), or an overlay's edge not in
 * the week, e.g. predicted to appear (`ref`: its index in the overlay's list). */
export const EdgeOrigin = { Week: 0, Vanished: 1, Extra: 2 } as const
export type EdgeOrigin = (typeof EdgeOrigin)[keyof typeof EdgeOrigin]

/** 0 unchanged, 1 appeared, 2 vanished, 3 grew > 10 %, 4 shrank > 10 %. */
export type DiffKind = 0 | 1 | 2 | 3 | 4

export interface EdgeSet {
  count: number
  /** Universe indices of the holder and the issuer. */
  source: Int32Array
  target: Int32Array
  origin: Uint8Array
  ref: Int32Array
  /** Width (px) and opacity by exposure, on the log scales fixed across weeks. */
  width: Float32Array
  opacity: Float32Array
  diff: Uint8Array
  /** The edges touching each universe node: `edges[offsets[n] … offsets[n + 1])`. */
  offsets: Int32Array
  edges: Int32Array
}

export interface WeekEdges {
  edgeSource: ArrayLike<number>
  edgeTarget: ArrayLike<number>
  edgeWeight: ArrayLike<number>
}

export interface ExtraEdge {
  source: number
  target: number
  width: number
  opacity: number
}

/**
 * The edges to show: the week's, largest exposure first (a week drawn in parts shows its largest
 * exposures first), then (diffing) the compared week's edges that vanished, then an overlay's
 * extra edges that are not in the week. Pairs are keyed by universe indices.
 */
export function buildEdgeSet(
  nodeCount: number,
  week: WeekEdges,
  scale: (usd: number) => { size: number; opacity: number },
  compare: WeekEdges | null = null,
  extra: readonly ExtraEdge[] = [],
): EdgeSet {
  const n = week.edgeSource.length
  const pairs = new Map<number, number>()
  for (let e = 0; e < n; e++) pairs.set(week.edgeSource[e] * nodeCount + week.edgeTarget[e], e)
  const diff = new Uint8Array(n)
  const vanished: number[] = []
  if (compare) {
    const before = new Map<number, number>()
    for (let j = 0; j < compare.edgeSource.length; j++) {
      const key = compare.edgeSource[j] * nodeCount + compare.edgeTarget[j]
      before.set(key, compare.edgeWeight[j])
      if (!pairs.has(key)) vanished.push(j)
    }
    for (let e = 0; e < n; e++) {
      const b = before.get(week.edgeSource[e] * nodeCount + week.edgeTarget[e])
      const a = week.edgeWeight[e]
      diff[e] = b === undefined ? 1 : a > b * 1.1 ? 3 : a < b / 1.1 ? 4 : 0
    }
  }
  // a predicted edge that exists in the week is drawn as the week's edge (an overlay recolours it)
  const extras: number[] = []
  for (let i = 0; i < extra.length; i++)
    if (!pairs.has(extra[i].source * nodeCount + extra[i].target)) extras.push(i)
  const count = n + vanished.length + extras.length
  const set: EdgeSet = {
    count,
    source: new Int32Array(count),
    target: new Int32Array(count),
    origin: new Uint8Array(count),
    ref: new Int32Array(count),
    width: new Float32Array(count),
    opacity: new Float32Array(count),
    diff: new Uint8Array(count),
    offsets: new Int32Array(nodeCount + 1),
    edges: new Int32Array(2 * count),
  }
  const put = (
    k: number,
    s: number,
    t: number,
    origin: EdgeOrigin,
    ref: number,
    w: number,
    o: number,
  ): void => {
    set.source[k] = s
    set.target[k] = t
    set.origin[k] = origin
    set.ref[k] = ref
    set.width[k] = w
    set.opacity[k] = o
  }
  const at = byExposure(week.edgeWeight)
  for (let e = 0; e < n; e++) {
    const s = scale(week.edgeWeight[e])
    put(at[e], week.edgeSource[e], week.edgeTarget[e], EdgeOrigin.Week, e, s.size, s.opacity)
    set.diff[at[e]] = diff[e]
  }
  let k = n
  for (const j of vanished) {
    const s = scale(compare!.edgeWeight[j])
    put(
      k,
      compare!.edgeSource[j],
      compare!.edgeTarget[j],
      EdgeOrigin.Vanished,
      j,
      s.size,
      s.opacity,
    )
    set.diff[k++] = 2
  }
  for (const i of extras) {
    const x = extra[i]
    put(k++, x.source, x.target, EdgeOrigin.Extra, i, x.width, x.opacity)
  }
  // incidence, as compressed rows: each edge listed under both of its ends
  const { offsets, edges } = set
  for (let e = 0; e < count; e++) {
    offsets[set.source[e] + 1]++
    offsets[set.target[e] + 1]++
  }
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i]
  const fill = offsets.slice(0, nodeCount)
  for (let e = 0; e < count; e++) {
    edges[fill[set.source[e]]++] = e
    edges[fill[set.target[e]]++] = e
  }
  return set
}

/** Each edge's place when the edges are ordered by exposure, largest first: a counting sort on
 * a quarter of a binary order of magnitude (O(n), ≈ 1 ms at 75k; the order within a step is the
 * week's), fine enough for the parts of a picture to come largest first. */
export function byExposure(weights: ArrayLike<number>): Int32Array {
  const n = weights.length
  const key = new Int32Array(n)
  let top = 0
  for (let e = 0; e < n; e++) {
    const w = weights[e]
    key[e] = w > 0 ? Math.min(1023, Math.floor(4 * Math.log2(1 + w))) : 0
    if (key[e] > top) top = key[e]
  }
  // descending keys: bucket b holds key top − b
  const start = new Int32Array(top + 2)
  for (let e = 0; e < n; e++) start[top - key[e] + 1]++
  for (let b = 0; b <= top; b++) start[b + 1] += start[b]
  const at = new Int32Array(n)
  for (let e = 0; e < n; e++) at[e] = start[top - key[e]]++
  return at
}

/** The edges touching universe node `n` (an edge listed once even where both ends are `n`). */
export function edgesOf(set: EdgeSet, n: number): number[] {
  const out: number[] = []
  for (let i = set.offsets[n]; i < set.offsets[n + 1]; i++) {
    const e = set.edges[i]
    if (out[out.length - 1] !== e) out.push(e)
  }
  return out
}

/** An RGBA colour, 0–255 per channel. */
export type Rgba = readonly [number, number, number, number]

const parsed = new Map<string, Rgba>()

/** A CSS colour ("#rgb", "#rrggbb", "#rrggbbaa", "rgb(…)", "rgba(…)") as RGBA bytes; anything
 * else is grey. Cached: a view asks for a handful of colours, 75k times. */
export function parseColor(css: string): Rgba {
  let c = parsed.get(css)
  if (c) return c
  const s = css.trim()
  if (s.startsWith('#')) {
    const hex = s.slice(1)
    const full =
      hex.length === 3 || hex.length === 4
        ? [...hex].map((h) => h + h).join('')
        : hex.length === 6 || hex.length === 8
          ? hex
          : ''
    if (full && /^[0-9a-f]+$/i.test(full)) {
      const v = (i: number): number => parseInt(full.slice(i, i + 2), 16)
      c = [v(0), v(2), v(4), full.length === 8 ? v(6) : 255]
    }
  } else {
    const m = /^rgba?\(([^)]+)\)$/i.exec(s)
    if (m) {
      const p = m[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number)
      if (p.length >= 3 && p.every((x) => Number.isFinite(x)))
        c = [p[0], p[1], p[2], p.length > 3 ? Math.round(p[3] * 255) : 255]
    }
  }
  c ??= [153, 153, 153, 255]
  c = c.map((x) => Math.max(0, Math.min(255, Math.round(x)))) as unknown as Rgba
  if (parsed.size > 4096) parsed.clear()
  parsed.set(css, c)
  return c
}

/** `css` with its alpha multiplied by `opacity`, packed as the edge layer reads it: R in the low
 * byte, A in the high one. */
export function packColor(css: string, opacity: number): number {
  const [r, g, b, a] = parseColor(css)
  const alpha = Math.round(a * Math.max(0, Math.min(1, opacity)))
  return (r | (g << 8) | (b << 16) | (alpha << 24)) >>> 0
}

/** A packed colour back as CSS (for the SVG export). */
export function cssOfPacked(c: number): string {
  return `rgba(${c & 255}, ${(c >>> 8) & 255}, ${(c >>> 16) & 255}, ${((c >>> 24) / 255).toFixed(3)})`
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Words per drawn edge in an item list: holder, issuer, colour, width (float bits). */
export const ITEM_WORDS = 4

/** A list of edges to draw: universe indices of both ends, packed colour, width in pixels. */
export class EdgeItems {
  data: Uint32Array
  private floats: Float32Array
  count = 0
  /** The edge (index in its EdgeSet) of each item. */
  edge: Int32Array

  constructor(capacity = 0) {
    this.data = new Uint32Array(capacity * ITEM_WORDS)
    this.floats = new Float32Array(this.data.buffer)
    this.edge = new Int32Array(capacity)
  }

  /** Empties the list, keeping room for `capacity` items. */
  reset(capacity: number): void {
    this.count = 0
    if (this.edge.length < capacity) {
      this.data = new Uint32Array(capacity * ITEM_WORDS)
      this.floats = new Float32Array(this.data.buffer)
      this.edge = new Int32Array(capacity)
    }
  }

  push(edge: number, source: number, target: number, color: number, width: number): void {
    if (this.count === this.edge.length) this.grow()
    const k = this.count++
    const o = k * ITEM_WORDS
    this.data[o] = source
    this.data[o + 1] = target
    this.data[o + 2] = color
    this.floats[o + 3] = width
    this.edge[k] = edge
  }

  /** Whether both lists draw the same edges the same way. */
  equals(other: EdgeItems): boolean {
    if (this.count !== other.count) return false
    for (let i = 0; i < this.count * ITEM_WORDS; i++)
      if (this.data[i] !== other.data[i]) return false
    for (let k = 0; k < this.count; k++) if (this.edge[k] !== other.edge[k]) return false
    return true
  }

  /** Makes this list a copy of `other`. */
  copyFrom(other: EdgeItems): void {
    this.reset(other.count)
    this.data.set(other.data.subarray(0, other.count * ITEM_WORDS))
    this.edge.set(other.edge.subarray(0, other.count))
    this.count = other.count
  }

  color(k: number): number {
    return this.data[k * ITEM_WORDS + 2]
  }

  width(k: number): number {
    return this.floats[k * ITEM_WORDS + 3]
  }

  private grow(): void {
    const data = new Uint32Array(Math.max(16, this.edge.length * 2) * ITEM_WORDS)
    data.set(this.data)
    const edge = new Int32Array(data.length / ITEM_WORDS)
    edge.set(this.edge)
    this.data = data
    this.floats = new Float32Array(data.buffer)
    this.edge = edge
  }
}

/**
 * What turns list `before` into `after`, as items drawn the same way: `added` gets the items of
 * `after` that `before` does not draw identically (same edge, ends, colour and width), `removed`
 * those of `before` that `after` does not. False (the lists left partly filled) when an edge is
 * listed twice in either list, which a change cannot be told from.
 */
export function itemChanges(
  before: EdgeItems,
  after: EdgeItems,
  added: EdgeItems,
  removed: EdgeItems,
): boolean {
  added.reset(0)
  removed.reset(0)
  let max = -1
  for (const l of [before, after])
    for (let k = 0; k < l.count; k++) {
      if (l.edge[k] < 0) return false
      if (l.edge[k] > max) max = l.edge[k]
    }
  const slot = new Int32Array(max + 1).fill(-1)
  for (let j = 0; j < before.count; j++) {
    const e = before.edge[j]
    if (slot[e] >= 0) return false
    slot[e] = j
  }
  const kept = new Uint8Array(before.count)
  const seen = new Uint8Array(max + 1)
  for (let k = 0; k < after.count; k++) {
    const e = after.edge[k]
    if (seen[e]) return false
    seen[e] = 1
    const j = slot[e]
    if (j >= 0 && sameItem(before, j, after, k)) kept[j] = 1
    else pushItem(added, after, k)
  }
  for (let j = 0; j < before.count; j++) if (!kept[j]) pushItem(removed, before, j)
  return true
}

function sameItem(a: EdgeItems, j: number, b: EdgeItems, k: number): boolean {
  for (let w = 0; w < ITEM_WORDS; w++)
    if (a.data[j * ITEM_WORDS + w] !== b.data[k * ITEM_WORDS + w]) return false
  return true
}

function pushItem(to: EdgeItems, from: EdgeItems, k: number): void {
  const o = k * ITEM_WORDS
  to.push(from.edge[k], from.data[o], from.data[o + 1], from.data[o + 2], from.width(k))
}

/** The one RGB (packed, alpha bits cleared) every item of `items` is drawn in; null when they
 * differ or the list is empty. */
export function uniformRgb(items: EdgeItems): number | null {
  if (!items.count) return null
  const rgb = items.color(0) & 0xffffff
  for (let k = 1; k < items.count; k++) if ((items.color(k) & 0xffffff) !== rgb) return null
  return rgb
}
