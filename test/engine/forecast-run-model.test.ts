// `forecast.run` with a `model`: the workbench's model choice (the model manager's "Use this
// model") reaches the engine as a model folder in the request. The run uses that folder; a folder
// that is not there is refused before any job starts, naming it; a model of another horizon fails
// the job with the engine's own message.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { defaultModelDir } from '../../src/engine/forecast/model'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import type { CallResponse, EventPayload } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'

const dir = mkdtempSync(join(tmpdir(), 'dx-forecast-model-'))
const WEEK = '2021-06-07'
let archive: Archive
let service: EngineService
const done = new Map<string, EventPayload<'job.done'>>()

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  service = new EngineService(archive)
  service.on('job.done', (p) => {
    const d = p as EventPayload<'job.done'>
    done.set(d.id, d)
  })
}, 120_000)

afterAll(() => {
  service.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

async function finished(id: string): Promise<EventPayload<'job.done'>> {
  const t0 = Date.now()
  while (!done.has(id)) {
    if (Date.now() - t0 > 120_000) throw new Error(`job ${id} did not finish`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return done.get(id)!
}

it('runs the named model folder, not the default', async () => {
  // a copy of the shipped h=1 model in another folder: the run must name that folder
  const copy = join(dir, 'chosen-h1')
  cpSync(defaultModelDir(1)!, copy, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(copy, 'model.json'), 'utf8')) as { name: string }
  writeFileSync(join(copy, 'model.json'), JSON.stringify({ ...manifest, name: 'the chosen copy' }))
  const { jobId } = (await service.handle('forecast.run', {
    week: WEEK,
    horizon: 1,
    model: copy,
  })) as { jobId: string }
  const d = await finished(jobId)
  expect(d.state).toBe('done')
  const row = archive.db
    .prepare('SELECT run_id, model FROM forecast_runs WHERE week = ? AND horizon = 1')
    .get(WEEK) as { run_id: number; model: string } | undefined
  expect(row?.model).toBe('the chosen copy')
  const latest = (await service.handle('forecast.latest', {
    week: WEEK,
    horizon: 1,
  })) as CallResponse<'forecast.latest'>
  expect(latest?.run_id).toBe(row!.run_id)
}, 120_000)

it('refuses a model folder that is not there before starting a job', async () => {
  const e = await service
    .handle('forecast.run', { week: WEEK, horizon: 1, model: join(dir, 'nope') })
    .then(
      () => null,
      (err: unknown) => err,
    )
  expect(e).toBeInstanceOf(DexposureError)
  expect((e as DexposureError).code).toBe('NOT_FOUND')
  expect((e as DexposureError).message).toContain(join(dir, 'nope'))
  expect(service.jobs.list()).toEqual([])
})

it('fails the job when the named model forecasts another horizon', async () => {
  const { jobId } = (await service.handle('forecast.run', {
    week: WEEK,
    horizon: 4,
    model: defaultModelDir(1)!,
  })) as { jobId: string }
  const d = await finished(jobId)
  expect(d.state).toBe('failed')
  expect(d.error?.message).toMatch(/forecasts 1 weeks ahead, not 4/)
}, 120_000)
