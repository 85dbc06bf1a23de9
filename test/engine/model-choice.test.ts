// The chosen forecast model, end to end in the engine (issue 11): report.build, risk.run and
// risk.stress on a forecast graph, and the query console's forecast functions take a model choice
// (a folder or a name) and read that model's stored run — matched by name and pair-head sha256 —
// never another model's, even a newer one; another model's run alone is refused with CONFLICT
// naming both models. Bad values of the new request fields are 400s naming the field, through the
// loopback server as the renderer calls it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultModelDir, readManifest } from '../../src/engine/forecast/model'
import { runForecast } from '../../src/engine/forecast/run'
import type { EngineService } from '../../src/engine/service'
import type { Archive } from '../../src/engine/store/archive'
import type { CallResponse } from '../../src/shared/api'
import type { ReportResult } from '../../src/shared/api-report'
import { DexposureError } from '../../src/shared/errors'
import { jobDone, type JobDone } from './jobs'
import { modelChoiceArchive, type ModelChoiceArchive } from './model-fixture'

/** Anchor weeks of the demo archive (2021-06-07 … 2025-08-18 weekly). */
const WEEK = '2025-06-02'
const WEEK2 = '2025-06-09'
const CHOSEN = 'the chosen copy'
let chosenDir = ''
let dir = ''
const shipped = readManifest(defaultModelDir(1)!)
let fixture: ModelChoiceArchive
let archive: Archive
let service: EngineService

beforeAll(async () => {
  fixture = await modelChoiceArchive('dx-model-choice-', CHOSEN)
  ;({ archive, service, chosenDir, dir } = fixture)
}, 180_000)

afterAll(() => fixture?.close())

/** How job `id` ended (it ends asynchronously: listened to right after it was started). */
const finished = (id: string): Promise<JobDone> => jobDone(service, id)

const refusal = (p: Promise<unknown>): Promise<DexposureError> =>
  p.then(
    () => {
      throw new Error('expected a refusal')
    },
    (e: unknown) => e as DexposureError,
  )

