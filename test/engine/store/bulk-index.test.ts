// A large import builds the secondary indexes of `nodes` and `edge_rows` once, after its rows, in
// its own transaction (ImportSession.deferIndexesIfBulk): the archive ends with the same indexes,
// a failed import leaves them as they were, and a small import into a large archive keeps them up
// to date row by row instead of rebuilding them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Archive } from '../../../src/engine/store/archive'
import type { WeekInput } from '../../../src/shared/domain'

let dir: string
let a: Archive
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-bulk-index-'))
  a = Archive.open(join(dir, 'a.sqlite'))
})
afterEach(() => {
  a.close()
  rmSync(dir, { recursive: true, force: true })
})

const meta = { source: 't', format: 'dexposure' as const, sha256: 'x', bytes: 0 }
const MONDAYS = Array.from({ length: 30 }, (_, k) =>
  new Date(Date.UTC(2024, 0, 1) + k * 7 * 86_400_000).toISOString().slice(0, 10),
)

function week(w: string, nodes: number): WeekInput {
  return {
    week: w,
    nodes: Array.from({ length: nodes }, (_, i) => ({
      id: `n${i}`,
      size: i + 1,
      composition: { T: i + 1 },
    })),
    edges: Array.from({ length: nodes - 1 }, (_, i) => ({
      source: `n${i}`,
      target: `n${i + 1}`,
      weight: 1,
      composition: null,
    })),
  }
}

const indexes = () =>
  a.db
    .prepare(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('nodes', 'edge_rows') AND sql IS NOT NULL ORDER BY name",
    )
    .all()

describe('indexes during a bulk import', () => {
  it('are dropped while a first import writes and built again before its commit', async () => {
    // an index an analyst added on edge_rows is rebuilt too
    a.db.exec('CREATE INDEX edge_rows_by_source ON edge_rows(source)')
    const before = indexes()
    expect(before.map((r) => (r as { name: string }).name)).toEqual([
      'edge_rows_by_source',
      'nodes_by_node',
    ])
    let during: unknown[] = []
    await a.runImport(meta, (s) => {
      for (const w of MONDAYS.slice(0, 3)) s.putWeek(week(w, 40))
      during = indexes()
    })
    expect(during).toEqual([])
    expect(indexes()).toEqual(before)
    expect(a.db.pragma('integrity_check', { simple: true })).toBe('ok')
    // the rebuilt index serves its queries
    expect(a.nodeHistory('n7').map((r) => r.week)).toEqual(MONDAYS.slice(0, 3))
    const plan = a.db
      .prepare('EXPLAIN QUERY PLAN SELECT week FROM nodes WHERE node_id = ?')
      .all('n7') as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/nodes_by_node/)
  })

  it('come back as they were when the import fails', async () => {
    const before = indexes()
    await expect(
      a.runImport(meta, (s) => {
        s.putWeek(week(MONDAYS[0], 40))
        throw new Error('reader failed')
      }),
    ).rejects.toThrow('reader failed')
    expect(indexes()).toEqual(before)
    expect(a.listWeeks()).toEqual([])
  })

  it('are kept row by row by a small import into a larger archive', async () => {
    await a.runImport(meta, (s) => {
      for (const w of MONDAYS.slice(0, 20)) s.putWeek(week(w, 50))
    })
    const before = indexes()
    let during: unknown[] = []
    await a.runImport(meta, (s) => {
      s.putWeek(week(MONDAYS[25], 50))
      during = indexes()
    })
    expect(during).toEqual(before)
    expect(indexes()).toEqual(before)
    // once an import has written half as many node rows as the archive held, it switches
    await a.runImport(meta, (s) => {
      for (const w of MONDAYS.slice(20, 25)) s.putWeek(week(w, 50)) // 250 of 1,050 rows: kept
      expect(indexes()).toEqual(before)
      for (const w of MONDAYS.slice(26, 30)) s.putWeek(week(w, 70)) // 530 ≥ 525: dropped
      during = indexes()
    })
    expect(during).toEqual([])
    expect(indexes()).toEqual(before)
    expect(a.nodeHistory('n3')).toHaveLength(30)
  })
})
