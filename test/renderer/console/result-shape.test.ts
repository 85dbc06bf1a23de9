// What a query result can become besides a table (graph overlay, line or bar chart) and how the
// grid writes and sorts its cells.
import { describe, expect, it } from 'vitest'
import {
  chartSpec,
  formatCell,
  graphTarget,
  isUsdColumn,
  rawCell,
  resultWeek,
  sortOrder,
  type ResultColumn,
  type StatementResult,
} from '../../../src/renderer/src/views/console/result-shape'
import type { QueryCell } from '../../../src/shared/api'

const col = (name: string, kind: ResultColumn['kind']): ResultColumn => ({
  name,
  kind,
  declaredType: null,
  table: null,
  column: null,
})
const result = (cols: ResultColumn[], data: QueryCell[][]): StatementResult => ({
  from: 0,
  to: 1,
  columns: cols,
  data,
  rowCount: data[0]?.length ?? 0,
  truncated: false,
  truncatedBy: null,
  total: null,
  cutCells: 0,
  elapsedMs: 1,
})

describe('result shapes', () => {
  it('finds edges (source/target) before nodes (node_id/node)', () => {
    expect(
      graphTarget([col('week', 'text'), col('source', 'text'), col('target', 'text')]),
    ).toEqual({
      kind: 'edges',
      source: 1,
      target: 2,
    })
    expect(graphTarget([col('rank', 'number'), col('node_id', 'text')])).toEqual({
      kind: 'nodes',
      node: 1,
    })
    expect(graphTarget([col('week', 'text'), col('tvl', 'number')])).toBeNull()
  })

  it('takes the most frequent week of a week column, else the fallback', () => {
    const r = result(
      [col('week', 'text'), col('source', 'text')],
      [
        ['2022-05-09', '2022-05-16', '2022-05-16', null],
        ['a', 'b', 'c', 'd'],
      ],
    )
    expect(resultWeek(r, '2020-01-06')).toBe('2022-05-16')
    expect(resultWeek(result([col('source', 'text')], [['a']]), '2020-01-06')).toBe('2020-01-06')
  })

  it('charts a week column with numbers as lines, a category with a number as bars', () => {
    const weekly = result(
      [col('week', 'text'), col('tvl_usd', 'number'), col('edges', 'number')],
      [
        ['2022-05-02', '2022-05-09'],
        [1, 2],
        [3, 4],
      ],
    )
    expect(chartSpec(weekly)).toEqual({ kind: 'line', week: 0, values: [1, 2], split: -1 })
    // a text column with few values splits the rows into one line per value
    const perNode = result(
      [col('week', 'text'), col('name', 'text'), col('size', 'number')],
      [
        ['2022-05-02', '2022-05-02', '2022-05-09'],
        ['Lido', 'Aave', 'Lido'],
        [1, 2, 3],
      ],
    )
    expect(chartSpec(perNode)).toEqual({ kind: 'line', week: 0, values: [2], split: 1 })
    // ids and ranks are not measures
    const ranked = result(
      [col('rank', 'number'), col('name', 'text'), col('score', 'number')],
      [[1], ['Lido'], [0.5]],
    )
    expect(chartSpec(ranked)).toEqual({ kind: 'bar', category: 1, value: 2 })
    expect(chartSpec(result([col('name', 'text')], [['x']]))).toBeNull()
  })

  it('writes USD, integers, reals, NULL and blobs', () => {
    expect(isUsdColumn(col('weight', 'number'))).toBe(true)
    expect(isUsdColumn(col('relative_loss', 'number'))).toBe(false)
    expect(isUsdColumn(col('weight', 'text'))).toBe(false)
    expect(formatCell(8025302425.22, true)).toBe('$8,025,302,425')
    expect(formatCell(0.5, true)).toBe('$0.50')
    expect(formatCell(12345, false)).toBe('12,345')
    expect(formatCell(42, false)).toBe('42')
    expect(formatCell(3.14159265, false)).toBe('3.1416')
    expect(formatCell(0.000123456789, false)).toBe('0.000123457')
    expect(formatCell(null, false)).toBe('NULL')
    expect(formatCell({ type: 'blob', bytes: 2, hex: 'abcd' }, false)).toBe('BLOB 2 bytes abcd')
    // copies keep raw values: NULL empty, tabs and newlines flattened
    expect(rawCell(8025302425.22)).toBe('8025302425.22')
    expect(rawCell(null)).toBe('')
    expect(rawCell('a\tb\nc')).toBe('a b c')
  })

  it('sorts numbers, then text, NULLs last in both directions, stably', () => {
    const c: QueryCell[] = [3, null, 'b', 1, 'a', 3]
    expect([...sortOrder(c, 1)]).toEqual([3, 0, 5, 4, 2, 1])
    expect([...sortOrder(c, -1)]).toEqual([2, 4, 0, 5, 3, 1])
  })
})
