// The pair memory of week t: for every ordered pair of nodes of t that was an edge in some week
// ≤ t, when it was first and last seen, how often, its last weight and its presence in the last
// 12 weeks. One pass over the archive's edges (8.6 M at real scale). Our own open-addressing hash
// over typed arrays, because a Map of per-pair objects updated 8.6 M times took 3.7 s on the
// real-scale archive; this walk takes about a quarter of that (BENCHMARKS.md, Forecasting).
import type { Archive } from '../store/archive'
import type { PairMemory } from './baselines'

/** Presence is kept for the last RECENT weeks (share_last_12 needs 12). */
const RECENT = 12

/** Memory of every pair among the nodes of `week` (keys src · n + dst in nodeIds' positions). */
export function pairMemoryAt(
  archive: Archive,
  week: string,
  nodeIds: string[],
): { memory: Map<number, PairMemory>; position: number } {
  const weeks = archive.listWeeks().map((w) => w.week)
  const position = weeks.indexOf(week)
  const n = nodeIds.length
  const pos = new Map(nodeIds.map((id, i) => [id, i]))

  let cap = 1 << 16
  let size = 0
  let keys = new Float64Array(cap).fill(-1)
  let first = new Int32Array(cap)
  let last = new Int32Array(cap)
  let count = new Int32Array(cap)
  let recent = new Int32Array(cap) // bit k: seen at position − k
  let lastLw = new Float64Array(cap)
  // Fibonacci hashing: the high bits of key · 2^32/φ (low bits of a product are poorly mixed).
  const slotOf = (key: number, k: Float64Array, mask: number): number => {
    const mixed = Math.imul((key | 0) ^ Math.imul((key / 0x100000000) | 0, 0x85ebca6b), 0x9e3779b1)
    let h = (mixed >>> (32 - Math.log2(mask + 1))) & mask
    while (k[h] !== -1 && k[h] !== key) h = (h + 1) & mask
    return h
  }
  const grow = () => {
    const old = { keys, first, last, count, recent, lastLw }
    cap *= 2
    keys = new Float64Array(cap).fill(-1)
    first = new Int32Array(cap)
    last = new Int32Array(cap)
    count = new Int32Array(cap)
    recent = new Int32Array(cap)
    lastLw = new Float64Array(cap)
    for (let i = 0; i < old.keys.length; i++) {
      if (old.keys[i] === -1) continue
      const h = slotOf(old.keys[i], keys, cap - 1)
      keys[h] = old.keys[i]
      first[h] = old.first[i]
      last[h] = old.last[i]
      count[h] = old.count[i]
      recent[h] = old.recent[i]
      lastLw[h] = old.lastLw[i]
    }
  }

  for (let wi = 0; wi <= position; wi++) {
    const f = archive.weekEdges(weeks[wi])
    const map = new Int32Array(f.nodeIds.length)
    for (let i = 0; i < f.nodeIds.length; i++) map[i] = pos.get(f.nodeIds[i]) ?? -1
    const bit = position - wi < RECENT ? 1 << (position - wi) : 0
    for (let j = 0; j < f.edgeSrc.length; j++) {
      const s = map[f.edgeSrc[j]]
      const d = map[f.edgeDst[j]]
      if (s < 0 || d < 0) continue
      if (2 * (size + 1) > cap) grow()
      const key = s * n + d
      const h = slotOf(key, keys, cap - 1)
      if (keys[h] === -1) {
        keys[h] = key
        first[h] = wi
        size++
      }
      last[h] = wi
      count[h]++
      recent[h] |= bit
      lastLw[h] = Math.log1p(f.edgeWeight[j])
    }
  }

  const memory = new Map<number, PairMemory>()
  for (let h = 0; h < cap; h++) {
    if (keys[h] === -1) continue
    const seen: number[] = []
    for (let k = RECENT - 1; k >= 0; k--) if (recent[h] & (1 << k)) seen.push(position - k)
    memory.set(keys[h], {
      lastWeek: last[h],
      lastLogWeight: lastLw[h],
      firstWeek: first[h],
      count: count[h],
      weeks: seen,
    })
  }
  return { memory, position }
}
