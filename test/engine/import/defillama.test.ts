// Story: an analyst without the DeXposure network builds weekly exposure snapshots from DefiLlama
// API responses: node sizes from the TVL history, compositions from tokensInUsd, and edges holder →
// issuer through the token map, the DeXposure way.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { asOfMondays, mondayStart } from '../../../src/engine/import/defillama-series'
import { classifyToken, issuerOf } from '../../../src/engine/import/defillama'
import { prerequisite } from '../../setup/prerequisite'
import { expectError, FIXTURES, snapshot, tempArchive, type TempArchive } from './helpers'

const DIR = join(FIXTURES, 'defillama')
const RESPONSES = join(DIR, 'responses')
const REAL = join(FIXTURES, 'defillama-real')
const LITE = join(
  __dirname,
  '../../../../shared/data/real/defillama_api_samples/lite_protocols2_trimmed_2025-12.json',
)

let t: TempArchive
beforeEach(() => {
  t = tempArchive()
})
afterEach(() => t.close())

const ms = (iso: string) => Date.parse(iso)

function edgesOf(week: string) {
  const w = t.archive.loadWeek(week)
  return Array.from(w.edgeSrc, (s, j) => [w.nodeIds[s], w.nodeIds[w.edgeDst[j]], w.edgeWeight[j]])
}

describe('weekly resampling', () => {
  it('takes the last point on or before each Monday within 7 days, never older', () => {
    const pts = [
      { t: ms('2025-06-29T00:00:00Z'), v: 1 }, // Sunday
      { t: ms('2025-06-30T00:00:00Z'), v: 2 }, // Monday
      { t: ms('2025-06-30T18:00:00Z'), v: 3 }, // later that Monday: still "on" it
      { t: ms('2025-07-02T00:00:00Z'), v: 4 }, // then a gap of more than a week
      { t: ms('2025-07-15T09:00:00Z'), v: 5 }, // hourly last point
    ]
    // 2025-06-23: no point yet. 2025-07-07: 07-02 is within 6 days before. 2025-07-14: the last
    // point before it (07-02) is 12 days old, so the week has no value.
    expect([...asOfMondays(pts)]).toEqual([
      ['2025-06-30', 3],
      ['2025-07-07', 4],
    ])
    expect(mondayStart(ms('2025-07-06T23:59:59Z'))).toBe(ms('2025-06-30T00:00:00Z'))
  })

  it('drops a week whose window holds no point', () => {
    const pts = [
      { t: ms('2025-06-30T00:00:00Z'), v: 1 },
      { t: ms('2025-07-16T00:00:00Z'), v: 2 },
    ]
    expect([...asOfMondays(pts).keys()]).toEqual(['2025-06-30'])
  })
})

describe('token issuers', () => {
  it('classifies unmapped tokens like DeXposure', () => {
    expect(classifyToken('UNI-V2-LP')).toBe('LP')
    expect(classifyToken('UNKNOWN (ethereum:0xab)')).toBe('UNKNOWN')
    expect(classifyToken('RETH-F')).toBe('OTHER')
    expect(classifyToken('WETH')).toBe('PRIMARY')
    const map = new Map([
      ['LDO', { token: 'LDO', issuer: '182', group: 'MAP', frequency: 1 }],
      ['USDT', { token: 'USDT', issuer: 'USDT', group: 'PRIMARY', frequency: 1 }],
      ['XLP', { token: 'XLP', issuer: 'LP', group: 'LP', frequency: 1 }],
    ])
    expect(issuerOf('LDO', map)).toBe('182')
    expect(issuerOf('USDT', map)).toBe('USDT')
    expect(issuerOf('XLP', map)).toBeNull()
    expect(issuerOf('NEWCOIN', map)).toBe('NEWCOIN')
    expect(issuerOf('FOO-BAR', map)).toBeNull()
  })
})

