// Exports stream every row of a statement into a file (or a file descriptor: the CLI's stdout)
// from the query process, batch by batch, so no result is ever held whole. A format is an
// ExportBackend: CSV goes through the product's spreadsheet-safe CSV helper (src/shared/csv.ts),
// JSON is an array of row objects, Parquet goes through hyparquet-writer (parquet.ts: pure
// JavaScript, row groups appended one at a time). The backends are in this module's own table,
// not registered from outside, because the query process (worker.ts) is a separate process that
// imports only this module: a backend registered in the engine's process would not reach it.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { csvRow } from '../../shared/csv'
import { DexposureError } from '../../shared/errors'
import { parquetBackend } from './parquet'

export type ExportFormat = 'csv' | 'json' | 'parquet'

/** A raw value as better-sqlite3 returns it. */
export type RawCell = string | number | bigint | null | Buffer

export interface ExportColumn {
  name: string
  /** Declared type of the column read, when the result column reads one (else null). */
  declaredType: string | null
}

/** Receives a file's bytes in order. */
export type ByteSink = (chunk: string | Uint8Array) => void

export interface ExportWriter {
  /** Rows in order, a batch at a time (row-major). */
  rows(batch: RawCell[][]): void
  /** Ends the file (a footer, a closing bracket). */
  close(): void
}

export interface ExportBackend {
  format: ExportFormat
  open(columns: ExportColumn[], out: ByteSink): ExportWriter
}

const base64 = (b: Buffer) => b.toString('base64')

/** CSV: a header, one line per row; BLOBs as base64; text a spreadsheet would run is neutralised. */
export const csvBackend: ExportBackend = {
  format: 'csv',
  open(columns, out) {
    out(csvRow(columns.map((c) => c.name)) + '\n')
    return {
      rows(batch) {
        let text = ''
        for (const r of batch)
          text +=
            csvRow(
              r.map((v) =>
                Buffer.isBuffer(v) ? base64(v) : typeof v === 'bigint' ? v.toString() : v,
              ),
            ) + '\n'
        out(text)
      },
      close() {},
    }
  },
}

/**
 * JSON: an array of objects, one per row, keyed by column name (a repeated name gets `_2`, `_3`);
 * BLOBs as base64 strings; non-finite numbers as null (JSON has none).
 */
export const jsonBackend: ExportBackend = {
  format: 'json',
  open(columns, out) {
    const seen = new Map<string, number>()
    const keys = columns.map((c) => {
      const n = (seen.get(c.name) ?? 0) + 1
      seen.set(c.name, n)
      return JSON.stringify(n === 1 ? c.name : `${c.name}_${n}`)
    })
    let first = true
    out('[')
    return {
      rows(batch) {
        let text = ''
        for (const r of batch) {
          text += first ? '\n' : ',\n'
          first = false
          text += '{'
          for (let i = 0; i < keys.length; i++) {
            const v = r[i]
            const json =
              v === null
                ? 'null'
                : Buffer.isBuffer(v)
                  ? JSON.stringify(base64(v))
                  : typeof v === 'number'
                    ? Number.isFinite(v)
                      ? String(v)
                      : 'null'
                    : typeof v === 'bigint'
                      ? v.toString()
                      : JSON.stringify(v)
            text += (i ? ',' : '') + keys[i] + ':' + json
          }
          text += '}'
        }
        out(text)
      },
      close() {
        out(first ? ']\n' : '\n]\n')
      },
    }
  },
}

const backends = new Map<ExportFormat, ExportBackend>([
  ['csv', csvBackend],
  ['json', jsonBackend],
  ['parquet', parquetBackend],
])

/** Adds or replaces a backend (tests; a format of a later build). */
export function registerExportBackend(b: ExportBackend): void {
  backends.set(b.format, b)
}

export function exportBackend(format: ExportFormat): ExportBackend {
  const b = backends.get(format)
  if (!b)
    throw new DexposureError(
      'USAGE',
      `${format} export is not available in this build; export csv or json`,
      { field: 'format' },
    )
  return b
}

export const exportAvailable = (format: ExportFormat): boolean => backends.has(format)

/**
 * A buffered writer on a file descriptor: chunks are gathered to about 1 MB, then written with
 * writeSync. EAGAIN (a non-blocking pipe that is full, e.g. the CLI's stdout) waits and retries.
 */
export class FdWriter {
  private parts: (string | Uint8Array)[] = []
  private pending = 0
  bytes = 0
  private readonly fd: number
  private readonly owned: boolean

  constructor(target: { path: string } | { fd: number }) {
    if ('path' in target) {
      this.fd = openSync(target.path, 'wx', 0o644)
      this.owned = true
    } else {
      this.fd = target.fd
      this.owned = false
    }
  }

  write = (chunk: string | Uint8Array): void => {
    this.parts.push(chunk)
    this.pending += chunk.length
    if (this.pending >= 1 << 20) this.flush()
  }

  flush(): void {
    if (this.parts.length === 0) return
    const buf = Buffer.concat(
      this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)),
    )
    this.parts = []
    this.pending = 0
    writeAll(this.fd, buf)
    this.bytes += buf.length
  }

  close(): void {
    this.flush()
    if (this.owned) {
      fsyncSync(this.fd)
      closeSync(this.fd)
    }
  }

  /** Closes without flushing (the caller deletes the file). */
  abandon(): void {
    if (this.owned)
      try {
        closeSync(this.fd)
      } catch {
        // already closed
      }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4))

function writeAll(fd: number, buf: Buffer): void {
  let off = 0
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
      Atomics.wait(pause, 0, 0, 2)
    }
  }
}
