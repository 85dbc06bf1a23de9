// Story: an analyst loads DeXposure's metadata (the real meta_df.csv, id_to_info.json and
// token_to_protocol.json) so nodes get names, categories, sectors and the token → issuer map.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { expectError, FIXTURES, snapshot, tempArchive, type TempArchive } from './helpers'

// The real files ship in resources/real (bundled, tracked): they are part of the product, not of
// the machine, so their tests never skip.
const REAL = join(__dirname, '../../../resources/real')
const META_DF = join(REAL, 'meta_df.csv')
const ID_TO_INFO = join(REAL, 'id_to_info.json')
const TOKEN_MAP = join(REAL, 'token_to_protocol.json')

let t: TempArchive
beforeEach(() => {
  t = tempArchive()
})
afterEach(() => t.close())

function write(name: string, text: string | Buffer): string {
  const f = join(t.dir, name)
  writeFileSync(f, text)
  return f
}

describe('real DeXposure metadata', () => {
  it('ships the three metadata files', () => {
    for (const f of [META_DF, ID_TO_INFO, TOKEN_MAP]) expect(existsSync(f), f).toBe(true)
  })

  it('meta_df.csv: 5,221 protocols with ids as strings and fine categories', async () => {
    const r = await importFile(t.archive, META_DF)
    expect(r.format).toBe('meta')
    expect(r.rows).toEqual({ protocols: 5221 })
    const p = t.archive.protocols()
    expect(p.get('2269')).toEqual({
      id: '2269',
      name: 'Binance CEX',
      category: 'CEX',
      sector: null,
    })
    expect(p.get('182')).toMatchObject({ name: 'Lido', category: 'Liquid Staking' })
    expect([...p.keys()].every((id) => /^\d+$/.test(id))).toBe(true)
  })

  it('id_to_info.json fills sectors and keeps meta_df names', async () => {
    await importFile(t.archive, META_DF)
    const r = await importFile(t.archive, ID_TO_INFO)
    expect(r.rows).toEqual({ protocols: 4700 })
    const p = t.archive.protocols()
    expect(p.get('2269')).toEqual({
      id: '2269',
      name: 'Binance CEX',
      category: 'CEX',
      sector: 'Trading & Exchanges',
    })
    expect(p.get('1599')).toMatchObject({
      name: 'AAVE V3',
      sector: 'Lending, Borrowing & Real World Assets',
    })
    const sectors = new Set([...p.values()].map((x) => x.sector))
    expect(sectors).toContain('Asset Management')
  })

  it('token_to_protocol.json: 25,094 tokens in five groups', async () => {
    const r = await importFile(t.archive, TOKEN_MAP)
    expect(r.rows).toEqual({ token_issuers: 25094 })
    const m = t.archive.tokenIssuers()
    expect(m.get('LDO')).toEqual({ token: 'LDO', issuer: '182', group: 'MAP', frequency: 76972 })
    expect(m.get('USDT')).toMatchObject({ issuer: 'USDT', group: 'PRIMARY' })
    expect(m.get('DAI')).toMatchObject({ issuer: '118', group: 'PRIMARY' })
    // Importing again changes nothing in the data.
    const before = snapshot(t.archive)
    await importFile(t.archive, TOKEN_MAP)
    expect({ ...snapshot(t.archive), imports: 0 }).toEqual({ ...before, imports: 0 })
  })
})

