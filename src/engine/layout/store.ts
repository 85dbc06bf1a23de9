// Stored positions (`node_positions`) and the runs that wrote them (`layout_runs`), migration 6.
// A layout is written whole in one transaction, so a cancelled or failed run leaves the previous
// one intact, and readers never see half of a layout.
import type { Archive } from '../store/archive'

export type LayoutKind = 'full' | 'relayout' | 'incremental'

export interface StoredPositions {
  /** Node ids in stored index order. */
  ids: string[]
  x: Float32Array
  y: Float32Array
  pinned: Uint8Array
}

export interface LayoutRun {
  runId: number
  kind: LayoutKind
  created: string
  durationMs: number
  iterations: number
  /** Nodes in the layout, nodes that could move, nodes held as pinned. */
  nodes: number
  moved: number
  pinned: number
  edges: number
  importId: number
}

export interface LayoutWrite {
  ids: readonly string[]
  x: Float32Array
  y: Float32Array
  pinned: Uint8Array
  run: Omit<LayoutRun, 'runId' | 'created'>
}

export function readPositions(archive: Archive): StoredPositions {
  const rows = archive.db
    .prepare('SELECT node_id, x, y, pinned FROM node_positions ORDER BY idx')
    .raw()
    .all() as [string, number, number, number][]
  const n = rows.length
  const ids = new Array<string>(n)
  const x = new Float32Array(n)
  const y = new Float32Array(n)
  const pinned = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const r = rows[i]
    ids[i] = r[0]
    x[i] = r[1]
    y[i] = r[2]
    pinned[i] = r[3]
  }
  return { ids, x, y, pinned }
}

/** Replaces every stored position and records the run; answers the run's id. */
export function writePositions(archive: Archive, w: LayoutWrite): number {
  const db = archive.db
  const insert = db.prepare(
    'INSERT INTO node_positions (node_id, idx, x, y, pinned) VALUES (?, ?, ?, ?, ?)',
  )
  const run = db.prepare(
    `INSERT INTO layout_runs (kind, created, duration_ms, iterations, nodes, moved, pinned, edges, import_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  return db.transaction(() => {
    db.prepare('DELETE FROM node_positions').run()
    // + 0 turns -0 into 0, as SQLite would anyway (it stores integral reals as integers)
    for (let i = 0; i < w.ids.length; i++)
      insert.run(w.ids[i], i, w.x[i] + 0, w.y[i] + 0, w.pinned[i])
    const r = w.run
    const info = run.run(
      r.kind,
      new Date().toISOString(),
      r.durationMs,
      r.iterations,
      r.nodes,
      r.moved,
      r.pinned,
      r.edges,
      r.importId,
    )
    return Number(info.lastInsertRowid)
  })()
}

export function lastRun(archive: Archive): LayoutRun | null {
  const r = archive.db
    .prepare(
      `SELECT run_id AS runId, kind, created, duration_ms AS durationMs, iterations, nodes, moved,
         pinned, edges, import_id AS importId
       FROM layout_runs ORDER BY run_id DESC LIMIT 1`,
    )
    .get() as LayoutRun | undefined
  return r ?? null
}

/**
 * The last run id ever handed out (0 before any). It never decreases, even when the tables are
 * emptied (AUTOINCREMENT keeps its sequence): the universe's revision is built from it.
 */
export const runSequence = (archive: Archive): number =>
  (
    archive.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'layout_runs'").get() as
      { seq: number } | undefined
  )?.seq ?? 0

export const storedCount = (archive: Archive): number =>
  (archive.db.prepare('SELECT count(*) AS n FROM node_positions').get() as { n: number }).n
