// `forecast.latest` with a `model` (issue 11): the views ask for the latest stored run of the model
// they use, so another model's newer run of the same week neither hides it nor makes them forecast
// again. Two models' runs are stored (the chosen one's first): the chosen model's older run is
// answered, by folder and by name; without a model the newest of any. Bad values are 400s naming
// the field, through the loopback server as the renderer calls it. `export.graph` of a forecast
// graph takes the model the same way (the Forecast view's Ĝ export).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultModelDir, readManifest } from '../../src/engine/forecast/model'
import { runForecast } from '../../src/engine/forecast/run'
import { exportSource } from '../../src/engine/export/source'
import type { EngineService } from '../../src/engine/service'
import type { Archive } from '../../src/engine/store/archive'
import type { CallResponse } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'
import { runJob } from './jobs'
import { modelChoiceArchive, type ModelChoiceArchive } from './model-fixture'

/** Anchor weeks of the demo archive (2021-06-07 … 2025-08-18 weekly). */
const WEEK = '2025-06-02'
const OTHER_WEEK = '2025-06-09'
const CHOSEN = 'the chosen copy'
let chosenDir = ''
let dir = ''
const shippedDir = defaultModelDir(1)!
const shipped = readManifest(shippedDir)
let fixture: ModelChoiceArchive
let archive: Archive
let service: EngineService
let chosenRun = 0
let newerRun = 0

beforeAll(async () => {
  fixture = await modelChoiceArchive('dx-forecast-latest-', CHOSEN)
  ;({ archive, service, chosenDir, dir } = fixture)
  // the chosen model's run first, then a newer one of the shipped model for the same week
  chosenRun = (await runForecast(archive, { week: WEEK, horizon: 1, modelDir: chosenDir, top: 0 }))
    .run_id
  newerRun = (await runForecast(archive, { week: WEEK, horizon: 1, modelDir: shippedDir, top: 0 }))
    .run_id
}, 240_000)

afterAll(() => fixture?.close())

const latest = async (req: object) =>
  (await service.handle('forecast.latest', req)) as CallResponse<'forecast.latest'>

describe('forecast.latest with a model', () => {
  it('answers the chosen model’s older run, not another model’s newer one', async () => {
    expect(newerRun).toBeGreaterThan(chosenRun)
    // without a model: the newest of any model, as before
    expect((await latest({ week: WEEK, horizon: 1 }))?.run_id).toBe(newerRun)
    const byFolder = await latest({ week: WEEK, horizon: 1, model: chosenDir })
    expect(byFolder).toMatchObject({ run_id: chosenRun, model: CHOSEN, week: WEEK, horizon: 1 })
    expect(byFolder?.model_sha256).toBe(shipped.graphs.pair_head.sha256)
    // a listed model's name works as its folder does; the shipped model's own run by its folder
    expect((await latest({ week: WEEK, horizon: 1, model: shipped.name }))?.run_id).toBe(newerRun)
    expect((await latest({ week: WEEK, horizon: 1, model: shippedDir }))?.run_id).toBe(newerRun)
  })

  it('is null when the chosen model has no run of the week', async () => {
    expect(await latest({ week: OTHER_WEEK, horizon: 1, model: chosenDir })).toBeNull()
  })

  it('refuses a model of another horizon and a folder that is not there, naming the field', async () => {
    const refused = async (req: object): Promise<DexposureError> => {
      const e = await latest(req).then(
        () => null,
        (err: unknown) => err,
      )
      expect(e).toBeInstanceOf(DexposureError)
      return e as DexposureError
    }
    const wrongHorizon = await refused({ week: WEEK, horizon: 4, model: chosenDir })
    expect(wrongHorizon.code).toBe('USAGE')
    expect(wrongHorizon.location.field).toBe('model')
    expect(wrongHorizon.message).toMatch(/forecasts 1 weeks ahead, not 4/)
    const missing = await refused({ week: WEEK, horizon: 1, model: join(dir, 'nope') })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.location.field).toBe('model')
  })
})

