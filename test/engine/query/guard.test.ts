// The query console's statement filter and analysis (src/engine/query/guard.ts): what is let
// through, what is refused and where, parameters, the calls of the query functions and the runs
// they name, and the rename of calls whose name is also a table.
import { describe, expect, it } from 'vitest'
import { checkQuery, originalOffset, type QueryParams } from '../../../src/engine/query/guard'
import { DexposureError } from '../../../src/shared/errors'

function refusal(sql: string, params: QueryParams = {}): DexposureError {
  try {
    checkQuery(sql, params)
  } catch (e) {
    expect(e).toBeInstanceOf(DexposureError)
    return e as DexposureError
  }
  throw new Error(`not refused: ${sql}`)
}

describe('statement filter', () => {
  it('lets through reads: SELECT, WITH, VALUES, EXPLAIN, read-only PRAGMAs', () => {
    for (const sql of [
      'SELECT 1',
      'select * from weeks; values (1), (2)',
      'WITH t AS (SELECT 1 AS a) SELECT a FROM t',
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5) SELECT * FROM c',
      'EXPLAIN QUERY PLAN SELECT * FROM edges',
      'EXPLAIN SELECT 1',
      'PRAGMA table_info(edges)',
      'PRAGMA main.table_info("weeks")',
      'PRAGMA user_version',
      "SELECT * FROM pragma_table_info('edges')",
      "SELECT 'DELETE FROM weeks; DROP TABLE x' AS text -- INSERT",
      'SELECT "update" FROM (SELECT 1 AS "update")',
      "SELECT replace('a', 'b', 'c')",
      '/* ATTACH */ SELECT 1',
    ])
      expect(() => checkQuery(sql), sql).not.toThrow()
  })

  it('refuses writes, schema changes, ATTACH, VACUUM and setting PRAGMAs, at the offending word', () => {
    const cases: [string, string][] = [
      ['DELETE FROM weeks', 'DELETE'],
      ['INSERT INTO weeks VALUES (1)', 'INSERT'],
      ['REPLACE INTO weeks VALUES (1)', 'REPLACE'],
      ["WITH x AS (SELECT 1) INSERT INTO archive_info VALUES ('a', 'b')", 'INSERT'],
      ['WITH x AS (SELECT 1) DELETE FROM weeks', 'DELETE'],
      ['CREATE TEMP TABLE t(x)', 'CREATE'],
      ['SELECT 1; DROP TABLE weeks', 'DROP'],
      ["ATTACH '/tmp/x.db' AS x", 'ATTACH'],
      ['DETACH x', 'DETACH'],
      ["VACUUM INTO '/tmp/copy.sqlite'", 'VACUUM'],
      ['ANALYZE', 'ANALYZE'],
      ['REINDEX', 'REINDEX'],
      ['BEGIN', 'BEGIN'],
      ['SAVEPOINT a', 'SAVEPOINT'],
      ['PRAGMA query_only = 0', 'query_only'],
      ['PRAGMA query_only(0)', 'query_only'],
      ['PRAGMA writable_schema = 1', 'writable_schema'],
      ['PRAGMA journal_mode = DELETE', 'journal_mode'],
      ['PRAGMA user_version = 7', '='],
      ['PRAGMA user_version(7)', '('],
      ['PRAGMA wal_checkpoint(TRUNCATE)', 'wal_checkpoint'],
      ['PRAGMA x.table_info(edges)', 'x'],
      ["SELECT load_extension('/tmp/evil.so')", 'load_extension'],
      ['SELECT "load_extension"(\'x\')', '"load_extension"'],
      ["SELECT writefile('/tmp/x', 'y')", 'writefile'],
      ["SELECT fts3_tokenizer('simple', x'00')", 'fts3_tokenizer'],
      ['SELECT * FROM sqlite_dbpage', 'sqlite_dbpage'],
      ['SELECT * FROM pragma_integrity_check', 'pragma_integrity_check'],
      ['EXPLAIN DELETE FROM weeks', 'DELETE'],
      ['(SELECT 1)', '('],
      ["SELECT 'unterminated", "'unterminated"],
    ]
    for (const [sql, word] of cases) {
      const e = refusal(sql)
      expect(e.code, sql).toBe('BAD_INPUT')
      expect(e.location.field).toBe('sql')
      expect(sql.slice(e.location.offset!, e.location.offset! + word.length), sql).toBe(word)
      expect(e.location.line).toBe(1)
      expect(e.location.column).toBe(e.location.offset! + 1)
    }
  })

  it('bounds what one run holds', () => {
    expect(refusal('SELECT 1;'.repeat(101)).message).toMatch(/101 statements/)
    expect(refusal('SELECT 1 --' + 'x'.repeat(1_000_000)).code).toBe('USAGE')
    expect(refusal('  -- nothing\n').message).toMatch(/no SQL statement/)
  })
})

