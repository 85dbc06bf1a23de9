// The workbench session above one archive's service: per-user UI state, recent archives, opening
// another archive (refusals name the file; running jobs are cancelled first), imports as jobs
// with progress, results and errors, and archive.changed.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EngineService } from '../../src/engine/service'
import { WorkbenchSession } from '../../src/engine/session'
import { Archive } from '../../src/engine/store/archive'
import { UserStore } from '../../src/engine/store/user-store'
import { UploadStore } from '../../src/engine/uploads'
import type { CallResponse, EventName, EventPayload } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'

const FIXTURE = join(__dirname, '../fixtures/import/dexposure/small.json')
const BAD = '{"data": {"2025-06-30": {"nodes": [{"id": "a", "size": "big"}], "links": []}}}'

let dir: string
let session: WorkbenchSession
let seen: { event: EventName; payload: unknown }[]

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-session-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
beforeEach(() => {
  const file = join(dir, `main-${++n}.sqlite`)
  session = WorkbenchSession.open(file, {
    userStore: new UserStore(join(dir, `user-${n}`, 'user.json')),
    uploads: new UploadStore(dir),
  })
  seen = []
  for (const event of ['job.progress', 'job.done', 'archive.changed'] as const)
    session.on(event, (payload) => seen.push({ event, payload }))
})
afterEach(async () => {
  await session.close()
})

const call = <T = unknown>(name: string, request: unknown = {}) =>
  session.handle(name, request) as Promise<T>
const rejection = async (p: Promise<unknown>): Promise<DexposureError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}
const jobDone = (id: string) =>
  new Promise<EventPayload<'job.done'>>((res) => {
    const off = session.on('job.done', (p) => {
      const d = p as EventPayload<'job.done'>
      if (d.id === id) {
        off()
        res(d)
      }
    })
  })
const nextEvent = (event: EventName) =>
  new Promise<unknown>((res) => {
    const off = session.on(event, (p) => {
      off()
      res(p)
    })
  })

describe('workbench state and recent archives', () => {
  it('records the archive opened at start as recent, and keeps UI state for it', async () => {
    const recent = await call<CallResponse<'archives.recent'>>('archives.recent')
    expect(recent).toEqual([{ path: session.file, lastOpened: expect.any(String), exists: true }])
    expect(await call('workbench.state.get')).toEqual({ state: null })
    expect(await call('workbench.state.set', { state: { tabs: ['w1'], theme: 'dark' } })).toEqual({
      ok: true,
    })
    expect(await call('workbench.state.get')).toEqual({ state: { tabs: ['w1'], theme: 'dark' } })
  })

  it('refuses state over 256 KB and a request without state', async () => {
    const big = await rejection(call('workbench.state.set', { state: 'x'.repeat(300_000) }))
    expect(big.code).toBe('USAGE')
    expect((await rejection(call('workbench.state.set', {}))).code).toBe('USAGE')
  })
})

