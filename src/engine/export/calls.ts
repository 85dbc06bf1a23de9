// The engine side of the graph-export calls (src/shared/api-export.ts): `export.graph` runs
// graph-export.ts as a job; without a path it writes into a private download folder, and
// `export.read` hands those files out in chunks — the one way a page that cannot read the
// engine's disk (the browser tab, the sandboxed Electron page) gets them. A download is deleted
// once read to its end, 15 minutes after the export, or when the service closes.
import { randomUUID } from 'node:crypto'
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { z } from 'zod'
import type { CallResponse } from '../../shared/api'
import type { exportCalls, GraphExportResult } from '../../shared/api-export'
import { DexposureError } from '../../shared/errors'
import type { JobRegistry } from '../jobs'
import type { Archive } from '../store/archive'
import { defaultName, exportGraph, MIME } from './graph-export'

type ExportCalls = typeof exportCalls
type Handlers = {
  [K in keyof ExportCalls]: (
    request: z.output<ExportCalls[K]['request']>,
  ) => Promise<CallResponse<K>> | CallResponse<K>
}

/** Bytes per `export.read` answer (base64 makes it a third larger on the wire). */
export const READ_CHUNK = 8 * 1024 * 1024
const KEEP_MS = 15 * 60_000

interface Download {
  path: string
  name: string
  mime: string
  bytes: number
  timer: NodeJS.Timeout
}

export class ExportService {
  private folder: string | null = null
  private readonly downloads = new Map<string, Download>()

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
  ) {}

  handlers(): Handlers {
    return {
      'export.graph': (r) => ({
        jobId: this.jobs.start('export', (ctx) => this.run(r, ctx), {
          result: (v) => v as unknown as Record<string, unknown>,
        }),
      }),
      'export.read': (r) => this.read(r.downloadId, r.offset ?? 0),
    }
  }

  private async run(
    r: z.output<ExportCalls['export.graph']['request']>,
    ctx: { signal: AbortSignal; progress(done: number, total: number | null, m?: string): void },
  ): Promise<GraphExportResult> {
    const download = r.path === undefined
    const path =
      r.path === undefined
        ? join(this.downloadFolder(), randomUUID(), defaultName(r.target, r.format))
        : resolve(r.path)
    // a folder per export keeps the download's own file name free of collisions
    if (download) mkdirSync(dirname(path), { recursive: true })
    const written = await exportGraph(
      this.archive,
      { target: r.target, format: r.format, path },
      { signal: ctx.signal, progress: (done, total, week) => ctx.progress(done, total, week) },
    )
    return {
      ...written,
      files: written.files.map((f) => ({
        ...f,
        mime: MIME[r.format],
        downloadId: download ? this.offer(f.path, f.name, MIME[r.format], f.bytes) : null,
      })),
    }
  }

  private downloadFolder(): string {
    this.folder ??= mkdtempSync(join(tmpdir(), 'dexposure-exports-'))
    return this.folder
  }

  private offer(path: string, name: string, mime: string, bytes: number): string {
    const id = randomUUID()
    const timer = setTimeout(() => this.drop(id), KEEP_MS)
    timer.unref()
    this.downloads.set(id, { path, name, mime, bytes, timer })
    return id
  }

  private drop(id: string): void {
    const d = this.downloads.get(id)
    if (!d) return
    clearTimeout(d.timer)
    this.downloads.delete(id)
    rmSync(d.path, { force: true })
    try {
      rmdirSync(dirname(d.path)) // the export's folder, once its last file is gone
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'ENOENT') throw e
    }
  }

  read(id: string, offset: number): CallResponse<'export.read'> {
    const d = this.downloads.get(id)
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
    for (const id of [...this.downloads.keys()]) this.drop(id)
    if (this.folder) rmSync(this.folder, { recursive: true, force: true })
    this.folder = null
  }
}
