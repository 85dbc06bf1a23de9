// The pair memory of week t on a hand-made archive: exact first/last/count/recent weeks and last
// weight, only pairs among the nodes of t, nothing after t; reused until the next import; and the
// checkpoints a walk leaves in the archive give the same memory, until an import rewrites a week
// they summarise.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pairMemoryAt, updatePairMemoryCheckpoints } from '../../../src/engine/forecast/memory'
import { Archive } from '../../../src/engine/store/archive'
import type { WeekInput } from '../../../src/shared/domain'
import { withDemoArchive } from '../../cli/run-cli'

const week = (
  w: string,
  edges: [string, string, number][],
  nodes = ['A', 'B', 'C'],
): WeekInput => ({
  week: w,
  nodes: nodes.map((id) => ({ id, size: 100, composition: null })),
  edges: edges.map(([source, target, weight]) => ({ source, target, weight, composition: null })),
})

let dir: string
let archive: Archive
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-memory-'))
  archive = Archive.open(join(dir, 'a.sqlite'))
  await archive.runImport({ source: 't', format: 'csv', sha256: 'a', bytes: 0 }, (s) => {
    s.putWeek(
      week(
        '2024-01-01',
        [
          ['A', 'B', 10],
          ['D', 'A', 5],
        ],
        ['A', 'B', 'C', 'D'],
      ),
    )
    s.putWeek(week('2024-01-08', [['B', 'C', 20]]))
    s.putWeek(
      week('2024-01-15', [
        ['A', 'B', 30],
        ['C', 'A', 40],
      ]),
    )
    s.putWeek(week('2024-01-22', [['A', 'C', 50]]))
  })
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('pairMemoryAt', () => {
  it('holds what weeks ≤ t say about pairs among the nodes of t, and nothing later', () => {
    const ids = archive.loadWeek('2024-01-15').nodeIds
    const n = ids.length
    const at = (s: string, d: string) => ids.indexOf(s) * n + ids.indexOf(d)
    const { memory, position } = pairMemoryAt(archive, '2024-01-15', ids)
    expect(position).toBe(2)
    expect([...memory.keys()].sort()).toEqual([at('A', 'B'), at('B', 'C'), at('C', 'A')].sort())
    expect(memory.get(at('A', 'B'))).toEqual({
      firstWeek: 0,
      lastWeek: 2,
      count: 2,
      weeks: [0, 2],
      lastLogWeight: Math.log1p(30),
    })
    expect(memory.get(at('B', 'C'))).toMatchObject({ firstWeek: 1, lastWeek: 1, count: 1 })
    expect(memory.has(at('A', 'C'))).toBe(false) // first seen at 2024-01-22, after t
  })

  it('is reused for the same week and rebuilt after an import', async () => {
    const ids = archive.loadWeek('2024-01-22').nodeIds
    const first = pairMemoryAt(archive, '2024-01-22', ids)
    expect(pairMemoryAt(archive, '2024-01-22', ids)).toBe(first)
    await archive.runImport(
      { source: 't2', format: 'csv', sha256: 'b', bytes: 0, replace: true },
      (s) => {
        s.putWeek(
          week('2024-01-08', [
            ['B', 'C', 20],
            ['B', 'A', 7],
          ]),
        )
      },
    )
    const again = pairMemoryAt(archive, '2024-01-22', ids)
    expect(again).not.toBe(first)
    expect(again.memory.size).toBe(first.memory.size + 1) // B → A, from the replaced week
  })
})

