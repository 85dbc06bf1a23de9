// Hostile inputs through the CLI (issue 14 §6.2, §6.4, §6.5, §6.8): spreadsheet formulas in ids do
// not reach a CSV as formulas, weeks at the edge of the calendar are refused with the range, a
// missing model folder is "not found", and a second writer gets a CONFLICT (exit 4) while readers
// carry on during another process's write.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from './run-cli'

const HOSTILE = join(__dirname, '../fixtures/hostile')
let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-hostile-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const FORMULA_IDS = [
  "=cmd|' /C calc'!A0",
  '+SUM(1+1)',
  '@HYPERLINK("http://x")',
  '-5',
  '\tTAB',
  '\rCR',
  'plain, with "quotes"',
]

describe('forecast --out (CSV formula injection)', () => {
  it('writes ids that look like formulas with a leading quote, and numbers as numbers', () => {
    const archive = join(dir, 'formula.sqlite')
    runCliJson(['--archive', archive, 'import', join(HOSTILE, 'dexposure-formula-ids.json')])
    const out = join(dir, 'pairs.csv')
    const r = runCli(
      [
        '--archive',
        archive,
        '--quiet',
        'forecast',
        '--week',
        '2024-01-08',
        '--horizon',
        '1',
      ].concat(['--out', out]),
    )
    expect(r.code, r.stderr).toBe(0)
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows.length).toBeGreaterThan(0)
    const ids = new Set<string>()
    for (const row of rows) {
      for (const cell of [row.source, row.target]) {
        // A spreadsheet runs a cell that starts with = + - @ tab or CR; "-5" is a number.
        if (cell !== '-5') expect(cell).not.toMatch(/^[=+\-@\t\r]/)
        ids.add(cell.startsWith("'") ? cell.slice(1) : cell)
      }
      expect(Number.isFinite(Number(row.probability))).toBe(true)
    }
    // Every stored pair names hostile ids, each read back exactly once its quote is taken off.
    for (const id of ids) expect(FORMULA_IDS).toContain(id)
    expect(ids.size).toBeGreaterThanOrEqual(5)
    expect([...ids].some((id) => id.startsWith('='))).toBe(true)
  })
})

describe('weeks at the edges of the calendar', () => {
  it('refuses week 9999-12-27 at import, saying the range (exit 3)', () => {
    const r = runCli([
      '--archive',
      join(dir, 'far.sqlite'),
      'import',
      join(HOSTILE, 'dexposure-week-9999.json'),
    ])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(
      /week key 9999-12-27 is outside the supported range \(weeks run from 2000-01-03 to 2199-12-30\)/,
    )
  })

  it('refuses a forecast whose target week would be past 2199-12-30 (exit 2), storing nothing', () => {
    const archive = join(dir, 'last.sqlite')
    runCliJson(['--archive', archive, 'import', join(HOSTILE, 'dexposure-last-week.json')])
    const r = runCli(['--archive', archive, 'forecast', '--week', '2199-12-30', '--horizon', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /week 2199-12-30 \+ 1 weeks is past 2199-12-30, the last supported week \(weeks run from 2000-01-03 to 2199-12-30\)/,
    )
    const db = new Database(archive, { readonly: true })
    expect((db.prepare('SELECT count(*) c FROM forecast_runs').get() as { c: number }).c).toBe(0)
    db.close()
  })

  it('says a missing --model folder is not found (exit 5)', () => {
    const archive = join(dir, 'last.sqlite')
    const missing = join(dir, 'no-model-here')
    const r = runCli(
      ['--archive', archive, 'forecast', '--week', '2199-12-23', '--horizon', '1'].concat([
        '--model',
        missing,
      ]),
    )
    expect(r.code).toBe(5)
    expect(r.stderr).toContain(`model folder ${missing} does not exist`)
  })
})

describe('another process writing the archive', () => {
  const TIMEOUT_MS = 400
  const env = { DEXPOSURE_BUSY_TIMEOUT_MS: String(TIMEOUT_MS) }

  it('lets readers run, and gives a second writer a CONFLICT after the busy timeout', () => {
    const archive = join(dir, 'busy.sqlite')
    runCliJson(['--archive', archive, 'import', join(HOSTILE, 'dexposure-last-week.json')])
    // The other process: a write transaction held open (as an import holds one while it runs).
    const other = new Database(archive)
    other.exec('BEGIN IMMEDIATE')
    other.prepare("INSERT INTO archive_info (key, value) VALUES ('held-by-test', '1')").run()
    try {
      // Readers never wait: WAL lets them read the last committed state.
      const weeks = runCli(['--archive', archive, '--json', 'weeks'], env)
      expect(weeks.code, weeks.stderr).toBe(0)
      expect(JSON.parse(weeks.stdout)).toEqual([{ week: '2199-12-30', nodes: 2, edges: 1 }])
      const show = runCli(['--archive', archive, 'show', '--week', '2199-12-30'], env)
      expect(show.code, show.stderr).toBe(0)

      // A writer waits for the busy timeout, then says why it stopped (exit 4, no stack trace).
      for (const args of [
        ['import', join(HOSTILE, 'dexposure-formula-ids.json')],
        ['stats', '--week', '2199-12-30'],
      ]) {
        const started = Date.now()
        const w = runCli(['--archive', archive, ...args], env)
        expect(w.code, w.stderr).toBe(4)
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS)
        expect(w.stderr).toContain(
          `dexposure: ${archive}: another process is writing to the archive (an import?) — try again when it finishes (waited 0.4 s)`,
        )
        expect(w.stderr).not.toMatch(/internal error|SqliteError|at .*\.js:\d+/)
      }

      // The lock is taken late: a file that fails to parse is refused as bad input, not a conflict.
      const bad = runCli(
        ['--archive', archive, 'import', join(HOSTILE, 'dexposure-links-missing.json')],
        env,
      )
      expect(bad.code).toBe(3)
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    // Once the other writer is done, the same import goes through.
    expect(
      runCli(['--archive', archive, 'import', join(HOSTILE, 'dexposure-formula-ids.json')], env)
        .code,
    ).toBe(0)
  })
})
