// `--model` on the commands that read stored forecasts (issue 11), as a subprocess on a fresh demo
// archive: `risk --forecast H --model` refuses another model's stored run with a non-zero exit and
// a message naming both models, and measures the chosen model's run once it is stored;
// `report --model` builds the forecast of the chosen model (computing it), says so in Provenance,
// and puts the choice in the command that reproduces the report; `query --model` and
// `export --model` read the chosen model's run, not a newer run of another model.
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/cli/exit-codes'
import { defaultModelDir, readManifest } from '../../src/engine/forecast/model'
import { renamedModelCopy } from '../engine/model-fixture'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

const WEEK = '2025-08-11'
const CHOSEN = 'cli-chosen-h1'
let dir = ''
let archive = ''
let chosenDir = ''
let shippedName = ''
withDemoArchive('dx-cli-model-choice-', (d, a) => {
  dir = d
  archive = a
  // another 1-week model: the shipped graphs under another name, in a folder of its own
  chosenDir = renamedModelCopy(dir, CHOSEN)
  shippedName = readManifest(defaultModelDir(1)!).name
})

/** `dexposure forecast --week W --horizon 1 --top 0 [more]`: the stored run's id and model. */
const forecast = (week: string, ...more: string[]): { run_id: number; model: string } =>
  runCliJson([
    '--archive',
    archive,
    'forecast',
    '--week',
    week,
    '--horizon',
    '1',
    '--top',
    '0',
    ...more,
  ])

describe('dexposure risk --forecast H --model', () => {
  it("refuses another model's stored run, naming both models, then measures the chosen one's", () => {
    const f = forecast(WEEK)
    expect(f.model).toBe(shippedName)
    const args = ['--archive', archive, 'risk', '--week', WEEK, '--forecast', '1']
    const quick = ['--scenario', 'top-protocol', '--method', 'reference']
    const refused = runCli([...args, ...quick, '--model', chosenDir])
    expect(refused.code).toBe(EXIT.CONFLICT)
    expect(refused.stderr).toContain(`is of model ${shippedName}`)
    expect(refused.stderr).toContain(`not of the chosen model ${CHOSEN}`)
    expect(refused.stderr).toContain(`--model ${chosenDir}`)
    // Monte Carlo reads the same run: refused alike
    const mc = runCli([...args, ...quick, '--monte-carlo', '2', '--model', chosenDir])
    expect(mc.code).toBe(EXIT.CONFLICT)
    expect(mc.stderr).toContain(CHOSEN)
    // --model without --forecast is a usage error
    const usage = runCli(['--archive', archive, 'risk', '--week', WEEK, '--model', chosenDir])
    expect(usage.code).toBe(EXIT.USAGE)
    expect(usage.stderr).toMatch(/--model/)

    // forecast with the chosen model: now its run (older than none, newer than the shipped one) is
    // read; naming the shipped model by name still reads the shipped model's run
    const g = forecast(WEEK, '--model', chosenDir)
    const ok = runCli([...args, ...quick, '--model', chosenDir])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`forecast graph from forecast run ${g.run_id}, model ${CHOSEN}`)
    const byName = runCli([...args, ...quick, '--model', shippedName])
    expect(byName.code).toBe(0)
    expect(byName.stdout).toContain(
      `forecast graph from forecast run ${f.run_id}, model ${shippedName}`,
    )
  }, 300_000)
})

describe('dexposure report --model', () => {
  it("builds the chosen model's forecast, names it in Provenance and in the command", () => {
    const out = join(dir, 'r.html')
    const r = runCliJson<{ computed: string[]; command: string }>([
      '--archive',
      archive,
      'report',
      '--week',
      '2025-08-04',
      '--horizon',
      '1',
      '--model',
      `1=${chosenDir}`,
      '--section',
      'forecast',
      '--section',
      'provenance',
      '--out',
      out,
    ])
    expect(r.computed.join('\n')).toMatch(
      /forecast of 2025-08-04, h=1 \(run \d+, model cli-chosen-h1, chosen\)/,
    )
    expect(r.command).toContain(`--model 1=${chosenDir}`)
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/data-choice="chosen">Forecast run \d+ by cli-chosen-h1, the model chosen/)

    // a bare folder takes its manifest's horizon; a model of another horizon is refused
    const bare = runCli([
      '--archive',
      archive,
      'report',
      '--week',
      '2025-08-04',
      '--horizon',
      '1',
      '--model',
      chosenDir,
      '--section',
      'forecast',
      '--out',
      join(dir, 'r2.html'),
    ])
    expect(bare.code).toBe(0)
    const wrong = runCli([
      '--archive',
      archive,
      'report',
      '--week',
      '2025-08-04',
      '--model',
      `4=${chosenDir}`,
      '--out',
      join(dir, 'r3.html'),
    ])
    expect(wrong.code).toBe(EXIT.USAGE)
    expect(wrong.stderr).toMatch(/forecasts 1 weeks ahead, not 4/)
  }, 300_000)
})