describe('DefiLlama /protocol responses', () => {
  it('builds weekly nodes, compositions and holder → issuer edges from a directory of responses', async () => {
    await importFile(t.archive, join(DIR, 'token_to_protocol.json'))
    const r = await importFile(t.archive, RESPONSES)
    expect(r.format).toBe('defillama')
    expect(r.weeksInserted).toEqual(['2025-06-30', '2025-07-07', '2025-07-14'])
    expect(r.rows).toEqual({ protocols: 3 })
    expect(t.archive.protocols().get('1599')).toEqual({
      id: '1599',
      name: 'Aave V3',
      category: 'Lending',
      sector: null,
    })

    const w = t.archive.loadWeek('2025-06-30')
    expect(w.nodeIds).toEqual(['1599', '2269', '182', 'ETH', 'USDC', 'USDT', 'WETH'])
    // Aave's TVL on Monday 2025-06-30 (base chains only, borrowed excluded by default).
    expect(w.sizes[0]).toBeCloseTo(6.1e9 + 4.0e9 + 2.9e9 + 5.0e8 + 2.0e8 + 1.5e6, -2)
    expect(w.sizes[1]).toBe(5.7e10) // CEX: TVL without composition
    // Token nodes are sized by what the imported protocols hold of them.
    expect(Array.from(w.sizes.slice(3))).toEqual([2.31e10, 4.0e9, 1.0e7, 2.9e9])
    expect(edgesOf('2025-06-30')).toEqual([
      ['1599', '182', 6.1e9], // WSTETH, issued by Lido
      ['1599', 'USDC', 4.0e9],
      ['1599', 'WETH', 2.9e9],
      ['182', 'ETH', 2.31e10],
      ['182', 'USDT', 1.0e7],
    ])
    // DAI → issuer 118 is not imported (dropped), AAVE and LDO are self-holdings, the UNKNOWN
    // token has no issuer.
    expect(r.counts).toMatchObject({
      edges_endpoint_missing_dropped: 3,
      edges_self_loop_dropped: 6,
      edges_target_null_dropped: 3,
    })
    // The CEX has a gap around 2025-07-07 and is absent that week.
    expect(t.archive.loadWeek('2025-07-07').nodeIds).not.toContain('2269')
    const comp = t.archive.db
      .prepare(
        "SELECT composition FROM edges WHERE week = '2025-07-14' AND source = '1599' AND target = '182'",
      )
      .get() as { composition: string }
    expect(JSON.parse(comp.composition)).toEqual({ WSTETH: 6.5e9 })
  })

  it('adds the borrowed section when asked, without double counting per-chain keys', async () => {
    await importFile(t.archive, join(DIR, 'token_to_protocol.json'))
    await importFile(t.archive, join(RESPONSES, 'aave-v3.json'), { includeExtraSections: true })
    const w = t.archive.loadWeek('2025-06-30')
    expect(w.sizes[0]).toBeCloseTo(13.7015e9 + 1.51e9 + 5.0e8, -2)
    expect(edgesOf('2025-06-30')).toEqual(
      expect.arrayContaining([
        ['1599', 'USDC', 4.0e9 + 1.51e9],
        ['1599', 'WETH', 2.9e9 + 5.0e8],
      ]),
    )
  })

  it('accepts a JSON array of responses, and re-importing changes nothing', async () => {
    const arr = join(t.dir, 'all.json')
    const read = (f: string) => JSON.parse(readFileSync(join(RESPONSES, f), 'utf8'))
    writeFileSync(arr, JSON.stringify([read('aave-v3.json'), read('lido.json')]))
    const r1 = await importFile(t.archive, arr)
    expect(r1.weeksInserted).toHaveLength(3)
    const before = snapshot(t.archive)
    const r2 = await importFile(t.archive, arr)
    expect(r2.weeksUnchanged).toEqual(r1.weeksInserted)
    expect({ ...snapshot(t.archive), imports: 0 }).toEqual({ ...before, imports: 0 })
  })

  it('imports real tvl-only responses (no id: stored under the file name, and says so)', async () => {
    const r = await importFile(t.archive, REAL)
    expect(r.weeksInserted[0]).toBe('2025-06-30')
    expect(r.weeksInserted.at(-1)).toBe('2025-12-15')
    expect(r.weeksInserted).toHaveLength(25)
    expect(r.notes?.join('\n')).toMatch(
      /3 protocol\(s\) had no id or slug and are stored under their file name/,
    )
    expect(r.notes?.join('\n')).toMatch(/no response has tokensInUsd/)
    // Etherfuse starts on a Thursday: its first week is the next Monday; the Monday point wins.
    const hist = t.archive.nodeHistory('etherfuse')
    expect(hist.map((h) => [h.week, h.size])).toEqual([
      ['2025-11-17', 25157],
      ['2025-11-24', 25167],
      ['2025-12-01', 25167],
      ['2025-12-08', 298704],
    ])
    expect(t.archive.nodeHistory('oro-finance').every((h) => h.size === 0)).toBe(true)
    expect(t.archive.nodeHistory('weiss-finance')[0]).toMatchObject({
      week: '2025-06-30',
      size: 25114,
    })
  })

  it('resolves a response without id by its name in the archive', async () => {
    writeFileSync(join(t.dir, 'meta.csv'), 'id,name,category\n182,Lido,Liquid Staking\n')
    await importFile(t.archive, join(t.dir, 'meta.csv'))
    const lido = JSON.parse(readFileSync(join(RESPONSES, 'lido.json'), 'utf8'))
    delete lido.id
    writeFileSync(join(t.dir, 'lido-noid.json'), JSON.stringify(lido))
    const r = await importFile(t.archive, join(t.dir, 'lido-noid.json'))
    expect(r.notes?.[0]).toMatch(
      /1 protocol\(s\) had no id and were matched by name to archived protocols: Lido/,
    )
    expect(t.archive.loadWeek('2025-06-30').nodeIds[0]).toBe('182')
  })
})

