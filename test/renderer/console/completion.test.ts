// The console's completion, parameter hints and hover docs, on a schema shaped as query.schema
// answers (tables and views with typed columns, the query functions, the archived weeks).
import { describe, expect, it } from 'vitest'
import {
  complete,
  hoverAt,
  literalRole,
  searchNodes,
  signatureAt,
  sourcesOf,
  type NodeDirectory,
  type QuerySchema,
} from '../../../src/renderer/src/views/console/completion'
import { splitStatements } from '../../../src/shared/sql/tokens'

const col = (name: string, type: string) => ({ name, type, notNull: false, primaryKey: false })
const schema: QuerySchema = {
  tables: [
    {
      name: 'edges',
      kind: 'table',
      schema: 'main',
      columns: [
        col('week', 'TEXT'),
        col('source', 'TEXT'),
        col('target', 'TEXT'),
        col('weight', 'REAL'),
      ],
      doc: 'one row per exposure',
    },
    {
      name: 'nodes',
      kind: 'table',
      schema: 'main',
      columns: [col('week', 'TEXT'), col('node_id', 'TEXT'), col('size', 'REAL')],
      doc: null,
    },
    {
      name: 'edges_named',
      kind: 'view',
      schema: 'temp',
      columns: [col('week', 'TEXT'), col('holder_name', 'TEXT'), col('issuer_name', 'TEXT')],
      doc: 'edges with names',
    },
  ],
  functions: [
    {
      name: 'forecast_edges',
      kind: 'table',
      signature: 'forecast_edges(week, horizon [, model])',
      params: [
        { name: 'week', type: 'TEXT', optional: false, doc: 'anchor week' },
        { name: 'horizon', type: 'INTEGER', optional: false, doc: 'weeks ahead' },
        { name: 'model', type: 'TEXT', optional: true, doc: 'model name' },
      ],
      columns: [
        { name: 'source', type: 'TEXT', doc: 'holder node id' },
        { name: 'probability', type: 'REAL', doc: 'calibrated probability' },
      ],
      returns: null,
      doc: 'The stored pairs of the latest forecast run.',
      cost: 'about 10 ms',
    },
    {
      name: 'node_history',
      kind: 'table',
      signature: 'node_history(node)',
      params: [{ name: 'node', type: 'TEXT', optional: false, doc: 'node id' }],
      columns: [{ name: 'size', type: 'REAL', doc: 'TVL' }],
      returns: null,
      doc: 'One node in every week.',
      cost: 'under 1 ms',
    },
    {
      name: 'link_prob',
      kind: 'scalar',
      signature: 'link_prob(source, target, week, horizon)',
      params: [
        { name: 'source', type: 'TEXT', optional: false, doc: 'holder' },
        { name: 'target', type: 'TEXT', optional: false, doc: 'issuer' },
        { name: 'week', type: 'TEXT', optional: false, doc: 'week' },
        { name: 'horizon', type: 'INTEGER', optional: false, doc: 'h' },
      ],
      columns: [],
      returns: 'REAL',
      doc: 'A probability.',
      cost: 'a lookup',
    },
  ],
  weeks: ['2022-05-02', '2022-05-09', '2022-05-16'],
  pragmas: ['table_info'],
  exportFormats: ['csv', 'json'],
}
const nodes: NodeDirectory = {
  ids: ['182', '1820', 'aave', '0xabc'],
  names: ['Lido', 'Lido Finance v2', 'Aave', null],
}

/** Completes at the `|` of `text`. */
function at(text: string, n: NodeDirectory | null = nodes) {
  const offset = text.indexOf('|')
  const sql = text.replace('|', '')
  return { sql, offset, result: complete(sql, offset, schema, n) }
}
const labels = (text: string, n?: NodeDirectory | null) =>
  at(text, n).result.items.map((i) => i.label)