describe('a chosen model in the engine', () => {
  let chosenRun = 0
  let newerShippedRun = 0

  beforeAll(async () => {
    // the chosen model's run first, then a newer run of the shipped model for the same week
    chosenRun = (
      await runForecast(archive, { week: WEEK, horizon: 1, modelDir: chosenDir, top: 0 })
    ).run_id
    newerShippedRun = (await runForecast(archive, { week: WEEK, horizon: 1, top: 0 })).run_id
    expect(newerShippedRun).toBeGreaterThan(chosenRun)
  }, 180_000)

  it("report.build with a choice reads the chosen model's run, never another model's newer one", async () => {
    const { jobId } = (await service.handle('report.build', {
      week: WEEK,
      horizons: [1],
      models: { '1': chosenDir },
      sections: ['forecast', 'provenance'],
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const r = d.result as ReportResult
    // stored already: nothing computed, and the forecast section names the chosen model's run
    expect(r.computed.filter((c) => c.startsWith('forecast'))).toEqual([])
    expect(r.html).toContain(`Forecast run ${chosenRun} with model ${CHOSEN}`)
    expect(r.html).not.toContain(`Forecast run ${newerShippedRun} with`)
    expect(r.html).toMatch(
      new RegExp(`data-choice="chosen">Forecast run ${chosenRun} by ${CHOSEN}, the model chosen`),
    )
    // the command that reproduces the report names the choice
    expect(r.command).toContain(`--model 1=${chosenDir}`)
  }, 180_000)

  it("report.build without a choice reads the horizon's default model and says so", async () => {
    const { jobId } = (await service.handle('report.build', {
      week: WEEK,
      horizons: [1],
      sections: ['forecast', 'provenance'],
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const r = d.result as ReportResult
    expect(r.html).toContain(`Forecast run ${newerShippedRun} with model ${shipped.name}`)
    expect(r.html).toContain('data-choice="default"')
  }, 180_000)

  it("report.build computes the chosen model's forecast where only another model's is stored", async () => {
    // the copy's run only; the shipped model chosen by its name (a listed model)
    await runForecast(archive, { week: WEEK2, horizon: 1, modelDir: chosenDir, top: 0 })
    const { jobId } = (await service.handle('report.build', {
      week: WEEK2,
      horizons: [1],
      models: { '1': shipped.name },
      sections: ['forecast'],
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const r = d.result as ReportResult
    expect(r.computed.join('\n')).toMatch(
      new RegExp(`forecast of ${WEEK2}, h=1 \\(run \\d+, model ${shipped.name}, chosen\\)`),
    )
    const runs = archive.db
      .prepare('SELECT model FROM forecast_runs WHERE week = ? AND horizon = 1 ORDER BY run_id')
      .pluck()
      .all(WEEK2)
    expect(runs).toEqual([CHOSEN, shipped.name])
  }, 180_000)

  it("risk.run and risk.stress refuse another model's run with CONFLICT naming both models", async () => {
    const week = '2025-06-16'
    await runForecast(archive, { week, horizon: 1, top: 0 }) // the shipped model's run only
    for (const [name, req] of [
      ['risk.run', { week, graph: { forecast: 1 }, scenarios: ['top-protocol'], model: chosenDir }],
      [
        'risk.stress',
        { week, horizon: 1, draws: 2, scenarios: ['top-protocol'], model: chosenDir },
      ],
    ] as const) {
      const e = await refusal(service.handle(name, req))
      expect(e).toBeInstanceOf(DexposureError)
      expect(e.code).toBe('CONFLICT')
      expect(e.location.field).toBe('model')
      expect(e.message).toContain(shipped.name)
      expect(e.message).toContain(CHOSEN)
    }
    // the stored run is the shipped model's: naming it measures that run
    const { jobId } = (await service.handle('risk.run', {
      week,
      graph: { forecast: 1 },
      scenarios: ['top-protocol'],
      methods: ['reference'],
      model: defaultModelDir(1)!,
    })) as { jobId: string }
    expect((await finished(jobId)).state).toBe('done')
  }, 180_000)

  it("risk.run with a choice measures the chosen model's run, not the newer one", async () => {
    const { jobId } = (await service.handle('risk.run', {
      week: WEEK,
      graph: { forecast: 1 },
      scenarios: ['top-protocol'],
      methods: ['reference'],
      model: chosenDir,
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const stored = archive.db
      .prepare(
        `SELECT forecast_run FROM risk_runs WHERE week = ? AND graph = 'forecast' AND kind = 'contagion'
         ORDER BY run_id DESC LIMIT 1`,
      )
      .pluck()
      .get(WEEK)
    expect(stored).toBe(chosenRun)
    // a run named by id (the run a view shows) must be the chosen model's
    const pinned = await refusal(
      service.handle('risk.run', {
        week: WEEK,
        graph: { forecast: 1 },
        forecastRun: newerShippedRun,
        model: chosenDir,
      }),
    )
    expect(pinned).toMatchObject({ code: 'CONFLICT', location: { field: 'forecastRun' } })
    expect(pinned.message).toContain(`forecast run ${newerShippedRun} is of model ${shipped.name}`)
    const other = await refusal(
      service.handle('risk.run', { week: WEEK2, graph: { forecast: 1 }, forecastRun: chosenRun }),
    )
    expect(other).toMatchObject({ code: 'USAGE', location: { field: 'forecastRun' } })
  }, 180_000)

  it('risk.stress draws from the run it names (the run a view shows), checked like risk.run', async () => {
    const stress = async (extra: object): Promise<CallResponse<'risk.stress.result'>> => {
      const { jobId } = (await service.handle('risk.stress', {
        week: WEEK,
        horizon: 1,
        draws: 2,
        scenarios: ['top-protocol'],
        methods: ['reference'],
        ...extra,
      })) as { jobId: string }
      const d = await finished(jobId)
      expect(d.state, d.error?.message).toBe('done')
      const { runId } = d.result as { runId: number }
      return (await service.handle('risk.stress.result', {
        runId,
      })) as CallResponse<'risk.stress.result'>
    }
    // without a choice or a run: the latest run of any model; named: that run, older or not
    expect((await stress({}))!.forecastRun).toBe(newerShippedRun)
    expect((await stress({ forecastRun: chosenRun }))!.forecastRun).toBe(chosenRun)
    expect((await stress({ forecastRun: chosenRun, model: chosenDir }))!.forecastRun).toBe(
      chosenRun,
    )
    const conflict = await refusal(
      service.handle('risk.stress', {
        week: WEEK,
        horizon: 1,
        forecastRun: newerShippedRun,
        model: chosenDir,
      }),
    )
    expect(conflict).toMatchObject({ code: 'CONFLICT', location: { field: 'forecastRun' } })
    const other = await refusal(
      service.handle('risk.stress', { week: WEEK2, horizon: 1, forecastRun: chosenRun }),
    )
    expect(other).toMatchObject({ code: 'USAGE', location: { field: 'forecastRun' } })
    expect(other.message).toContain(`forecast run ${chosenRun} is for week ${WEEK}`)
  }, 180_000)

  it("forecast_edges follows the console's chosen model when no model is named", async () => {
    const sql = `SELECT DISTINCT run_id FROM forecast_edges('${WEEK}', 1)`
    const plain = (await service.handle('query.run', { sql })) as CallResponse<'query.run'>
    expect(plain.statements[0].data).toEqual([[newerShippedRun]])
    const chosen = (await service.handle('query.run', {
      sql,
      models: { '1': chosenDir },
    })) as CallResponse<'query.run'>
    expect(chosen.statements[0].data).toEqual([[chosenRun]])
    expect(chosen.runs[0]).toMatchObject({ kind: 'forecast', model: CHOSEN, runId: chosenRun })
    // (data is column-major: one column, one row)
    // a call whose week comes from another table is the query process's: it follows the choice too
    const dynamic = (await service.handle('query.run', {
      sql: `SELECT DISTINCT f.run_id FROM (SELECT '${WEEK}' AS w) x, forecast_edges(x.w, 1) f`,
      models: { '1': chosenDir },
    })) as CallResponse<'query.run'>
    expect(dynamic.statements[0].data).toEqual([[chosenRun]])
    // the console's export of the result reads the same run
    const out = join(dir, 'edges.csv')
    const { jobId } = (await service.handle('query.export', {
      sql,
      format: 'csv',
      path: out,
      models: { '1': chosenDir },
    })) as { jobId: string }
    expect((await finished(jobId)).state).toBe('done')
    expect(readFileSync(out, 'utf8').trim().split(/\r?\n/)).toEqual(['run_id', String(chosenRun)])
  }, 180_000)
})

describe('bad model choices are refused, naming the field', () => {
  const call = async (name: string, body: unknown) => {
    const r = await fixture.post(name, body)
    return {
      status: r.status,
      error: (r.body as { error: { code: string; message: string } }).error,
    }
  }

  it('is a 400 for a malformed value, naming the field', async () => {
    for (const [name, body, field] of [
      ['report.build', { week: WEEK, models: { x: chosenDir } }, 'models.x'],
      ['report.build', { week: WEEK, models: { '1': '' } }, 'models.1'],
      ['report.build', { week: WEEK, models: ['a'] }, 'models'],
      ['query.run', { sql: 'SELECT 1', models: { '4': 7 } }, 'models.4'],
      ['risk.run', { week: WEEK, graph: { forecast: 1 }, model: '' }, 'model'],
      ['risk.stress', { week: WEEK, horizon: 1, model: 12 }, 'model'],
      ['risk.comparison', { week: WEEK, horizon: 1, forecastRun: 0 }, 'forecastRun'],
      ['risk.run', { week: WEEK, graph: { forecast: 1 }, forecastRun: -3 }, 'forecastRun'],
      ['risk.stress', { week: WEEK, horizon: 1, forecastRun: 1.5 }, 'forecastRun'],
    ] as const) {
      const r = await call(name, body)
      expect(r.status, `${name} ${JSON.stringify(body)}`).toBe(400)
      expect(r.error.code).toBe('USAGE')
      expect(r.error.message).toContain(`${field}:`)
    }
  })

  it('is a 400 for a choice that does not fit, a 404 for one that is not there', async () => {
    const wrongHorizon = await call('report.build', {
      week: WEEK,
      horizons: [4],
      models: { '4': chosenDir },
    })
    expect(wrongHorizon.status).toBe(400)
    expect(wrongHorizon.error.message).toMatch(/forecasts 1 weeks ahead, not 4/)
    const notAsked = await call('report.build', { week: WEEK, horizons: [1], models: { '8': 'x' } })
    expect(notAsked.status).toBe(400)
    expect(notAsked.error.message).toMatch(/h=8, which is not among the horizons asked/)
    const noModel = await call('risk.run', { week: WEEK, model: chosenDir })
    expect(noModel.status).toBe(400)
    expect(noModel.error.message).toMatch(/forecast graphs only/)
    const missing = await call('risk.run', {
      week: WEEK,
      graph: { forecast: 1 },
      model: join(dir, 'nope'),
    })
    expect(missing.status).toBe(404)
    expect(missing.error.message).toContain(join(dir, 'nope'))
    const unknownName = await call('query.run', {
      sql: `SELECT count(*) FROM forecast_edges('${WEEK}', 1)`,
      models: { '1': 'no such model' },
    })
    expect(unknownName.status).toBe(404)
    expect(unknownName.error.message).toMatch(/no model named "no such model" for h=1/)
  })
})