describe('parameters', () => {
  it('binds named and positional parameters, per statement', () => {
    const [a, b] = checkQuery('SELECT :week, @h, $week; SELECT 1', { week: 'w', ':h': 4 })
    expect(a.bind).toEqual({ positional: [], named: { week: 'w', h: 4 } })
    expect(b.bind).toEqual({ positional: [], named: null })
    const [c] = checkQuery('SELECT ?, ?', ['x', null])
    expect(c.bind.positional).toEqual(['x', null])
  })

  it('refuses a parameter without a value (USAGE, at the parameter) and numbered ones', () => {
    const e = refusal('SELECT * FROM weeks WHERE week = :week')
    expect(e.code).toBe('USAGE')
    expect(e.location.offset).toBe(33)
    expect(refusal('SELECT ?', []).code).toBe('USAGE')
    expect(refusal('SELECT ?2', ['a', 'b']).message).toMatch(/numbered parameters/)
  })
})

describe('query functions', () => {
  it('finds the runs literal and bound arguments name', () => {
    const [s] = checkQuery(
      `SELECT * FROM forecast_edges('2022-05-09', 4) f, sis(:week) s, contagion('2022-05-09', 's1', 'DebtRank')
       WHERE link_prob(f.source, f.target, '2022-05-16', 12) > 0 AND s.node_id IN (SELECT node_id FROM network_stats(:week))`,
      { week: '2022-05-02' },
    )
    expect(s.needs.map(({ at: _at, ...n }) => n)).toEqual([
      { kind: 'forecast', week: '2022-05-09', horizon: 4, model: null },
      { kind: 'stats', week: '2022-05-02' },
      { kind: 'contagion', week: '2022-05-09', scenario: 'S1', method: 'debtrank' },
      { kind: 'forecast', week: '2022-05-16', horizon: 12, model: null },
      { kind: 'stats', week: '2022-05-02' },
    ])
    // the contagion run is named by its canonical shock spec
    const [c] = checkQuery("SELECT * FROM contagion('2022-05-09', 'top:3:SIS @ 50%')")
    expect(c.needs[0]).toMatchObject({ scenario: 'top:3:sis@0.5', method: null })
  })

  it('leaves calls with arguments from other tables to what is stored', () => {
    const [s] = checkQuery('SELECT * FROM weeks w, sis(w.week) s, node_history(s.node_id)')
    expect(s.needs).toEqual([])
    expect(s.calls.map((c) => c.spec.name)).toEqual(['sis', 'node_history'])
  })

  it('renames calls of names that are also tables, and only calls', () => {
    const sql = `SELECT * FROM forecast_edges('2022-05-09', 4) JOIN forecast_edges USING (source)
      WHERE EXISTS (SELECT 1 FROM "Network_Stats"('2022-05-09'))`
    const [s] = checkQuery(sql)
    expect(s.sql).toContain("dx_forecast_edges('2022-05-09', 4) JOIN forecast_edges USING")
    expect(s.sql).toContain("dx_network_stats('2022-05-09')")
    // positions in the rewritten SQL map back to the request's
    const at = s.sql.indexOf('USING')
    expect(originalOffset(s, at)).toBe(sql.indexOf('USING'))
    // a CTE of the same name with a column list is not a call
    const [cte] = checkQuery('WITH sis(a) AS (SELECT 1) SELECT * FROM sis')
    expect(cte.calls).toEqual([])
    // an alias after a call is still a call
    const [alias] = checkQuery("SELECT * FROM sis('2022-05-09') AS s")
    expect(alias.calls).toHaveLength(1)
  })

  it('refuses malformed arguments at the argument', () => {
    const cases: [string, string, RegExp][] = [
      ["SELECT * FROM sis('2022-05-10')", "'2022-05-10'", /not a Monday/],
      ['SELECT * FROM sis(20220509)', '20220509', /expected a week/],
      ["SELECT * FROM forecast_edges('2022-05-09', 0)", '0', /horizon/],
      ["SELECT * FROM forecast_edges('2022-05-09', 'x')", "'x'", /horizon/],
      ["SELECT * FROM contagion('2022-05-09', 'nonsense')", "'nonsense'", /neither a scenario/],
      [
        "SELECT * FROM contagion('2022-05-09', 'S1', 'magic')",
        "'magic'",
        /unknown contagion method/,
      ],
    ]
    for (const [sql, arg, message] of cases) {
      const e = refusal(sql)
      expect(e.code, sql).toBe('BAD_INPUT')
      expect(e.message).toMatch(message)
      expect(sql.slice(e.location.offset!, e.location.offset! + e.location.length!)).toBe(arg)
    }
  })
})