describe('pair-memory checkpoints (demo archive, 283 weeks)', () => {
  let file = ''
  withDemoArchive('dx-checkpoints-', (_, a) => (file = a))
  const WEEK = '2024-12-30' // archive position 249
  const entries = (m: Map<number, unknown>) => [...m.entries()].sort((a, b) => a[0] - b[0])
  const positions = (a: Archive) =>
    (
      a.db
        .prepare('SELECT position, import_id FROM pair_memory_checkpoints ORDER BY position')
        .all() as { position: number; import_id: number }[]
    ).map((r) => [r.position, r.import_id])

  it('are written by the import and give the same memory as walking from week 0', () => {
    const first = Archive.open(file)
    const latest = first.db.prepare('SELECT max(import_id) AS i FROM imports').get() as {
      i: number
    }
    // the demo import (283 weeks) left one after every 52nd week
    expect(positions(first)).toEqual([51, 103, 155, 207, 259].map((p) => [p, latest.i]))
    const ids = first.loadWeek(WEEK).nodeIds
    const read = vi.spyOn(first, 'weekEdges')
    const resumed = pairMemoryAt(first, WEEK, ids)
    expect(read).toHaveBeenCalledTimes(249 - 207) // weeks 208 … 249 only
    read.mockRestore()
    expect(resumed.position).toBe(249)
    first.close()
    // without checkpoints, a new handle walks from week 0 and writes those it passes
    const second = Archive.open(file)
    second.db.prepare('DELETE FROM pair_memory_checkpoints').run()
    const walked = pairMemoryAt(second, WEEK, ids)
    expect(entries(walked.memory)).toEqual(entries(resumed.memory))
    expect(positions(second).map((r) => r[0])).toEqual([51, 103, 155, 207])
    // bringing them up to date writes the missing one, then nothing
    expect(updatePairMemoryCheckpoints(second)).toBe(1)
    expect(updatePairMemoryCheckpoints(second)).toBe(0)
    expect(positions(second).map((r) => r[0])).toEqual([51, 103, 155, 207, 259])
    const later = '2025-08-18'
    const m = pairMemoryAt(second, later, second.loadWeek(later).nodeIds)
    second.close()
    const third = Archive.open(file, { readonly: true })
    const again = pairMemoryAt(third, later, third.loadWeek(later).nodeIds)
    expect(entries(again.memory)).toEqual(entries(m.memory))
    third.close()
  })

  it('stay valid through imports that write no week before them', async () => {
    const a = Archive.open(file)
    const ids = a.loadWeek(WEEK).nodeIds
    const before = pairMemoryAt(a, WEEK, ids)
    // an import that writes nothing leaves every checkpoint valid
    a.db
      .prepare(
        `INSERT INTO imports (source, format, sha256, bytes, started_at, finished_at, duration_ms,
           status, weeks_inserted, weeks_replaced, weeks_unchanged)
         VALUES ('t', 'csv', 'x', 0, '', '', 0, 'unchanged', 0, 0, 0)`,
      )
      .run()
    const read = vi.spyOn(a, 'weekEdges')
    expect(entries(pairMemoryAt(a, WEEK, ids).memory)).toEqual(entries(before.memory))
    expect(read).toHaveBeenCalledTimes(249 - 207)
    read.mockClear()
    // replacing week 180 (one edge fewer) stales the checkpoint at 207, not those at 51 … 155
    const w180 = a.listWeeks()[180].week
    const f = a.loadWeek(w180)
    await a.runImport(
      { source: 'edit', format: 'csv', sha256: 'edit', bytes: 0, replace: true },
      (s) => {
        s.putWeek({
          week: w180,
          nodes: f.nodeIds.map((id, i) => ({ id, size: f.sizes[i], composition: null })),
          edges: [...f.edgeSrc.keys()].slice(1).map((j) => ({
            source: f.nodeIds[f.edgeSrc[j]],
            target: f.nodeIds[f.edgeDst[j]],
            weight: f.edgeWeight[j],
            composition: null,
          })),
        })
      },
    )
    const latest = (a.db.prepare('SELECT max(import_id) AS i FROM imports').get() as { i: number })
      .i
    const after = pairMemoryAt(a, WEEK, ids)
    expect(read).toHaveBeenCalledTimes(249 - 155) // resumed from 155
    read.mockRestore()
    const old = positions(a).filter((r) => r[0] < 207)
    expect(positions(a)).toEqual([...old, [207, latest]])
    expect(old.map((r) => r[0])).toEqual([51, 103, 155])
    expect(old.every((r) => r[1] < latest)).toBe(true)
    // and the resumed walk is the walk from week 0 of the edited archive
    a.db.prepare('DELETE FROM pair_memory_checkpoints').run()
    a.close()
    const b = Archive.open(file)
    const full = pairMemoryAt(b, WEEK, ids)
    expect(entries(after.memory)).toEqual(entries(full.memory))
    expect(entries(after.memory)).not.toEqual(entries(before.memory))
    b.close()
  })
})
