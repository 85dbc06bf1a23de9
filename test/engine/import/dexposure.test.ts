// Story: an analyst imports the DeXposure weekly network file. Good files land week by week with
// the reference's drop rules counted; bad files are refused with the file, week, field and byte
// offset of the problem, and a refused import leaves the archive exactly as it was.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { expectError, FIXTURES, snapshot, tempArchive, type TempArchive } from './helpers'

const SMALL = join(FIXTURES, 'dexposure/small.json')
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

const weekJson = (nodes: string, links = '[]') => `{"nodes": ${nodes}, "links": ${links}}`
const oneWeek = (week: string, body: string) => `{"data": {"${week}": ${body}}}`

describe('DeXposure JSON import', () => {
  it('imports every week, applies the reference drop rules and counts them', async () => {
    const r = await importFile(t.archive, SMALL)
    expect(r.format).toBe('dexposure')
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(r.weeksInserted).toEqual(['2025-06-30', '2025-07-07', '2025-07-14'])
    expect(r.counts).toEqual({
      nodes_kept: 8,
      edges_kept: 5,
      nodes_null_id_dropped: 1,
      nodes_negative_size_clipped: 1,
      edges_target_null_dropped: 1,
      edges_endpoint_missing_dropped: 1,
      edges_self_loop_dropped: 1,
      edges_nonpositive_dropped: 1,
      edges_duplicate_merged: 1,
    })
    const w = t.archive.loadWeek('2025-06-30')
    // Numeric ids are coerced to strings (reference: str()); file order is kept.
    expect(w.nodeIds).toEqual(['182', '1599', '2269', 'WETH', 'USDT'])
    expect(Array.from(w.sizes)).toEqual([2.31e10, 1.84e10, 5.6e10, 4.15e9, 0])
    const edges = Array.from(w.edgeSrc, (s, j) => [
      w.nodeIds[s],
      w.nodeIds[w.edgeDst[j]],
      w.edgeWeight[j],
    ])
    expect(edges).toEqual([
      ['1599', '182', 6.1e9],
      ['1599', 'WETH', 4.2e8],
      ['2269', 'USDT', 1.2e10],
    ])
    const comp = t.archive.db
      .prepare("SELECT composition FROM edges WHERE week = '2025-06-30' AND target = 'WETH'")
      .get() as { composition: string }
    expect(JSON.parse(comp.composition)).toEqual({ WETH: 4.2e8 })
    // Negative composition values are kept as in the file (features clip them).
    const node = t.archive.db
      .prepare(
        "SELECT composition, n_token_types FROM nodes WHERE week = '2025-06-30' AND node_id = '2269'",
      )
      .get() as { composition: string; n_token_types: number }
    expect(JSON.parse(node.composition)).toEqual({ BTC: 3.0e10, USDT: 1.2e10, WETH: -5 })
    expect(node.n_token_types).toBe(3)
    expect(t.archive.loadWeek('2025-07-07').nodeIds).toEqual(['182', '1599', 'WETH'])
    expect(t.archive.listWeeks().map((x) => [x.week, x.nodes, x.edges])).toEqual([
      ['2025-06-30', 5, 3],
      ['2025-07-07', 3, 2],
      ['2025-07-14', 0, 0],
    ])
  })

  it('re-importing the same file changes nothing', async () => {
    await importFile(t.archive, SMALL)
    const before = snapshot(t.archive)
    const r = await importFile(t.archive, SMALL)
    expect(r.weeksInserted).toEqual([])
    expect(r.weeksReplaced).toEqual([])
    expect(r.weeksUnchanged).toEqual(['2025-06-30', '2025-07-07', '2025-07-14'])
    const after = snapshot(t.archive)
    expect({ ...after, imports: 0 }).toEqual({ ...before, imports: 0 })
    expect(after.imports).toBe(before.imports + 1) // logged as status "unchanged"
  })

  it('refuses a week archived with different data unless replace is set', async () => {
    await importFile(t.archive, SMALL)
    const changed = write(
      'changed.json',
      readFileSync(SMALL, 'utf8').replace('"size": 2.40e10', '"size": 2.50e10'),
    )
    const before = snapshot(t.archive)
    await expectError(
      importFile(t.archive, changed),
      /already archived with different data.*--replace/,
      { week: '2025-07-07' },
      'CONFLICT',
    )
    expect(snapshot(t.archive)).toEqual(before)
    const r = await importFile(t.archive, changed, { replace: true })
    expect(r.weeksReplaced).toEqual(['2025-07-07'])
    expect(r.weeksUnchanged).toEqual(['2025-06-30', '2025-07-14'])
    expect(t.archive.loadWeek('2025-07-07').sizes[0]).toBe(2.5e10)
  })

  it('strict mode turns a link to a missing node into an error with its offset', async () => {
    const text = readFileSync(SMALL, 'utf8')
    const before = snapshot(t.archive)
    await expectError(
      importFile(t.archive, SMALL, { strict: true }),
      /2269 → 9999 names a node that is not in this week/,
      {
        file: SMALL,
        week: '2025-06-30',
        field: 'target',
        offset: Buffer.from(text).indexOf('{"source": "2269", "target": "9999"'),
      },
    )
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('cancels between weeks and rolls everything back', async () => {
    const ac = new AbortController()
    const before = snapshot(t.archive)
    await expectError(
      importFile(t.archive, SMALL, { signal: ac.signal, onProgress: () => ac.abort() }),
      /cancelled/,
      { file: SMALL, week: '2025-06-30' },
      'CANCELLED',
    )
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('reports progress per week in bytes', async () => {
    const seen: [string | undefined, number, number][] = []
    await importFile(t.archive, SMALL, {
      onProgress: (p) => seen.push([p.week, p.weeksDone, p.bytesDone]),
    })
    const size = readFileSync(SMALL).length
    expect(seen.map((s) => s[0])).toEqual(['2025-06-30', '2025-07-07', '2025-07-14'])
    expect(seen.map((s) => s[1])).toEqual([1, 2, 3])
    expect(seen[0][2]).toBeGreaterThan(0)
    expect(seen[2][2]).toBeLessThan(size)
    expect(seen[2][2]).toBeGreaterThan(size - 10)
  })
})

describe('DeXposure JSON bad input', () => {
  const good = weekJson('[{"id": "1", "size": 1}]')
  // [name, file text, message, expected location (offset given as the text it points at, or a number)]
  const cases: [
    string,
    string,
    RegExp,
    { week?: string; field?: string; at?: string; offset?: number },
  ][] = [
    ['empty file', '', /the file is empty/, { offset: 0 }],
    ['whitespace only', '  \n ', /the file is empty/, { offset: 0 }],
    ['top level is an array', '[{"data": {}}]', /top level is not a JSON object/, { offset: 0 }],
    ['no data key', '{"weeks": {"2025-06-30": {}}}', /no "data" key/, { field: 'data' }],
    [
      'data is not an object',
      '{"data": [1]}',
      /"data" must be an object/,
      { field: 'data', at: '[1]' },
    ],
    ['no weeks', '{"data": {}}', /"data" holds no weeks/, { field: 'data' }],
    [
      'week key not a date',
      oneWeek('2025-13-01', good),
      /"2025-13-01" is not a date/,
      { week: '2025-13-01', field: 'data', at: '"2025-13-01"' },
    ],
    [
      'week key not a Monday',
      oneWeek('2025-07-01', good),
      /2025-07-01 is not a Monday/,
      { week: '2025-07-01', field: 'data', at: '"2025-07-01"' },
    ],
    [
      'duplicate week',
      `{"data": {"2025-06-30": ${good}, "2025-06-30": ${good}}}`,
      /week 2025-06-30 appears twice/,
      { week: '2025-06-30', offset: 26 + good.length },
    ],
    [
      'unsorted weeks',
      `{"data": {"2025-07-07": ${good}, "2025-06-30": ${good}}}`,
      /not in order: 2025-06-30 comes after 2025-07-07/,
      { week: '2025-06-30', at: '"2025-06-30"' },
    ],
    [
      'week is not an object',
      '{"data": {"2025-06-30": []}}',
      /value of week 2025-06-30 is not an object/,
      { week: '2025-06-30', at: '[]' },
    ],
    [
      'nodes not an array',
      oneWeek('2025-06-30', weekJson('{"a": 1}')),
      /"nodes" must be an array \(found an object\)/,
      { week: '2025-06-30', field: 'nodes', at: '{"a"' },
    ],
    [
      'links missing',
      oneWeek('2025-06-30', '{"nodes": []}'),
      /the week has no "links" key \(a week is \{"nodes": \[\.\.\.\], "links": \[\.\.\.\]\}/,
      { week: '2025-06-30', field: 'links', at: '{"nodes"' },
    ],
    [
      'node not an object',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1}, 7]')),
      /node 1 is not an object/,
      { field: 'nodes[1]', at: '7]' },
    ],
    [
      'node id missing',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1}, {"size": 2}]')),
      /node 1: id is missing/,
      { field: 'nodes[1].id', at: '{"size": 2}' },
    ],
    [
      'node id of a wrong type',
      oneWeek('2025-06-30', weekJson('[{"id": {"x": 1}, "size": 2}]')),
      /id must be a string or a number \(found an object\)/,
      { field: 'nodes[0].id', at: '{"x"' },
    ],
    [
      'node size is a string',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": "12"}]')),
      /node "1": size must be a number \(found string\)/,
      { field: 'nodes[0].size', at: '"12"' },
    ],
    [
      'node size is null',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": null}]')),
      /size must be a number \(found null\)/,
      { field: 'nodes[0].size', at: 'null' },
    ],
    [
      'bare NaN',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": NaN}]')),
      /invalid JSON: .*NaN/,
      { week: '2025-06-30', at: 'NaN' },
    ],
    [
      'bare Infinity in a link',
      oneWeek(
        '2025-06-30',
        weekJson('[{"id": "1", "size": 1}]', '[{"source": "1", "target": "1", "size": -Infinity}]'),
      ),
      /invalid JSON: .*-Infinity/,
      { at: '-Infinity' },
    ],
    [
      '1e999 overflows to Infinity',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1e999}]')),
      /size is not finite \(Infinity\)/,
      { field: 'nodes[0].size', at: '1e999' },
    ],
    [
      'composition is an array',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1, "composition": [1]}]')),
      /^node 0: composition must be an object/,
      { field: 'nodes[0].composition', at: '[1]' },
    ],
    [
      'composition value is a string',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1, "composition": {"USDT": "5"}}]')),
      /^node 0: composition value must be a number/,
      { field: 'nodes[0].composition.USDT', at: '"5"' },
    ],
    [
      'composition value overflows',
      oneWeek('2025-06-30', weekJson('[{"id": "1", "size": 1, "composition": {"USDT": 2e400}}]')),
      /^node 0: composition value 2e400 is not a finite number/,
      { field: 'nodes[0].composition.USDT', at: '2e400' },
    ],
    [
      'link size missing',
      oneWeek(
        '2025-06-30',
        weekJson('[{"id": "1", "size": 1}]', '[{"source": "1", "target": "1"}]'),
      ),
      /link 1 → 1: size must be a number \(found undefined\)/,
      { field: 'links[0].size', at: '{"source"' },
    ],
    [
      'link source of a wrong type',
      oneWeek(
        '2025-06-30',
        weekJson('[{"id": "1", "size": 1}]', '[{"source": true, "target": "1", "size": 1}]'),
      ),
      /link 0: source must be a string or a number \(found boolean\)/,
      { field: 'links[0].source', at: 'true' },
    ],
    [
      'duplicate node id',
      oneWeek(
        '2025-06-30',
        weekJson('[{"id": "1", "size": 1}, {"id": "2", "size": 1}, {"id": 1, "size": 3}]'),
      ),
      /duplicate node id "1"/,
      { field: 'nodes[2].id', at: '1, "size": 3' },
    ],
    [
      'syntax error inside a week',
      oneWeek('2025-06-30', '{"nodes": [{"id": "1" "size": 1}], "links": []}'),
      /invalid JSON: expected ',' or '}'/,
      { week: '2025-06-30', at: '"size": 1}]' },
    ],
    ['unclosed string in a key', '{"data": {"2025-06-30', /ends inside a key/, {}],
    [
      'garbage after the end',
      oneWeek('2025-06-30', good) + ' x',
      /unexpected 'x' after the end/,
      { at: 'x' },
    ],
    [
      'missing comma between weeks',
      `{"data": {"2025-06-30": ${good} "2025-07-07": ${good}}}`,
      /expected ',' or '}' in the "data" object/,
      { at: '"2025-07-07"' },
    ],
  ]

  it.each(cases)('%s', async (_name, text, message, loc) => {
    const file = write('bad.json', text)
    const before = snapshot(t.archive)
    const offset =
      loc.offset ?? (loc.at !== undefined ? Buffer.from(text).indexOf(loc.at) : undefined)
    if (loc.at !== undefined) expect(offset).toBeGreaterThanOrEqual(0)
    const expected: Record<string, unknown> = { file }
    if (loc.week) expected.week = loc.week
    if (loc.field) expected.field = loc.field
    if (offset !== undefined) expected.offset = offset
    await expectError(importFile(t.archive, file, { format: 'dexposure' }), message, expected)
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('a truncated file names the week it ends in and the file size', async () => {
    const full = readFileSync(SMALL)
    const cut = full.subarray(0, full.indexOf('"2025-07-07"') + 200)
    const file = write('cut.json', cut)
    await importFile(t.archive, SMALL) // an earlier import stays untouched
    const before = snapshot(t.archive)
    await expectError(importFile(t.archive, file), /ends inside week 2025-07-07 \(truncated\?\)/, {
      file,
      week: '2025-07-07',
      offset: cut.length,
    })
    expect(snapshot(t.archive)).toEqual(before)
  })

  it('non-UTF-8 bytes are refused with their offset', async () => {
    const text = Buffer.from(
      oneWeek('2025-06-30', weekJson('[{"id": "caf\u00e9", "size": 1}, {"id": "XX", "size": 1}]')),
    )
    const at = text.indexOf('XX')
    text[at] = 0xff
    const file = write('latin.json', text)
    await expectError(importFile(t.archive, file), /not valid UTF-8 \(bad byte 0xff\)/, {
      file,
      week: '2025-06-30',
      offset: at,
    })
    expect(t.archive.listWeeks()).toEqual([])
  })

  it('a failure in a later week rolls back the weeks before it', async () => {
    const text = `{"data": {"2025-06-30": ${good}, "2025-07-07": ${weekJson('[{"id": "1", "size": "x"}]')}}}`
    const file = write('late.json', text)
    await expectError(importFile(t.archive, file), /size must be a number/, { week: '2025-07-07' })
    expect(snapshot(t.archive)).toMatchObject({ weeks: [], nodes: 0, edges: 0, imports: 0 })
  })
})