describe('dexposure query --model and export --model', () => {
  it("read the chosen model's older run, not another model's newer one", () => {
    const week = '2025-07-28'
    const chosen = forecast(week, '--model', chosenDir).run_id
    const newer = forecast(week).run_id
    expect(newer).toBeGreaterThan(chosen)
    // both models hold the same graphs: a third of the newer run's pairs go, so the rows tell the
    // runs apart
    const db = new Database(archive)
    db.prepare('DELETE FROM forecast_edges WHERE run_id = ? AND rowid % 3 = 0').run(newer)
    const count = (run: number): number =>
      (
        db.prepare('SELECT count(*) AS n FROM forecast_edges WHERE run_id = ?').get(run) as {
          n: number
        }
      ).n
    const rows = { chosen: count(chosen), newer: count(newer) }
    db.close()
    expect(rows.newer).toBeLessThan(rows.chosen)

    type Query = {
      runs: { runId: number; model: string | null }[]
      statements: { rowCount: number }[]
    }
    const sql = `SELECT count(*) AS n FROM forecast_edges('${week}', 1)`
    const q = (...more: string[]): Query =>
      runCliJson<Query>(['--archive', archive, 'query', sql, ...more])
    expect(q().runs.map((r) => r.runId)).toEqual([newer])
    // (a folder; a name works for the listed models: the archive's models/hH and the shipped ones)
    for (const choice of [chosenDir, `1=${chosenDir}`]) {
      const r = q('--model', choice)
      expect(r.runs.map((x) => [x.runId, x.model])).toEqual([[chosen, CHOSEN]])
    }
    const csv = runCli([
      '--archive',
      archive,
      'query',
      sql,
      '--format',
      'csv',
      '--model',
      chosenDir,
    ])
    expect(csv.code).toBe(0)
    expect(csv.stdout.trim().split('\n')).toEqual(['n', String(rows.chosen)])

    // the forecast graph Ĝ and the forecast-edges table of the chosen model's run
    const graph = runCliJson<{ forecastRun: number; edges: number }>([
      '--archive',
      archive,
      'export',
      '--week',
      week,
      '--forecast',
      '1',
      '--model',
      chosenDir,
      '--format',
      'gexf',
      '--out',
      join(dir, 'g.gexf'),
    ])
    expect(graph.forecastRun).toBe(chosen)
    const tableRows = (out: string, ...more: string[]): number =>
      runCliJson<{ rows: number }>([
        '--archive',
        archive,
        'export',
        '--table',
        'forecast-edges',
        '--week',
        week,
        '--horizon',
        '1',
        ...more,
        '--format',
        'json',
        '--out',
        join(dir, out),
      ]).rows
    expect(tableRows('t.json', '--model', chosenDir)).toBe(rows.chosen)
    expect(tableRows('t2.json')).toBe(rows.newer)

    // refused, naming --model: another horizon, a table or graph that reads no forecast, an
    // unknown model
    const refusals: [string[], number, RegExp][] = [
      [
        ['query', sql, '--model', `4=${chosenDir}`],
        EXIT.USAGE,
        /--model.*not 4|forecasts 1 weeks ahead, not 4/,
      ],
      [
        [
          'export',
          '--week',
          week,
          '--forecast',
          '4',
          '--model',
          chosenDir,
          '--format',
          'gexf',
          '--out',
          join(dir, 'x.gexf'),
        ],
        EXIT.USAGE,
        /--model: give one model of h=4/,
      ],
      [
        [
          'export',
          '--week',
          week,
          '--model',
          chosenDir,
          '--format',
          'gexf',
          '--out',
          join(dir, 'y.gexf'),
        ],
        EXIT.USAGE,
        /--model needs --forecast H/,
      ],
      [
        [
          'export',
          '--table',
          'sis',
          '--week',
          week,
          '--model',
          chosenDir,
          '--out',
          join(dir, 's.csv'),
        ],
        EXIT.USAGE,
        /--model: the sis table reads no forecast/,
      ],
      [
        ['query', sql, '--model', 'no-such-model'],
        EXIT.NOT_FOUND,
        /no model named "no-such-model"/,
      ],
    ]
    for (const [args, code, message] of refusals) {
      const r = runCli(['--archive', archive, ...args])
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.stderr).toMatch(message)
    }
  }, 300_000)
})
