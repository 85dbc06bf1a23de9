// The pair memory of week t: for every ordered pair of nodes of t that was an edge in some week
// ≤ t, when it was first and last seen, how often, its last weight and its presence in the last
// 12 weeks. It comes from a walk over the archive's edges (7.8 M up to the largest real-scale
// week), which took about 2 s; so the walk leaves checkpoints in the archive
// (pair_memory_checkpoints, every CHECKPOINT_EVERY weeks), and a later forecast starts from the
// last one before t and walks at most CHECKPOINT_EVERY − 1 weeks. Imports bring the checkpoints up
// to date once committed (a store hook, onWeeksChanged), so the first forecast after one does not walk
// the whole archive either. A checkpoint is used only while no later import has written a week at
// or before it.
//
// The walk keeps every pair ever seen, keyed by a dictionary of node ids (a checkpoint must serve
// any later week, whose nodes it cannot know), in our own open-addressing hash over one typed
// array: a JS Map of per-pair objects updated 7.8 M times took 3.7 s.
import type { Archive } from '../store/archive'
import { onWeeksChanged } from '../store/hooks'
import type { PairMemory } from './baselines'

/** Presence is kept for the last RECENT weeks (share_last_12 needs 12). */
const RECENT = 12
/** A checkpoint is written after every CHECKPOINT_EVERY-th archive week (positions 51, 103, …). */
export const CHECKPOINT_EVERY = 52
/** Int32 words per slot: src, dst, first, last, count, recent, then the last weight as float64. */
const STRIDE = 8

export interface WeekMemory {
  memory: Map<number, PairMemory>
  position: number
  /** For the archived weeks asked for (each ≤ t), their edges with each pair's debut (pairDebuts). */
  debuts: Map<string, WeekDebuts>
}

/**
 * The edges of an archived week τ ≤ t, each with its pair's debut: the first archive position at
 * which the pair was an edge in either direction. An edge of τ is a new relationship with respect
 * to an earlier week s (no edge either way in any week ≤ s) iff its debut > s. Read off the walk up
 * to t, so no week after t is read (recalibrate.ts counts new relationships with it).
 */
export interface WeekDebuts {
  week: string
  position: number
  nodeIds: string[]
  edgeSrc: Int32Array
  edgeDst: Int32Array
  debut: Int32Array
}

/**
 * Every pair seen in the weeks walked so far. `recent` holds presence by position mod 32 (bit
 * p & 31); the bits of the weeks between two sightings are cleared at the second, so the 32 weeks
 * up to a pair's last sighting are exact, which covers the 12 a projection reads.
 */
class PairWalk {
  ids: string[] = []
  private readonly gid = new Map<string, number>()
  private cap = 1 << 16
  private shift = 16
  size = 0
  slots = new Int32Array(this.cap * STRIDE)
  private weights = new Float64Array(this.slots.buffer)
  /** Archive position of the last week walked (−1: none). */
  position = -1

  private hash(s: number, d: number): number {
    return Math.imul(s ^ Math.imul(d, 0x85ebca6b), 0x9e3779b1) >>> this.shift
  }

  private grow(): void {
    const old = this.slots
    this.cap *= 2
    this.shift--
    this.slots = new Int32Array(this.cap * STRIDE)
    this.weights = new Float64Array(this.slots.buffer)
    for (let o = 0; o < old.length; o += STRIDE)
      if (old[o + 4] !== 0)
        this.slots.set(old.subarray(o, o + STRIDE), this.free(old[o], old[o + 1]))
  }

  /** Word offset of the slot of (s, d), or of the empty slot where it belongs. */
  private free(s: number, d: number): number {
    const S = this.slots
    const mask = this.cap - 1
    let h = this.hash(s, d)
    while (S[h * STRIDE + 4] !== 0 && (S[h * STRIDE] !== s || S[h * STRIDE + 1] !== d))
      h = (h + 1) & mask
    return h * STRIDE
  }

