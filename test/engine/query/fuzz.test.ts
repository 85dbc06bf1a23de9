// A hostile and malformed corpus against the query console: writes, PRAGMAs, ATTACH, VACUUM INTO,
// extension and file functions, recursive CTE bombs, huge strings and blobs, deep nesting, invalid
// UTF-8, many statements, abused query functions, and a few hundred random mutations. Every input
// must end in a result or a coded error (never a crash of the engine); the archive file and its WAL
// must be byte-identical afterwards; a query past its time limit must leave a recycled process
// that answers the next query.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { QueryEngine } from '../../../src/engine/query/engine'
import { Archive } from '../../../src/engine/store/archive'
import { isDexposureError } from '../../../src/shared/errors'
import { demoArchiveCopy } from './demo-fixture'

let dir: string
let file: string
let archive: Archive
let q: QueryEngine

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-query-fuzz-'))
  file = await demoArchiveCopy(dir)
  // as the workbench holds it: read-write, WAL
  archive = Archive.open(file)
  q = new QueryEngine(archive)
  // the runs the corpus reads, prepared before the archive is hashed (preparing them is the
  // engine's own write, not the query's)
  await q.run({
    sql: `SELECT count(*) FROM forecast_edges('2022-05-09', 1); SELECT count(*) FROM sis('2022-05-09');
          SELECT count(*) FROM contagion('2022-05-09', 'S1', 'reference')`,
  })
})
afterAll(() => {
  q.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

/** SHA-256 of the archive and of its WAL (absent = ''). */
function hashes(): string[] {
  return [file, `${file}-wal`].map((f) =>
    existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : '',
  )
}

const bomb = (body: string) =>
  `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) ${body}`

const CORPUS: string[] = [
  // writes, in every disguise
  "INSERT INTO archive_info VALUES ('k', 'v')",
  "insert/**/into archive_info values ('k','v')",
  'UPDATE weeks SET n_nodes = 0',
  'DELETE FROM edge_rows',
  "REPLACE INTO archive_info VALUES ('k', 'v')",
  "WITH x AS (SELECT 1) INSERT INTO archive_info SELECT 'k', 'v' FROM x",
  "INSERT INTO archive_info VALUES ('k', 'v') ON CONFLICT DO UPDATE SET value = 'w' RETURNING *",
  'CREATE TABLE t(x)',
  'CREATE TEMP TABLE t(x)',
  'CREATE TEMP VIEW v AS SELECT 1',
  'CREATE INDEX i ON weeks(n_nodes)',
  'CREATE TRIGGER tr AFTER INSERT ON weeks BEGIN DELETE FROM weeks; END',
  'CREATE VIRTUAL TABLE temp.f USING fts5(x)',
  'DROP TABLE weeks',
  'DROP VIEW edges_named',
  'ALTER TABLE weeks RENAME TO w2',
  "UPDATE sqlite_master SET sql = 'x'",
  'DELETE FROM temp.sqlite_master',
  // PRAGMAs that set something
  'PRAGMA query_only = 0',
  'PRAGMA query_only=OFF; INSERT INTO archive_info VALUES (1, 2)',
  'PRAGMA "query_only" = false',
  'pragma/**/query_only/**/=/**/0',
  'PRAGMA main.query_only(0)',
  'PRAGMA writable_schema = ON',
  'PRAGMA journal_mode = DELETE',
  'PRAGMA journal_mode = OFF',
  'PRAGMA wal_checkpoint(TRUNCATE)',
  'PRAGMA user_version = 99',
  'PRAGMA main.user_version = 1',
  'PRAGMA locking_mode = EXCLUSIVE',
  'PRAGMA foreign_keys = OFF',
  "PRAGMA temp_store_directory = '/tmp'",
  'PRAGMA mmap_size = 0',
  'PRAGMA integrity_check',
  'PRAGMA user_version(7)',
  // other files, extensions, raw pages
  "ATTACH ':memory:' AS m",
  `ATTACH '${'/tmp/dx-fuzz-attached.sqlite'}' AS x`,
  "SELECT 1; ATTACH 'file:/etc/passwd?mode=ro' AS p",
  'DETACH temp',
  'VACUUM',
  `VACUUM INTO '/tmp/dx-fuzz-vacuum-${process.pid}.sqlite'`,
  'REINDEX',
  'ANALYZE',
  'BEGIN IMMEDIATE',
  'BEGIN EXCLUSIVE; COMMIT',
  'SAVEPOINT a',
  "SELECT load_extension('/tmp/evil.so')",
  "SELECT \"load_extension\"('/tmp/evil.so', 'init')",
  "SELECT readfile('/etc/passwd')",
  "SELECT writefile('/tmp/dx-fuzz-written', 'x')",
  "SELECT edit('x', 'vi')",
  "SELECT fts3_tokenizer('simple', x'0000000000000000')",
  'SELECT * FROM sqlite_dbpage',
  'SELECT * FROM pragma_integrity_check',
  'SELECT name, pgsize FROM dbstat LIMIT 3',
  // CTE bombs and runaway joins (stopped at the time limit)
  bomb('SELECT count(*) FROM c'),
  bomb('SELECT max(x) FROM c'),
  "WITH RECURSIVE s(t) AS (SELECT 'x' UNION ALL SELECT t || t FROM s) SELECT length(t) FROM s",
  'SELECT count(*) FROM edge_rows a, edge_rows b',
  bomb('SELECT x FROM c ORDER BY x DESC LIMIT 1'),
  // huge strings and blobs
  'SELECT zeroblob(1000000000)',
  'SELECT length(zeroblob(1e9))',
  'SELECT randomblob(200000000)',
  "SELECT printf('%.*c', 300000000, 'x')",
  "SELECT replace(hex(zeroblob(50000000)), '0', 'ab')",
  'SELECT zeroblob(600000000) AS big',
  // deep nesting
  `SELECT ${'('.repeat(20000)}1${')'.repeat(20000)}`,
  `SELECT ${'-'.repeat(5000)}1`,
  `SELECT json(${'json_array('.repeat(1200)}1${')'.repeat(1200)})`,
  `SELECT * FROM ${'(SELECT * FROM '.repeat(300)}weeks${')'.repeat(300)}`,
  `SELECT 1 WHERE 1 IN (${Array.from({ length: 50000 }, (_, i) => i).join(',')})`,
  // invalid UTF-8, odd characters
  "SELECT CAST(x'fffe80c0' AS TEXT)",
  "SELECT '\ud800\udfff\ud800'",
  'SELECT 1\u0000; DROP TABLE weeks',
  "SELECT 'a\u0000b'",
  'SELECT "\u202e" FROM weeks',
  '\ufeffSELECT 1',
  // many statements, empty ones, malformed
  'SELECT 1;'.repeat(100),
  'SELECT 1;'.repeat(101),
  'SELECT 1;'.repeat(20000),
  ';;;;',
  'SELECT',
  "SELECT 'unterminated",
  'SELECT * FROM',
  ')))(((',
  ' '.repeat(100000),
  'SELECT * FROM weeks WHERE week = :week',
  // abused query functions
  "SELECT * FROM forecast_edges('2022-05-09', 1e308)",
  "SELECT * FROM forecast_edges('x', -1)",
  "SELECT * FROM forecast_edges('2022-05-09', 1, zeroblob(100))",
  'SELECT * FROM sis(NULL)',
  "SELECT * FROM sis(x'00')",
  "SELECT * FROM spillover('2022-05-09', 'nope')",
  "SELECT * FROM contagion('2022-05-09', 'S1', 'x')",
  "SELECT * FROM contagion('2022-05-09', 'nodes:' || 'a')",
  'SELECT link_prob(1, 2, 3, 4)',
  "SELECT link_prob('a', 'b', '2022-05-09', 1)",
  'SELECT * FROM node_history(zeroblob(100))',
  "SELECT * FROM node_edges('182', 'sideways')",
  'SELECT * FROM weeks w, sis(w.week) LIMIT 1',
  "SELECT * FROM dx_forecast_edges('2022-05-09', 1) LIMIT 1",
]

// sizable but quick: every case that runs away is stopped at this limit
const LIMIT_MS = 1500

async function attempt(sql: string): Promise<string> {
  const o = await outcome(sql)
  // DX_FUZZ_REPORT=1 prints what each input got (the figures of the report)
  if (process.env.DX_FUZZ_REPORT) console.log(`${o.padEnd(10)} ${JSON.stringify(sql.slice(0, 90))}`)
  return o
}

async function outcome(sql: string): Promise<string> {
  try {
    const r = await q.run({ sql, timeoutMs: LIMIT_MS, maxRows: 1000 })
    // nothing in the corpus may make the engine write a run
    expect(
      r.runs.filter((x) => x.computed),
      sql.slice(0, 200),
    ).toEqual([])
    return 'ok'
  } catch (e) {
    expect(isDexposureError(e), `${sql.slice(0, 200)}: ${String(e)}`).toBe(true)
    if (!isDexposureError(e)) return 'crash'
    expect(
      ['BAD_INPUT', 'USAGE', 'NOT_FOUND', 'LIMIT'],
      `${sql.slice(0, 200)}: ${e.message}`,
    ).toContain(e.code)
    if (process.env.DX_FUZZ_REPORT) return `${e.code}: ${e.message.slice(0, 100)}`
    return e.code
  }
}

it('survives the hostile corpus: the archive unchanged, the process recycled, the next query answered', async () => {
  const before = hashes()
  const startsBefore = q.process.starts
  const outcomes = new Map<string, number>()
  for (const sql of CORPUS) {
    const o = await attempt(sql)
    outcomes.set(o, (outcomes.get(o) ?? 0) + 1)
    // no write of any kind got through
    expect(
      o === 'ok' &&
        /^\s*(insert|update|delete|create|drop|alter|attach|vacuum|pragma\s+\w+\s*=)/i.test(sql),
      sql,
    ).toBe(false)
  }
  expect(hashes()).toEqual(before)
  expect(outcomes.get('LIMIT') ?? 0).toBeGreaterThanOrEqual(5)
  expect(q.process.starts).toBeGreaterThan(startsBefore) // stopped processes were replaced
  const r = await q.run({ sql: 'SELECT count(*) AS weeks FROM weeks' })
  expect(r.statements[0].data[0]).toEqual([283])
  // no file appeared where the corpus tried to write one
  expect(existsSync(`/tmp/dx-fuzz-vacuum-${process.pid}.sqlite`)).toBe(false)
  expect(existsSync('/tmp/dx-fuzz-written')).toBe(false)
  expect(readdirSync(dir).sort()).toEqual(['a.sqlite', 'a.sqlite-shm', 'a.sqlite-wal'])
}, 300_000)

it('survives random mutations of ordinary queries', async () => {
  const seeds = [
    "SELECT week, source, target, weight FROM edges WHERE week = '2022-05-09' ORDER BY weight DESC LIMIT 20",
    'SELECT n.week, p.name, n.size FROM nodes n JOIN protocols p ON p.id = n.node_id WHERE n.size > 1e9',
    'WITH t AS (SELECT week, sum(weight) AS w FROM edges GROUP BY week) SELECT * FROM t WHERE w > 0 LIMIT 5',
    "SELECT json_extract(counts, '$.edges_kept') FROM weeks; SELECT * FROM protocols WHERE name LIKE 'A%'",
    'PRAGMA table_info(edges)',
  ]
  const pieces = [
    ';',
    "'",
    '"',
    '(',
    ')',
    '--',
    '/*',
    '*/',
    ' DELETE ',
    ' ATTACH ',
    ' PRAGMA ',
    ' = ',
    ' query_only ',
    ' VACUUM ',
    ' INTO ',
    ' UNION ALL SELECT ',
    ' WITH RECURSIVE ',
    '\u0000',
    '\ud800',
    "x'",
    '?',
    ':p',
    ' INSERT ',
    ' CREATE TEMP TABLE ',
    ' zeroblob(1e9) ',
    ' load_extension(',
    ',',
    ' FROM ',
    ' AS ',
  ]
  let state = 12345
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state % n
  }
  const before = hashes()
  const seen = new Map<string, number>()
  for (let i = 0; i < 300; i++) {
    let s = seeds[rand(seeds.length)]
    for (let k = 1 + rand(4); k > 0; k--) {
      const at = rand(s.length + 1)
      const op = rand(3)
      if (op === 0) s = s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(at)
      else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rand(8))
      else s = s.slice(0, at) + s.slice(rand(s.length)) // splice in a copy of another part
    }
    const o = await attempt(s)
    seen.set(o, (seen.get(o) ?? 0) + 1)
  }
  expect(hashes()).toEqual(before)
  expect(seen.get('ok') ?? 0).toBeGreaterThan(0)
  expect(seen.get('BAD_INPUT') ?? 0).toBeGreaterThan(0)
}, 300_000)