describe('DefiLlama /protocols list', () => {
  it('imports metadata, resolving blank ids by name, slug or name and reporting it', async () => {
    writeFileSync(join(t.dir, 'meta.csv'), 'id,name,category\n4000,Kamino Lend,Lending\n')
    await importFile(t.archive, join(t.dir, 'meta.csv'))
    const r = await importFile(t.archive, join(DIR, 'protocols.json'))
    expect(r.format).toBe('defillama')
    expect(r.weeksInserted).toEqual([])
    expect(r.rows).toEqual({ protocols: 5 })
    const p = t.archive.protocols()
    expect(p.get('4000')).toMatchObject({ name: 'Kamino Lend', category: 'Lending' })
    expect(p.get('mystery-fi')).toMatchObject({ name: 'Mystery', category: 'Yield' })
    expect(p.get('Binance CEX')).toMatchObject({ category: 'CEX' })
    const notes = r.notes?.join('\n') ?? ''
    expect(notes).toMatch(/1 protocol\(s\) had no id and were matched by name.*Kamino Lend/)
    expect(notes).toMatch(/stored under their slug: Mystery/)
    expect(notes).toMatch(/stored under their name: Binance CEX/)
    expect(notes).toMatch(/carries no history/)
  })

  it.runIf(prerequisite(existsSync(LITE), `the real DefiLlama lite list (${LITE}, in ../shared)`))(
    'imports the real December 2025 lite list (blank ids)',
    async () => {
      const r = await importFile(t.archive, LITE)
      expect(r.rows.protocols).toBe(6685)
      expect(r.notes?.join('\n')).toMatch(/"mETH Protocol" appears again/)
      expect(t.archive.protocols().get('Aave V3')).toMatchObject({ category: 'Lending' })
    },
  )
})

describe('DefiLlama bad input', () => {
  const resp = (tvl: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ id: '7', name: 'P', tvl, ...extra })
  const cases: [string, string, RegExp, Record<string, unknown>, string?][] = [
    [
      'tvl not an array',
      resp({ a: 1 }, { chainTvls: { X: { tvl: [] } } }),
      /expected an array of \{date, totalLiquidityUSD\}/,
      { field: 'tvl' },
      '{"a"',
    ],
    [
      'tvl value a string',
      resp([{ date: 1751241600, totalLiquidityUSD: '5' }]),
      /totalLiquidityUSD must be a finite number \(found string\)/,
      { field: 'tvl[0].totalLiquidityUSD' },
      '"5"',
    ],
    [
      'tvl value overflows',
      resp([{ date: 1751241600, totalLiquidityUSD: 1 }]).replace(':1}', ':1e999}'),
      /totalLiquidityUSD must be a finite number \(found Infinity\)/,
      { field: 'tvl[0].totalLiquidityUSD' },
      '1e999',
    ],
    [
      'date not a number',
      resp([{ date: 'monday', totalLiquidityUSD: 5 }]),
      /date must be unix seconds/,
      { field: 'tvl[0].date' },
      '"monday"',
    ],
    [
      'token value null',
      resp([{ date: 1751241600, totalLiquidityUSD: 5 }], {
        tokensInUsd: [{ date: 1751241600, tokens: { USDT: null } }],
      }),
      /value of token "USDT" must be a finite number \(found null\)/,
      { field: 'tokensInUsd[0].tokens.USDT' },
      'null',
    ],
    [
      'not a response',
      JSON.stringify({ id: '7', name: 'P', tvl: 5 }),
      /not a DefiLlama \/protocol response/,
      { offset: 0 },
    ],
    [
      'duplicate protocol',
      `[${resp([])}, ${resp([])}]`,
      /protocol "7" appears twice among the responses/,
      { field: '[1]' },
    ],
  ]
  it.each(cases)('%s', async (_n, text, message, loc, at) => {
    const f = join(t.dir, 'bad.json')
    writeFileSync(f, text)
    const before = snapshot(t.archive)
    const expected = { file: f, ...loc } as Record<string, unknown>
    if (at) expected.offset = Buffer.from(text).indexOf(at)
    await expectError(importFile(t.archive, f, { format: 'defillama' }), message, expected)
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('an empty directory is refused', async () => {
    const d = join(t.dir, 'empty')
    mkdirSync(d)
    await expectError(importFile(t.archive, d), /neither nodes.csv nor .json/, { file: d })
  })
})
