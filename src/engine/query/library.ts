// The query console's per-user files, beside the user store and never inside an archive: the
// history (`query-history.jsonl`: one JSON line per query, appended; the last 500 kept, compacted
// by an atomic rewrite once 1,000 lines have piled up) and saved queries (`queries/<name>.sql`,
// plain SQL files with a `-- title:` first line, so they can be shared and edited elsewhere). The
// examples shipped with the app (resources/queries/*.sql) are listed beside them, read-only.
import { randomBytes, randomUUID } from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DexposureError } from '../../shared/errors'
import { userDir } from '../store/paths'

export const HISTORY_KEEP = 500
const HISTORY_COMPACT_AT = 1000
const HISTORY_SQL_CHARS = 65_536

export interface HistoryEntry {
  id: string
  time: string
  archive: string
  sql: string
  durationMs: number
  rows: number | null
  statements: number
  error: { code: string; message: string } | null
}

export interface SavedQuery {
  name: string
  title: string
  sql: string
  source: 'user' | 'example'
  path: string
  modified: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/
const TITLE = /^--[ \t]*title:[ \t]*(.*)$/i

/** The shipped examples (resources/queries), found by walking up from this module. */
export function examplesDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'queries')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return null
  }
}

export class QueryLibrary {
  readonly historyFile: string
  readonly savedDir: string

  constructor(
    readonly dir: string = userDir(),
    private readonly examples: string | null = examplesDir(),
  ) {
    this.historyFile = join(dir, 'query-history.jsonl')
    this.savedDir = join(dir, 'queries')
  }

  // ---------------------------------------------------------------- history

  record(entry: Omit<HistoryEntry, 'id'>): HistoryEntry {
    const e: HistoryEntry = {
      id: randomUUID(),
      ...entry,
      sql: entry.sql.length > HISTORY_SQL_CHARS ? entry.sql.slice(0, HISTORY_SQL_CHARS) : entry.sql,
      error: entry.error
        ? { code: entry.error.code, message: entry.error.message.slice(0, 2000) }
        : null,
    }
    mkdirSync(this.dir, { recursive: true })
    // one write of one line: appends from the server and the desktop app do not interleave
    appendFileSync(this.historyFile, JSON.stringify(e) + '\n', { mode: 0o600 })
    const lines = this.readLines()
    if (lines.length >= HISTORY_COMPACT_AT) this.rewrite(lines.slice(-HISTORY_KEEP))
    return e
  }

  /** Newest first; `search`: every word must appear in the SQL or the error message. */
  history(opts: { search?: string; archive?: string; limit?: number } = {}): HistoryEntry[] {
    const words = (opts.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    const archive = opts.archive ? resolve(opts.archive) : null
    const out: HistoryEntry[] = []
    const lines = this.readLines()
    // the last HISTORY_KEEP entries are the history (older lines wait for the next compaction)
    let kept = 0
    for (let i = lines.length - 1; i >= 0 && kept < HISTORY_KEEP; i--) {
      if (out.length >= (opts.limit ?? HISTORY_KEEP)) break
      let e: HistoryEntry
      try {
        e = JSON.parse(lines[i]) as HistoryEntry
      } catch {
        continue // a torn or foreign line
      }
      if (!e || typeof e.sql !== 'string') continue
      kept++
      if (archive && e.archive !== archive) continue
      const text = `${e.sql}\n${e.error?.message ?? ''}`.toLowerCase()
      if (words.every((w) => text.includes(w))) out.push(e)
    }
    return out
  }

  private readLines(): string[] {
    let text: string
    try {
      text = readFileSync(this.historyFile, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw e
    }
    return text.split('\n').filter((l) => l.length > 0)
  }

  private rewrite(lines: string[]): void {
    atomicWrite(this.historyFile, lines.join('\n') + '\n')
  }

  // ---------------------------------------------------------------- saved queries

  saved(): SavedQuery[] {
    const out: SavedQuery[] = []
    for (const [dir, source] of [
      [this.savedDir, 'user'],
      [this.examples, 'example'],
    ] as const) {
      if (!dir || !existsSync(dir)) continue
      for (const f of readdirSync(dir).sort()) {
        if (!f.endsWith('.sql') || !NAME.test(f.slice(0, -4))) continue
        const path = join(dir, f)
        out.push(readSaved(path, f.slice(0, -4), source))
      }
    }
    return out
  }

  save(req: { title: string; sql: string; name?: string }): SavedQuery {
    const title = req.title.replace(/[\r\n]+/g, ' ').trim()
    if (!title) throw new DexposureError('USAGE', 'a saved query needs a title', { field: 'title' })
    const name = req.name ?? slug(title)
    if (!NAME.test(name))
      throw new DexposureError('USAGE', `"${name}" is not a usable file name`, { field: 'name' })
    const path = join(this.savedDir, `${name}.sql`)
    const sql = req.sql.replace(/^\s*--[ \t]*title:.*\n?/i, '')
    mkdirSync(this.savedDir, { recursive: true })
    atomicWrite(path, `-- title: ${title}\n${sql.endsWith('\n') ? sql : `${sql}\n`}`)
    return readSaved(path, name, 'user')
  }

  delete(name: string): boolean {
    if (!NAME.test(name))
      throw new DexposureError('USAGE', `"${name}" is not a saved query name`, { field: 'name' })
    const path = join(this.savedDir, `${name}.sql`)
    if (!existsSync(path)) {
      if (this.examples && existsSync(join(this.examples, `${name}.sql`)))
        throw new DexposureError(
          'USAGE',
          `"${name}" is an example shipped with the app; examples cannot be deleted`,
          { field: 'name' },
        )
      return false
    }
    rmSync(path)
    return true
  }
}

function readSaved(path: string, name: string, source: 'user' | 'example'): SavedQuery {
  const text = readFileSync(path, 'utf8')
  const nl = text.indexOf('\n')
  const first = nl < 0 ? text : text.slice(0, nl)
  const m = TITLE.exec(first.trimEnd())
  return {
    name,
    title: m ? m[1].trim() : name,
    sql: m ? text.slice(nl < 0 ? text.length : nl + 1) : text,
    source,
    path,
    modified: statSync(path).mtime.toISOString(),
  }
}

function slug(title: string): string {
  const s = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
  return s || 'query'
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    writeFileSync(tmp, text, { mode: 0o600, flush: true })
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new DexposureError('INTERNAL', `cannot save ${file}: ${(e as Error).message}`, { file })
  }
}