describe('metadata formats', () => {
  it('meta_df.csv: empty category is null, quoted names with commas are kept', async () => {
    const f = write('meta_df.csv', 'id,name,category\n7,"Foo, Inc.",Dexes\n8,Bar,\n')
    const r = await importFile(t.archive, f)
    expect(r.rows).toEqual({ protocols: 2 })
    expect(t.archive.protocols().get('7')).toMatchObject({ name: 'Foo, Inc.', category: 'Dexes' })
    expect(t.archive.protocols().get('8')).toMatchObject({ name: 'Bar', category: null })
  })

  it('id_to_info.json names a protocol that has no name yet', async () => {
    const f = write('info.json', JSON.stringify({ 9001: { name: 'New', category: 'Others' } }))
    await importFile(t.archive, f)
    expect(t.archive.protocols().get('9001')).toEqual({
      id: '9001',
      name: 'New',
      category: null,
      sector: 'Others',
    })
  })

  const cases: [string, string, string, RegExp, Record<string, unknown>][] = [
    [
      'meta_df.csv missing a column',
      'm.csv',
      'id,name\n1,A\n',
      /missing column "category"/,
      { line: 1, field: 'category' },
    ],
    [
      'meta_df.csv empty id',
      'm.csv',
      'id,name,category\n1,A,B\n,C,D\n',
      /empty id/,
      { line: 3, field: 'id' },
    ],
    [
      'meta_df.csv duplicate id',
      'm.csv',
      'id,name,category\n1,A,B\n1,C,D\n',
      /id "1" appears twice \(first on line 2\)/,
      { line: 3 },
    ],
    [
      'meta_df.csv ragged row',
      'm.csv',
      'id,name,category\n1,A,B\n2,C\n',
      /invalid CSV: .*Invalid Record Length/,
      { line: 3 },
    ],
    [
      'id_to_info.json wrong value',
      'i.json',
      '{"1": {"name": "A", "category": 5}}',
      /protocol "1": category must be a string \(found number\)/,
      { field: '["1"].category', offset: 32 },
    ],
    [
      'id_to_info.json not an object',
      'i.json',
      '{"1": ["A"]}',
      /protocol "1": expected \{"name", "category"\}/,
      { field: '["1"]', offset: 6 },
    ],
    [
      'token map bad id',
      't.json',
      '{"MAP": {"LDO": {"id": null, "frequency": 3}}}',
      /token "LDO": id must be a non-empty string or a number \(found null\)/,
      { field: 'MAP.LDO.id', offset: 23 },
    ],
    [
      'token map bad frequency',
      't.json',
      '{"MAP": {"LDO": {"id": "182", "frequency": 1.5}}}',
      /frequency must be a non-negative integer/,
      { field: 'MAP.LDO.frequency' },
    ],
    [
      'token in two groups',
      't.json',
      '{"MAP": {"X": {"id": "1"}}, "PRIMARY": {"X": {"id": "X"}}}',
      /token "X" is listed in groups "MAP" and "PRIMARY"/,
      { field: 'PRIMARY.X' },
    ],
    [
      'truncated JSON',
      't.json',
      '{"MAP": {"LDO": {"id": "182", "freq',
      /invalid JSON: unterminated string/,
      { offset: 30 },
    ],
  ]
  it.each(cases)('%s', async (_n, name, text, message, loc) => {
    const f = write(name, text)
    const before = snapshot(t.archive)
    await expectError(importFile(t.archive, f, { format: 'meta' }), message, { file: f, ...loc })
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('detects the three metadata files from their content', async () => {
    for (const [name, text] of [
      ['a.txt', 'id,name,category\n1,A,B\n'],
      ['b.txt', '{"1": {"name": "A", "category": "Others"}}'],
      ['c.txt', '{"MAP": {"LDO": {"id": "182", "frequency": 3}}}'],
    ]) {
      const r = await importFile(t.archive, write(name, text))
      expect(r.format).toBe('meta')
    }
    expect(t.archive.tokenIssuers().get('LDO')?.issuer).toBe('182')
    expect(t.archive.protocols().get('1')).toMatchObject({
      name: 'A',
      category: 'B',
      sector: 'Others',
    })
  })

  it('uses the fixture token map', async () => {
    const r = await importFile(t.archive, join(FIXTURES, 'defillama/token_to_protocol.json'))
    expect(r.rows).toEqual({ token_issuers: 11 })
  })
})
