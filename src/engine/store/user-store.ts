// The per-user store: recently opened archives and each archive's UI state (layout, tabs, …), in
// one small JSON file in the app-data folder — never inside an archive, which stays a plain data
// file that can be shared. Every change re-reads the file and replaces it atomically (temp file +
// rename), so the server, the Electron engine host and a crash mid-write cannot leave half a file.
// A file that cannot be read is reported, kept aside as `<file>.corrupt`, and started afresh.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { WORKBENCH_STATE_MAX_BYTES } from '../../shared/api'
import { DexposureError } from '../../shared/errors'
import { userStoreFile } from './paths'

export const MAX_RECENT = 12

const RecentSchema = z.object({ path: z.string().min(1), lastOpened: z.string() })
const DataSchema = z.object({
  version: z.literal(1),
  recent: z.array(RecentSchema),
  /** UI state by absolute archive path. */
  state: z.record(z.string(), z.unknown()),
})
type UserData = z.infer<typeof DataSchema>

export interface RecentArchive {
  path: string
  lastOpened: string
  exists: boolean
}

const empty = (): UserData => ({ version: 1, recent: [], state: {} })

/** The key of an archive in the store: its absolute path. */
export const archiveKey = (path: string): string => resolve(path)

export class UserStore {
  /**
   * @param file the store's JSON file (default: `workbench-user.json` in the per-user folder).
   * @param onProblem told when the file was unreadable and has been reset.
   */
  constructor(
    readonly file: string = userStoreFile(),
    private readonly onProblem: (message: string) => void = () => {},
  ) {}

  /** Recently opened archives, most recent first. */
  recent(): RecentArchive[] {
    return this.read().recent.map((r) => ({ ...r, exists: existsSync(r.path) }))
  }

  /** Records that `archive` was opened now (moves it to the top; keeps MAX_RECENT). */
  touch(archive: string, now: Date = new Date()): void {
    const path = archiveKey(archive)
    this.update((d) => {
      d.recent = [
        { path, lastOpened: now.toISOString() },
        ...d.recent.filter((r) => r.path !== path),
      ].slice(0, MAX_RECENT)
    })
  }

  getState(archive: string): unknown {
    return this.read().state[archiveKey(archive)] ?? null
  }

  /** Saves an archive's UI state (null removes it); USAGE when its JSON exceeds the limit. */
  setState(archive: string, state: unknown): void {
    const json = JSON.stringify(state ?? null)
    const bytes = Buffer.byteLength(json)
    if (bytes > WORKBENCH_STATE_MAX_BYTES)
      throw new DexposureError(
        'USAGE',
        `the workbench state is ${Math.ceil(bytes / 1024)} KB; at most ${WORKBENCH_STATE_MAX_BYTES / 1024} KB is kept`,
        { field: 'state' },
      )
    const key = archiveKey(archive)
    this.update((d) => {
      if (state === null || state === undefined) delete d.state[key]
      else d.state[key] = JSON.parse(json) as unknown
    }, key)
  }

  private read(): UserData {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty()
      this.onProblem(`cannot read ${this.file} (${(e as Error).message}); using no saved state`)
      return empty()
    }
    let parsed: z.ZodSafeParseResult<UserData>
    try {
      parsed = DataSchema.safeParse(JSON.parse(text))
    } catch (e) {
      return this.reset(`it is not JSON (${(e as Error).message})`)
    }
    if (!parsed.success) return this.reset(`unexpected content (${parsed.error.issues[0].message})`)
    return parsed.data
  }

  private reset(why: string): UserData {
    const aside = `${this.file}.corrupt`
    try {
      renameSync(this.file, aside)
      this.onProblem(
        `the workbench's user settings ${this.file} were unreadable: ${why}; kept as ${aside} and started afresh`,
      )
    } catch (e) {
      this.onProblem(
        `the workbench's user settings ${this.file} were unreadable: ${why}; starting afresh (${(e as Error).message})`,
      )
    }
    return empty()
  }

  private update(change: (d: UserData) => void, alsoKeep?: string): void {
    const d = this.read()
    change(d)
    // UI state is kept only for archives in the recent list (and the one being saved), which
    // bounds the file's size
    const keep = new Set(d.recent.map((r) => r.path))
    if (alsoKeep) keep.add(alsoKeep)
    for (const key of Object.keys(d.state)) if (!keep.has(key)) delete d.state[key]
    this.write(d)
  }

  private write(d: UserData): void {
    mkdirSync(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      writeFileSync(tmp, JSON.stringify(d), { mode: 0o600, flush: true })
      renameSync(tmp, this.file)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw new DexposureError(
        'INTERNAL',
        `cannot save the workbench's user settings: ${(e as Error).message}`,
        { file: this.file },
      )
    }
  }
}
