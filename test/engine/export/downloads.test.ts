// Downloads from the engine, as the browser and the sandboxed Electron page get them: a console
// export without a path and the views' table exports (`export.table`) go to the engine's download
// folder, the job's result names a `downloadId`, `export.read` hands back exactly the rows the
// same SQL answers, and a download is gone from the disk once read. The views' tables export the
// same rows the views page through (forecast kinds against `forecast.edges`, a stored contagion run).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/engine/service'
import type { CallResponse } from '../../../src/shared/api'
import { QueryExportResultSchema } from '../../../src/shared/api-query'
import { DexposureError } from '../../../src/shared/errors'
import { demoArchiveCopy } from '../query/demo-fixture'
import { runJob } from '../jobs'

const WEEK = '2022-05-09'
let dir: string
let service: EngineService

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-downloads-'))
  process.env.DEXPOSURE_USER_DIR ??= join(dir, 'user')
  service = EngineService.open(await demoArchiveCopy(dir))
})
afterAll(() => {
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

const job = (call: 'query.export' | 'export.table', request: unknown) =>
  runJob(service, call, request)

async function exported(call: 'query.export' | 'export.table', request: unknown) {
  const done = await job(call, request)
  expect(done.state, done.error?.message).toBe('done')
  return QueryExportResultSchema.parse(done.result)
}

async function readAll(downloadId: string): Promise<Buffer> {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const r = (await service.handle('export.read', {
      downloadId,
      offset,
    })) as CallResponse<'export.read'>
    const b = Buffer.from(r.data, 'base64')
    parts.push(b)
    offset += b.length
    if (r.done) return Buffer.concat(parts)
  }
}

async function rows(sql: string, params: Record<string, string | number> = {}) {
  const r = (await service.handle('query.run', {
    sql,
    params,
    maxRows: 100_000,
  })) as CallResponse<'query.run'>
  return r.statements[0]
}

async function failure(p: Promise<unknown>): Promise<DexposureError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}