  /** Adds week `p` (its edges in its own node positions). */
  add(nodeIds: string[], src: Int32Array, dst: Int32Array, w: Float64Array, p: number): void {
    const map = new Int32Array(nodeIds.length)
    for (let i = 0; i < nodeIds.length; i++) {
      let g = this.gid.get(nodeIds[i])
      if (g === undefined) {
        g = this.ids.length
        this.gid.set(nodeIds[i], g)
        this.ids.push(nodeIds[i])
      }
      map[i] = g
    }
    while (2 * (this.size + src.length) > this.cap) this.grow()
    const S = this.slots
    const W = this.weights
    const bit = 1 << (p & 31)
    for (let j = 0; j < src.length; j++) {
      const s = map[src[j]]
      const d = map[dst[j]]
      const o = this.free(s, d)
      if (S[o + 4] === 0) {
        S[o] = s
        S[o + 1] = d
        S[o + 2] = p
        S[o + 5] = bit
        this.size++
      } else {
        const gap = p - S[o + 3]
        if (gap >= 32) S[o + 5] = 0
        else for (let q = S[o + 3] + 1; q < p; q++) S[o + 5] &= ~(1 << (q & 31))
        S[o + 5] |= bit
      }
      S[o + 3] = p
      S[o + 4]++
      W[(o >> 1) + 3] = w[j]
    }
    this.position = p
  }

  /** The memory of week t = this.position among `nodeIds`, keyed src · n + dst in their positions. */
  project(nodeIds: string[]): Map<number, PairMemory> {
    const n = nodeIds.length
    const t = this.position
    const at = new Int32Array(this.ids.length).fill(-1)
    nodeIds.forEach((id, i) => {
      const g = this.gid.get(id)
      if (g !== undefined) at[g] = i
    })
    const S = this.slots
    const W = this.weights
    const memory = new Map<number, PairMemory>()
    for (let o = 0; o < S.length; o += STRIDE) {
      if (S[o + 4] === 0) continue
      const s = at[S[o]]
      const d = at[S[o + 1]]
      if (s < 0 || d < 0) continue
      const last = S[o + 3]
      const weeks: number[] = []
      for (let q = Math.max(0, t - RECENT + 1); q <= last; q++)
        if (S[o + 5] & (1 << (q & 31))) weeks.push(q)
      memory.set(s * n + d, {
        lastWeek: last,
        lastLogWeight: Math.log1p(W[(o >> 1) + 3]),
        firstWeek: S[o + 2],
        count: S[o + 4],
        weeks,
      })
    }
    return memory
  }

  /** Archive position of the first week `a` → `b` (node ids) was an edge, or −1 when it never was
   * in the weeks walked. */
  firstSeen(a: string, b: string): number {
    const s = this.gid.get(a)
    const d = this.gid.get(b)
    if (s === undefined || d === undefined) return -1
    const o = this.free(s, d)
    return this.slots[o + 4] === 0 ? -1 : this.slots[o + 2]
  }

  /** The occupied slots, packed (a checkpoint's `pairs`). */
  packed(): Buffer {
    const out = new Int32Array(this.size * STRIDE)
    let k = 0
    for (let o = 0; o < this.slots.length; o += STRIDE)
      if (this.slots[o + 4] !== 0) {
        out.set(this.slots.subarray(o, o + STRIDE), k)
        k += STRIDE
      }
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
  }

  static unpacked(ids: string[], pairs: Buffer, position: number): PairWalk {
    const walk = new PairWalk()
    ids.forEach((id, g) => walk.gid.set(id, g))
    walk.ids = ids
    const words = new Int32Array(pairs.byteLength / 4)
    new Uint8Array(words.buffer).set(pairs)
    const size = words.length / STRIDE
    while (2 * size > walk.cap) {
      walk.cap *= 2
      walk.shift--
    }
    walk.slots = new Int32Array(walk.cap * STRIDE)
    walk.weights = new Float64Array(walk.slots.buffer)
    for (let o = 0; o < words.length; o += STRIDE)
      walk.slots.set(words.subarray(o, o + STRIDE), walk.free(words[o], words[o + 1]))
    walk.size = size
    walk.position = position
    return walk
  }
}

