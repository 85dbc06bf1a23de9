// EngineService against a real archive filled with the small demo: every call of the contract,
// validation in both directions, errors with codes, and jobs with progress, completion and cancel.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import type { CallResponse } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'
import { jobDone } from './jobs'

const dir = mkdtempSync(join(tmpdir(), 'dx-service-'))
let archive: Archive
let service: EngineService

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  service = new EngineService(archive)
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const rejection = async (p: Promise<unknown>): Promise<DexposureError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}

describe('EngineService calls', () => {
  it('archive.info describes the archive and flags synthetic data', async () => {
    const info = (await service.handle('archive.info', {})) as CallResponse<'archive.info'>
    expect(info).toMatchObject({
      file: archive.file,
      weeks: 283,
      firstWeek: '2020-03-23',
      lastWeek: '2025-08-18',
      synthetic: true,
    })
    expect(info.protocols).toBeGreaterThan(1000)
    expect(info.schemaVersion).toBe(archive.schemaVersion())
  })

  it('weeks.list returns every week, oldest first, with totals', async () => {
    const weeks = (await service.handle('weeks.list', undefined)) as CallResponse<'weeks.list'>
    expect(weeks).toHaveLength(283)
    expect(weeks.map((w) => w.week)).toEqual(archive.listWeeks().map((w) => w.week))
    expect([...weeks.map((w) => w.week)].sort()).toEqual(weeks.map((w) => w.week))
    for (const w of weeks.slice(0, 5)) {
      expect(w.nodes).toBeGreaterThan(0)
      expect(w.totalTvl).toBeGreaterThan(0)
    }
  })

  it('week.graph keeps the largest nodes, their metadata and degrees, and only edges among them', async () => {
    const week = '2022-05-09'
    const frame = archive.loadWeek(week)
    const g = (await service.handle('week.graph', {
      week,
      limit: 40,
    })) as CallResponse<'week.graph'>
    expect(g.totalNodes).toBe(frame.nodeIds.length)
    expect(g.totalEdges).toBe(frame.edgeSrc.length)
    expect(g.nodes).toHaveLength(40)
    // the 40 largest, by size, descending
    const sizes = [...frame.sizes].sort((a, b) => b - a)
    expect(g.nodes.map((n) => n.size)).toEqual(sizes.slice(0, 40))
    // degrees count the whole week, not only the kept subgraph
    const i = frame.nodeIds.indexOf(g.nodes[0].id)
    let out = 0
    let inn = 0
    for (let j = 0; j < frame.edgeSrc.length; j++) {
      if (frame.edgeSrc[j] === i) out++
      if (frame.edgeDst[j] === i) inn++
    }
    expect(g.nodes[0]).toMatchObject({ outDegree: out, inDegree: inn })
    const protocols = archive.protocols()
    for (const n of g.nodes) expect(n.name).toBe(protocols.get(n.id)?.name ?? null)
    expect(g.nodes.some((n) => n.name !== null)).toBe(true)
    const ids = new Set(g.nodes.map((n) => n.id))
    expect(g.edges.length).toBeGreaterThan(0)
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true)
    // every edge among the kept nodes is there
    let among = 0
    for (let j = 0; j < frame.edgeSrc.length; j++)
      if (ids.has(frame.nodeIds[frame.edgeSrc[j]]) && ids.has(frame.nodeIds[frame.edgeDst[j]]))
        among++
    expect(g.edges).toHaveLength(among)
  })

  it('week.graph answers the whole week without a limit', async () => {
    const g = (await service.handle('week.graph', {
      week: '2025-08-18',
    })) as CallResponse<'week.graph'>
    expect(g.nodes).toHaveLength(g.totalNodes)
    expect(g.edges).toHaveLength(g.totalEdges)
  })

  it('node.history follows one node across weeks', async () => {
    const g = (await service.handle('week.graph', {
      week: '2025-08-18',
      limit: 1,
    })) as CallResponse<'week.graph'>
    const h = (await service.handle('node.history', {
      nodeId: g.nodes[0].id,
    })) as CallResponse<'node.history'>
    expect(h.length).toBeGreaterThan(10)
    expect(h.at(-1)).toMatchObject({ week: '2025-08-18', size: g.nodes[0].size })
  })

  it('jobs.cancel answers false for an unknown job', async () => {
    expect(await service.handle('jobs.cancel', { id: 'nope' })).toEqual({ ok: false })
  })

  it('forecast.latest is null before any forecast ran', async () => {
    expect(await service.handle('forecast.latest', { week: '2025-08-18', horizon: 1 })).toBeNull()
  })
})