describe('completion', () => {
  it('offers tables, views and table functions after FROM, replacing the typed word', () => {
    const { sql, result } = at('SELECT * FROM ed|')
    expect(result.items.map((i) => i.label)).toEqual(
      expect.arrayContaining(['edges', 'edges_named', 'nodes', 'forecast_edges', 'node_history']),
    )
    // scalar functions and keywords are not table sources
    expect(result.items.map((i) => i.label)).not.toContain('link_prob')
    expect(result.items.map((i) => i.label)).not.toContain('WHERE')
    expect(sql.slice(result.from, result.to)).toBe('ed')
    const fn = result.items.find((i) => i.label === 'forecast_edges')!
    expect(fn.snippet).toBe(true)
    expect(fn.insertText).toBe('forecast_edges(${1:week}, ${2:horizon})')
    expect(fn.documentation).toContain('about 10 ms')
    // the word being typed is not offered back as a table of its own
    expect(result.items.map((i) => i.label)).not.toContain('ed')
    // a common table expression is
    expect(labels('WITH top AS (SELECT 1) SELECT * FROM t|')).toContain('top')
  })

  it('offers table names after JOIN and after a comma in a FROM list', () => {
    expect(labels('SELECT * FROM edges e JOIN |')).toContain('nodes')
    expect(labels('SELECT * FROM edges e, |')).toContain('nodes')
    // a comma in the select list is not a FROM list
    // (the general list: keywords too, which a table position never offers)
    expect(labels('SELECT week, | FROM edges')).toContain('WHERE')
    expect(labels('SELECT week, | FROM edges')).toContain('weight')
  })

  it('completes `alias.` with the columns of the aliased table', () => {
    const { sql, result } = at('SELECT e.| FROM edges AS e')
    expect(result.items.map((i) => i.label)).toEqual(['week', 'source', 'target', 'weight'])
    expect(result.from).toBe(sql.indexOf('e.') + 2)
    expect(labels('SELECT n.s| FROM edges e JOIN nodes n ON n.week = e.week')).toEqual([
      'week',
      'node_id',
      'size',
    ])
    // an alias without AS, and an alias of a table function
    expect(labels('SELECT f.| FROM forecast_edges(:week, 4) f')).toEqual(['source', 'probability'])
    // the table name itself qualifies too
    expect(labels('SELECT edges.| FROM edges')).toContain('weight')
  })

  it('offers the columns and aliases of the sources in scope, then functions and keywords', () => {
    const items = at('SELECT | FROM edges e JOIN nodes n ON 1').result.items
    const cols = items.filter((i) => i.kind === 'column').map((i) => i.label)
    expect(cols).toEqual(['week', 'source', 'target', 'weight', 'node_id', 'size'])
    expect(items.filter((i) => i.kind === 'alias').map((i) => i.label)).toEqual(['e', 'n'])
    expect(items.map((i) => i.label)).toEqual(
      expect.arrayContaining(['link_prob', 'count', 'WHERE']),
    )
    // columns sort before functions and keywords
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
    expect(sorted[0].kind).toBe('column')
  })

  it('reads only the statement under the cursor', () => {
    const items = at('SELECT * FROM nodes;\nSELECT | FROM edges').result.items
    expect(items.filter((i) => i.kind === 'column').map((i) => i.label)).not.toContain('node_id')
  })

  it('offers week literals after `week =` and as a function week argument, newest first', () => {
    const w = at('SELECT * FROM edges WHERE week = |').result.items.filter((i) => i.kind === 'week')
    expect(w.map((i) => i.label)).toEqual(["'2022-05-16'", "'2022-05-09'", "'2022-05-02'"])
    expect(labels('SELECT * FROM forecast_edges(|')).toContain("'2022-05-09'")
    // inside the literal: the bare weeks, replacing what is typed between the quotes
    const { sql, result } = at("SELECT * FROM edges WHERE week = '2022-05|'")
    expect(result.items.map((i) => i.label)).toEqual(['2022-05-16', '2022-05-09', '2022-05-02'])
    expect(sql.slice(result.from, result.to)).toBe('2022-05')
    // the second argument of forecast_edges is a horizon, not a week
    expect(labels('SELECT * FROM forecast_edges(:week, |')).not.toContain("'2022-05-09'")
  })

  it('offers node ids with their names inside string literals after source =, target =, node_id =', () => {
    const { sql, result } = at("SELECT * FROM edges WHERE source = 'lid|'")
    expect(result.items.map((i) => [i.label, i.detail])).toEqual([
      ['182', 'Lido'],
      ['1820', 'Lido Finance v2'],
    ])
    expect(result.incomplete).toBe(true)
    expect(sql.slice(result.from, result.to)).toBe('lid')
    // the filter text is what was typed, so the editor's own filter keeps the searched list
    expect(result.items[0].filterText).toBe('lid')
    expect(labels("SELECT * FROM edges WHERE target = 'aa|")).toEqual(['aave'])
    expect(labels("SELECT * FROM nodes WHERE node_id = '0x|'")).toEqual(['0xabc'])
    expect(labels("SELECT * FROM edges WHERE target IN ('182', 'aa|')")).toEqual(['aave'])
    expect(labels("SELECT * FROM node_history('aav|')")).toEqual(['aave'])
    expect(labels("SELECT link_prob('182', 'Aa|'")).toEqual(['aave'])
    // other string literals complete to nothing
    expect(labels("SELECT * FROM edges WHERE weight = 'x|'")).toEqual([])
    // before the universe has loaded: nothing, not an error
    expect(labels("SELECT * FROM edges WHERE source = 'l|'", null)).toEqual([])
  })

  it('offers nothing inside comments and numbers', () => {
    expect(labels('SELECT 1 -- FROM ed|')).toEqual([])
    expect(labels('SELECT 12|')).toEqual([])
  })
})

