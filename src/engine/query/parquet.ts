// The Parquet backend of the exporter (export.ts): hyparquet-writer (pure JavaScript, maintained,
// one dependency) appends one row group at a time, so a result of any length streams through
// ~64k rows of memory. The bytes go to the exporter's sink as the writer fills its buffer.
//
// Column types are fixed by the first row group, as Parquet needs one type per column:
// a column's declared SQLite type decides first (INTEGER → INT64, REAL/FLOAT/DOUBLE/NUMERIC →
// DOUBLE, TEXT/CHAR/CLOB → STRING, BLOB → BYTE_ARRAY), else the values of the first row group
// (all whole numbers → INT64; any fraction → DOUBLE; any text → STRING; all NULL → STRING).
// A later value that does not fit its column is an error naming the column and row, never a
// silent change: export CSV/JSON or CAST it in the SQL.
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer'
import { DexposureError } from '../../shared/errors'
import type { ByteSink, ExportBackend, ExportColumn, RawCell } from './export'

type ParquetType = 'INT64' | 'DOUBLE' | 'STRING' | 'BYTE_ARRAY'

/** Rows per row group: big enough for good compression, small enough to stream. */
export const PARQUET_ROW_GROUP = 65_536

function declaredKind(declared: string | null): ParquetType | null {
  if (!declared) return null
  const t = declared.toUpperCase()
  // SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), in their order
  if (t.includes('INT')) return 'INT64'
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'STRING'
  if (t.includes('BLOB')) return 'BYTE_ARRAY'
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB') || t.includes('NUM'))
    return 'DOUBLE'
  return null
}

function inferredKind(rows: RawCell[][], c: number): ParquetType {
  let sawFraction = false
  let sawNumber = false
  for (const r of rows) {
    const v = r[c]
    if (v === null) continue
    if (typeof v === 'string') return 'STRING'
    if (Buffer.isBuffer(v)) return 'BYTE_ARRAY'
    sawNumber = true
    if (typeof v === 'number' && !Number.isInteger(v)) sawFraction = true
  }
  if (!sawNumber) return 'STRING'
  return sawFraction ? 'DOUBLE' : 'INT64'
}

function schemaElement(name: string, kind: ParquetType): SchemaElement {
  const base = { name, repetition_type: 'OPTIONAL' as const }
  if (kind === 'INT64') return { ...base, type: 'INT64' }
  if (kind === 'DOUBLE') return { ...base, type: 'DOUBLE' }
  if (kind === 'BYTE_ARRAY') return { ...base, type: 'BYTE_ARRAY' }
  return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' }
}

/** A hyparquet ByteWriter that hands its bytes to the sink whenever its buffer passes 1 MB. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 20)
  }
  override ensure(size: number): void {
    if (this.index > 1 << 20) this.drain()
    super.ensure(size)
  }
  drain(): void {
    if (this.index === 0) return
    // a copy: the buffer is reused for the next bytes
    this.sink(new Uint8Array(this.buffer.slice(0, this.index)))
    this.index = 0
  }
  override finish(): void {
    this.drain()
  }
}

export const parquetBackend: ExportBackend = {
  format: 'parquet',
  open(columns: ExportColumn[], out: ByteSink) {
    const names = uniqueNames(columns.map((c) => c.name))
    let kinds: ParquetType[] | null = null
    let writer: ParquetWriter | null = null
    const sink = new SinkWriter(out)
    let pending: RawCell[][] = []
    let rowsWritten = 0

    const start = (sample: RawCell[][]): ParquetWriter => {
      kinds = columns.map((c, i) => declaredKind(c.declaredType) ?? inferredKind(sample, i))
      const schema: SchemaElement[] = [
        { name: 'root', num_children: columns.length },
        ...names.map((n, i) => schemaElement(n, kinds![i])),
      ]
      return new ParquetWriter({ writer: sink, schema, createdBy: 'DeXposure Workbench' })
    }

    const writeGroup = (rows: RawCell[][]): void => {
      writer ??= start(rows)
      const columnData = names.map((name, c) => ({
        name,
        data: columnValues(rows, c, kinds![c], name, rowsWritten),
      }))
      void writer.write({ columnData, rowGroupSize: rows.length })
      rowsWritten += rows.length
    }

    return {
      rows(batch) {
        for (const r of batch) pending.push(r)
        while (pending.length >= PARQUET_ROW_GROUP) {
          writeGroup(pending.slice(0, PARQUET_ROW_GROUP))
          pending = pending.slice(PARQUET_ROW_GROUP)
        }
      },
      close() {
        if (pending.length > 0 || !writer) writeGroup(pending)
        pending = []
        void writer!.finish()
      },
    }
  },
}

/** Parquet column names must be unique: a repeated name gets `_2`, `_3` (as the JSON export). */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>()
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1
    seen.set(name, n)
    return n === 1 ? name : `${name}_${n}`
  })
}

function columnValues(
  rows: RawCell[][],
  c: number,
  kind: ParquetType,
  name: string,
  first: number,
): (bigint | number | string | Uint8Array | null)[] {
  const out = new Array<bigint | number | string | Uint8Array | null>(rows.length)
  const misfit = (i: number, v: RawCell): never => {
    throw new DexposureError(
      'BAD_INPUT',
      `column "${name}" is ${kind} in this Parquet file but row ${first + i + 1} holds ${
        Buffer.isBuffer(v) ? 'a BLOB' : typeof v === 'string' ? 'text' : `the number ${String(v)}`
      }; CAST the column in the SQL or export csv/json`,
      { field: name },
    )
  }
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][c]
    if (v === null) {
      out[i] = null
      continue
    }
    switch (kind) {
      case 'INT64':
        if (typeof v === 'bigint') out[i] = v
        else if (typeof v === 'number' && Number.isInteger(v)) out[i] = BigInt(v)
        else misfit(i, v)
        break
      case 'DOUBLE':
        if (typeof v === 'number') out[i] = v
        else if (typeof v === 'bigint') out[i] = Number(v)
        else misfit(i, v)
        break
      case 'STRING':
        if (typeof v === 'string') out[i] = v
        else if (typeof v === 'number' || typeof v === 'bigint') out[i] = String(v)
        else misfit(i, v)
        break
      case 'BYTE_ARRAY':
        if (Buffer.isBuffer(v)) out[i] = new Uint8Array(v.buffer, v.byteOffset, v.length)
        else if (typeof v === 'string') out[i] = new TextEncoder().encode(v)
        else misfit(i, v)
        break
    }
  }
  return out
}
