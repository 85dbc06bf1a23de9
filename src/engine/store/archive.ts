// The snapshot archive: one SQLite file (WAL, foreign keys, numbered migrations). Plain tables for
// analysts (`weeks`, `nodes`, `edges`, `protocols`, …) plus one packed row per week in `week_frames`
// so a whole week loads as typed arrays in a single read.
import { mkdirSync, existsSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import {
  FEATURE_COUNT,
  FEATURE_SCHEMA_VERSION,
  type ImportCounts,
  type ImportFormat,
  type ImportReport,
  type ProtocolInfo,
  type TokenIssuer,
  type WeekFrame,
  type WeekId,
  type WeekInput,
  type WeekSummary,
  type WeekWriteOutcome,
} from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { buildFeatures, tvlChange } from '../../shared/features'
import { dateToMs } from '../../shared/dates'
import { migrate } from './migrations'
import { blobOf, float32Of, float64Of, int32Of } from './frames'
import { packWeek, weekContentHash, type PackedWeek } from './packed-week'
import { BatchInsert, type RowShape } from './row-insert'

const POSITION_BITS = 2 ** 24
const WEEK_MS = 7 * 86_400_000
// Epoch Monday 1970-01-05 keeps week numbers small and positive for any date after it.
const EPOCH_MONDAY = Date.UTC(1970, 0, 5)

/** Rowid of the row at `position` in `week`: a week's rows form one contiguous range. */
export function rowKey(week: WeekId, position: number): number {
  return Math.round((dateToMs(week) - EPOCH_MONDAY) / WEEK_MS) * POSITION_BITS + position
}

export const UNKNOWN = 'Unknown'

/**
 * How long a writer waits for another process's write transaction before giving up (SQLite busy
 * timeout, ms): 10 s, or DEXPOSURE_BUSY_TIMEOUT_MS. Readers never wait (WAL).
 */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.DEXPOSURE_BUSY_TIMEOUT_MS)
  return env.DEXPOSURE_BUSY_TIMEOUT_MS !== undefined && Number.isInteger(v) && v >= 0 ? v : 10_000
}

/** True for SQLite's "database is locked" (SQLITE_BUSY and its extended codes). */
export function isBusy(e: unknown): boolean {
  return e instanceof Database.SqliteError && e.code.startsWith('SQLITE_BUSY')
}

/** The CONFLICT a writer gets when another process held the write lock past the busy timeout. */
export function busyConflict(file: string, waitedMs = busyTimeoutMs()): DexposureError {
  return new DexposureError(
    'CONFLICT',
    `another process is writing to the archive (an import?) — try again when it finishes (waited ${waitedMs / 1000} s)`,
    { file },
  )
}

/** `e`, or the CONFLICT above when it is SQLITE_BUSY. */
export function conflictIfBusy(e: unknown, file: string): unknown {
  return isBusy(e) ? busyConflict(file) : e
}

// SQLite page cache sizes (negative = KiB).
const DEFAULT_CACHE_KIB = -65536
const IMPORT_CACHE_KIB = -262144

export interface OpenOptions {
  readonly?: boolean
  /** Create the file (and its folder) when missing. Default true unless readonly. */
  create?: boolean
}

export interface ImportMeta {
  source: string
  format: ImportFormat
  sha256: string
  bytes: number
  options?: Record<string, unknown>
  /** Mark written weeks as synthetic (demo data). */
  synthetic?: boolean
  /** Replace weeks that exist with different data instead of refusing. */
  replace?: boolean
}

export interface NodeHistoryRow {
  week: WeekId
  size: number
  log_tvl: number
  tvl_change: number
  in_degree: number
  out_degree: number
  n_token_types: number
}

export interface NodeEdgeRow {
  week: WeekId
  source: string
  target: string
  weight: number
}

interface FrameRow {
  week: string
  feature_schema: number
  node_ids: string
  sizes: Buffer
  features: Buffer
  edge_src: Buffer
  edge_dst: Buffer
  edge_weight: Buffer
}

export class Archive {
  readonly db: Database.Database
  readonly file: string
  readonly readonly: boolean
  private protocolCache: Map<string, ProtocolInfo> | null = null
  private inImport = false

  private constructor(db: Database.Database, file: string, readonly: boolean) {
    this.db = db
    this.file = file
    this.readonly = readonly
  }

