// Pair-history features: what the archive up to week t says about an ordered pair u → v. A model
// names the features it was trained on in model.json (`pair_history`, any subset of these, in its
// own order), so older models keep working when features are added. training/train.py computes
// the same values (PairMemory.features); docs/model-contract.md defines each.
import type { PairMemory, ScoringContext } from './baselines'

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

/** Weeks among the last `w` (t − w + 1 … t) in which the pair was seen. */
function presentWithin(m: PairMemory, week: number, w: number): number {
  let c = 0
  for (let i = m.weeks.length - 1; i >= 0 && week - m.weeks[i] < w; i--) c++
  return c
}

/** Row-major [P × names.length] float32 features of pairs (src[i], dst[i]) of week t. */
export function pairHistory(
  ctx: Ctx,
  src: Int32Array,
  dst: Int32Array,
  names: readonly PairHistoryFeature[],
): Float32Array {
  const k = names.length
  const out = new Float32Array(src.length * k)
  const p = names.some((f) => f === 'src_partners' || f === 'dst_partners') ? partners(ctx) : null
  for (let i = 0; i < src.length; i++) {
    const m = ctx.memory.get(src[i] * ctx.n + dst[i])
    const r = ctx.memory.get(dst[i] * ctx.n + src[i])
    const atT = m !== undefined && m.lastWeek === ctx.week
    for (let j = 0; j < k; j++) {
      let v = 0
      switch (names[j]) {
        case 'edge_at_t':
          v = atT ? 1 : 0
          break
        case 'log_weight_at_t':
          v = atT ? m.lastLogWeight : 0
          break
        case 'share_last_4':
          v = m ? presentWithin(m, ctx.week, 4) / 4 : 0
          break
        case 'share_last_12':
          v = m ? presentWithin(m, ctx.week, 12) / 12 : 0
          break
        case 'reverse_at_t':
          v = r !== undefined && r.lastWeek === ctx.week ? 1 : 0
          break
        case 'seen_before':
          v = m ? 1 : 0
          break
        case 'log_last_weight':
          v = m ? m.lastLogWeight : 0
          break
        case 'weeks_since_seen':
          v = m ? Math.min(ctx.week - m.lastWeek, 52) / 52 : 1
          break
        case 'reverse_seen_before':
          v = r ? 1 : 0
          break
        case 'src_partners':
          v = Math.log1p(p!.out[src[i]])
          break
        case 'dst_partners':
          v = Math.log1p(p!.in[dst[i]])
          break
        case 'presence_rate':
          v = m ? m.count / (ctx.week - m.firstWeek + 1) : 0
          break
        case 'weeks_known':
          v = m ? Math.min(ctx.week - m.firstWeek + 1, 156) / 156 : 0
          break
      }
      out[i * k + j] = v
    }
  }
  return out
}
