// Story: an analyst brings another exposure network as Gephi-style CSV node and edge lists.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { expectError, FIXTURES, snapshot, tempArchive, type TempArchive } from './helpers'

const NET = join(FIXTURES, 'csv/net')
let t: TempArchive
beforeEach(() => {
  t = tempArchive()
})
afterEach(() => t.close())

function edgesOf(week: string) {
  const w = t.archive.loadWeek(week)
  return Array.from(w.edgeSrc, (s, j) => [w.nodeIds[s], w.nodeIds[w.edgeDst[j]], w.edgeWeight[j]])
}

/** Writes a directory holding nodes.csv and (optionally) edges.csv. */
function net(nodes: string, edges?: string): string {
  const d = join(t.dir, `net${Math.random().toString(36).slice(2)}`)
  mkdirSync(d)
  writeFileSync(join(d, 'nodes.csv'), nodes)
  if (edges !== undefined) writeFileSync(join(d, 'edges.csv'), edges)
  return d
}

describe('CSV node and edge lists', () => {
  it('imports a directory with nodes.csv and edges.csv', async () => {
    const r = await importFile(t.archive, NET)
    expect(r.format).toBe('csv')
    expect(r.weeksInserted).toEqual(['2024-01-01', '2024-01-08'])
    expect(t.archive.loadWeek('2024-01-01').nodeIds).toEqual(['1599', '182', 'USDT', '2269'])
    expect(edgesOf('2024-01-01')).toEqual([
      ['1599', '182', 6.1e9],
      ['1599', 'USDT', 4.0e9],
      ['2269', 'USDT', 1.2e10],
    ])
    expect(edgesOf('2024-01-08')).toEqual([
      ['1599', '182', 6.3e9],
      ['1599', 'USDT', 3.0e9],
    ])
    expect(r.counts).toMatchObject({
      nodes_kept: 7,
      edges_kept: 5,
      edges_target_null_dropped: 1,
      edges_self_loop_dropped: 1,
      edges_duplicate_merged: 1,
    })
    expect(r.rows).toEqual({ protocols: 3 })
    expect(t.archive.protocols().get('2269')).toMatchObject({
      name: 'Binance CEX',
      category: 'CEX',
    })
    const again = await importFile(t.archive, NET)
    expect(again.weeksUnchanged).toEqual(['2024-01-01', '2024-01-08'])
  })

  it('an edge list picks up its node list by name (x.edges.csv + x.nodes.csv), Gephi headers', async () => {
    const r = await importFile(t.archive, join(FIXTURES, 'csv/gephi.edges.csv'))
    expect(r.weeksInserted).toEqual(['2024-02-05'])
    expect(edgesOf('2024-02-05')).toEqual([['A', 'B', 20]])
    expect(t.archive.protocols().get('A')?.name).toBe('Alpha')
    // … and so does the node list.
    const t2 = tempArchive()
    try {
      const r2 = await importFile(t2.archive, join(FIXTURES, 'csv/gephi.nodes.csv'))
      expect(r2.sha256).toBe(r.sha256)
      expect(t2.archive.listWeeks()[0]).toMatchObject({ nodes: 2, edges: 1 })
    } finally {
      t2.close()
    }
  })

  it('a node list alone gives weeks without edges', async () => {
    const f = join(t.dir, 'only.csv')
    writeFileSync(f, 'date,id,tvl\n2024-03-04,A,1\n2024-03-04,B,2\n')
    const r = await importFile(t.archive, f)
    expect(r.format).toBe('csv')
    expect(t.archive.listWeeks()).toMatchObject([{ week: '2024-03-04', nodes: 2, edges: 0 }])
  })

  it('drops unknown endpoints when strict is explicitly off', async () => {
    const d = net(
      'week,id,size\n2024-01-01,A,1\n2024-01-01,B,1\n',
      'week,source,target,weight\n2024-01-01,A,B,1\n2024-01-01,A,Z,1\n',
    )
    const r = await importFile(t.archive, d, { strict: false })
    expect(r.counts).toMatchObject({ edges_kept: 1, edges_endpoint_missing_dropped: 1 })
  })

  const N = 'week,id,size\n2024-01-01,A,1\n2024-01-01,B,2\n'
  const cases: [string, () => string, RegExp, (d: string) => Record<string, unknown>][] = [
    [
      'missing node column',
      () => net('week,id\n2024-01-01,A\n'),
      /missing column "size" or "tvl"/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 1, field: 'size' }),
    ],
    [
      'missing edge column',
      () => net(N, 'week,source,target\n2024-01-01,A,B\n'),
      /missing column "weight" or "size"/,
      (d) => ({ file: join(d, 'edges.csv'), line: 1, field: 'weight' }),
    ],
    [
      'bad number',
      () => net('week,id,size\n2024-01-01,A,1\n2024-01-01,B,abc\n'),
      /size "abc" is not a finite number/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 3, field: 'size' }),
    ],
    [
      'empty number',
      () => net(N, 'week,source,target,weight\n2024-01-01,A,B,\n'),
      /empty weight/,
      (d) => ({ file: join(d, 'edges.csv'), line: 2, field: 'weight' }),
    ],
    [
      'overflowing number',
      () => net('week,id,size\n2024-01-01,A,1e999\n'),
      /size "1e999" is not a finite number/,
      (d) => ({ line: 2, file: join(d, 'nodes.csv') }),
    ],
    [
      'NaN',
      () => net('week,id,size\n2024-01-01,A,NaN\n'),
      /size "NaN" is not a finite number/,
      (d) => ({ line: 2, file: join(d, 'nodes.csv') }),
    ],
    [
      'week not a Monday',
      () => net('week,id,size\n2024-01-02,A,1\n'),
      /week 2024-01-02 is not a Monday/,
      (d) => ({ line: 2, field: 'week', file: join(d, 'nodes.csv') }),
    ],
    [
      'week not a date',
      () => net('week,id,size\n01/01/2024,A,1\n'),
      /is not a date of the form YYYY-MM-DD/,
      (d) => ({ line: 2, file: join(d, 'nodes.csv') }),
    ],
    [
      'unknown endpoint (strict by default)',
      () => net(N, 'week,source,target,weight\n2024-01-01,A,B,1\n2024-01-01,A,Z,1\n'),
      /A → Z names a node that is not in this week/,
      (d) => ({ file: join(d, 'edges.csv'), line: 3, week: '2024-01-01', field: 'target' }),
    ],
    [
      'edges in a week without nodes',
      () => net(N, 'week,source,target,weight\n2024-01-08,A,B,1\n'),
      /week 2024-01-08 has edges but no nodes/,
      (d) => ({ file: join(d, 'edges.csv'), line: 2, week: '2024-01-08' }),
    ],
    [
      'duplicate node in a week',
      () => net('week,id,size\n2024-01-01,A,1\n2024-01-01,A,2\n'),
      /duplicate node id "A"/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 3, week: '2024-01-01' }),
    ],
    [
      'empty id',
      () => net('week,id,size\n2024-01-01,,1\n'),
      /empty id/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 2 }),
    ],
    [
      'ragged row',
      () => net('week,id,size\n2024-01-01,A\n'),
      /invalid CSV/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 2 }),
    ],
    [
      'header only',
      () => net('week,id,size\n'),
      /no node rows/,
      (d) => ({ file: join(d, 'nodes.csv'), line: 2 }),
    ],
  ]
  it.each(cases)('%s', async (_n, make, message, loc) => {
    const d = make()
    const before = snapshot(t.archive)
    await expectError(importFile(t.archive, d), message, loc(d))
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('an edge list without its node list is refused', async () => {
    const f = join(t.dir, 'lonely.edges.csv')
    writeFileSync(f, 'week,source,target,weight\n2024-01-01,A,B,1\n')
    await expectError(importFile(t.archive, f), /an edge list needs its node list/, { file: f })
  })

  it('non-UTF-8 bytes are refused with their offset', async () => {
    const f = join(t.dir, 'latin.csv')
    const bytes = Buffer.from('week,id,size\n2024-01-01,caf\u00e9,1\n', 'latin1')
    writeFileSync(f, bytes)
    await expectError(importFile(t.archive, f, { format: 'csv' }), /not valid UTF-8/, {
      file: f,
      offset: bytes.indexOf(0xe9),
    })
  })
})
