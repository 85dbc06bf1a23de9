// The engine's download folder: where an export goes when the caller gives no path, because the
// page that asked cannot read the engine's disk (the browser tab, the sandboxed Electron page).
// Graph exports (calls.ts), table exports and the query console's exports (query/calls.ts) all
// write here through one Downloads object per service; `export.read` hands the files out in chunks.
// A download is deleted once read to its end, 15 minutes after the export, or when the service
// closes.
import { randomUUID } from 'node:crypto'
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { CallResponse } from '../../shared/api'
import { DexposureError } from '../../shared/errors'

/** Bytes per `export.read` answer (base64 makes it a third larger on the wire). */
export const READ_CHUNK = 8 * 1024 * 1024
export const KEEP_MS = 15 * 60_000

/** The MIME types of the table formats (graph formats: graph-export.ts MIME). */
export const TABLE_MIME = {
  csv: 'text/csv',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
} as const

interface Download {
  path: string
  name: string
  mime: string
  bytes: number
  timer: NodeJS.Timeout
}

/**
 * A file name a download may carry: no folders, no control or reserved characters, not empty, at
 * most 200 characters; `fallback` when nothing is left.
 */
export function downloadName(name: string, fallback: string): string {
  const base = basename(name.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .trim()
    .slice(0, 200)
  return base === '' || base === '.' || base === '..' ? fallback : base
}

export class Downloads {
  private folder: string | null = null
  private readonly files = new Map<string, Download>()

  /**
   * A path for a new export's file `name` in a folder of its own (so the name stays as given,
   * free of collisions). The folder exists; the file does not yet.
   */
  slot(name: string): string {
    this.folder ??= mkdtempSync(join(tmpdir(), 'dexposure-exports-'))
    const dir = join(this.folder, randomUUID())
    mkdirSync(dir)
    return join(dir, name)
  }

  /** Offers a finished file in a slot for `export.read`; answers its download id. */
  offer(path: string, name: string, mime: string, bytes: number): string {
    const id = randomUUID()
    const timer = setTimeout(() => this.drop(id), KEEP_MS)
    timer.unref()
    this.files.set(id, { path, name, mime, bytes, timer })
    return id
  }

  /** Removes a slot that will not be offered (the export failed or was cancelled). */
  discard(path: string): void {
    rmSync(path, { force: true })
    removeEmptyFolder(dirname(path))
  }

  /** How many downloads wait to be read (tests). */
  get size(): number {
    return this.files.size
  }

  private drop(id: string): void {
    const d = this.files.get(id)
    if (!d) return
    clearTimeout(d.timer)
    this.files.delete(id)
    this.discard(d.path)
  }

  read(id: string, offset: number): CallResponse<'export.read'> {
    const d = this.files.get(id)
    if (!d)
      throw new DexposureError(
        'NOT_FOUND',
        'no such export to download (read to its end, older than 15 minutes, or from an engine that was restarted); export again',
        { field: 'downloadId' },
      )
    if (offset > d.bytes)
      throw new DexposureError('USAGE', `offset ${offset} is past the ${d.bytes} bytes`, {
        field: 'offset',
      })
    const length = Math.min(READ_CHUNK, d.bytes - offset)
    const buf = Buffer.alloc(length)
    const fd = openSync(d.path, 'r')
    try {
      let got = 0
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got)
        if (n === 0) break
        got += n
      }
    } finally {
      closeSync(fd)
    }
    const done = offset + length >= d.bytes
    const answer = {
      name: d.name,
      mime: d.mime,
      bytes: d.bytes,
      offset,
      data: buf.toString('base64'),
      done,
    }
    if (done) this.drop(id)
    return answer
  }

  /** Deletes every download (the service is closing). */
  close(): void {
    for (const id of [...this.files.keys()]) this.drop(id)
    if (this.folder) rmSync(this.folder, { recursive: true, force: true })
    this.folder = null
  }
}

/** An export's own folder, once its last file is gone. */
function removeEmptyFolder(dir: string): void {
  try {
    rmdirSync(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOTEMPTY' && code !== 'ENOENT') throw e
  }
}