describe('downloads from query.export and export.table', () => {
  it('query.export without a path writes a download that export.read hands back once', async () => {
    const sql = 'SELECT source, target, weight FROM edges WHERE week = :week ORDER BY weight DESC'
    const r = await exported('query.export', {
      sql,
      params: { week: WEEK },
      format: 'csv',
      name: 'top exposures',
    })
    expect(r).toMatchObject({ name: 'top exposures.csv', mime: 'text/csv', format: 'csv' })
    expect(r.downloadId).toEqual(expect.any(String))
    expect(existsSync(r.path)).toBe(true)
    const text = (await readAll(r.downloadId!)).toString('utf8')
    expect(Buffer.byteLength(text)).toBe(r.bytes)
    const lines = text.trimEnd().split('\n')
    const expected = await rows(sql, { week: WEEK })
    // every row, not the 10,000 a console shows: the header and one line per edge of the week
    expect(lines).toHaveLength(expected.rowCount + 1)
    expect(lines[0]).toBe('source,target,weight')
    expect(lines[1]).toBe(
      `${expected.data[0][0] as string},${expected.data[1][0] as string},${expected.data[2][0] as number}`,
    )
    // read to its end: gone from the disk (its folder too) and from export.read
    expect(existsSync(r.path)).toBe(false)
    expect(existsSync(dirname(r.path))).toBe(false)
    const gone = await failure(service.handle('export.read', { downloadId: r.downloadId }))
    expect(gone.code).toBe('NOT_FOUND')
  })

  it('a path still writes on the engine machine, with no download', async () => {
    const path = join(dir, 'weeks.json')
    const r = await exported('query.export', {
      sql: 'SELECT week, n_nodes FROM weeks',
      format: 'json',
      path,
    })
    expect(r).toMatchObject({ path, name: 'weeks.json', downloadId: null })
    expect(existsSync(path)).toBe(true)
  })

  it('a failed export leaves no download behind', async () => {
    const before = service.query.downloads.size
    const done = await job('query.export', { sql: 'SELECT 1; SELECT 2', format: 'csv' })
    expect(done).toMatchObject({ state: 'failed', error: { code: 'USAGE' } })
    expect(service.query.downloads.size).toBe(before)
    const folder = dirname(dirname(service.query.downloads.slot('probe.csv')))
    // only the probe's own folder: the failed export's folder was removed
    expect(readdirSync(folder)).toHaveLength(1)
  })

  it('export.table writes the dashboard SIS table as Parquet with every node of the week', async () => {
    const r = await exported('export.table', { table: 'sis', week: WEEK, format: 'parquet' })
    expect(r).toMatchObject({
      name: `sis-${WEEK}.parquet`,
      mime: 'application/vnd.apache.parquet',
    })
    const bytes = await readAll(r.downloadId!)
    const file = new Uint8Array(bytes).buffer
    const read = (await parquetReadObjects({ file })) as Record<string, unknown>[]
    const expected = await rows('SELECT rank, node_id, score FROM sis(:week)', { week: WEEK })
    expect(read).toHaveLength(expected.rowCount)
    expect(r.rows).toBe(expected.rowCount)
    expect(read[0]).toMatchObject({ rank: 1n, node_id: expected.data[1][0] })
    expect(read[0].score).toBeCloseTo(expected.data[2][0] as number, 12)
  })

  it('the forecast tables hold the rows the forecast view pages through', async () => {
    for (const [table, kind] of [
      ['forecast-new', 'new'],
      ['forecast-changes', 'changes'],
      ['forecast-vanishing', 'vanishing'],
      ['forecast-edges', 'all'],
    ] as const) {
      const r = await exported('export.table', { table, week: WEEK, horizon: 4, format: 'json' })
      const json = JSON.parse((await readAll(r.downloadId!)).toString('utf8')) as {
        source: string
        target: string
      }[]
      // every page of the view's list
      const shown: CallResponse<'forecast.edges'>['rows'] = []
      for (let total = Infinity; shown.length < total;) {
        const page = (await service.handle('forecast.edges', {
          week: WEEK,
          horizon: 4,
          kind,
          limit: 1000,
          offset: shown.length,
        })) as CallResponse<'forecast.edges'>
        total = page.total
        shown.push(...page.rows)
      }
      expect(json.length, table).toBe(shown.length)
      // the same pairs (the order of ties may differ)
      const key = (x: { source: string; target: string }) => `${x.source}>${x.target}`
      expect(new Set(json.map(key)), table).toEqual(new Set(shown.map(key)))
    }
  })

  it('a stored contagion run exports its totals and every node hit, by method', async () => {
    const hit = await rows(`SELECT run_id, count(*) FROM contagion(:week, 'S1') GROUP BY run_id`, {
      week: WEEK,
    })
    const run = hit.data[0][0] as number
    const stored = await rows(
      `SELECT count(*) FROM contagion_node_losses WHERE run_id = :run AND scenario = 'S1'`,
      { run },
    )
    const losses = await exported('export.table', {
      table: 'contagion-losses',
      run,
      scenario: 'S1',
      format: 'csv',
    })
    expect(losses.name).toBe(`contagion-losses-run${run}-S1.csv`)
    expect(losses.rows).toBe(stored.data[0][0])
    const text = (await readAll(losses.downloadId!)).toString('utf8')
    expect(text.split('\n')[0]).toBe(
      'method,node_id,name,category,loss,relative_loss,distress_round,run_id',
    )
    const totals = await exported('export.table', {
      table: 'contagion-totals',
      run,
      scenario: 'S1',
      format: 'json',
    })
    const methods = JSON.parse((await readAll(totals.downloadId!)).toString('utf8')) as {
      method: string
    }[]
    expect(methods.map((m) => m.method).sort()).toEqual(['debtrank', 'eisenberg-noe', 'reference'])
  })

  it('a stored backtest exports every metric the backtest view shows, one row each', async () => {
    const done = await runJob(service, 'backtest.run', {
      horizon: 4,
      model: null,
      from: '2025-06-02',
      to: '2025-06-30',
    })
    expect(done.state, done.error?.message).toBe('done')
    const stored = (await service.handle('backtest.result', {
      horizon: 4,
    })) as NonNullable<CallResponse<'backtest.result'>>
    const r = await exported('export.table', {
      table: 'backtest',
      run: stored.runId,
      format: 'json',
    })
    expect(r.name).toBe(`backtest-run${stored.runId}.json`)
    const metrics = JSON.parse((await readAll(r.downloadId!)).toString('utf8')) as {
      protocol: string
      scorer: string
      metric: string
      value: number
    }[]
    const value = (protocol: string, scorer: string, metric: string) =>
      metrics.find((m) => m.protocol === protocol && m.scorer === scorer && m.metric === metric)
        ?.value
    const paper = stored.paper.persistence as Record<string, unknown>
    expect(value('paper', 'persistence', 'auprc')).toBeCloseTo(paper.auprc as number, 12)
    const realistic = stored.realistic.edgebank as { precision_at: Record<string, number> }
    expect(value('realistic', 'edgebank', 'precision_at.1000')).toBeCloseTo(
      realistic.precision_at['1000'],
      12,
    )
    // no model in this run: no model rows
    expect(metrics.some((m) => m.scorer === 'model')).toBe(false)
    // and the table of every stored backtest holds the same paper metrics
    const all = await exported('export.table', { table: 'backtests', format: 'json' })
    const every = JSON.parse((await readAll(all.downloadId!)).toString('utf8')) as {
      scorer: string
      metric: string
      value: number
    }[]
    expect(every.find((m) => m.scorer === 'persistence' && m.metric === 'auprc')?.value).toBe(
      paper.auprc,
    )
  })

  it('a run that is not stored, or not of the table’s kind, is refused at the call with the stored runs', async () => {
    const ids = async (sql: string) => ((await rows(sql)).data[0] ?? []) as number[]
    const contagion = await ids(
      `SELECT run_id FROM risk_runs AS r WHERE kind = 'contagion' AND EXISTS (SELECT 1 FROM
         contagion_results AS c WHERE c.run_id = r.run_id AND c.scenario = 'S1') ORDER BY run_id`,
    )
    const stats = await ids(`SELECT run_id FROM risk_runs WHERE kind = 'stats' ORDER BY run_id`)
    const backtests = await ids('SELECT run_id FROM backtest_runs ORDER BY run_id')
    // the earlier tests stored a contagion run of S1, statistics and a backtest
    expect(contagion.length * stats.length * backtests.length).toBeGreaterThan(0)
    const refused = async (request: Record<string, unknown>) => {
      const e = await failure(service.handle('export.table', { format: 'csv', ...request }))
      expect(e.code, e.message).toBe('NOT_FOUND')
      expect(e.location.field).toBe('run')
      return e.message
    }
    const listing = `stored contagion runs with scenario S1: ${contagion.join(', ')} (`
    // an id no table holds
    const unknown = Math.max(...contagion, ...stats, ...backtests) + 1000
    const notStored = await refused({ table: 'contagion-losses', run: unknown, scenario: 'S1' })
    expect(notStored).toContain(`contagion run ${unknown} with scenario S1 is not stored; `)
    expect(notStored).toContain(listing)
    // a statistics run is a risk run, but not a contagion run
    const statsRun = await refused({ table: 'contagion-totals', run: stats[0], scenario: 'S1' })
    expect(statsRun).toContain(`run ${stats[0]} is a stats run, not a contagion run; ${listing}`)
    // a contagion run without the scenario asked
    const otherScenario = await refused({
      table: 'contagion-losses',
      run: contagion[0],
      scenario: 'top5-protocols',
    })
    expect(otherScenario).toMatch(
      new RegExp(
        `contagion run ${contagion[0]} is stored, but it is not one with scenario top5-protocols`,
      ),
    )
    // a backtest id is no stress run (none stored: the message says which command stores one)
    const stress = await refused({ table: 'stress-nodes', run: backtests[0] })
    expect(stress).toContain(
      `stress run ${backtests[0]} is not stored, and no stress run is stored: \`dexposure risk`,
    )
    const backtest = await refused({ table: 'backtest', run: unknown })
    expect(backtest).toContain(
      `backtest run ${unknown} is not stored; stored backtest runs: ${backtests.join(', ')} (`,
    )
    // a run for a table that reads none: USAGE, not a file named for a run it ignored
    const extra = await failure(
      service.handle('export.table', { table: 'sis', week: WEEK, run: stats[0], format: 'csv' }),
    )
    expect(extra).toMatchObject({ code: 'USAGE', location: { field: 'run' } })
    expect(extra.message).toContain('--run does not go with --table sis')
    // a missing run: USAGE listing the runs to pick from
    const missing = await failure(
      service.handle('export.table', { table: 'backtest', format: 'csv' }),
    )
    expect(missing).toMatchObject({ code: 'USAGE', location: { field: 'run' } })
    expect(missing.message).toContain(`stored backtest runs: ${backtests.join(', ')}`)
  })

  it('a table missing an option is refused at the call, naming it', async () => {
    const e = await failure(service.handle('export.table', { table: 'sis', format: 'csv' }))
    expect(e).toMatchObject({ code: 'USAGE', location: { field: 'week' } })
    const bad = await failure(service.handle('export.table', { table: 'nope', format: 'csv' }))
    expect(bad.code).toBe('USAGE')
  })
})
