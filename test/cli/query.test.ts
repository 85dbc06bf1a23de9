// Story: an analyst asks the archive questions from the shell with `dexposure query` — a table,
// CSV and JSON exports, SQL from a file or stdin, named parameters — gets the documented exit codes
// (2 usage, 3 bad SQL with its position, 5 unknown week, 8 time limit, 130 Ctrl-C), and finds the
// query functions agree with `dexposure forecast`, `stats` and `risk` for the same week.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoArchiveCopy } from '../engine/query/demo-fixture'
import { CLI, runCli, runCliJson } from './run-cli'

const WEEK = '2022-05-09'
let dir: string
let archive: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-query-'))
  archive = await demoArchiveCopy(dir)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const query = (...args: string[]) => runCli(['--archive', archive, 'query', ...args])

interface Result {
  statements: { columns: { name: string }[]; data: unknown[][]; rowCount: number }[]
  runs: { kind: string; computed: boolean }[]
}
const rowsOf = (r: Result, i = 0) =>
  Array.from({ length: r.statements[i].rowCount }, (_, k) =>
    Object.fromEntries(r.statements[i].columns.map((c, j) => [c.name, r.statements[i].data[j][k]])),
  )

describe('dexposure query', () => {
  it('prints a table, NULL as NULL, the row count on stderr', () => {
    const r = query(`SELECT week, n_nodes, NULL AS missing FROM weeks ORDER BY week LIMIT 2`)
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines.slice(0, 2)).toEqual([
      'week        n_nodes  missing',
      '----------  -------  -------',
    ])
    expect(lines[2]).toMatch(/^2020-03-23 +\d+ {2}NULL$/)
    expect(lines[3]).toMatch(/^2020-03-30 +\d+ {2}NULL$/)
    expect(r.stderr).toMatch(/2 rows in [\d.]+ ms/)
    expect(r.stderr).toMatch(/SYNTHETIC/)
  })

  it('answers --json with the query result, and binds --param values', () => {
    const r = runCliJson<Result>([
      '--archive',
      archive,
      'query',
      'SELECT node_id, size FROM nodes WHERE week = :week AND node_id = :node',
      '--param',
      `week=${WEEK}`,
      '--param',
      ':node=182',
    ])
    expect(rowsOf(r)).toEqual([{ node_id: '182', size: expect.any(Number) }])
  })

  it('streams every row as CSV to stdout or a file, and JSON', () => {
    const sql = `SELECT week, source, target, weight, '=HYPERLINK(1)' AS evil FROM edges WHERE week >= '2024-06-03'`
    const n = rowsOf(
      runCliJson<Result>(['--archive', archive, 'query', `SELECT count(*) AS n FROM (${sql})`]),
    )[0].n as number
    expect(n).toBeGreaterThan(10_000)
    const out = query(sql, '--format', 'csv')
    expect(out.code).toBe(0)
    const lines = out.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(n + 1)
    expect(lines[1].endsWith(",'=HYPERLINK(1)")).toBe(true)
    const file = join(dir, 'out.csv')
    expect(query(sql, '--format', 'csv', '--out', file).code).toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(out.stdout)
    const json = query('SELECT week, n_nodes FROM weeks ORDER BY week LIMIT 3', '--format', 'json')
    expect(JSON.parse(json.stdout)).toEqual([
      { week: '2020-03-23', n_nodes: expect.any(Number) },
      { week: '2020-03-30', n_nodes: expect.any(Number) },
      { week: '2020-04-06', n_nodes: expect.any(Number) },
    ])
    expect(
      query(sql, '--format', 'csv', '--max-rows', '5').stdout.trimEnd().split('\n'),
    ).toHaveLength(6)
  })

  it('reads SQL from stdin (-), a .sql file, or --file', async () => {
    const file = join(dir, 'q.sql')
    writeFileSync(file, '\ufeff-- title: weeks\nSELECT count(*) AS weeks FROM weeks;\n')
    expect(query(file).stdout).toMatch(/^weeks\n-----\n {2}283/)
    expect(query('--file', file).stdout).toMatch(/283/)
    const child = spawn(process.execPath, [CLI, '--archive', archive, 'query', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stdin.end('SELECT 7 AS seven')
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(code).toBe(0)
    expect(stdout).toMatch(/seven\n-----\n {4}7/)
  })

  it('exits 2 on usage errors', () => {
    for (const args of [
      [],
      ['SELECT 1', '--format', 'xml'],
      ['SELECT 1', '--param', 'no-equals'],
      ['SELECT 1', '--timeout', '0'],
      ['SELECT 1', '--max-rows', '-1'],
      ['SELECT 1', '--out', join(dir, 'x.txt')],
      ['SELECT 1; SELECT 2', '--format', 'csv'],
      ['SELECT 1', '--format', 'parquet'],
      ['SELECT :missing'],
    ]) {
      const r = query(...args)
      expect(r.code, args.join(' ')).toBe(2)
    }
    expect(query('SELECT 1', '--format', 'parquet').stderr).toMatch(/--out/)
  })

  it('exits 3 on bad SQL, naming the line and column and pointing at it', () => {
    const r = query('SELECT week\nFROM weeks\nORDER weight')
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('  ORDER weight\n        ^^^^^^\n')
    expect(r.stderr).toMatch(/dexposure: line 3, column 7, field sql: near "weight": syntax error/)
    expect(query('DELETE FROM weeks').code).toBe(3)
    expect(query('PRAGMA query_only = 0').code).toBe(3)
    expect(query("SELECT * FROM sis('2022-05-10')").stderr).toMatch(/not a Monday/)
  })

  it('exits 5 on an unknown week or a run that cannot be made, 8 past the time limit', () => {
    expect(query("SELECT * FROM sis('2099-01-05')").code).toBe(5)
    expect(query(`SELECT * FROM forecast_edges('${WEEK}', 3)`).code).toBe(5)
    const t0 = Date.now()
    const slow = query(
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
      '--timeout',
      '0.5',
    )
    expect(slow.code).toBe(8)
    expect(slow.stderr).toMatch(/time limit of 0.5 s/)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('exits 130 on Ctrl-C, stopping the query', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--archive',
        archive,
        'query',
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
        '--timeout',
        '60',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    await new Promise((r) => setTimeout(r, 1500))
    const t0 = Date.now()
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(code).toBe(130)
    expect(Date.now() - t0).toBeLessThan(5_000)
  })
})

describe('the query functions agree with the commands', () => {
  it('forecast_edges reads what `dexposure forecast` stored', () => {
    const f = runCliJson<{
      run_id: number
      top: { source: string; target: string; probability: number }[]
    }>(['--archive', archive, 'forecast', '--week', WEEK, '--horizon', '4', '--top', '10'])
    const r = runCliJson<Result>([
      '--archive',
      archive,
      'query',
      `SELECT source, target, probability, run_id FROM forecast_edges('${WEEK}', 4) LIMIT 10`,
    ])
    expect(r.runs).toEqual([expect.objectContaining({ kind: 'forecast', computed: false })])
    const rows = rowsOf(r)
    expect(rows.every((x) => x.run_id === f.run_id)).toBe(true)
    const key = (x: { [k: string]: unknown }) => `${String(x.source)}→${String(x.target)}`
    expect(new Set(rows.map(key))).toEqual(new Set(f.top.map(key)))
  })

  it('network_stats and sis read what `dexposure stats` stored', () => {
    const s = runCliJson<{
      values: Record<string, number | null>
      sisTop: { node: string; score: number }[]
    }>(['--archive', archive, 'stats', '--week', WEEK, '--top', '5'])
    const r = runCliJson<Result>([
      '--archive',
      archive,
      'query',
      `SELECT metric, value FROM network_stats('${WEEK}'); SELECT node_id, score FROM sis('${WEEK}') LIMIT 5`,
    ])
    for (const { metric, value } of rowsOf(r) as { metric: string; value: number | null }[])
      if (value === null) expect(s.values[metric]).toBeNull()
      else expect(value).toBeCloseTo(s.values[metric]!, 9)
    expect(rowsOf(r, 1).map((x) => x.node_id)).toEqual(s.sisTop.map((x) => x.node))
  })

  it('contagion reads what `dexposure risk` stored', () => {
    const risk = runCliJson<{
      graphs: {
        scenarios: {
          scenario: string
          results: { method: string; topLosses: { node: string; loss: number }[] }[]
        }[]
      }[]
    }>([
      '--archive',
      archive,
      'risk',
      '--week',
      WEEK,
      '--scenario',
      'S3',
      '--method',
      'eisenberg-noe',
    ])
    const top = risk.graphs[0].scenarios[0].results[0].topLosses
    const r = runCliJson<Result>([
      '--archive',
      archive,
      'query',
      `SELECT node_id, loss FROM contagion('${WEEK}', 'S3', 'eisenberg-noe') LIMIT ${top.length}`,
    ])
    expect(r.runs[0].computed).toBe(false)
    expect(rowsOf(r).map((x) => x.node_id)).toEqual(top.map((x) => x.node))
  })
})
