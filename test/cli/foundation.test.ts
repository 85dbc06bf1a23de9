// User stories for the foundation CLI: init, demo, import, weeks, show — run as subprocesses
// against real SQLite files.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from './run-cli'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface WeekRow {
  week: string
  nodes: number
  edges: number
}

function tableCounts(file: string) {
  const db = new Database(file, { readonly: true })
  try {
    const q = (sql: string) => (db.prepare(sql).get() as { c: number }).c
    return {
      weeks: q('SELECT count(*) c FROM weeks'),
      nodes: q('SELECT count(*) c FROM nodes'),
      edges: q('SELECT count(*) c FROM edges'),
      imports: q('SELECT count(*) c FROM imports'),
    }
  } finally {
    db.close()
  }
}

describe('dexposure CLI (foundation)', () => {
  it('prints help for every command', () => {
    for (const cmd of ['init', 'demo', 'import', 'weeks', 'show']) {
      const r = runCli([cmd, '--help'])
      expect(r.code, cmd).toBe(0)
      expect(r.stdout).toContain(`Usage: dexposure ${cmd}`)
    }
  })

  it('init creates an archive at --archive and reports it', () => {
    const file = join(dir, 'init.sqlite')
    const out = runCliJson<{ archive: string; created: boolean; schemaVersion: number }>([
      '--archive',
      file,
      'init',
    ])
    expect(out).toMatchObject({ archive: file, created: true })
    expect(existsSync(file)).toBe(true)
    expect(runCliJson<{ created: boolean }>(['--archive', file, 'init']).created).toBe(false)
  })

  it('honours DEXPOSURE_ARCHIVE', () => {
    const file = join(dir, 'env.sqlite')
    runCliJson(['init'], { DEXPOSURE_ARCHIVE: file })
    expect(existsSync(file)).toBe(true)
  })

  it('fills the archive with the demo, lists weeks and shows one, labelled synthetic', () => {
    const file = join(dir, 'demo.sqlite')
    const r = runCli(['--archive', file, 'demo', '--seed', '7'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/SYNTHETIC/)
    const weeks = runCliJson<WeekRow[]>(['--archive', file, 'weeks'])
    expect(weeks.length).toBe(283)
    expect(Object.keys(weeks[0]).sort()).toEqual(['edges', 'nodes', 'week'])
    expect(weeks[0].week).toBe('2020-03-23')
    expect(weeks.at(-1)!.week).toBe('2025-08-18')
    const text = runCli(['--archive', file, 'weeks'])
    expect(text.stdout).toMatch(/SYNTHETIC/)

    const show = runCliJson<{
      week: string
      nodes: number
      synthetic: boolean
      topNodes: unknown[]
    }>(['--archive', file, 'show', '--week', '2022-05-09'])
    const w = weeks.find((x) => x.week === '2022-05-09')!
    expect(show).toMatchObject({ week: '2022-05-09', nodes: w.nodes, synthetic: true })
    expect(show.topNodes.length).toBe(10)

    // the file opens in Debian's sqlite3 with plain table names
    const out = execFileSync(
      'sqlite3',
      [file, 'SELECT count(*) FROM weeks; SELECT count(*) FROM protocols;'],
      {
        encoding: 'utf8',
      },
    )
    const [nWeeks, nProtocols] = out.trim().split('\n').map(Number)
    expect(nWeeks).toBe(283)
    expect(nProtocols).toBeGreaterThan(1000)
  })

  it('writes the demo as DeXposure JSON and imports it: same weeks, idempotent', () => {
    const json = join(dir, 'demo.json')
    const file = join(dir, 'from-json.sqlite')
    const w = runCli(['demo', '--seed', '7', '--out', json])
    expect(w.code, w.stderr).toBe(0)
    expect(readFileSync(json, 'utf8').slice(0, 9)).toBe('{"data":{')
    const first = runCli(['--archive', file, 'import', json])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/imported .* 283 weeks added/)
    const weeks = runCliJson<WeekRow[]>(['--archive', file, 'weeks'])
    const demoWeeks = runCliJson<WeekRow[]>(['--archive', join(dir, 'demo.sqlite'), 'weeks'])
    expect(weeks.map((x) => x.week)).toEqual(demoWeeks.map((x) => x.week))
    expect(weeks.map((x) => x.nodes)).toEqual(demoWeeks.map((x) => x.nodes))

    // the import log records the file's digest (computed in the background during the import)
    const sha = createHash('sha256').update(readFileSync(json)).digest('hex')
    const db = new Database(file, { readonly: true })
    expect(db.prepare('SELECT sha256, bytes FROM imports').get()).toEqual({
      sha256: sha,
      bytes: statSync(json).size,
    })
    // and the import left the pair-memory checkpoints a first forecast starts from
    expect(
      db.prepare('SELECT position FROM pair_memory_checkpoints ORDER BY position').pluck().all(),
    ).toEqual([51, 103, 155, 207, 259])
    db.close()

    const before = tableCounts(file)
    const again = runCliJson<{ weeksUnchanged: string[]; weeksInserted: string[] }>([
      '--archive',
      file,
      'import',
      json,
    ])
    expect(again.weeksInserted).toEqual([])
    expect(again.weeksUnchanged.length).toBe(283)
    expect({ ...tableCounts(file), imports: before.imports }).toEqual(before)
  })

  it('rejects bad input with file, week, field and offset, exit 3, and no change', () => {
    const file = join(dir, 'bad.sqlite')
    const good = join(dir, 'good.json')
    writeFileSync(
      good,
      JSON.stringify({
        data: {
          '2024-01-01': {
            nodes: [
              { id: '1', size: 10, composition: { A: 10 } },
              { id: '2', size: 5, composition: {} },
            ],
            links: [{ source: '1', target: '2', size: 3, composition: { B: 3 } }],
          },
        },
      }),
    )
    expect(runCli(['--archive', file, 'import', good]).code).toBe(0)
    const before = tableCounts(file)

    const bad = join(dir, 'bad.json')
    writeFileSync(
      bad,
      '{"data":{"2024-01-08":{"nodes":[{"id":"1","size":"ten","composition":{}}],"links":[]}}}',
    )
    const r = runCli(['--archive', file, 'import', bad])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(bad)
    expect(r.stderr).toContain('2024-01-08')
    expect(r.stderr).toMatch(/size/)
    expect(r.stderr).toMatch(/byte \d+/)
    expect(tableCounts(file)).toEqual(before)

    const notMonday = join(dir, 'tuesday.json')
    writeFileSync(notMonday, '{"data":{"2024-01-09":{"nodes":[],"links":[]}}}')
    const r2 = runCli(['--archive', file, 'import', notMonday])
    expect(r2.code).toBe(3)
    expect(r2.stderr).toMatch(/2024-01-09.*Monday|Monday.*2024-01-09/)
    expect(tableCounts(file)).toEqual(before)

    const conflict = join(dir, 'conflict.json')
    writeFileSync(conflict, readFileSync(good, 'utf8').replace('"size":3', '"size":4'))
    const r3 = runCli(['--archive', file, 'import', conflict])
    expect(r3.code).toBe(4)
    expect(r3.stderr).toMatch(/--replace/)
    expect(runCli(['--archive', file, 'import', '--replace', conflict]).code).toBe(0)
  })

  it('reports usage errors with exit 2 and unknown weeks with exit 5', () => {
    const file = join(dir, 'demo.sqlite')
    expect(runCli(['--archive', file, 'show']).code).toBe(2)
    expect(runCli(['--archive', file, 'show', '--week', '2022-05-10']).code).toBe(2)
    const r = runCli(['--archive', file, 'show', '--week', '2030-01-07'])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/2030-01-07/)
    expect(runCli(['--archive', file, 'demo', '--scale', 'huge']).code).toBe(2)
  })
})
