// Where a report's numbers come from: the archive file and its sha256, the weeks read with the
// imports that wrote them, the app version and (when known) the engine's commit. The models,
// providers and runs are named by the sections that use them (model.ts).
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
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

/** sha256 of a file, streamed (an archive is gigabytes); cancellable between chunks. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
    h.update(chunk as Buffer)
  }
  return h.digest('hex')
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
  o: { weeks: string[]; command: string; signal?: AbortSignal },
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
  // the runs this report stored sit in the write-ahead log until a checkpoint: fold them into
  // the file first, so the hash names the archive the report was read from
  archive.db.pragma('wal_checkpoint(PASSIVE)')
  return {
    archiveFile: archive.file,
    archiveName: basename(archive.file),
    archiveBytes: statSync(archive.file).size,
    archiveSha256: await sha256File(archive.file, o.signal),
    weeks,
    imports,
    appVersion: appVersion(),
    engineCommit: engineCommit(),
    command: o.command,
  }
}