  static open(file: string, opts: OpenOptions = {}): Archive {
    const readonly = opts.readonly ?? false
    const create = opts.create ?? !readonly
    if (!existsSync(file)) {
      if (!create)
        throw new DexposureError('NOT_FOUND', 'archive does not exist (run `dexposure init`)', {
          file,
        })
      mkdirSync(dirname(file), { recursive: true })
    }
    let db: Database.Database
    try {
      db = new Database(file, { readonly, fileMustExist: !create, timeout: busyTimeoutMs() })
    } catch (e) {
      throw new DexposureError('ARCHIVE', `cannot open archive: ${(e as Error).message}`, { file })
    }
    try {
      if (!readonly) {
        // 16 KiB pages: ~25 % faster bulk inserts of composition text than the 4 KiB default
        // (measured). Only takes effect while the file is still empty.
        db.pragma('page_size = 16384')
        db.pragma('journal_mode = WAL')
        db.pragma('synchronous = NORMAL')
      }
      db.pragma('foreign_keys = ON')
      db.pragma(`cache_size = ${DEFAULT_CACHE_KIB}`)
      if (readonly) {
        const v = db.pragma('user_version', { simple: true }) as number
        if (v === 0)
          throw new DexposureError('ARCHIVE', 'not a DeXposure archive (schema version 0)', {
            file,
          })
      } else migrate(db, file)
    } catch (e) {
      db.close()
      if (e instanceof DexposureError) throw e
      if (isBusy(e)) throw busyConflict(file) // a migration waited for another writer
      throw new DexposureError('ARCHIVE', `cannot open archive: ${(e as Error).message}`, { file })
    }
    return new Archive(db, file, readonly)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  // ---------------------------------------------------------------- reads

  listWeeks(): WeekSummary[] {
    const rows = this.db
      .prepare(
        'SELECT week, n_nodes, n_edges, total_tvl, total_exposure, synthetic FROM weeks ORDER BY week',
      )
      .all() as {
      week: string
      n_nodes: number
      n_edges: number
      total_tvl: number
      total_exposure: number
      synthetic: number
    }[]
    return rows.map((r) => ({
      week: r.week,
      nodes: r.n_nodes,
      edges: r.n_edges,
      totalTvl: r.total_tvl,
      totalExposure: r.total_exposure,
      synthetic: r.synthetic === 1,
    }))
  }

  hasWeek(week: WeekId): boolean {
    return this.db.prepare('SELECT 1 FROM weeks WHERE week = ?').get(week) !== undefined
  }

  /** True when any archived week is synthetic (demo data): callers label output accordingly. */
  hasSynthetic(): boolean {
    return this.db.prepare('SELECT 1 FROM weeks WHERE synthetic = 1 LIMIT 1').get() !== undefined
  }

  protocols(): Map<string, ProtocolInfo> {
    if (!this.protocolCache) {
      const rows = this.db
        .prepare('SELECT id, name, category, sector FROM protocols')
        .all() as ProtocolInfo[]
      this.protocolCache = new Map(rows.map((r) => [r.id, r]))
    }
    return this.protocolCache
  }

  tokenIssuers(): Map<string, TokenIssuer> {
    const rows = this.db
      .prepare('SELECT token, issuer, grp AS "group", frequency FROM token_issuers')
      .all() as TokenIssuer[]
    return new Map(rows.map((r) => [r.token, r]))
  }

  /** The whole week as typed arrays (nodes in file order, edges in file order). */
  loadWeek(week: WeekId): WeekFrame {
    const row = this.db
      .prepare(
        `SELECT f.*, w.synthetic FROM week_frames f JOIN weeks w USING (week) WHERE f.week = ?`,
      )
      .get(week) as (FrameRow & { synthetic: number }) | undefined
    if (!row) throw new DexposureError('NOT_FOUND', `week ${week} is not in the archive`, { week })
    const nodeIds = JSON.parse(row.node_ids) as string[]
    const protocols = this.protocols()
    const categories = new Array<string>(nodeIds.length)
    const sectors = new Array<string>(nodeIds.length)
    for (let i = 0; i < nodeIds.length; i++) {
      const p = protocols.get(nodeIds[i])
      categories[i] = p?.category || UNKNOWN
      sectors[i] = p?.sector || UNKNOWN
    }
    return {
      week,
      nodeIds,
      sizes: float64Of(row.sizes),
      features: float32Of(row.features),
      categories,
      sectors,
      edgeSrc: int32Of(row.edge_src),
      edgeDst: int32Of(row.edge_dst),
      edgeWeight: float64Of(row.edge_weight),
      synthetic: row.synthetic === 1,
    }
  }

  /** Only the node ids and edges of a week: what pair memories need, without decoding features. */
  weekEdges(week: WeekId): Pick<WeekFrame, 'nodeIds' | 'edgeSrc' | 'edgeDst' | 'edgeWeight'> {
    const row = this.db
      .prepare('SELECT node_ids, edge_src, edge_dst, edge_weight FROM week_frames WHERE week = ?')
      .get(week) as Pick<FrameRow, 'node_ids' | 'edge_src' | 'edge_dst' | 'edge_weight'> | undefined
    if (!row) throw new DexposureError('NOT_FOUND', `week ${week} is not in the archive`, { week })
    return {
      nodeIds: JSON.parse(row.node_ids) as string[],
      edgeSrc: int32Of(row.edge_src),
      edgeDst: int32Of(row.edge_dst),
      edgeWeight: float64Of(row.edge_weight),
    }
  }

  /** One node across all archived weeks, oldest first. */
  nodeHistory(nodeId: string): NodeHistoryRow[] {
    return this.db
      .prepare(
        `SELECT week, size, log_tvl, tvl_change, in_degree, out_degree, n_token_types
         FROM nodes WHERE node_id = ? ORDER BY week`,
      )
      .all(nodeId) as NodeHistoryRow[]
  }

  /** Every edge touching a node (as holder or issuer) across weeks, oldest first. */
  nodeEdges(nodeId: string, from?: WeekId, to?: WeekId): NodeEdgeRow[] {
    const weeks = this.db
      .prepare(
        `SELECT week, out_edges, in_edges FROM nodes
         WHERE node_id = ? AND week BETWEEN ? AND ? ORDER BY week`,
      )
      .all(nodeId, from ?? '0000-00-00', to ?? '9999-99-99') as {
      week: string
      out_edges: Buffer
      in_edges: Buffer
    }[]
    const edge = this.db.prepare('SELECT source, target, weight FROM edge_rows WHERE rowid = ?')
    const out: NodeEdgeRow[] = []
    for (const w of weeks) {
      const base = rowKey(w.week, 0)
      for (const blob of [w.out_edges, w.in_edges])
        for (const pos of int32Of(blob)) {
          const e = edge.get(base + pos) as Omit<NodeEdgeRow, 'week'>
          out.push({ week: w.week, ...e })
        }
    }
    return out
  }

  // ---------------------------------------------------------------- writes

  /**
   * Runs `fn` as one write transaction taken with BEGIN IMMEDIATE: the write lock is asked for
   * up front (waiting up to the busy timeout) rather than on the first write of a read
   * transaction, where SQLite could only fail. Writers build their rows first and call this
   * last, so the lock is held only while rows go in. A lock held by another process past the
   * timeout is a CONFLICT naming the situation.
   */
  write<T>(fn: () => T): T {
    if (this.readonly)
      throw new DexposureError('ARCHIVE', 'archive is open read-only', { file: this.file })
    try {
      return this.db.transaction(fn).immediate()
    } catch (e) {
      throw conflictIfBusy(e, this.file)
    }
  }

  /**
   * write(), but for writes that only save work for later (pair-memory checkpoints): when another
   * process holds the write lock it gives up at once and returns false, instead of making a
   * forecast wait for an import.
   */
  tryWrite(fn: () => void): boolean {
    if (this.db.inTransaction) {
      this.write(fn)
      return true
    }
    this.db.pragma('busy_timeout = 0')
    try {
      this.write(fn)
      return true
    } catch (e) {
      if (e instanceof DexposureError && e.code === 'CONFLICT') return false
      throw e
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeoutMs()}`)
    }
  }

  /**
   * Runs one import as a single transaction: on any error (or cancellation) the archive is left
   * exactly as it was, and a killed process leaves only whole, previously committed weeks.
   */
  async runImport(
    meta: ImportMeta,
    body: (session: ImportSession) => Promise<void> | void,
  ): Promise<ImportReport> {
    if (this.readonly)
      throw new DexposureError('ARCHIVE', 'archive is open read-only', { file: this.file })
    if (this.inImport)
      throw new DexposureError('INTERNAL', 'an import is already running on this archive')
    this.inImport = true
    const started = Date.now()
    // The write lock is taken late: at the session's first statement, after the reader has
    // parsed and checked what comes first (a whole CSV, metadata or DefiLlama input; the first
    // week of a DeXposure file), so a bad file never blocks other writers.
    const begin = () => {
      if (this.db.inTransaction) return
      try {
        this.db.exec('BEGIN IMMEDIATE')
      } catch (e) {
        throw conflictIfBusy(e, this.file)
      }
    }
    const session = new ImportSession(this, meta, begin)
    // A larger page cache while importing: fewer dirty pages spill into the WAL before the commit
    // (~20 % faster bulk inserts, measured); RSS stays well under the 1 GB budget.
    this.db.pragma(`cache_size = ${IMPORT_CACHE_KIB}`)
    try {
      await body(session)
      begin()
      const report = session.finish(started)
      this.db.exec('COMMIT')
      return report
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw conflictIfBusy(e, this.file)
    } finally {
      this.db.pragma(`cache_size = ${DEFAULT_CACHE_KIB}`)
      this.protocolCache = null
      this.inImport = false
    }
  }

  /** @internal */
  invalidateProtocols(): void {
    this.protocolCache = null
  }
}

/** The write side of one import. Obtain through Archive.runImport. */
export class ImportSession {
  private readonly archive: Archive
  private readonly db: Database.Database
  readonly meta: ImportMeta
  readonly inserted: WeekId[] = []
  readonly replaced: WeekId[] = []
  readonly unchanged: WeekId[] = []
  readonly counts: ImportCounts = {}
  readonly rows: Record<string, number> = {}
  private last: { week: WeekId; sizes: Map<string, number> } | null = null
  /** Node rows archived when this import wrote its first week (−1: not yet known). */
  private nodesBefore = -1
  /** Node rows this import has written. */
  private nodesWritten = 0
  /** CREATE INDEX statements of the indexes dropped for a bulk import, run again in finish(). */
  private deferredIndexes: string[] | null = null
  private readonly stmts
  /** Starts the import's transaction on first use (Archive.runImport). */
  private readonly begin: () => void

  constructor(archive: Archive, meta: ImportMeta, begin: () => void = () => undefined) {
    this.archive = archive
    this.db = archive.db
    this.meta = meta
    this.begin = begin
    const db = this.db
    this.stmts = {
      weekHash: db.prepare('SELECT content_sha256 FROM weeks WHERE week = ?'),
      deleteWeek: db.prepare('DELETE FROM weeks WHERE week = ?'),
      deleteNodes: db.prepare('DELETE FROM nodes WHERE rowid BETWEEN ? AND ?'),
      deleteEdges: db.prepare('DELETE FROM edge_rows WHERE rowid BETWEEN ? AND ?'),
      insertWeek: db.prepare(
        `INSERT INTO weeks (week, n_nodes, n_edges, total_tvl, total_exposure, content_sha256, synthetic, counts, row_base)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertNodes: new BatchInsert(db, NODE_ROWS),
      insertEdges: new BatchInsert(db, EDGE_ROWS),
      insertFrame: db.prepare(
        `INSERT INTO week_frames (week, feature_schema, node_ids, sizes, features, edge_src, edge_dst, edge_weight)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      prevWeek: db.prepare('SELECT week FROM weeks WHERE week < ? ORDER BY week DESC LIMIT 1'),
      nextWeek: db.prepare('SELECT week FROM weeks WHERE week > ? ORDER BY week LIMIT 1'),
      frame: db.prepare('SELECT node_ids, sizes, features FROM week_frames WHERE week = ?'),
      updateFrameFeatures: db.prepare('UPDATE week_frames SET features = ? WHERE week = ?'),
      updateTvlChange: db.prepare('UPDATE nodes SET tvl_change = ? WHERE rowid = ?'),
      upsertProtocol: db.prepare(
        `INSERT INTO protocols (id, name, category, sector) VALUES (@id, @name, @category, @sector)
         ON CONFLICT(id) DO UPDATE SET
           name = coalesce(excluded.name, protocols.name),
           category = coalesce(excluded.category, protocols.category),
           sector = coalesce(excluded.sector, protocols.sector)`,
      ),
      upsertIssuer: db.prepare(
        `INSERT INTO token_issuers (token, issuer, grp, frequency) VALUES (@token, @issuer, @group, @frequency)
         ON CONFLICT(token) DO UPDATE SET issuer = excluded.issuer, grp = excluded.grp, frequency = excluded.frequency`,
      ),
      insertImport: db.prepare(
        `INSERT INTO imports (source, format, sha256, bytes, started_at, finished_at, duration_ms, status,
           weeks_inserted, weeks_replaced, weeks_unchanged, counts, rows, options)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      tagWeek: db.prepare('UPDATE weeks SET import_id = ? WHERE week = ?'),
    }
  }

  /** Adds per-week counts into the import's totals. */
  addCounts(c: ImportCounts): void {
    for (const [k, v] of Object.entries(c) as [keyof ImportCounts, number][])
      this.counts[k] = (this.counts[k] ?? 0) + v
  }

  /**
   * Writes one normalised week. The importer has already dropped or merged what its policy says;
   * this checks the invariants the archive relies on and refuses to store anything else.
   */
  putWeek(input: WeekInput, counts: ImportCounts = {}): WeekWriteOutcome {
    return this.putPacked(packWeek(input, this.meta.source), counts)
  }

  /** Writes one packed week (see packed-week.ts); putWeek packs and calls this. */
  putPacked(p: PackedWeek, counts: ImportCounts = {}): WeekWriteOutcome {
    this.begin()
    const { week, nodeIds, sizes, edgeSrc: src, edgeDst: dst, edgeWeight: weight } = p
    const file = this.meta.source
    const n = nodeIds.length
    const e = src.length
    const inDeg = new Int32Array(n)
    const outDeg = new Int32Array(n)
    let totalExposure = 0
    for (let j = 0; j < e; j++) {
      outDeg[src[j]]++
      inDeg[dst[j]]++
      totalExposure += weight[j]
    }
    const compositions = p.nodeComps
    const edgeComps = p.edgeComps
    // Computed by the import worker when it packed the week (packed-week.ts withContentHash).
    const nodeIdsJson = p.nodeIdsJson ?? JSON.stringify(nodeIds)
    const contentHash = p.contentHash ?? weekContentHash(p, nodeIdsJson)

    const existing = this.stmts.weekHash.get(week) as { content_sha256: string } | undefined
    let outcome: WeekWriteOutcome = 'inserted'
    if (existing) {
      if (existing.content_sha256 === contentHash) {
        this.unchanged.push(week)
        this.last = { week, sizes: mapSizes(nodeIds, sizes) }
        return 'unchanged'
      }
      if (!this.meta.replace)
        throw new DexposureError(
          'CONFLICT',
          `week ${week} is already archived with different data; re-run with --replace to overwrite it`,
          { file, week },
        )
      this.deleteWeek(week)
      outcome = 'replaced'
    }

    const prevSizes = this.previousSizes(week)
    const features = buildFeatures({
      sizes,
      stats: p,
      prevSizes: nodeIds.map((id) => prevSizes?.get(id)),
      inDegree: inDeg,
      outDegree: outDeg,
    })
    let totalTvl = 0
    for (let i = 0; i < n; i++) totalTvl += sizes[i] > 0 ? sizes[i] : 0
    const outEdges = edgePositionsBy(src, outDeg)
    const inEdges = edgePositionsBy(dst, inDeg)

    this.deferIndexesIfBulk(n)
    const st = this.stmts
    const base = rowKey(week, 0)
    st.insertWeek.run(
      week,
      n,
      e,
      totalTvl,
      totalExposure,
      contentHash,
      this.meta.synthetic ? 1 : 0,
      JSON.stringify(counts),
      base,
    )
    // Shared values of a batch whose first row is `i` (NODE_ROWS, EDGE_ROWS: ?1, ?2, ?3).
    const nodeBatch = (i: number, v: Record<number, unknown>): void => {
      v[1] = base + i
      v[2] = week
      v[3] = i
    }
    const nodeRow = (i: number, v: unknown[], o: number): void => {
      const f = i * FEATURE_COUNT
      v[o] = nodeIds[i]
      v[o + 1] = sizes[i]
      v[o + 2] = compositions[i]
      v[o + 3] = features[f]
      v[o + 4] = p.nTokens[i]
      v[o + 5] = features[f + 2]
      v[o + 6] = features[f + 3]
      v[o + 7] = features[f + 4]
      v[o + 8] = inDeg[i]
      v[o + 9] = outDeg[i]
      v[o + 10] = blobOf(outEdges.positions.subarray(outEdges.offsets[i], outEdges.offsets[i + 1]))
      v[o + 11] = blobOf(inEdges.positions.subarray(inEdges.offsets[i], inEdges.offsets[i + 1]))
    }
    const edgeBatch = (j: number, v: Record<number, unknown>): void => {
      v[1] = base + j
    }
    const edgeRow = (j: number, v: unknown[], o: number): void => {
      v[o] = nodeIds[src[j]]
      v[o + 1] = nodeIds[dst[j]]
      v[o + 2] = weight[j]
      v[o + 3] = edgeComps[j]
    }
    st.insertNodes.run(n, nodeBatch, nodeRow)
    st.insertEdges.run(e, edgeBatch, edgeRow)
    this.nodesWritten += n
    st.insertFrame.run(
      week,
      FEATURE_SCHEMA_VERSION,
      nodeIdsJson,
      blobOf(sizes),
      blobOf(features),
      blobOf(src),
      blobOf(dst),
      blobOf(weight),
    )
    ;(outcome === 'replaced' ? this.replaced : this.inserted).push(week)
    this.last = { week, sizes: mapSizes(nodeIds, sizes) }
    return outcome
  }

  putProtocols(rows: ProtocolInfo[]): number {
    this.begin()
    for (const r of rows) this.stmts.upsertProtocol.run(r)
    this.rows.protocols = (this.rows.protocols ?? 0) + rows.length
    this.archive.invalidateProtocols()
    return rows.length
  }

  putTokenIssuers(rows: TokenIssuer[]): number {
    this.begin()
    for (const r of rows) this.stmts.upsertIssuer.run(r)
    this.rows.token_issuers = (this.rows.token_issuers ?? 0) + rows.length
    return rows.length
  }

  /**
   * Drops the secondary indexes of `nodes` and `edge_rows` (inside the import's transaction)
   * once this import has written, with the `n` rows about to go in, half as many node rows as the
   * archive held before it; finish() builds them again. Kept up to date row by row, the
   * (node_id, week) index cost ~5 µs per node row (1.61 M rows in a real-scale import), where
   * building it once from the finished table costs ~1 µs per row (measured): for a large import
   * the rebuild of the whole table is cheaper, for a small one into a large archive it is not.
   * A failed import rolls the drop back with everything else.
   */
  private deferIndexesIfBulk(n: number): void {
    if (this.deferredIndexes) return
    if (this.nodesBefore < 0)
      this.nodesBefore = this.db
        .prepare('SELECT coalesce(sum(n_nodes), 0) FROM weeks')
        .pluck()
        .get() as number
    if (2 * (this.nodesWritten + n) < this.nodesBefore) return
    const indexes = this.db
      .prepare(
        `SELECT name, sql FROM sqlite_schema
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})`,
      )
      .all(...BULK_TABLES) as { name: string; sql: string }[]
    // No statement of this connection can be reading here (better-sqlite3 refuses every other
    // call while an iterator is open), so SQLite never refuses the drop as "table locked".
    for (const ix of indexes) this.db.exec(`DROP INDEX "${ix.name.replaceAll('"', '""')}"`)
    this.deferredIndexes = indexes.map((ix) => ix.sql)
  }

  /** @internal Called by Archive.runImport inside the transaction. */
  finish(startedMs: number): ImportReport {
    for (const sql of this.deferredIndexes ?? []) this.db.exec(sql)
    this.deferredIndexes = null
    // A written week changes the tvl_change feature of the next archived week when that week was
    // not part of this import (weeks imported out of order).
    const written = new Set([...this.inserted, ...this.replaced])
    for (const w of written) {
      const next = this.stmts.nextWeek.get(w) as { week: string } | undefined
      if (next && !written.has(next.week)) this.refreshTvlChange(next.week)
    }
    const finished = Date.now()
    const status = written.size > 0 || Object.keys(this.rows).length > 0 ? 'ok' : 'unchanged'
    const info = this.stmts.insertImport.run(
      this.meta.source,
      this.meta.format,
      this.meta.sha256,
      this.meta.bytes,
      new Date(startedMs).toISOString(),
      new Date(finished).toISOString(),
      finished - startedMs,
      status,
      this.inserted.length,
      this.replaced.length,
      this.unchanged.length,
      JSON.stringify(this.counts),
      JSON.stringify(this.rows),
      JSON.stringify(this.meta.options ?? {}),
    )
    const importId = Number(info.lastInsertRowid)
    for (const w of written) this.stmts.tagWeek.run(importId, w)
    return {
      importId,
      file: this.meta.source,
      format: this.meta.format,
      sha256: this.meta.sha256,
      weeksInserted: this.inserted,
      weeksReplaced: this.replaced,
      weeksUnchanged: this.unchanged,
      counts: this.counts,
      rows: this.rows,
      durationMs: finished - startedMs,
    }
  }

  private deleteWeek(week: WeekId): void {
    this.stmts.deleteNodes.run(rowKey(week, 0), rowKey(week, POSITION_BITS - 1))
    this.stmts.deleteEdges.run(rowKey(week, 0), rowKey(week, POSITION_BITS - 1))
    this.stmts.deleteWeek.run(week) // cascades to week_frames
  }

  /** Sizes of the previous archived week by node id (the reference's "previous snapshot"). */
  private previousSizes(week: WeekId): Map<string, number> | null {
    const prev = this.stmts.prevWeek.get(week) as { week: string } | undefined
    if (!prev) return null
    if (this.last && this.last.week === prev.week) return this.last.sizes
    const f = this.stmts.frame.get(prev.week) as { node_ids: string; sizes: Buffer }
    const ids = JSON.parse(f.node_ids) as string[]
    const sz = float64Of(f.sizes)
    return new Map(ids.map((id, i) => [id, sz[i]]))
  }

  private refreshTvlChange(week: WeekId): void {
    const prev = this.previousSizes(week)
    const f = this.stmts.frame.get(week) as { node_ids: string; sizes: Buffer; features: Buffer }
    const ids = JSON.parse(f.node_ids) as string[]
    const sizes = float64Of(f.sizes)
    const features = float32Of(f.features).slice()
    const base = rowKey(week, 0)
    for (let i = 0; i < ids.length; i++) {
      const v = tvlChange(sizes[i], prev?.get(ids[i]))
      features[i * FEATURE_COUNT + 4] = v
      this.stmts.updateTvlChange.run(v, base + i)
    }
    this.stmts.updateFrameFeatures.run(blobOf(features), week)
  }
}

// Rows of `nodes` and `edge_rows` as multi-row INSERTs (row-insert.ts). A week's rows are
// consecutive rowids (rowKey), so the rowid, the week and the position follow from the batch's
// first row: 12 values bound per node row instead of 15, 4 per edge row instead of 5.
const NODE_ROWS: RowShape = {
  table: 'nodes',
  derived: [
    ['rowid', (k) => `?1 + ${k}`],
    ['week', () => '?2'],
    ['idx', (k) => `?3 + ${k}`],
  ],
  shared: 3,
  bound: [
    'node_id',
    'size',
    'composition',
    'log_tvl',
    'n_token_types',
    'max_token_share',
    'token_entropy',
    'tvl_change',
    'in_degree',
    'out_degree',
    'out_edges',
    'in_edges',
  ],
}
const EDGE_ROWS: RowShape = {
  table: 'edge_rows',
  derived: [['rowid', (k) => `?1 + ${k}`]],
  shared: 1,
  bound: ['source', 'target', 'weight', 'composition'],
}

/** Tables whose secondary indexes a bulk import builds once at the end (deferIndexesIfBulk). */
const BULK_TABLES = ['nodes', 'edge_rows']

/** CSR grouping of edge positions by endpoint: positions of node i's edges are offsets[i]…offsets[i+1]. */
function edgePositionsBy(
  endpoint: Int32Array,
  degree: Int32Array,
): { offsets: Int32Array; positions: Int32Array } {
  const offsets = new Int32Array(degree.length + 1)
  for (let i = 0; i < degree.length; i++) offsets[i + 1] = offsets[i] + degree[i]
  const fill = offsets.slice(0, degree.length)
  const positions = new Int32Array(endpoint.length)
  for (let j = 0; j < endpoint.length; j++) positions[fill[endpoint[j]]++] = j
  return { offsets, positions }
}

function mapSizes(ids: string[], sizes: Float64Array): Map<string, number> {
  const m = new Map<string, number>()
  for (let i = 0; i < ids.length; i++) m.set(ids[i], sizes[i])
  return m
}