describe('archives.open', () => {
  it('refuses a missing file unless create, naming it; create makes a new archive', async () => {
    const missing = join(dir, 'nope', 'x.sqlite')
    const e = await rejection(call('archives.open', { path: missing }))
    expect(e.code).toBe('NOT_FOUND')
    expect(e.describe()).toContain(missing)
    expect(existsSync(missing)).toBe(false)
    const info = await call<CallResponse<'archives.open'>>('archives.open', {
      path: missing,
      create: true,
    })
    expect(info).toMatchObject({ file: missing, weeks: 0 })
    expect(session.file).toBe(missing)
  })

  it('refuses a file that is not SQLite, another program’s database and a newer schema', async () => {
    const before = session.file
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'hello, this is not a database at all')
    const a = await rejection(call('archives.open', { path: text }))
    expect(a).toMatchObject({ code: 'ARCHIVE', location: { file: text } })
    expect(a.describe()).toMatch(/notes\.txt: not a SQLite file/)

    const foreign = join(dir, 'foreign.sqlite')
    const db = new Database(foreign)
    db.exec('CREATE TABLE t (x)')
    db.close()
    const b = await rejection(call('archives.open', { path: foreign }))
    expect(b.describe()).toMatch(/foreign\.sqlite: .*not a DeXposure archive/)
    // and it was not touched (no migration, no WAL)
    const check = new Database(foreign, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(0)
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete')
    check.close()

    const newer = join(dir, 'newer.sqlite')
    Archive.open(newer).close()
    const n = new Database(newer)
    n.pragma('user_version = 999')
    n.close()
    const c = await rejection(call('archives.open', { path: newer }))
    expect(c.code).toBe('ARCHIVE')
    expect(c.describe()).toMatch(/newer\.sqlite: archive schema version 999 is newer/)

    const empty = join(dir, 'empty.sqlite')
    writeFileSync(empty, '')
    expect((await rejection(call('archives.open', { path: empty }))).describe()).toMatch(/empty/)
    expect((await rejection(call('archives.open', { path: dir }))).describe()).toMatch(/folder/)

    expect(session.file).toBe(before)
    expect(seen.filter((s) => s.event === 'archive.changed')).toEqual([])
  })

  it('cancels running jobs first, closes the old archive, emits archive.changed and records it', async () => {
    const other = join(dir, `other-${n}.sqlite`)
    Archive.open(other).close()
    const old = session.current
    const id = old.jobs.start(
      'long',
      (ctx) =>
        new Promise((_res, rej) =>
          ctx.signal.addEventListener('abort', () => rej(ctx.signal.reason)),
        ),
    )
    await Promise.resolve()
    const info = await call<CallResponse<'archives.open'>>('archives.open', { path: other })
    expect(info.file).toBe(other)
    const events = seen.map((s) => s.event)
    expect(events).toEqual(['job.done', 'archive.changed'])
    expect(seen[0].payload).toMatchObject({
      id,
      state: 'cancelled',
      error: { code: 'CANCELLED' },
    })
    expect(seen[1].payload).toEqual({ info, reason: 'opened' })
    expect(old.archive.db.open).toBe(false)
    expect(session.current).not.toBe(old)
    const recent = await call<CallResponse<'archives.recent'>>('archives.recent')
    expect(recent.map((r) => r.path).slice(0, 2)).toEqual([other, join(dir, `main-${n}.sqlite`)])
    // job events of the new archive reach the same listeners
    const j = session.current.jobs.start('x', async (ctx) => ctx.progress(1, 1))
    expect(await jobDone(j)).toMatchObject({ state: 'done' })
    // UI state is per archive
    await call('workbench.state.set', { state: { on: 'other' } })
    await call('archives.open', { path: join(dir, `main-${n}.sqlite`) })
    expect(await call('workbench.state.get')).toEqual({ state: null })
  })

  it('is answered by the session only, not by a bare service', async () => {
    const bare = EngineService.open(join(dir, 'bare.sqlite'))
    try {
      const e = await rejection(bare.handle('archives.open', { path: '/x' }))
      expect(e.code).toBe('USAGE')
    } finally {
      bare.close()
    }
  })
})

