import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Archive } from '../../../src/engine/store/archive'
import { SCHEMA_VERSION } from '../../../src/engine/store/migrations'
import type { WeekInput } from '../../../src/shared/domain'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-archive-'))
  file = join(dir, 'a.sqlite')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const meta = { source: 'test.json', format: 'dexposure' as const, sha256: 'x', bytes: 0 }

function week(w: string, scale = 1): WeekInput {
  return {
    week: w,
    nodes: [
      { id: '182', size: 100 * scale, composition: { ETH: 90 * scale, STETH: 10 * scale } },
      { id: '1599', size: 50 * scale, composition: { WSTETH: 50 * scale } },
      { id: 'WETH', size: 20, composition: null },
    ],
    edges: [
      { source: '1599', target: '182', weight: 40, composition: { WSTETH: 40 } },
      { source: '1599', target: 'WETH', weight: 5, composition: null },
    ],
  }
}

describe('Archive', () => {
  it('creates a file with the schema version and plain tables', () => {
    Archive.open(file).close()
    const db = new Database(file, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
      .all()
    expect(tables.map((t) => (t as { name: string }).name)).toEqual(
      expect.arrayContaining(['weeks', 'nodes', 'edges', 'protocols', 'token_issuers', 'imports']),
    )
    // the edges view maps rowids back to week and position
    db.close()
    const a = Archive.open(file)
    return a
      .runImport(meta, (s) => void s.putWeek(week('2024-01-01')))
      .then(() => {
        expect(
          a.db.prepare('SELECT week, idx, source, target, weight FROM edges ORDER BY idx').all(),
        ).toEqual([
          { week: '2024-01-01', idx: 0, source: '1599', target: '182', weight: 40 },
          { week: '2024-01-01', idx: 1, source: '1599', target: 'WETH', weight: 5 },
        ])
        a.close()
      })
  })

  it('uses WAL', () => {
    Archive.open(file).close()
    const db = new Database(file, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('writes weeks, loads them as typed arrays with features, and is idempotent', async () => {
    const a = Archive.open(file)
    const r1 = await a.runImport(meta, (s) => {
      s.putWeek(week('2024-01-01'))
      s.putWeek(week('2024-01-08', 2))
    })
    expect(r1.weeksInserted).toEqual(['2024-01-01', '2024-01-08'])
    const f = a.loadWeek('2024-01-08')
    expect(f.nodeIds).toEqual(['182', '1599', 'WETH'])
    expect([...f.edgeSrc]).toEqual([1, 1])
    expect([...f.edgeDst]).toEqual([0, 2])
    expect(f.features[0]).toBeCloseTo(Math.log1p(200), 5)
    expect(f.features[4]).toBeCloseTo(Math.log1p(200) - Math.log1p(100), 5) // tvl_change
    expect(f.features[7 + 6]).toBe(1) // out_degree_norm of 1599
    expect(f.categories).toEqual(['Unknown', 'Unknown', 'Unknown'])
    const r2 = await a.runImport(meta, (s) => {
      s.putWeek(week('2024-01-01'))
    })
    expect(r2.weeksUnchanged).toEqual(['2024-01-01'])
    await expect(a.runImport(meta, (s) => void s.putWeek(week('2024-01-01', 3)))).rejects.toThrow(
      /--replace/,
    )
    expect(a.listWeeks().map((w) => w.week)).toEqual(['2024-01-01', '2024-01-08'])
    a.close()
  })

  it('refreshes the next week tvl_change when an earlier week arrives later', async () => {
    const a = Archive.open(file)
    await a.runImport(meta, (s) => void s.putWeek(week('2024-01-08', 2)))
    expect(a.loadWeek('2024-01-08').features[4]).toBe(0)
    await a.runImport(meta, (s) => void s.putWeek(week('2024-01-01')))
    expect(a.loadWeek('2024-01-08').features[4]).toBeCloseTo(Math.log1p(200) - Math.log1p(100), 5)
    const h = a.nodeHistory('182')
    expect(h.map((r) => r.week)).toEqual(['2024-01-01', '2024-01-08'])
    expect(h[1].tvl_change).toBeCloseTo(Math.log1p(200) - Math.log1p(100), 5)
    expect(a.nodeEdges('182').length).toBe(2)
    a.close()
  })

  it('rolls back the whole import on error', async () => {
    const a = Archive.open(file)
    await expect(
      a.runImport(meta, (s) => {
        s.putWeek(week('2024-01-01'))
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(a.listWeeks()).toEqual([])
    a.close()
  })

  it('replaces a week when asked', async () => {
    const a = Archive.open(file)
    await a.runImport(meta, (s) => void s.putWeek(week('2024-01-01')))
    const r = await a.runImport(
      { ...meta, replace: true },
      (s) => void s.putWeek(week('2024-01-01', 3)),
    )
    expect(r.weeksReplaced).toEqual(['2024-01-01'])
    expect(a.loadWeek('2024-01-01').sizes[0]).toBe(300)
    expect(a.db.prepare('SELECT count(*) c FROM nodes').get()).toEqual({ c: 3 })
    a.close()
  })
})
