// The pair memory of week t on a hand-made archive: exact first/last/count/recent weeks and last
// weight, only pairs among the nodes of t, nothing after t; reused until the next import.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pairMemoryAt } from '../../../src/engine/forecast/memory'
import { Archive } from '../../../src/engine/store/archive'
import type { WeekInput } from '../../../src/shared/domain'

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
