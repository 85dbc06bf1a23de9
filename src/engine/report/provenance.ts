// Where a report's numbers come from: the archive file and its sha256, the weeks read with the
// imports that wrote them, the app version and (when known) the engine's commit. The models,
// providers and runs are named by the sections that use them (model.ts).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DexposureError } from '../../shared/errors'
import type { Archive } from '../store/archive'

export interface ImportRecord {
  importId: number
  source: string
  format: string
  sha256: string
  bytes: number
  finishedAt: string
  /** The report's weeks this import wrote. */
  weeks: string[]
}

export interface Provenance {
  archiveFile: string
  archiveName: string
  archiveBytes: number
  /** sha256 of the archive's database file as it was when the report was built. */
  archiveSha256: string
  weeks: { week: string; contentSha256: string; importId: number | null }[]
  imports: ImportRecord[]
  appVersion: string
  engineCommit: string | null
  command: string
}

// The archive's digest is computed in a worker thread from the start of a report: 1.3 GB of
// SHA-256 on the engine's thread cost a report with everything stored seconds it now spends on
// the sections meanwhile. Plain JavaScript (eval), so it needs no bundle of its own.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { createReadStream } = require('node:fs')
const hash = createHash('sha256')
createReadStream(workerData.file, { highWaterMark: 4 * 1024 * 1024 })
  .on('data', (c) => hash.update(c))
  .on('end', () => parentPort.postMessage({ sha256: hash.digest('hex') }))
  .on('error', (e) => parentPort.postMessage({ error: e.message }))
`

function hashInWorker(file: string): { digest: Promise<string>; cancel(): void } {
  const worker = new Worker(HASH_WORKER, { eval: true, workerData: { file } })
  const digest = new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { sha256?: string; error?: string }) => {
      void worker.terminate()
      if (m.sha256) resolve(m.sha256)
      else reject(new DexposureError('ARCHIVE', `cannot read the archive: ${m.error}`, { file }))
    })
    worker.once('error', (e) =>
      reject(new DexposureError('ARCHIVE', `cannot read the archive: ${e.message}`, { file })),
    )
  })
  // awaited when the provenance is written; a report that fails before that must not also
  // report an unhandled rejection
  digest.catch(() => {})
  return { digest, cancel: () => void worker.terminate() }
}

/** What changes when the database file is written: size, modification time (ns), inode. */
function fileState(file: string): string {
  const s = statSync(file, { bigint: true })
  return `${s.size}:${s.mtimeNs}:${s.ino}`
}

export interface ArchiveDigest {
  /**
   * sha256 of the database file as it is now: the digest started early when the file has not
   * changed since (nothing was stored meanwhile), else a new one.
   */
  sha256(signal?: AbortSignal): Promise<string>
  /** Stops the worker (a report that ends without its provenance). */
  cancel(): void
}

/**
 * Starts hashing the archive's database file in a worker thread. Runs stored while the report
 * was built sit in the write-ahead log until a checkpoint: both ends fold them into the file
 * first, so the digest names the archive the report was read from.
 */
export function digestArchive(archive: Archive): ArchiveDigest {
  archive.db.pragma('wal_checkpoint(PASSIVE)')
  const file = archive.file
  let state = fileState(file)
  let job = hashInWorker(file)
  return {
    async sha256(signal) {
      archive.db.pragma('wal_checkpoint(PASSIVE)')
      const now = fileState(file)
      if (now !== state) {
        job.cancel()
        state = now
        job = hashInWorker(file)
      }
      if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
      const stop = () => job.cancel()
      signal?.addEventListener('abort', stop)
      try {
        return await job.digest
      } catch (e) {
        if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
        throw e
      } finally {
        signal?.removeEventListener('abort', stop)
      }
    },
    cancel: () => job.cancel(),
  }
}

/** The folder holding package.json above this module (sources, bundle or packaged app). */
function appRoot(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return null
  }
}

export function appVersion(): string {
  const root = appRoot()
  if (!root) return 'unknown'
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }
  return pkg.version ?? 'unknown'
}

/**
 * The engine's commit: $DEXPOSURE_COMMIT (set by a packaged build), else the checkout's HEAD when
 * the app runs from a git working tree; null when neither is known.
 */
export function engineCommit(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DEXPOSURE_COMMIT) return env.DEXPOSURE_COMMIT
  const root = appRoot()
  const git = root && join(root, '.git')
  if (!git || !existsSync(join(git, 'HEAD'))) return null
  const head = readFileSync(join(git, 'HEAD'), 'utf8').trim()
  if (/^[0-9a-f]{40}$/.test(head)) return head
  const ref = /^ref: (.+)$/.exec(head)?.[1]
  if (!ref) return null
  if (existsSync(join(git, ref))) return readFileSync(join(git, ref), 'utf8').trim()
  const packed = join(git, 'packed-refs')
  if (!existsSync(packed)) return null
  const line = readFileSync(packed, 'utf8')
    .split('\n')
    .find((l) => l.endsWith(` ${ref}`))
  return line?.split(' ')[0] ?? null
}

export async function archiveProvenance(
  archive: Archive,
  o: { weeks: string[]; command: string; signal?: AbortSignal; digest?: ArchiveDigest },
): Promise<Provenance> {
  const weekRow = archive.db.prepare(
    'SELECT week, content_sha256, import_id FROM weeks WHERE week = ?',
  )
  const weeks = o.weeks.map((w) => {
    const r = weekRow.get(w) as { week: string; content_sha256: string; import_id: number | null }
    return { week: r.week, contentSha256: r.content_sha256, importId: r.import_id }
  })
  const importRow = archive.db.prepare(
    'SELECT import_id, source, format, sha256, bytes, finished_at FROM imports WHERE import_id = ?',
  )
  const imports: ImportRecord[] = []
  for (const id of [...new Set(weeks.map((w) => w.importId))]) {
    if (id === null) continue
    const r = importRow.get(id) as
      | {
          import_id: number
          source: string
          format: string
          sha256: string
          bytes: number
          finished_at: string
        }
      | undefined
    if (!r) continue
    imports.push({
      importId: r.import_id,
      source: r.source,
      format: r.format,
      sha256: r.sha256,
      bytes: r.bytes,
      finishedAt: r.finished_at,
      weeks: weeks.filter((w) => w.importId === id).map((w) => w.week),
    })
  }
  const digest = o.digest ?? digestArchive(archive)
  const archiveSha256 = await digest.sha256(o.signal)
  return {
    archiveFile: archive.file,
    archiveName: basename(archive.file),
    archiveBytes: statSync(archive.file).size,
    archiveSha256,
    weeks,
    imports,
    appVersion: appVersion(),
    engineCommit: engineCommit(),
    command: o.command,
  }
}
