// Multi-row INSERTs for the archive's bulk tables (`nodes`, `edge_rows`). Almost all of an import's
// time on the writing thread is better-sqlite3 handing values to SQLite, at a fixed cost per bound
// value (a type check, a UTF-8 copy for text, a second copy by SQLite) and per call. So rows go in
// batches of up to BATCH_SIZES[0] rows per statement call, with their values spread as arguments
// (~17 % less per value than one array argument, which the binding reads element by element), and
// columns that follow from the batch's first row (the rowid, the week, the position) are not bound
// per row: the statement computes them from a few shared parameters (`?1 + k` for the k-th row).
import type Database from 'better-sqlite3'

/** Rows per statement call, largest first: full batches, then the rest in smaller ones. */
export const BATCH_SIZES = [256, 16, 1] as const

export interface RowShape {
  table: string
  /**
   * Columns computed from the shared parameters ?1 … ?shared: column name and its SQL expression
   * for the k-th row of a batch (e.g. `(k) => \`?1 + ${k}\``).
   */
  derived: [column: string, expr: (k: number) => string][]
  /** How many shared parameters a batch binds first. */
  shared: number
  /** Columns bound row by row, in this order. */
  bound: string[]
}

/** The INSERT statement text for `rows` rows of `shape`. */
export function batchInsertSql(shape: RowShape, rows: number): string {
  const columns = [...shape.derived.map(([c]) => c), ...shape.bound].join(', ')
  const perRow = shape.bound.map(() => '?').join(', ')
  const tuples: string[] = []
  for (let k = 0; k < rows; k++) {
    const derived = shape.derived.map(([, expr]) => expr(k))
    tuples.push(`(${[...derived, perRow].join(', ')})`)
  }
  return `INSERT INTO ${shape.table} (${columns}) VALUES ${tuples.join(', ')}`
}

/**
 * Fills the shared parameters of a batch whose first row is `first`: shared[1] … shared[n] for
 * ?1 … ?n (better-sqlite3 binds numbered parameters by name, from one plain object).
 */
export type SharedFill = (first: number, shared: Record<number, unknown>) => void
/** Fills row `i`'s bound values at values[offset …]. */
export type RowFill = (i: number, values: unknown[], offset: number) => void

/** Prepared batch statements for one table shape, reused across weeks. */
export class BatchInsert {
  private readonly statements: { rows: number; stmt: Database.Statement; values: unknown[] }[]
  private readonly shape: RowShape

  constructor(db: Database.Database, shape: RowShape) {
    this.shape = shape
    this.statements = BATCH_SIZES.map((rows) => ({
      rows,
      stmt: db.prepare(batchInsertSql(shape, rows)),
      values: new Array<unknown>(rows * shape.bound.length),
    }))
  }

  /** Inserts rows 0 … count − 1: as many full batches as fit, the rest in smaller ones. */
  run(count: number, shared: SharedFill, fill: RowFill): void {
    const width = this.shape.bound.length
    const named: Record<number, unknown> = {}
    let i = 0
    for (const { rows, stmt, values } of this.statements) {
      for (; i + rows <= count; i += rows) {
        shared(i, named)
        for (let k = 0; k < rows; k++) fill(i + k, values, k * width)
        stmt.run(named, ...values)
      }
    }
  }
}
