// The query process (bundled as out/node/query-worker.js). It runs as a child process — killed
// with SIGKILL at the time limit or on cancel, the only stop that always works, since
// better-sqlite3 cannot interrupt a statement and a worker thread inside SQLite's C code ignores
// Worker.terminate() (verified: the thread kept a core busy and held process.exit) — or, where a
// child process cannot be started (Electron with the RunAsNode fuse off), as a worker thread.
// Its connections are read-only (`readonly: true`, `PRAGMA query_only`, better-sqlite3's defensive
// mode), the query functions are registered on them, and the views for people are TEMP views
// created before `query_only` is set: nothing is ever written into the archive file.
import { parentPort } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { DexposureError } from '../../shared/errors'
import { isTrivia, tokenize } from '../../shared/sql/tokens'
import { QUERY_VIEWS } from './catalog'
import { exportBackend, FdWriter, type RawCell } from './export'
import { QueryFunctionError, registerQueryFunctions } from './functions'
import type {
  Cell,
  ForecastModelRef,
  FromWorker,
  ResultColumn,
  RunLimits,
  SchemaObject,
  StatementResult,
  ToWorker,
  WorkerError,
  WorkerStatement,
} from './protocol'

type Send = (m: FromWorker) => void

const send: Send = parentPort
  ? (m) => parentPort!.postMessage(m)
  : (m) => {
      process.send?.(m)
    }

let db: Database.Database | null = null

function open(file: string): void {
  const connect = () => {
    const c = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 })
    c.pragma('cache_size = -65536')
    // pages read through the OS's mapping instead of copied into the page cache: scattered
    // lookups (node_edges, forecast pairs) ran about twice as fast (BENCHMARKS.md). A file cut
    // short under the mapping can only kill this process.
    c.pragma('mmap_size = 2147418112')
    return c
  }
  db = connect()
  const data = connect()
  for (const v of QUERY_VIEWS) {
    try {
      db.exec(v.sql)
    } catch {
      // an archive older than the view's tables: the view is simply absent
    }
  }
  // after the TEMP views: query_only refuses every later write, TEMP ones included (verified)
  db.pragma('query_only = ON')
  data.pragma('query_only = ON')
  db.unsafeMode(false)
  setForecastModels = registerQueryFunctions(db, data)
}

/** Sets the chosen forecast models (registerQueryFunctions gives it when the connection opens). */
let setForecastModels: ((models: Record<string, ForecastModelRef>) => void) | null = null

function onMessage(m: ToWorker): void {
  if (m.type === 'init') {
    try {
      open(m.file)
      send({ type: 'ready' })
    } catch (e) {
      send({ type: 'init-error', message: (e as Error).message })
    }
    return
  }
  if (!db) return
  if (m.type === 'run') {
    // the models this query's forecast functions default to (none chosen: the latest run)
    setForecastModels!(m.forecastModels ?? {})
    const results: StatementResult[] = []
    for (let i = 0; i < m.statements.length; i++) {
      try {
        results.push(runStatement(db, m.statements[i], m.limits))
      } catch (e) {
        send({ type: 'error', id: m.id, error: workerError(db, e, i, m.statements[i].sql) })
        return
      }
    }
    send({ type: 'result', id: m.id, results })
  } else if (m.type === 'export') {
    setForecastModels!(m.forecastModels ?? {})
    try {
      const r = exportStatement(db, m)
      send({ type: 'exported', id: m.id, ...r })
    } catch (e) {
      send({ type: 'error', id: m.id, error: workerError(db, e, 0, m.statement.sql) })
    }
  } else if (m.type === 'schema') {
    send({ type: 'schema', id: m.id, ...schemaOf(db) })
  }
}

/** Integers go to SQLite as integers (better-sqlite3 binds numbers as REAL). */
const bindValue = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v)

function bindArgs(s: WorkerStatement): unknown[] {
  const args: unknown[] = s.positional.map(bindValue)
  if (s.named)
    args.push(Object.fromEntries(Object.entries(s.named).map(([k, v]) => [k, bindValue(v)])))
  return args
}