/** The last memory built per open archive: the workbench forecasts one week at several horizons,
 * and the walk is the same for each. Valid while no import has finished since (every change to
 * the archive's weeks is an import, recorded in `imports`). */
const lastMemory = new WeakMap<Archive, { key: string; value: WeekMemory }>()

/** Memory of every pair among the nodes of `week` (keys src · n + dst in nodeIds' positions). */
export function pairMemoryAt(
  archive: Archive,
  week: string,
  nodeIds: string[],
  debutWeeks: readonly string[] = [],
): WeekMemory {
  const importId = latestImport(archive)
  const key = `${week}\u0000${importId}\u0000${nodeIds.join('\u0000')}`
  const cached = lastMemory.get(archive)
  if (cached?.key === key && debutWeeks.every((w) => cached.value.debuts.has(w)))
    return cached.value
  const weeks = archive.listWeeks().map((w) => w.week)
  const position = weeks.indexOf(week)
  const { walk } = walkTo(archive, weeks, position, importId)
  const value = {
    memory: walk.project(nodeIds),
    position,
    debuts: debutsOf(archive, walk, weeks, debutWeeks),
  }
  lastMemory.set(archive, { key, value })
  return value
}

/** The debuts of the edges of `debutWeeks` (each ≤ week) from the walk up to `week`, without
 * projecting a memory (backtests, which keep their own). */
export function pairDebutsAt(
  archive: Archive,
  week: string,
  debutWeeks: readonly string[],
): Map<string, WeekDebuts> {
  const cached = lastMemory.get(archive)
  if (
    cached?.key.startsWith(`${week}\u0000${latestImport(archive)}\u0000`) &&
    debutWeeks.every((w) => cached.value.debuts.has(w))
  )
    return cached.value.debuts
  const weeks = archive.listWeeks().map((w) => w.week)
  const { walk } = walkTo(archive, weeks, weeks.indexOf(week), latestImport(archive))
  return debutsOf(archive, walk, weeks, debutWeeks)
}

function debutsOf(
  archive: Archive,
  walk: PairWalk,
  weeks: string[],
  debutWeeks: readonly string[],
): Map<string, WeekDebuts> {
  const out = new Map<string, WeekDebuts>()
  for (const w of debutWeeks) {
    const position = weeks.indexOf(w)
    if (position < 0 || position > walk.position)
      throw new Error(`pair debuts of week ${w}: not an archived week up to the walk's end`)
    const f = archive.weekEdges(w)
    const debut = new Int32Array(f.edgeSrc.length)
    for (let j = 0; j < debut.length; j++) {
      const a = f.nodeIds[f.edgeSrc[j]]
      const b = f.nodeIds[f.edgeDst[j]]
      const ab = walk.firstSeen(a, b)
      const ba = walk.firstSeen(b, a)
      debut[j] = ba < 0 ? ab : Math.min(ab, ba) // ab ≥ 0: the edge is in a walked week
    }
    out.set(w, {
      week: w,
      position,
      nodeIds: f.nodeIds,
      edgeSrc: f.edgeSrc,
      edgeDst: f.edgeDst,
      debut,
    })
  }
  return out
}

/**
 * Brings the checkpoints up to the archive's last checkpoint position (an import calls it, so the
 * first forecast after an import starts from a checkpoint too): walks from the last valid one, if
 * any is missing, and writes those it passes. Returns the number written (0 when all are valid).
 */
export function updatePairMemoryCheckpoints(archive: Archive): number {
  const weeks = archive.listWeeks().map((w) => w.week)
  if (archive.readonly || !hasCheckpoints(archive) || weeks.length < CHECKPOINT_EVERY) return 0
  // the last position a checkpoint goes to: p ≤ length − 1 with p mod CHECKPOINT_EVERY = EVERY − 1
  const last = weeks.length - 1 - ((weeks.length - CHECKPOINT_EVERY) % CHECKPOINT_EVERY)
  return walkTo(archive, weeks, last, latestImport(archive)).written
}

