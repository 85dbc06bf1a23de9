// The query console's calls through EngineService.handle, as the UI makes them: validation in
// both directions, a query id known before the answer (cancel), job events while runs are
// computed, an export as a job, the history recorded, saved queries.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/engine/service'
import type { CallResponse, EventPayload } from '../../../src/shared/api'
import { DexposureError } from '../../../src/shared/errors'
import { demoArchiveCopy } from './demo-fixture'
import { jobDone as doneOf, type JobDone } from '../jobs'

const WEEK = '2022-05-09'
let dir: string
let service: EngineService
const previousUserDir = process.env.DEXPOSURE_USER_DIR

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-query-calls-'))
  process.env.DEXPOSURE_USER_DIR = join(dir, 'user')
  service = EngineService.open(await demoArchiveCopy(dir))
})
afterAll(() => {
  service.close()
  if (previousUserDir === undefined) delete process.env.DEXPOSURE_USER_DIR
  else process.env.DEXPOSURE_USER_DIR = previousUserDir
  rmSync(dir, { recursive: true, force: true })
})

async function failure(p: Promise<unknown>): Promise<DexposureError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}

const jobDone = (id: string): Promise<JobDone> => doneOf(service, id)

describe('query calls', () => {
  it('query.run answers with the result; its id is a job with progress while a run is computed', async () => {
    const progress: EventPayload<'job.progress'>[] = []
    const off = service.on('job.progress', (p) => progress.push(p as EventPayload<'job.progress'>))
    const done = jobDone('q-1')
    const r = (await service.handle('query.run', {
      sql: `SELECT source, target, probability FROM forecast_edges(:week, 1) LIMIT 3`,
      params: { week: WEEK },
      queryId: 'q-1',
    })) as CallResponse<'query.run'>
    off()
    expect(r.queryId).toBe('q-1')
    expect(r.statements[0].rowCount).toBe(3)
    expect(r.runs[0]).toMatchObject({ kind: 'forecast', computed: true })
    expect(
      progress.some(
        (p) => p.id === 'q-1' && p.kind === 'query' && /forecast/.test(p.message ?? ''),
      ),
    ).toBe(true)
    expect(await done).toMatchObject({
      id: 'q-1',
      kind: 'query',
      state: 'done',
      result: { rows: 3 },
    })
  })

  it('validates requests and errors keep their position', async () => {
    expect((await failure(service.handle('query.run', { sql: '' }))).code).toBe('USAGE')
    expect(
      (await failure(service.handle('query.run', { sql: 'SELECT 1', maxRows: 1e6 }))).code,
    ).toBe('USAGE')
    const e = await failure(
      service.handle('query.run', { sql: 'SELECT * FROM weeks WHERE wek = 1' }),
    )
    expect(e).toMatchObject({
      code: 'BAD_INPUT',
      location: { field: 'sql', offset: 26, line: 1, column: 27, length: 3 },
    })
  })

  it('query.cancel stops a query by the id the caller chose', async () => {
    const running = service.handle('query.run', {
      sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
      queryId: 'runaway',
      timeoutMs: 60_000,
    })
    await new Promise((r) => setTimeout(r, 400))
    const jobs = (await service.handle('jobs.list', {})) as CallResponse<'jobs.list'>
    expect(jobs.some((j) => j.id === 'runaway' && j.kind === 'query')).toBe(true)
    expect(await service.handle('query.cancel', { queryId: 'runaway' })).toEqual({ ok: true })
    expect((await failure(running)).code).toBe('CANCELLED')
    expect(await service.handle('query.cancel', { queryId: 'runaway' })).toEqual({ ok: false })
  })

  it('query.export runs as a job and writes every row', async () => {
    const path = join(dir, 'exposures.csv')
    const { jobId } = (await service.handle('query.export', {
      sql: `SELECT * FROM edges_named WHERE week = :week`,
      params: { week: WEEK },
      format: 'csv',
      path,
    })) as { jobId: string }
    const d = await jobDone(jobId)
    expect(d).toMatchObject({
      kind: 'query.export',
      state: 'done',
      result: { path, format: 'csv' },
    })
    const rows = (d.result as { rows: number }).rows
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(rows + 1)
    // Parquet through the same job (the console offers it when the engine lists it)
    const pq = (await service.handle('query.export', {
      sql: 'SELECT week, n_nodes FROM weeks',
      format: 'parquet',
      path: join(dir, 'p.parquet'),
    })) as { jobId: string }
    expect(await jobDone(pq.jobId)).toMatchObject({
      state: 'done',
      result: { format: 'parquet', rows: expect.any(Number) },
    })
    expect(existsSync(join(dir, 'p.parquet'))).toBe(true)
    const bad = (await service.handle('query.export', {
      sql: 'SELECT 1; SELECT 2',
      format: 'parquet',
      path: join(dir, 'two.parquet'),
    })) as { jobId: string }
    expect(await jobDone(bad.jobId)).toMatchObject({ state: 'failed', error: { code: 'USAGE' } })
    expect(existsSync(join(dir, 'two.parquet'))).toBe(false)
  })

  it('query.schema lists what completion needs', async () => {
    const s = (await service.handle('query.schema', {})) as CallResponse<'query.schema'>
    expect(s.tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['edges', 'weeks', 'edges_named', 'forecast_edges']),
    )
    expect(s.functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['forecast_edges', 'link_prob', 'contagion']),
    )
    expect(s.weeks.at(-1)).toBe('2025-08-18')
  })

  it('keeps a searchable history of the queries of this archive', async () => {
    const h = (await service.handle('query.history', {})) as CallResponse<'query.history'>
    expect(h[0].sql).toMatch(/SELECT \* FROM weeks WHERE wek = 1|WITH RECURSIVE/)
    const errors = (await service.handle('query.history', {
      search: 'wek',
    })) as CallResponse<'query.history'>
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ rows: null, error: { code: 'BAD_INPUT' } })
    const ok = (await service.handle('query.history', {
      search: 'forecast_edges',
    })) as CallResponse<'query.history'>
    expect(ok[0]).toMatchObject({
      rows: 3,
      statements: 1,
      error: null,
      archive: service.archive.file,
    })
    expect(existsSync(join(dir, 'user', 'query-history.jsonl'))).toBe(true)
  })

  it('saves, lists and deletes saved queries beside the examples', async () => {
    const saved = (await service.handle('query.saved.save', {
      title: 'Lido holders',
      sql: "SELECT * FROM node_edges('182', 'in')",
    })) as CallResponse<'query.saved.save'>
    expect(saved).toMatchObject({ name: 'lido-holders', source: 'user' })
    expect(saved.path).toBe(join(dir, 'user', 'queries', 'lido-holders.sql'))
    const list = (await service.handle('query.saved.list', {})) as CallResponse<'query.saved.list'>
    expect(list.filter((s) => s.source === 'user').map((s) => s.name)).toEqual(['lido-holders'])
    expect(list.some((s) => s.source === 'example')).toBe(true)
    expect(await service.handle('query.saved.delete', { name: 'lido-holders' })).toEqual({
      ok: true,
    })
    expect(
      (
        await failure(
          service.handle('query.saved.save', { title: 'x', sql: 'SELECT 1', name: '../x' }),
        )
      ).code,
    ).toBe('USAGE')
  })
})