describe('EngineService errors', () => {
  it('refuses unknown calls and invalid requests as USAGE, naming the field', async () => {
    expect((await rejection(service.handle('weeks.drop', {}))).code).toBe('USAGE')
    const bad = await rejection(service.handle('week.graph', { week: 'yesterday' }))
    expect(bad.code).toBe('USAGE')
    expect(bad.message).toMatch(/week: expected a week YYYY-MM-DD/)
    const neg = await rejection(service.handle('week.graph', { week: '2022-05-09', limit: -1 }))
    expect(neg.message).toMatch(/limit/)
    // prototype keys are not calls
    expect((await rejection(service.handle('constructor', {}))).code).toBe('USAGE')
  })

  it('reports unknown weeks and nodes as NOT_FOUND', async () => {
    const week = await rejection(service.handle('week.graph', { week: '2031-01-06' }))
    expect(week.code).toBe('NOT_FOUND')
    expect(week.location.week).toBe('2031-01-06')
    const node = await rejection(service.handle('node.history', { nodeId: 'no-such-node' }))
    expect(node.code).toBe('NOT_FOUND')
  })
})

describe('jobs', () => {
  const collect = () => {
    const seen: { event: string; payload: unknown }[] = []
    const offs = (['job.progress', 'job.done'] as const).map((event) =>
      service.on(event, (payload) => seen.push({ event, payload })),
    )
    return { seen, off: () => offs.forEach((f) => f()) }
  }
  const doneOf = (id: string) => jobDone(service, id)

  it('emits progress then done', async () => {
    const { seen, off } = collect()
    const id = service.jobs.start('count', async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress(i, 3, `step ${i}`)
    })
    const done = await doneOf(id)
    off()
    expect(done).toEqual({ id, kind: 'count', state: 'done', message: null })
    expect(seen.map((s) => s.event)).toEqual([
      'job.progress',
      'job.progress',
      'job.progress',
      'job.done',
    ])
    expect(seen[2].payload).toEqual({ id, kind: 'count', done: 3, total: 3, message: 'step 3' })
  })

  it('reports a failure with its message', async () => {
    const id = service.jobs.start('boom', async () => {
      throw new DexposureError('BAD_INPUT', 'broken input')
    })
    expect(await doneOf(id)).toMatchObject({ state: 'failed', message: 'broken input' })
  })

  it('cancels a running job through the contract', async () => {
    let started!: () => void
    const running = new Promise<void>((res) => (started = res))
    const id = service.jobs.start('wait', (ctx) => {
      started()
      return new Promise((_res, rej) =>
        ctx.signal.addEventListener('abort', () =>
          rej(new DexposureError('CANCELLED', 'cancelled by the user')),
        ),
      )
    })
    const done = doneOf(id)
    await running
    expect(await service.handle('jobs.cancel', { id })).toEqual({ ok: true })
    expect(await done).toMatchObject({ id, state: 'cancelled', message: 'cancelled by the user' })
    // a finished job cannot be cancelled again
    expect(await service.handle('jobs.cancel', { id })).toEqual({ ok: false })
  })

  it('never runs a job cancelled before it began', async () => {
    let ran = false
    const id = service.jobs.start('late', async () => {
      ran = true
    })
    const done = doneOf(id)
    expect(service.jobs.cancel(id)).toBe(true)
    expect(await done).toMatchObject({ id, state: 'cancelled', message: 'late cancelled' })
    expect(ran).toBe(false)
  })

  it('emits nothing before start returns the id, and forgets a job once done', async () => {
    const { seen, off } = collect()
    const id = service.jobs.start('sync', async (ctx) => ctx.progress(1, 1))
    expect(seen).toEqual([])
    expect(service.jobs.list()).toEqual([{ id, kind: 'sync' }])
    await doneOf(id)
    off()
    expect(seen.map((s) => s.event)).toEqual(['job.progress', 'job.done'])
    expect(service.jobs.list()).toEqual([])
  })

  it('reports a job that throws before its first await as failed, with the error location', async () => {
    const id = service.jobs.start('eager', () => {
      throw new DexposureError('BAD_INPUT', 'no such column', { file: 'x.csv', line: 3 })
    })
    expect(await doneOf(id)).toMatchObject({
      state: 'failed',
      message: 'x.csv:3: no such column',
    })
  })
})

describe('EngineService.open', () => {
  it('opens the archive itself, and close() cancels running jobs and closes it', async () => {
    const own = EngineService.open(join(dir, 'own.sqlite'))
    expect(await own.handle('archive.info', {})).toMatchObject({ weeks: 0, synthetic: false })
    let signal: AbortSignal | undefined
    own.jobs.start('long', (ctx) => {
      signal = ctx.signal
      return new Promise(() => {})
    })
    await Promise.resolve()
    own.close()
    expect(signal?.aborted).toBe(true)
    expect(own.archive.db.open).toBe(false)
    // the archive of a service built on an open Archive stays the caller's
    const shared = new EngineService(archive)
    shared.close()
    expect(archive.db.open).toBe(true)
  })
})