describe('sources of a statement', () => {
  const of = (sql: string) => sourcesOf(splitStatements(sql)[0].sig)
  it('finds tables, aliases, table function calls, sub-queries and CTE names', () => {
    expect(of('SELECT * FROM edges AS e LEFT JOIN nodes n ON 1 WHERE 1')).toEqual([
      { name: 'edges', alias: 'e', call: false, start: 14 },
      { name: 'nodes', alias: 'n', call: false, start: 35 },
    ])
    expect(
      of('SELECT * FROM forecast_edges(:week, 4) AS f, sis(:week)').map((s) => [
        s.name,
        s.alias,
        s.call,
      ]),
    ).toEqual([
      ['forecast_edges', 'f', true],
      ['sis', null, true],
    ])
    expect(
      of('WITH top AS (SELECT 1), b AS (SELECT 2) SELECT * FROM top t').map((s) => [
        s.name,
        s.alias,
      ]),
    ).toEqual([
      ['top', null],
      ['b', null],
      ['top', 't'],
    ])
    expect(of('SELECT * FROM (SELECT 1) AS q WHERE 1').map((s) => [s.name, s.alias])).toEqual([
      [null, 'q'],
    ])
    // a keyword after the table is not an alias
    expect(of('SELECT * FROM edges WHERE week = 1')[0].alias).toBeNull()
  })
})

describe('literal roles', () => {
  it('tells node and week literals from others', () => {
    const sig = splitStatements(
      "SELECT * FROM edges WHERE source = 'a' AND week >= '2022' AND weight = 'x'",
    )[0].sig
    const strings = sig.map((t, i) => [t, i] as const).filter(([t]) => t.kind === 'string')
    expect(strings.map(([, i]) => literalRole(sig, i, schema))).toEqual(['node', 'week', null])
  })
})

describe('node search', () => {
  it('ranks exact, then prefix, then substring matches, on ids and names', () => {
    expect(searchNodes(nodes, 'lido').map((i) => nodes.ids[i])).toEqual(['182', '1820'])
    expect(searchNodes(nodes, '182').map((i) => nodes.ids[i])).toEqual(['182', '1820'])
    expect(searchNodes(nodes, 'v2').map((i) => nodes.ids[i])).toEqual(['1820'])
    expect(searchNodes(nodes, '', 2)).toHaveLength(2)
  })
})

describe('parameter hints and hover docs', () => {
  it('names the query function and the argument under the cursor', () => {
    const sql = "SELECT * FROM forecast_edges('2022-05-09', 4, 'm')"
    const h = signatureAt(sql, sql.indexOf('4') + 1, schema)!
    expect(h.fn.name).toBe('forecast_edges')
    expect(h.active).toBe(1)
    expect(signatureAt(sql, sql.indexOf("'m'"), schema)!.active).toBe(2)
    // nested calls: the innermost one
    const nested = 'SELECT link_prob(lower(source), '
    expect(signatureAt(nested, nested.length, schema)!.active).toBe(1)
    expect(signatureAt('SELECT count(', 13, schema)).toBeNull()
    expect(signatureAt('SELECT 1', 8, schema)).toBeNull()
  })

  it('documents functions, tables and columns under the mouse', () => {
    const sql = 'SELECT e.weight, probability FROM edges e JOIN forecast_edges(:week, 4) f ON 1'
    expect(hoverAt(sql, sql.indexOf('forecast_edges') + 3, schema)!.markdown).toContain(
      'The stored pairs of the latest forecast run.',
    )
    expect(hoverAt(sql, sql.indexOf('edges e') + 1, schema)!.markdown).toContain(
      'one row per exposure',
    )
    expect(hoverAt(sql, sql.indexOf('probability') + 1, schema)!.markdown).toContain(
      'calibrated probability',
    )
    expect(hoverAt(sql, sql.indexOf('weight') + 1, schema)!.markdown).toContain('REAL')
    expect(hoverAt(sql, 2, schema)).toBeNull() // SELECT
  })
})
