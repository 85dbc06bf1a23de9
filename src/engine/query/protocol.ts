// Messages between the engine and its query process (query/host.ts ⇄ query/worker.ts), and the
// shapes of what a statement returns. Plain data: they cross a process boundary (Node's advanced
// IPC serialization) or a worker_threads port.
import type { ParamValue } from './guard'

/** A BLOB cell: its size and the first bytes in hex (results are for reading, not for copying). */
export interface BlobCell {
  type: 'blob'
  bytes: number
  hex: string
}
/** Non-finite REALs travel as the strings 'Infinity', '-Infinity' (JSON has no such numbers). */
export type Cell = string | number | null | BlobCell

export interface ResultColumn {
  name: string
  /** Declared type of the column it reads (`TEXT`, `REAL`, …), or null for an expression. */
  declaredType: string | null
  /** What the returned values are: one kind, 'mixed', or 'null' when every value is NULL. */
  kind: 'number' | 'text' | 'blob' | 'null' | 'mixed'
  /** The table and column it reads, when it reads one directly. */
  table: string | null
  column: string | null
}

export interface StatementResult {
  columns: ResultColumn[]
  /** Column-major: data[c][r] is row r of column c. */
  data: Cell[][]
  rowCount: number
  /** More rows exist than were returned. */
  truncated: boolean
  truncatedBy: 'rows' | 'bytes' | null
  /** Every row the statement produces, when counting the rest was cheap (≤ 200 ms); else null. */
  total: number | null
  /** Text cells longer than the cell limit were cut (their count). */
  cutCells: number
  elapsedMs: number
}

export interface WorkerStatement {
  sql: string
  positional: ParamValue[]
  named: Record<string, ParamValue> | null
}

export interface RunLimits {
  maxRows: number
  /** Stop adding rows once this many bytes (estimated) are held. */
  maxBytes: number
  /** Text cells are cut at this many characters. */
  maxCellChars: number
  /** Time allowed for counting the rows past maxRows. */
  countBudgetMs: number
}

export type ExportTarget = { path: string } | { fd: number }

/** A forecast model as stored runs record it (forecast_runs.model, model_sha256). */
export interface ForecastModelRef {
  name: string
  sha256: string
}

export type ToWorker =
  | { type: 'init'; file: string }
  | {
      type: 'run'
      id: number
      statements: WorkerStatement[]
      limits: RunLimits
      /** horizon → the chosen model: forecast functions named without a model read its runs. */
      forecastModels?: Record<string, ForecastModelRef>
    }
  | {
      type: 'export'
      id: number
      statement: WorkerStatement
      format: 'csv' | 'json' | 'parquet'
      target: ExportTarget
      maxRows: number | null
      /** As `run`'s: the models forecast functions named without a model read. */
      forecastModels?: Record<string, ForecastModelRef>
    }
  | { type: 'schema'; id: number }

export interface WorkerError {
  /** 'sqlite': SQLite refused or failed the statement; 'function': a query function raised. */
  kind: 'sqlite' | 'function' | 'internal'
  /** SQLite's code (SQLITE_ERROR, …) or the function's DexposureError code. */
  code: string
  message: string
  /** Index of the failing statement. */
  statement: number
  /** Offset of a syntax error in the statement's SQL as sent. */
  offset?: number
  fn?: string
}

export interface SchemaObject {
  name: string
  kind: 'table' | 'view'
  schema: 'main' | 'temp'
  columns: { name: string; type: string; notNull: boolean; primaryKey: boolean }[]
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; results: StatementResult[] }
  | { type: 'error'; id: number; error: WorkerError }
  | { type: 'progress'; id: number; rows: number; bytes: number }
  | { type: 'exported'; id: number; rows: number; bytes: number; columns: string[] }
  | { type: 'schema'; id: number; objects: SchemaObject[]; weeks: string[] }
