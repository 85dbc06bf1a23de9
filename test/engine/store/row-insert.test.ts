// Multi-row INSERTs (src/engine/store/row-insert.ts): every row count, whatever mix of batch sizes
// it takes, gives exactly the rows one INSERT per row gives, with the derived columns computed.
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BATCH_SIZES,
  BatchInsert,
  batchInsertSql,
  type RowShape,
} from '../../../src/engine/store/row-insert'

const SHAPE: RowShape = {
  table: 't',
  derived: [
    ['rowid', (k) => `?1 + ${k}`],
    ['week', () => '?2'],
    ['idx', (k) => `?3 + ${k}`],
  ],
  shared: 3,
  bound: ['name', 'value', 'blob'],
}
const BASE = 5 * 2 ** 24

let db: Database.Database
beforeEach(() => {
  db = new Database(':memory:')
  db.exec(
    'CREATE TABLE t (week TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT, value REAL, blob BLOB)',
  )
})
afterEach(() => db.close())

const rowOf = (i: number) => ({
  rowid: BASE + i,
  week: '2024-01-01',
  idx: i,
  name: i % 7 === 0 ? null : `n${i}é`,
  value: i / 3,
  blob: i % 5 === 0 ? Buffer.from([i & 255, 1, 2]) : null,
})

function insert(count: number): void {
  const ins = new BatchInsert(db, SHAPE)
  ins.run(
    count,
    (first, shared) => {
      shared[1] = BASE + first
      shared[2] = '2024-01-01'
      shared[3] = first
    },
    (i, v, o) => {
      const r = rowOf(i)
      v[o] = r.name
      v[o + 1] = r.value
      v[o + 2] = r.blob
    },
  )
}

describe('BatchInsert', () => {
  it('writes the statement with shared parameters first and bound ones per row', () => {
    expect(batchInsertSql(SHAPE, 2)).toBe(
      'INSERT INTO t (rowid, week, idx, name, value, blob) VALUES ' +
        '(?1 + 0, ?2, ?3 + 0, ?, ?, ?), (?1 + 1, ?2, ?3 + 1, ?, ?, ?)',
    )
  })

  const [big, mid] = BATCH_SIZES
  const counts = [0, 1, mid - 1, mid, mid + 1, big - 1, big, big + 1, 2 * big + mid + 3]
  it.each(counts)('inserts %i rows exactly', (count) => {
    insert(count)
    const rows = db.prepare('SELECT rowid, * FROM t ORDER BY rowid').all()
    expect(rows).toHaveLength(count)
    expect(rows).toEqual(Array.from({ length: count }, (_, i) => rowOf(i)))
  })

  it('reuses its statements across calls (weeks)', () => {
    db.exec('CREATE TABLE u (name TEXT, value REAL, blob BLOB)')
    const ins = new BatchInsert(db, {
      ...SHAPE,
      table: 'u',
      derived: [['rowid', (k) => `?1 + ${k}`]],
      shared: 1,
    })
    for (const [base, count] of [
      [0, big + 2],
      [1000, 3],
    ])
      ins.run(
        count,
        (first, shared) => (shared[1] = base + first),
        (i, v, o) => {
          v[o] = `r${base + i}`
          v[o + 1] = i
          v[o + 2] = null
        },
      )
    const rows = db.prepare('SELECT rowid, name FROM u ORDER BY rowid').all()
    const want = [...Array.from({ length: big + 2 }, (_, i) => i), 1000, 1001, 1002].map((id) => ({
      rowid: id,
      name: `r${id}`,
    }))
    expect(rows).toEqual(want)
  })
})
