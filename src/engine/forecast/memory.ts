// The pair memory of week t: for every ordered pair of nodes of t that was an edge in some week
// ≤ t, when it was first and last seen, how often, its last weight and its presence in the last
// 12 weeks. One pass over the archive's edges (8.6 M at real scale). Our own open-addressing hash
// over typed arrays, because a Map of per-pair objects updated 8.6 M times took 3.7 s on the
// real-scale archive; this walk takes about 1.8 s, reading the weeks included.
import type { Archive } from '../store/archive'
import type { PairMemory } from './baselines'

/** Presence is kept for the last RECENT weeks (share_last_12 needs 12). */
const RECENT = 12

export interface WeekMemory {
  memory: Map<number, PairMemory>
  position: number
}

/** The last memory built per open archive: the workbench forecasts one week at several horizons,
 * and the walk is the same for each. Valid while no import has finished since (every change to
 * the archive's weeks is an import, recorded in `imports`). */
const lastMemory = new WeakMap<Archive, { key: string; value: WeekMemory }>()

/** Memory of every pair among the nodes of `week` (keys src · n + dst in nodeIds' positions). */
export function pairMemoryAt(archive: Archive, week: string, nodeIds: string[]): WeekMemory {
  const { latest } = archive.db.prepare('SELECT max(import_id) AS latest FROM imports').get() as {
    latest: number | null
  }
  const key = `${week}\u0000${latest}\u0000${nodeIds.join('\u0000')}`
  const cached = lastMemory.get(archive)
  if (cached?.key === key) return cached.value
  const value = walkMemory(archive, week, nodeIds)
  lastMemory.set(archive, { key, value })
  return value
}

function walkMemory(archive: Archive, week: string, nodeIds: string[]): WeekMemory {
  const weeks = archive.listWeeks().map((w) => w.week)
  const position = weeks.indexOf(week)
  const n = nodeIds.length
  const pos = new Map(nodeIds.map((id, i) => [id, i]))

  // Open addressing with linear probing over typed arrays, at most half full. The hot loop uses
  // local copies of the arrays (refreshed after a grow), an integer hash of the key (< 2^31 for
  // n ≤ 46,340; larger keys are folded first) and the raw last weight (log1p once at the end).
  let cap = 1 << 16
  let size = 0
  let keys = new Float64Array(cap).fill(-1)
  let first = new Int32Array(cap)
  let last = new Int32Array(cap)
  let count = new Int32Array(cap)
  let recent = new Int32Array(cap) // bit k: seen at position − k
  let lastW = new Float64Array(cap)
  let shift = 32 - Math.log2(cap)
  const hash = (key: number) =>
    Math.imul(key < 0x80000000 ? key | 0 : (key % 0x7fffffff) | 0, 0x9e3779b1) >>> shift
  const grow = () => {
    const old = { keys, first, last, count, recent, lastW }
    cap *= 2
    shift--
    keys = new Float64Array(cap).fill(-1)
    first = new Int32Array(cap)
    last = new Int32Array(cap)
    count = new Int32Array(cap)
    recent = new Int32Array(cap)
    lastW = new Float64Array(cap)
    const mask = cap - 1
    for (let i = 0; i < old.keys.length; i++) {
      const key = old.keys[i]
      if (key === -1) continue
      let h = hash(key)
      while (keys[h] !== -1) h = (h + 1) & mask
      keys[h] = key
      first[h] = old.first[i]
      last[h] = old.last[i]
      count[h] = old.count[i]
      recent[h] = old.recent[i]
      lastW[h] = old.lastW[i]
    }
  }

  for (let wi = 0; wi <= position; wi++) {
    const f = archive.weekEdges(weeks[wi])
    const map = new Int32Array(f.nodeIds.length)
    for (let i = 0; i < f.nodeIds.length; i++) map[i] = pos.get(f.nodeIds[i]) ?? -1
    const bit = position - wi < RECENT ? 1 << (position - wi) : 0
    const es = f.edgeSrc
    const ed = f.edgeDst
    const ew = f.edgeWeight
    while (2 * (size + es.length) > cap) grow()
    const K = keys
    const F = first
    const L = last
    const C = count
    const R = recent
    const W = lastW
    const mask = cap - 1
    for (let j = 0; j < es.length; j++) {
      const s = map[es[j]]
      const d = map[ed[j]]
      if (s < 0 || d < 0) continue
      const key = s * n + d
      let h = hash(key)
      while (K[h] !== -1 && K[h] !== key) h = (h + 1) & mask
      if (K[h] === -1) {
        K[h] = key
        F[h] = wi
        size++
      }
      L[h] = wi
      C[h]++
      R[h] |= bit
      W[h] = ew[j]
    }
  }

  const memory = new Map<number, PairMemory>()
  for (let h = 0; h < cap; h++) {
    if (keys[h] === -1) continue
    const seen: number[] = []
    for (let k = RECENT - 1; k >= 0; k--) if (recent[h] & (1 << k)) seen.push(position - k)
    memory.set(keys[h], {
      lastWeek: last[h],
      lastLogWeight: Math.log1p(lastW[h]),
      firstWeek: first[h],
      count: count[h],
      weeks: seen,
    })
  }
  return { memory, position }
}