describe('import.run', () => {
  it('imports a path as a job: byte progress, a result with the weeks, then archive.changed', async () => {
    const { jobId } = await call<{ jobId: string }>('import.run', { path: FIXTURE })
    const changed = nextEvent('archive.changed')
    const done = await jobDone(jobId)
    expect(done).toMatchObject({ state: 'done', kind: 'import' })
    expect(done.result).toMatchObject({
      file: FIXTURE,
      format: 'dexposure',
      weeksInserted: ['2025-06-30', '2025-07-07', '2025-07-14'],
      weeksReplaced: [],
      weeksUnchanged: [],
    })
    const progress = seen
      .filter((s) => s.event === 'job.progress')
      .map((s) => s.payload as EventPayload<'job.progress'>)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({
      id: jobId,
      unit: 'bytes',
      weeksDone: 3,
      week: '2025-07-14',
      message: `${FIXTURE}: week 2025-07-14 (3 weeks)`,
    })
    expect(progress.at(-1)!.total).toBeGreaterThan(0)
    expect(await changed).toMatchObject({ reason: 'imported', info: { weeks: 3 } })
    const order = seen.map((s) => s.event).filter((e) => e !== 'job.progress')
    expect(order).toEqual(['job.done', 'archive.changed'])
    // importing again changes nothing
    const again = await call<{ jobId: string }>('import.run', { path: FIXTURE })
    expect((await jobDone(again.jobId)).result).toMatchObject({
      weeksInserted: [],
      weeksUnchanged: ['2025-06-30', '2025-07-07', '2025-07-14'],
    })
  })

  it('refuses a second import while one runs, naming the running job; jobs.list shows it', async () => {
    const { jobId } = await call<{ jobId: string }>('import.run', { path: FIXTURE })
    const listed = await call<CallResponse<'jobs.list'>>('jobs.list')
    expect(listed).toEqual([
      {
        id: jobId,
        kind: 'import',
        state: 'running',
        message: null,
        startedAt: expect.any(String),
        progress: null,
      },
    ])
    const e = await rejection(call('import.run', { path: FIXTURE }))
    expect(e.code).toBe('CONFLICT')
    expect(e.message).toContain(jobId)
    expect(e.message).toContain('small.json')
    await jobDone(jobId)
    expect(await call('jobs.list')).toEqual([])
  })

  it('carries a failure to job.done with code and location; the archive is unchanged', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, BAD)
    const { jobId } = await call<{ jobId: string }>('import.run', {
      path: bad,
      format: 'dexposure',
    })
    const done = await jobDone(jobId)
    expect(done.state).toBe('failed')
    expect(done.error).toMatchObject({
      code: 'BAD_INPUT',
      location: { file: bad, week: '2025-06-30' },
    })
    expect(done.error!.message).toContain(bad)
    expect(done.message).toBe(done.error!.message)
    expect(seen.some((s) => s.event === 'archive.changed')).toBe(false)
    expect(await call('archive.info')).toMatchObject({ weeks: 0 })
  })

  it('refuses a missing path (NOT_FOUND) and a request with neither or both of path and uploadId', async () => {
    expect((await rejection(call('import.run', { path: join(dir, 'none.json') }))).code).toBe(
      'NOT_FOUND',
    )
    expect((await rejection(call('import.run', {}))).code).toBe('USAGE')
    expect((await rejection(call('import.run', { path: 'a', uploadId: 'b' }))).code).toBe('USAGE')
    expect((await rejection(call('import.run', { uploadId: 'no-such' }))).code).toBe('NOT_FOUND')
  })

  it('imports an upload, names the uploaded file in errors, and deletes the upload after', async () => {
    const ok = await session.uploads.receive(Readable.from([BAD]), 'my weeks.json')
    if (!('upload' in ok)) throw new Error('upload refused')
    const { upload } = ok
    expect(existsSync(upload.file)).toBe(true)
    const { jobId } = await call<{ jobId: string }>('import.run', {
      uploadId: upload.id,
      format: 'dexposure',
    })
    const done = await jobDone(jobId)
    expect(done.state).toBe('failed')
    expect(done.error!.location!.file).toBe('my weeks.json')
    expect(done.error!.message).toMatch(/^my weeks\.json/)
    expect(done.error!.message).not.toContain(upload.dir)
    await expect.poll(() => existsSync(upload.dir)).toBe(false)
    expect(session.uploads.get(upload.id)).toBeUndefined()

    // a good upload: the report and the import log name the original file
    const good = await session.uploads.receive(Readable.from([await readFixture()]), 'small.json')
    if (!('upload' in good)) throw new Error('upload refused')
    const r = await call<{ jobId: string }>('import.run', { uploadId: good.upload.id })
    const d = await jobDone(r.jobId)
    expect(d.result).toMatchObject({
      file: 'small.json',
      weeksInserted: ['2025-06-30', '2025-07-07', '2025-07-14'],
    })
    const source = session.current.archive.db
      .prepare('SELECT source FROM imports ORDER BY import_id DESC LIMIT 1')
      .get() as { source: string }
    expect(source.source).toBe('small.json')
    await expect.poll(() => existsSync(good.upload.dir)).toBe(false)
  })

  it('refuses an upload past its limit and leaves nothing behind', async () => {
    const r = await session.uploads.receive(Readable.from([Buffer.alloc(5000)]), 'big.json', 1000)
    expect(r).toEqual({ tooLarge: true })
  })

  it('cancels an import when another archive is opened', async () => {
    const copy = join(dir, `copy-${n}.json`)
    copyFileSync(FIXTURE, copy)
    const other = join(dir, `target-${n}.sqlite`)
    const { jobId } = await call<{ jobId: string }>('import.run', { path: copy })
    await call('archives.open', { path: other, create: true })
    const done = seen.find(
      (s) => s.event === 'job.done' && (s.payload as { id: string }).id === jobId,
    )
    expect(done?.payload).toMatchObject({ state: 'cancelled' })
    const check = Archive.open(join(dir, `main-${n}.sqlite`), { readonly: true })
    expect(check.listWeeks()).toEqual([])
    check.close()
  })
})

async function readFixture(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return readFile(FIXTURE, 'utf8')
}
