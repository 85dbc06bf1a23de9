// The per-user store: recent archives and per-archive UI state in a JSON file outside any archive,
// replaced atomically, and reset (with a report) when it cannot be read.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { userStoreFile } from '../../src/engine/store/paths'
import { MAX_RECENT, UserStore } from '../../src/engine/store/user-store'
import { WORKBENCH_STATE_MAX_BYTES } from '../../src/shared/api'

let dir: string
let file: string
let problems: string[]
let store: UserStore

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-user-store-'))
  file = join(dir, 'user', 'workbench-user.json')
  problems = []
  store = new UserStore(file, (m) => problems.push(m))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('user store', () => {
  it('lives in DEXPOSURE_USER_DIR when set, else in the app-data folder', () => {
    expect(userStoreFile({ DEXPOSURE_USER_DIR: '/x/y' })).toBe('/x/y/workbench-user.json')
    if (process.platform === 'linux')
      expect(userStoreFile({ XDG_DATA_HOME: '/d' })).toBe(
        '/d/dexposure-workbench/workbench-user.json',
      )
  })

  it('starts empty without a file and creates its folder on the first write', () => {
    expect(store.recent()).toEqual([])
    expect(store.getState('/a.sqlite')).toBeNull()
    store.touch(join(dir, 'a.sqlite'))
    expect(existsSync(file)).toBe(true)
    expect(problems).toEqual([])
  })

  it('keeps recent archives as absolute paths, most recent first, at most 12, with exists', () => {
    const a = join(dir, 'a.sqlite')
    writeFileSync(a, '')
    store.touch(a, new Date('2025-01-01T00:00:00Z'))
    store.touch(join(dir, 'b.sqlite'), new Date('2025-01-02T00:00:00Z'))
    store.touch(a, new Date('2025-01-03T00:00:00Z'))
    expect(store.recent()).toEqual([
      { path: a, lastOpened: '2025-01-03T00:00:00.000Z', exists: true },
      { path: join(dir, 'b.sqlite'), lastOpened: '2025-01-02T00:00:00.000Z', exists: false },
    ])
    for (let i = 0; i < 20; i++) store.touch(join(dir, `n${i}.sqlite`))
    const recent = store.recent()
    expect(recent.length).toBe(MAX_RECENT)
    expect(recent[0].path).toBe(join(dir, 'n19.sqlite'))
    // relative paths are stored absolute
    store.touch('rel.sqlite')
    expect(store.recent()[0].path).toBe(join(process.cwd(), 'rel.sqlite'))
  })

  it('keeps UI state per archive, round-trips JSON, and clears it with null', () => {
    const a = join(dir, 'a.sqlite')
    const b = join(dir, 'b.sqlite')
    store.touch(a)
    store.touch(b)
    store.setState(a, { layout: { panels: [1, 2] }, theme: 'dark' })
    store.setState(b, ['b'])
    expect(store.getState(a)).toEqual({ layout: { panels: [1, 2] }, theme: 'dark' })
    expect(new UserStore(file).getState(b)).toEqual(['b'])
    store.setState(a, null)
    expect(store.getState(a)).toBeNull()
  })

  it('refuses state over 256 KB with USAGE and keeps the old state', () => {
    const a = join(dir, 'a.sqlite')
    store.touch(a)
    store.setState(a, { ok: 1 })
    expect(() => store.setState(a, { big: 'x'.repeat(WORKBENCH_STATE_MAX_BYTES) })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/256 KB/) }),
    )
    expect(store.getState(a)).toEqual({ ok: 1 })
  })

  it('drops the state of archives that fall off the recent list (bounding the file)', () => {
    const first = join(dir, 'first.sqlite')
    store.touch(first)
    store.setState(first, { x: 1 })
    for (let i = 0; i < MAX_RECENT; i++) store.touch(join(dir, `n${i}.sqlite`))
    expect(store.getState(first)).toBeNull()
  })

  it('replaces the file atomically: no temporary files are left behind', () => {
    const a = join(dir, 'a.sqlite')
    for (let i = 0; i < 5; i++) store.touch(a)
    store.setState(a, { i: 1 })
    expect(readdirSync(join(dir, 'user'))).toEqual(['workbench-user.json'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 })
  })

  it('reports a corrupt file, keeps it aside and starts afresh', () => {
    const a = join(dir, 'a.sqlite')
    store.touch(a)
    writeFileSync(file, '{"version": 1, "recent": [tru')
    expect(store.recent()).toEqual([])
    expect(problems.length).toBe(1)
    expect(problems[0]).toMatch(/unreadable: it is not JSON/)
    expect(problems[0]).toContain(file)
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toBe('{"version": 1, "recent": [tru')
    // and works again
    store.touch(a)
    expect(store.recent().map((r) => r.path)).toEqual([a])
    expect(problems.length).toBe(1)
  })

  it('resets a file of the wrong shape too', () => {
    writeFileSync(join(dir, 'x'), '')
    store.touch(join(dir, 'x'))
    writeFileSync(file, JSON.stringify({ version: 1, recent: 'no' }))
    expect(store.getState(join(dir, 'x'))).toBeNull()
    expect(problems[0]).toMatch(/unexpected content/)
  })
})
