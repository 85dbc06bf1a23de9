// The query console's per-user files (src/engine/query/library.ts): history appended, searched,
// kept to the last 500, readable past torn lines; saved queries as .sql files with a title line;
// the shipped examples listed and protected.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { examplesDir, HISTORY_KEEP, QueryLibrary } from '../../../src/engine/query/library'
import { DexposureError } from '../../../src/shared/errors'

const root = mkdtempSync(join(tmpdir(), 'dx-query-library-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const entry = (
  sql: string,
  archive = '/a/x.sqlite',
  error: { code: string; message: string } | null = null,
) => ({
  time: new Date().toISOString(),
  archive,
  sql,
  durationMs: 3,
  rows: error ? null : 1,
  statements: 1,
  error,
})

describe('history', () => {
  it('is newest first, searchable by every word, per archive or all', () => {
    const lib = new QueryLibrary(join(root, 'h1'), null)
    lib.record(entry('SELECT * FROM weeks'))
    lib.record(entry('SELECT * FROM sis(:week)', '/a/y.sqlite'))
    lib.record(
      entry('SELEC 1', '/a/x.sqlite', { code: 'BAD_INPUT', message: 'near "SELEC": syntax error' }),
    )
    expect(lib.history().map((e) => e.sql)).toEqual([
      'SELEC 1',
      'SELECT * FROM sis(:week)',
      'SELECT * FROM weeks',
    ])
    expect(lib.history({ search: 'syntax selec' }).map((e) => e.sql)).toEqual(['SELEC 1'])
    expect(lib.history({ search: 'FROM weeks' }).map((e) => e.sql)).toEqual(['SELECT * FROM weeks'])
    expect(lib.history({ archive: '/a/y.sqlite' })).toHaveLength(1)
    expect(lib.history({ limit: 2 })).toHaveLength(2)
    expect(lib.history()[0]).toMatchObject({ rows: null, error: { code: 'BAD_INPUT' } })
  })

  it('keeps the last 500, compacting the file, and skips torn lines', () => {
    const lib = new QueryLibrary(join(root, 'h2'), null)
    for (let i = 0; i < 1000; i++) lib.record(entry(`SELECT ${i}`))
    const lines = readFileSync(lib.historyFile, 'utf8').trimEnd().split('\n')
    expect(lines.length).toBe(HISTORY_KEEP)
    appendFileSync(lib.historyFile, '{"torn": tr\n')
    lib.record(entry('SELECT last'))
    const h = lib.history()
    expect(h).toHaveLength(HISTORY_KEEP)
    expect(h[0].sql).toBe('SELECT last')
    expect(h[1].sql).toBe('SELECT 999')
  })

  it('cuts very long SQL', () => {
    const lib = new QueryLibrary(join(root, 'h3'), null)
    expect(lib.record(entry(`SELECT '${'x'.repeat(100_000)}'`)).sql.length).toBe(65_536)
  })
})

describe('saved queries', () => {
  it('saves .sql files with a title line, lists them with the examples, deletes only its own', () => {
    const examples = join(root, 'examples')
    mkdirSync(examples)
    writeFileSync(join(examples, 'shipped.sql'), '-- title: Shipped one\nSELECT 1;\n')
    const lib = new QueryLibrary(join(root, 's1'), examples)
    const saved = lib.save({ title: 'Top exposures: 2022!', sql: 'SELECT * FROM edges LIMIT 20' })
    expect(saved).toMatchObject({
      name: 'top-exposures-2022',
      title: 'Top exposures: 2022!',
      source: 'user',
    })
    expect(readFileSync(saved.path, 'utf8')).toBe(
      '-- title: Top exposures: 2022!\nSELECT * FROM edges LIMIT 20\n',
    )
    // saving again under the same name replaces it; an old title line is not kept twice
    lib.save({ title: 'Renamed', sql: '-- title: old\nSELECT 2', name: 'top-exposures-2022' })
    const list = lib.saved()
    expect(list.map((s) => [s.name, s.title, s.source, s.sql])).toEqual([
      ['top-exposures-2022', 'Renamed', 'user', 'SELECT 2\n'],
      ['shipped', 'Shipped one', 'example', 'SELECT 1;\n'],
    ])
    expect(() => lib.delete('shipped')).toThrow(DexposureError)
    expect(lib.delete('top-exposures-2022')).toBe(true)
    expect(lib.delete('top-exposures-2022')).toBe(false)
    expect(() => lib.delete('../escape')).toThrow(/not a saved query name/)
    expect(() => lib.save({ title: 'x', sql: 'SELECT 1', name: '../../etc/passwd' })).toThrow(
      DexposureError,
    )
    expect(existsSync(join(root, 'etc'))).toBe(false)
  })

  it('finds the examples shipped with the app', () => {
    const dir = examplesDir()
    expect(dir).not.toBeNull()
    const lib = new QueryLibrary(join(root, 's2'))
    const shipped = lib.saved().filter((s) => s.source === 'example')
    expect(shipped.length).toBeGreaterThanOrEqual(5)
    expect(shipped.every((s) => s.title.length > 0 && !s.sql.startsWith('-- title'))).toBe(true)
  })
})