function runStatement(
  db: Database.Database,
  s: WorkerStatement,
  limits: RunLimits,
): StatementResult {
  const t0 = performance.now()
  const stmt = db.prepare(s.sql)
  const args = bindArgs(s)
  if (!stmt.reader) {
    stmt.run(...args)
    return {
      columns: [],
      data: [],
      rowCount: 0,
      truncated: false,
      truncatedBy: null,
      total: 0,
      cutCells: 0,
      elapsedMs: performance.now() - t0,
    }
  }
  const cols = stmt.columns()
  stmt.raw(true)
  const data: Cell[][] = cols.map(() => [])
  const kinds: (ResultColumn['kind'] | null)[] = cols.map(() => null)
  let rows = 0
  let bytes = 0
  let cutCells = 0
  let truncatedBy: StatementResult['truncatedBy'] = null
  let total: number | null = null
  const it = stmt.iterate(...args) as IterableIterator<RawCell[]>
  for (let next = it.next(); !next.done; next = it.next()) {
    const row = next.value
    if (rows >= limits.maxRows || bytes >= limits.maxBytes) {
      truncatedBy = rows >= limits.maxRows ? 'rows' : 'bytes'
      total = countRest(it, rows + 1, limits.countBudgetMs)
      break
    }
    // the common cells (finite numbers, short text, NULL) without a call or an object per cell
    for (let c = 0; c < row.length; c++) {
      const v = row[c]
      let kind: ResultColumn['kind']
      if (typeof v === 'number' && Number.isFinite(v)) {
        data[c].push(v)
        bytes += 8
        kind = 'number'
      } else if (typeof v === 'string' && v.length <= limits.maxCellChars) {
        data[c].push(v)
        bytes += 16 + v.length * 2
        kind = 'text'
      } else if (v === null) {
        data[c].push(null)
        bytes += 1
        if (kinds[c] === null) kinds[c] = 'null'
        continue
      } else {
        const x = cellOf(v, limits.maxCellChars)
        data[c].push(x.cell)
        bytes += x.size
        if (x.cut) cutCells++
        kind = x.kind
      }
      const k = kinds[c]
      if (k !== kind) kinds[c] = k === null || k === 'null' ? kind : 'mixed'
    }
    rows++
  }
  if (truncatedBy === null) total = rows
  return {
    columns: cols.map((c, i) => ({
      name: c.name,
      declaredType: c.type,
      kind: kinds[i] ?? 'null',
      table: c.table,
      column: c.column,
    })),
    data,
    rowCount: rows,
    truncated: truncatedBy !== null,
    truncatedBy,
    total,
    cutCells,
    elapsedMs: performance.now() - t0,
  }
}

/** Counts the remaining rows within the time budget; null when it ran out. */
function countRest(
  it: IterableIterator<unknown>,
  counted: number,
  budgetMs: number,
): number | null {
  const deadline = performance.now() + budgetMs
  let n = counted
  for (let next = it.next(); !next.done; next = it.next()) {
    n++
    if ((n & 1023) === 0 && performance.now() > deadline) {
      it.return?.()
      return null
    }
  }
  return n
}

function cellOf(
  v: RawCell,
  maxChars: number,
): { cell: Cell; size: number; cut: boolean; kind: ResultColumn['kind'] } {
  if (v === null) return { cell: null, size: 1, cut: false, kind: 'null' }
  if (typeof v === 'number')
    return {
      cell: Number.isFinite(v) ? v : String(v),
      size: 8,
      cut: false,
      kind: 'number',
    }
  if (typeof v === 'bigint') return { cell: Number(v), size: 8, cut: false, kind: 'number' }
  if (typeof v === 'string') {
    const cut = v.length > maxChars
    const text = cut ? v.slice(0, maxChars) : v
    return { cell: text, size: 16 + text.length * 2, cut, kind: 'text' }
  }
  const hex = v.subarray(0, 32).toString('hex')
  return {
    cell: { type: 'blob', bytes: v.length, hex },
    size: 48 + hex.length,
    cut: false,
    kind: 'blob',
  }
}

