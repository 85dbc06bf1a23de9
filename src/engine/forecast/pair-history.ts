// Pair-history features: what the archive up to week t says about an ordered pair u → v. A model
// names the features it was trained on in model.json (`pair_history`, any subset of these, in its
// own order), so older models keep working when features are added. training/train.py computes
// the same values (PairMemory.features); docs/model-contract.md defines each.
import type { PairMemory, ScoringContext } from './baselines'
import { PairSet } from './pair-set'

export const PAIR_HISTORY_FEATURES = [
  /** 1 if u → v is an edge at t. */
  'edge_at_t',
  /** log1p(USD weight at t), 0 if absent at t. */
  'log_weight_at_t',
  /** Share of the last 4 weeks (t − 3 … t) with the edge. */
  'share_last_4',
  /** Share of the last 12 weeks with the edge. */
  'share_last_12',
  /** 1 if v → u is an edge at t. */
  'reverse_at_t',
  /** 1 if u → v was an edge in any week ≤ t. */
  'seen_before',
  /** log1p of the last seen USD weight (any week ≤ t), 0 if never seen. */
  'log_last_weight',
  /** min(weeks since last seen, 52) / 52; 1 if never seen. */
  'weeks_since_seen',
  /** 1 if v → u was an edge in any week ≤ t. */
  'reverse_seen_before',
  /** log1p(number of nodes of t that u has held in any week ≤ t). */
  'src_partners',
  /** log1p(number of nodes of t that have held v in any week ≤ t). */
  'dst_partners',
  /** Weeks with the edge / weeks since it was first seen (t − first + 1); 0 if never seen. */
  'presence_rate',
  /** min(t − first seen + 1, 156) / 156; 0 if never seen. */
  'weeks_known',
] as const

export type PairHistoryFeature = (typeof PAIR_HISTORY_FEATURES)[number]

export const isPairHistoryFeature = (name: string): name is PairHistoryFeature =>
  (PAIR_HISTORY_FEATURES as readonly string[]).includes(name)

type Ctx = Pick<ScoringContext, 'week' | 'n' | 'memory'>

/** Distinct partners per node with history among the nodes of t (out: issuers u has held; in:
 * holders v has had), computed once per memory map. */
const partnersCache = new WeakMap<Map<number, PairMemory>, { out: Int32Array; in: Int32Array }>()

export function partners(ctx: Pick<Ctx, 'n' | 'memory'>): { out: Int32Array; in: Int32Array } {
  let p = partnersCache.get(ctx.memory)
  if (!p) {
    p = { out: new Int32Array(ctx.n), in: new Int32Array(ctx.n) }
    for (const key of ctx.memory.keys()) {
      p.out[Math.floor(key / ctx.n)]++
      p.in[key % ctx.n]++
    }
    partnersCache.set(ctx.memory, p)
  }
  return p
}

/** Pairs with history in either direction (u → v or v → u seen up to t), once per memory map. The
 * features read it before the memory (one bit read is much cheaper than a miss in a Map of 10⁵–10⁶
 * pairs), and scoring.ts sends exactly these pairs to the pair head. */
const knownCache = new WeakMap<Map<number, PairMemory>, PairSet>()

export function knownPairs(ctx: Pick<Ctx, 'n' | 'memory'>): PairSet {
  let known = knownCache.get(ctx.memory)
  if (!known) {
    known = new PairSet(ctx.n)
    for (const key of ctx.memory.keys()) {
      known.add(key)
      const s = Math.floor(key / ctx.n)
      known.add((key - s * ctx.n) * ctx.n + s)
    }
    knownCache.set(ctx.memory, known)
  }
  return known
}

/** Weeks among the last `w` (t − w + 1 … t) in which the pair was seen. */
function presentWithin(m: PairMemory, week: number, w: number): number {
  let c = 0
  for (let i = m.weeks.length - 1; i >= 0 && week - m.weeks[i] < w; i--) c++
  return c
}

/** Row-major [P × names.length] float32 features of pairs (src[i], dst[i]) of week t. Every
 * feature of a pair is computed inline and written to its column (−1: not asked for): a switch per
 * feature and pair cost 4 s on the 6 M candidates of a real-scale forecast. */
export function pairHistory(
  ctx: Ctx,
  src: Int32Array,
  dst: Int32Array,
  names: readonly PairHistoryFeature[],
): Float32Array {
  const k = names.length
  const out = new Float32Array(src.length * k)
  const col = (f: PairHistoryFeature) => names.indexOf(f)
  const [cAt, cLw, c4, c12, cRevAt, cSeen, cLast, cSince, cRevSeen, cSrcP, cDstP, cRate, cKnown] =
    PAIR_HISTORY_FEATURES.map(col)
  const p = cSrcP >= 0 || cDstP >= 0 ? partners(ctx) : null
  const week = ctx.week
  const known = knownPairs(ctx)
  // constant columns of pairs never seen
  const neverSince = cSince >= 0 ? 1 : 0
  for (let i = 0; i < src.length; i++) {
    const o = i * k
    const key = src[i] * ctx.n + dst[i]
    const m = known.has(key) ? ctx.memory.get(key) : undefined
    if (m !== undefined) {
      const atT = m.lastWeek === week
      if (cAt >= 0) out[o + cAt] = atT ? 1 : 0
      if (cLw >= 0) out[o + cLw] = atT ? m.lastLogWeight : 0
      if (c4 >= 0) out[o + c4] = presentWithin(m, week, 4) / 4
      if (c12 >= 0) out[o + c12] = presentWithin(m, week, 12) / 12
      if (cSeen >= 0) out[o + cSeen] = 1
      if (cLast >= 0) out[o + cLast] = m.lastLogWeight
      if (cSince >= 0) out[o + cSince] = Math.min(week - m.lastWeek, 52) / 52
      if (cRate >= 0) out[o + cRate] = m.count / (week - m.firstWeek + 1)
      if (cKnown >= 0) out[o + cKnown] = Math.min(week - m.firstWeek + 1, 156) / 156
    } else if (neverSince) out[o + cSince] = 1
    if (cRevAt >= 0 || cRevSeen >= 0) {
      const rk = dst[i] * ctx.n + src[i]
      const r = known.has(rk) ? ctx.memory.get(rk) : undefined
      if (r !== undefined) {
        if (cRevAt >= 0 && r.lastWeek === week) out[o + cRevAt] = 1
        if (cRevSeen >= 0) out[o + cRevSeen] = 1
      }
    }
    if (cSrcP >= 0) out[o + cSrcP] = Math.log1p(p!.out[src[i]])
    if (cDstP >= 0) out[o + cDstP] = Math.log1p(p!.in[dst[i]])
  }
  return out
}
