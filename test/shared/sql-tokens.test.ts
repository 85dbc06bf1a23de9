// The SQL tokenizer and statement splitter (src/shared/sql/tokens.ts): token boundaries as SQLite
// draws them, statements split only at real semicolons, the statement under a cursor, parameters.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import {
  identName,
  isTrivia,
  lineColumn,
  splitStatements,
  statementAt,
  statementParams,
  stringValue,
  tokenize,
} from '../../src/shared/sql/tokens'

const kinds = (sql: string) =>
  tokenize(sql)
    .filter((t) => !isTrivia(t))
    .map((t) => `${t.kind}:${t.text}`)

describe('tokenize', () => {
  it('covers every character, in order, whatever the input', () => {
    for (const sql of [
      'SELECT \'a;b\' AS "x""y", [z] FROM t -- c;\n/* d; */ WHERE a >= 1.5e3',
      "x'0A' X'zz' 'open",
      '\u0000\ud800 ∑ 😀 ;;',
      '',
    ]) {
      const toks = tokenize(sql)
      expect(toks.map((t) => t.text).join('')).toBe(sql)
      for (let i = 1; i < toks.length; i++) expect(toks[i].start).toBe(toks[i - 1].end)
    }
  })

  it('reads strings, quoted names, comments, blobs, numbers, parameters and operators', () => {
    expect(
      kinds(
        `SELECT 'it''s', "a""b", \`c\`, [d e], x'0aFF', 0x1F, 1_000, .5, 3e-2, ?, ?2, :w, @x, $y, a->>'$.k' || b <> c != d`,
      ),
    ).toEqual([
      'ident:SELECT',
      "string:'it''s'",
      'op:,',
      'qident:"a""b"',
      'op:,',
      'qident:`c`',
      'op:,',
      'qident:[d e]',
      'op:,',
      "blob:x'0aFF'",
      'op:,',
      'number:0x1F',
      'op:,',
      'number:1_000',
      'op:,',
      'number:.5',
      'op:,',
      'number:3e-2',
      'op:,',
      'param:?',
      'op:,',
      'param:?2',
      'op:,',
      'param::w',
      'op:,',
      'param:@x',
      'op:,',
      'param:$y',
      'op:,',
      'ident:a',
      'op:->>',
      "string:'$.k'",
      'op:||',
      'ident:b',
      'op:<>',
      'ident:c',
      'op:!=',
      'ident:d',
    ])
    const [s, q, b] = tokenize(`'it''s' "a""b" [x]`).filter((t) => !isTrivia(t))
    expect(stringValue(s)).toBe("it's")
    expect(identName(q)).toBe('a"b')
    expect(identName(b)).toBe('x')
  })

  it('marks what SQLite calls an unrecognized token', () => {
    for (const [sql, bad] of [
      ["SELECT 'open", "'open"],
      ['SELECT "open', '"open'],
      ['SELECT [open', '[open'],
      ["SELECT x'abc'", "x'abc'"],
      ['SELECT 12abc', '12abc'],
      ['SELECT !1', '!'],
      ['SELECT :', ':'],
    ]) {
      const illegal = tokenize(sql).find((t) => t.kind === 'illegal')
      expect(illegal?.text, sql).toBe(bad)
      // SQLite agrees that the statement does not parse
      expect(() => new Database(':memory:').prepare(sql), sql).toThrow()
    }
  })

  it('agrees with SQLite on where statements end (sqlite3_complete is not exposed: prepare each)', () => {
    const sql = `SELECT ';' AS a; SELECT "x;y" FROM (SELECT 1 AS "x;y") -- ; no
      ; /* ; */ SELECT [a;b] FROM (SELECT 2 AS [a;b]);;  ;`
    const stmts = splitStatements(sql)
    expect(stmts.map((s) => s.text)).toEqual([
      "SELECT ';' AS a",
      'SELECT "x;y" FROM (SELECT 1 AS "x;y")',
      'SELECT [a;b] FROM (SELECT 2 AS [a;b])',
    ])
    const db = new Database(':memory:')
    for (const s of stmts) expect(() => db.prepare(s.text)).not.toThrow()
  })
})

describe('statementAt', () => {
  const sql = 'SELECT 1;\nSELECT 2; SELECT 3;\n\n-- note\nSELECT 4'
  it('finds the statement under the cursor, or the one just before it on its line', () => {
    expect(statementAt(sql, 3)?.text).toBe('SELECT 1')
    expect(statementAt(sql, 9)?.text).toBe('SELECT 1') // just after the ;
    expect(statementAt(sql, 12)?.text).toBe('SELECT 2')
    expect(statementAt(sql, sql.indexOf('SELECT 3') + 8)?.text).toBe('SELECT 3')
    expect(statementAt(sql, sql.indexOf('-- note'))?.text).toBe('SELECT 4')
    expect(statementAt('  ', 1)).toBeNull()
  })
})

describe('statementParams', () => {
  it('numbers parameters as SQLite does', () => {
    const sig = tokenize('SELECT ?, :week, ?5, ?, @x').filter((t) => !isTrivia(t))
    expect(statementParams(sig).map((p) => p.key)).toEqual([1, 'week', 5, 6, 'x'])
  })
})

describe('lineColumn', () => {
  it('is 1-based', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})