function exportStatement(
  db: Database.Database,
  m: Extract<ToWorker, { type: 'export' }>,
): { rows: number; bytes: number; columns: string[] } {
  const stmt = db.prepare(m.statement.sql)
  if (!stmt.reader)
    throw new QueryFunctionError('export', 'USAGE', 'this statement returns no rows to export')
  const columns = stmt.columns().map((c) => ({ name: c.name, declaredType: c.type }))
  stmt.raw(true)
  const out = new FdWriter(m.target)
  try {
    const writer = exportBackend(m.format).open(columns, out.write)
    let batch: RawCell[][] = []
    let rows = 0
    let last = performance.now()
    for (const row of stmt.iterate(...bindArgs(m.statement)) as IterableIterator<RawCell[]>) {
      if (m.maxRows !== null && rows >= m.maxRows) break
      batch.push(row)
      rows++
      if (batch.length === 4096) {
        writer.rows(batch)
        batch = []
        const now = performance.now()
        if (now - last >= 250) {
          last = now
          send({ type: 'progress', id: m.id, rows, bytes: out.bytes })
        }
      }
    }
    if (batch.length) writer.rows(batch)
    writer.close()
    out.close()
    return { rows, bytes: out.bytes, columns: columns.map((c) => c.name) }
  } catch (e) {
    out.abandon()
    throw e
  }
}

function schemaOf(db: Database.Database): { objects: SchemaObject[]; weeks: string[] } {
  const objects: SchemaObject[] = []
  for (const schema of ['main', 'temp'] as const) {
    const list = db
      .prepare(
        `SELECT name, type FROM ${schema}.sqlite_schema WHERE type IN ('table', 'view')
         AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as { name: string; type: 'table' | 'view' }[]
    for (const o of list) {
      const cols = db
        .prepare(`SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?, ?)`)
        .all(o.name, schema) as { name: string; type: string; nn: number; pk: number }[]
      objects.push({
        name: o.name,
        kind: o.type,
        schema,
        columns: cols.map((c) => ({
          name: c.name,
          type: c.type,
          notNull: c.nn === 1,
          primaryKey: c.pk > 0,
        })),
      })
    }
  }
  const weeks = (db.prepare('SELECT week FROM weeks ORDER BY week').pluck().all() as string[]) ?? []
  return { objects, weeks }
}

const SYNTAX = /syntax error|incomplete input|unrecognized token/

function workerError(
  db: Database.Database,
  e: unknown,
  statement: number,
  sql: string,
): WorkerError {
  if (e instanceof QueryFunctionError)
    return { kind: 'function', code: e.code, message: e.message, statement, fn: e.fn }
  // an export backend's refusal (a Parquet column whose values change type) keeps its code
  if (e instanceof DexposureError)
    return { kind: 'function', code: e.code, message: e.message, statement, fn: 'export' }
  if (e instanceof Database.SqliteError) {
    const err: WorkerError = { kind: 'sqlite', code: e.code, message: e.message, statement }
    if (SYNTAX.test(e.message)) {
      const at = syntaxErrorOffset(db, sql)
      if (at !== null) err.offset = at
    }
    return err
  }
  const err = e as Error
  return { kind: 'internal', code: 'INTERNAL', message: err?.message ?? String(e), statement }
}

/**
 * Where a syntax error is: SQLite parses left to right, so the shortest prefix of the statement
 * that fails with a syntax error ends at the offending token (shorter prefixes are incomplete or
 * valid). A binary search over token ends finds it in a few prepares.
 */
function syntaxErrorOffset(db: Database.Database, sql: string): number | null {
  const toks = tokenize(sql).filter((t) => !isTrivia(t))
  const fails = (k: number) => {
    try {
      db.prepare(sql.slice(0, toks[k].end))
      return false
    } catch (e) {
      return e instanceof Error && /syntax error|unrecognized token/.test(e.message)
    }
  }
  let lo = 0
  let hi = toks.length - 1
  let found: number | null = null
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (fails(mid)) {
      found = mid
      hi = mid - 1
    } else lo = mid + 1
  }
  if (found !== null) return toks[found].start
  // "incomplete input": the statement ends too early
  return toks.length ? toks[toks.length - 1].end : 0
}

if (parentPort) parentPort.on('message', onMessage)
else {
  process.on('message', (m) => onMessage(m as ToWorker))
  // the engine went away: nothing left to answer
  process.on('disconnect', () => process.exit(0))
}