// What an import triggers once committed (a store hook: importers only say which weeks changed):
// the checkpoints brought up to date. The import stands either way; a failure here (derived data
// only) becomes a note on its report.
onWeeksChanged({
  name: 'pair-memory checkpoints',
  run: (archive) => void updatePairMemoryCheckpoints(archive),
  failureNote: (e) =>
    `imported; the pair-memory checkpoints (derived data) were not updated, so the next forecast walks the whole archive: ${e.message}`,
})

/** The walk up to `position`, from the last valid checkpoint at or before it, saving every
 * checkpoint it passes (the archive's weeks, in order, are `weeks`). */
function walkTo(
  archive: Archive,
  weeks: string[],
  position: number,
  importId: number,
): { walk: PairWalk; written: number } {
  const checkpoints = hasCheckpoints(archive)
  const walk = (checkpoints && checkpointBefore(archive, weeks, position)) || new PairWalk()
  const fresh: { week: string; position: number; ids: string; pairs: Buffer }[] = []
  for (let p = walk.position + 1; p <= position; p++) {
    const f = archive.weekEdges(weeks[p])
    walk.add(f.nodeIds, f.edgeSrc, f.edgeDst, f.edgeWeight, p)
    if (p % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1 && checkpoints && !archive.readonly)
      fresh.push({
        week: weeks[p],
        position: p,
        ids: JSON.stringify(walk.ids),
        pairs: walk.packed(),
      })
  }
  const saved = fresh.length > 0 && saveCheckpoints(archive, importId, fresh)
  return { walk, written: saved ? fresh.length : 0 }
}

function latestImport(archive: Archive): number {
  const row = archive.db.prepare('SELECT max(import_id) AS latest FROM imports').get() as {
    latest: number | null
  }
  return row.latest ?? 0
}

/** False on an older archive opened read-only (not migrated): the walk then starts at week 0. */
function hasCheckpoints(archive: Archive): boolean {
  return (
    archive.db
      .prepare("SELECT 1 FROM sqlite_master WHERE name = 'pair_memory_checkpoints'")
      .get() !== undefined
  )
}

/** Holds for a checkpoint of week w written while import X was the latest: no import after X
 * wrote a week ≤ w (every written week carries the id of the import that wrote it), so the weeks
 * it summarises are unchanged. Appending new weeks, the usual import, keeps every checkpoint. */
const CHECKPOINT_VALID = `import_id >= (SELECT coalesce(max(w.import_id), 0) FROM weeks w
  WHERE w.week <= pair_memory_checkpoints.week)`

/** The latest valid checkpoint at or before `position`, or null. */
function checkpointBefore(archive: Archive, weeks: string[], position: number): PairWalk | null {
  const row = archive.db
    .prepare(
      `SELECT week, position, node_ids, pairs FROM pair_memory_checkpoints
       WHERE position <= ? AND ${CHECKPOINT_VALID} ORDER BY position DESC LIMIT 1`,
    )
    .get(position) as
    { week: string; position: number; node_ids: string; pairs: Buffer } | undefined
  if (!row || weeks[row.position] !== row.week) return null
  return PairWalk.unpacked(JSON.parse(row.node_ids) as string[], row.pairs, row.position)
}

/** Stores new checkpoints and drops those an import has made stale, in one transaction; false
 * (nothing stored, the next walk redoes it) when another process is writing the archive. */
function saveCheckpoints(
  archive: Archive,
  importId: number,
  rows: { week: string; position: number; ids: string; pairs: Buffer }[],
): boolean {
  const db = archive.db
  const put = db.prepare(
    `INSERT OR REPLACE INTO pair_memory_checkpoints (week, position, import_id, node_ids, pairs, created)
     VALUES (?, ?, ?, ?, ?, ?)`,
  )
  return archive.tryWrite(() => {
    db.prepare(`DELETE FROM pair_memory_checkpoints WHERE NOT (${CHECKPOINT_VALID})`).run()
    const created = new Date().toISOString()
    for (const r of rows) put.run(r.week, r.position, importId, r.ids, r.pairs, created)
  })
}