describe('forecast.latest through the loopback server', () => {
  const call = (body: unknown) => fixture.post('forecast.latest', body)

  it('is a 400 naming the field for a malformed model, a 404 for one that is not there', async () => {
    for (const model of ['', 12, ['a'], 'x'.repeat(5000)]) {
      const r = await call({ week: WEEK, horizon: 1, model })
      expect(r.status, JSON.stringify(model).slice(0, 40)).toBe(400)
      const error = (r.body as { error: { code: string; message: string } }).error
      expect(error.code).toBe('USAGE')
      expect(error.message).toContain('model:')
    }
    const missing = await call({ week: WEEK, horizon: 1, model: join(dir, 'nope') })
    expect(missing.status).toBe(404)
    expect((missing.body as { error: { message: string } }).error.message).toContain(
      join(dir, 'nope'),
    )
  })

  it('answers the chosen model’s run (by its folder: a name is looked up among listed models)', async () => {
    const r = await call({ week: WEEK, horizon: 1, model: chosenDir })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ run_id: chosenRun, model: CHOSEN })
  })
})

describe('export.graph of a forecast graph with a model', () => {
  const forecast = (extra: object) =>
    exportSource(archive, { kind: 'forecast', week: WEEK, horizon: 1, ...extra })
  const refused = (extra: object): DexposureError => {
    try {
      forecast(extra)
    } catch (e) {
      expect(e).toBeInstanceOf(DexposureError)
      return e as DexposureError
    }
    throw new Error('expected a refusal')
  }

  it('exports the chosen model’s run, not the newer run of another model', () => {
    expect(forecast({}).forecastRun?.run_id).toBe(newerRun)
    const src = forecast({ model: chosenDir })
    expect(src.forecastRun).toMatchObject({ run_id: chosenRun, model: CHOSEN })
    expect(src.description).toContain(`run ${chosenRun}, model ${CHOSEN}`)
    expect(forecast({ model: chosenDir, runId: chosenRun }).forecastRun?.run_id).toBe(chosenRun)
  })

  it('refuses another model’s run and a model with no run, naming target.model', () => {
    const other = refused({ model: chosenDir, runId: newerRun })
    expect(other.code).toBe('CONFLICT')
    expect(other.location.field).toBe('target.model')
    expect(other.message).toContain(`forecast run ${newerRun} is of model ${shipped.name}`)
    const none = refused({ week: OTHER_WEEK, model: chosenDir })
    expect(none.code).toBe('NOT_FOUND')
    expect(none.location.field).toBe('target.model')
    const wrongHorizon = refused({ horizon: 4, model: chosenDir })
    expect(wrongHorizon.code).toBe('USAGE')
    expect(wrongHorizon.location.field).toBe('target.model')
  })
})

describe('export.table of a forecast table with a model', () => {
  /** Runs an `export.table` job to its end; answers the rows of the CSV written. */
  const exportedRows = async (extra: object): Promise<string[]> => {
    const path = join(dir, `table-${Math.random().toString(36).slice(2)}.csv`)
    const done = await runJob(service, 'export.table', {
      table: 'forecast-edges',
      week: WEEK,
      horizon: 1,
      format: 'csv',
      path,
      ...extra,
    })
    expect(done.state, done.error?.message).toBe('done')
    return readFileSync(path, 'utf8').trim().split('\n').slice(1)
  }
  const runRows = (runId: number) =>
    archive.db.prepare('SELECT count(*) FROM forecast_edges WHERE run_id = ?').pluck().get(runId)

  it('writes the chosen model’s run (the one the forecast table shows), not the newer one', async () => {
    // both models are the same graphs under two names: a third of the chosen run's stored pairs
    // dropped tells the two runs apart by their row counts
    archive.db
      .prepare('DELETE FROM forecast_edges WHERE run_id = ? AND rowid % 3 = 0')
      .run(chosenRun)
    expect(runRows(chosenRun)).not.toBe(0)
    expect(runRows(chosenRun)).not.toBe(runRows(newerRun))
    const chosen = await exportedRows({ models: { '1': chosenDir } })
    expect(chosen).toHaveLength(runRows(chosenRun) as number)
    const newest = await exportedRows({})
    expect(newest).toHaveLength(runRows(newerRun) as number)
  })

  it('refuses a model for a table that reads no forecast, naming the field', async () => {
    const e = await service
      .handle('export.table', {
        table: 'sis',
        week: WEEK,
        format: 'csv',
        models: { '1': chosenDir },
      })
      .then(
        () => null,
        (err: unknown) => err,
      )
    expect(e).toBeInstanceOf(DexposureError)
    expect((e as DexposureError).code).toBe('USAGE')
    expect((e as DexposureError).message).toMatch(/^models: the sis table reads no forecast/)
  })
})
