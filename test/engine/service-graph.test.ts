// The graph explorer's calls through EngineService on the small demo archive: the universe and its
// layout, week frames against Archive.loadWeek, node details and edge histories against SQL on the
// `edges` view, re-layout as a job, and bad requests naming their field.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import { FEATURE_COUNT } from '../../src/shared/domain'
import type { CallResponse, EventPayload } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'
import { decodeFloat32, decodeFloat64, decodeInt32 } from '../../src/shared/packed'

const dir = mkdtempSync(join(tmpdir(), 'dx-service-graph-'))
let archive: Archive
let service: EngineService
const done: EventPayload<'job.done'>[] = []
const WEEK = '2022-05-09'

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  service = new EngineService(archive)
  service.on('job.done', (p) => done.push(p as EventPayload<'job.done'>))
})
afterAll(() => {
  service.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const call = async <K extends Parameters<EngineService['handle']>[0]>(name: K, request: unknown) =>
  service.handle(name, request)
const universe = async (wait = true) =>
  (await call('graph.universe', { wait })) as CallResponse<'graph.universe'>
const frame = async (week: string) =>
  (await call('week.frame', { week })) as CallResponse<'week.frame'>
const rejection = async (p: Promise<unknown>): Promise<DexposureError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}
const sql = <T>(q: string, ...args: unknown[]) => archive.db.prepare(q).all(...args) as T[]

describe('graph.universe', () => {
  it('answers pending with the layout job at first, then the stored layout', async () => {
    const first = await universe(false)
    expect(first.layout).toMatchObject({ state: 'pending', runId: null })
    expect(first.layout.jobId).toEqual(expect.any(String))
    const u = await universe()
    expect(u.layout).toMatchObject({ state: 'ready', jobId: null, unplaced: 0, kind: 'full' })
    expect(done).toContainEqual(expect.objectContaining({ id: first.layout.jobId, state: 'done' }))
    const ids = sql<{ node_id: string }>('SELECT DISTINCT node_id FROM nodes').map((r) => r.node_id)
    expect(u.count).toBe(ids.length)
    expect([...u.ids].sort()).toEqual(ids.sort())
    expect(u.weeks).toEqual(archive.listWeeks().map((w) => w.week))
    for (const a of [u.category, u.sector, u.kind, u.firstWeek, u.lastWeek])
      expect(decodeInt32(a)).toHaveLength(u.count)
    expect(decodeFloat32(u.x)).toHaveLength(u.count)
    expect(decodeFloat64(u.maxSize)).toHaveLength(u.count)
    expect(u.kinds).toEqual(['protocol', 'token'])
    const kind = decodeInt32(u.kind)
    const protocols = archive.protocols()
    u.ids.forEach((id, i) =>
      expect(u.kinds[kind[i]]).toBe(protocols.has(id) ? 'protocol' : 'token'),
    )
  })
})

describe('week.frame', () => {
  it('indexes the universe consistently with Archive.loadWeek', async () => {
    const u = await universe()
    const f = await frame(WEEK)
    const w = archive.loadWeek(WEEK)
    expect(f).toMatchObject({
      week: WEEK,
      synthetic: true,
      revision: u.revision,
      nodeCount: w.nodeIds.length,
      edgeCount: w.edgeSrc.length,
    })
    const nodes = decodeInt32(f.nodes)
    expect([...nodes].map((i) => u.ids[i])).toEqual(w.nodeIds)
    expect(decodeFloat64(f.size)).toEqual(w.sizes)
    const tvl = decodeFloat32(f.tvlChange)
    w.nodeIds.forEach((_, i) => expect(tvl[i]).toBe(w.features[i * FEATURE_COUNT + 4]))
    const src = decodeInt32(f.edgeSource)
    const dst = decodeInt32(f.edgeTarget)
    const weight = decodeFloat64(f.edgeWeight)
    for (let j = 0; j < w.edgeSrc.length; j++) {
      expect(u.ids[src[j]]).toBe(w.nodeIds[w.edgeSrc[j]])
      expect(u.ids[dst[j]]).toBe(w.nodeIds[w.edgeDst[j]])
      expect(weight[j]).toBe(w.edgeWeight[j])
    }
    const summary = archive.listWeeks().find((s) => s.week === WEEK)
    expect(f.totalTvl).toBe(summary?.totalTvl)
    expect(f.totalExposure).toBe(summary?.totalExposure)
  })
})

describe('week.graph', () => {
  it('answers the whole week by default', async () => {
    const g = (await call('week.graph', { week: WEEK })) as CallResponse<'week.graph'>
    expect(g.nodes).toHaveLength(g.totalNodes)
    expect(g.edges).toHaveLength(g.totalEdges)
  })
})

describe('node.detail', () => {
  it('matches SQL on the edges view, shares summing to 1', async () => {
    const hub = sql<{ source: string }>(
      'SELECT source FROM edges WHERE week = ? GROUP BY source ORDER BY count(*) DESC LIMIT 1',
      WEEK,
    )[0].source
    const d = (await call('node.detail', {
      nodeId: hub,
      week: WEEK,
    })) as CallResponse<'node.detail'>
    const out = sql<{ target: string; weight: number }>(
      'SELECT target, weight FROM edges WHERE week = ? AND source = ? ORDER BY weight DESC',
      WEEK,
      hub,
    )
    const inn = sql<{ source: string; weight: number }>(
      'SELECT source, weight FROM edges WHERE week = ? AND target = ? ORDER BY weight DESC',
      WEEK,
      hub,
    )
    expect(out.length).toBeGreaterThan(1)
    expect(d.exposedTo.map((e) => [e.id, e.usd])).toEqual(out.map((e) => [e.target, e.weight]))
    expect(d.exposedFrom.map((e) => [e.id, e.usd])).toEqual(inn.map((e) => [e.source, e.weight]))
    expect(d.totals.exposedTo.count).toBe(out.length)
    expect(d.totals.exposedTo.usd).toBeCloseTo(
      out.reduce((s, e) => s + e.weight, 0),
      3,
    )
    const sum = (xs: { share: number }[]) => xs.reduce((s, x) => s + x.share, 0)
    expect(sum(d.exposedTo)).toBeCloseTo(1, 12)
    if (inn.length > 0) expect(sum(d.exposedFrom)).toBeCloseTo(1, 12)
    const node = sql<{ size: number; composition: string | null }>(
      'SELECT size, composition FROM nodes WHERE week = ? AND node_id = ?',
      WEEK,
      hub,
    )[0]
    expect(d.size).toBe(node.size)
    const comp = Object.entries(JSON.parse(node.composition ?? '{}') as Record<string, number>)
    expect(d.composition).toHaveLength(comp.length)
    expect(d.composition.map((c) => c.usd)).toEqual(comp.map(([, v]) => v).sort((a, b) => b - a))
    if (comp.every(([, v]) => v >= 0) && comp.length > 0)
      expect(sum(d.composition)).toBeCloseTo(1, 12)
    const span = sql<{ first: string; last: string }>(
      'SELECT min(week) AS first, max(week) AS last FROM nodes WHERE node_id = ?',
      hub,
    )[0]
    expect([d.firstWeek, d.lastWeek]).toEqual([span.first, span.last])
    expect(d.kind).toBe(archive.protocols().has(hub) ? 'protocol' : 'token')
  })
})

describe('edge.history', () => {
  it('lists every week of the edge as SQL on the edges view does', async () => {
    const e = sql<{ source: string; target: string }>(
      'SELECT source, target FROM edges WHERE week = ? ORDER BY weight DESC LIMIT 1',
      WEEK,
    )[0]
    const h = (await call('edge.history', e)) as CallResponse<'edge.history'>
    const expected = sql<{ week: string; weight: number }>(
      'SELECT week, weight FROM edges WHERE source = ? AND target = ? ORDER BY week',
      e.source,
      e.target,
    )
    expect(expected.length).toBeGreaterThan(5)
    expect(h).toEqual({ ...e, points: expected })
    // the reverse direction is another edge
    const back = (await call('edge.history', {
      source: e.target,
      target: e.source,
    })) as CallResponse<'edge.history'>
    expect(back.points).toEqual(
      sql(
        'SELECT week, weight FROM edges WHERE source = ? AND target = ? ORDER BY week',
        e.target,
        e.source,
      ),
    )
  })
})

describe('layout.run', () => {
  it('re-lays out as a job and changes the revision that frames carry', async () => {
    const before = await universe()
    const { jobId } = (await call('layout.run', { iterations: 20 })) as { jobId: string }
    await expect(call('layout.run', {})).rejects.toMatchObject({ code: 'CONFLICT' })
    await service.layout.idle()
    expect(done).toContainEqual(expect.objectContaining({ id: jobId, state: 'done' }))
    const after = await universe()
    expect(after.layout).toMatchObject({ kind: 'relayout', iterations: 20, state: 'ready' })
    expect(after.revision).not.toBe(before.revision)
    expect(after.ids).toEqual(before.ids)
    expect((await frame(WEEK)).revision).toBe(after.revision)
    expect(decodeInt32(after.pinned).length).toBe(Math.ceil(after.count * 0.05))
  })
})

describe('bad requests name the field', () => {
  it('a malformed week, node or iteration count is a USAGE error', async () => {
    for (const [name, request, field] of [
      ['week.frame', { week: '2022-5-9' }, 'week'],
      ['week.frame', {}, 'week'],
      ['node.detail', { nodeId: '', week: WEEK }, 'nodeId'],
      ['edge.history', { source: 'a' }, 'target'],
      ['layout.run', { iterations: 0 }, 'iterations'],
      ['layout.run', { reseed: 'yes' }, 'reseed'],
      ['graph.universe', { wait: 1 }, 'wait'],
    ] as const) {
      const e = await rejection(call(name, request))
      expect(e.code).toBe('USAGE')
      expect(e.message).toContain(`${field}:`)
    }
  })

  it('an unknown week or node is NOT_FOUND naming the field', async () => {
    const node = (await universe()).ids[0]
    for (const [name, request, field] of [
      ['week.frame', { week: '1999-01-04' }, 'week'],
      ['node.detail', { nodeId: node, week: '1999-01-04' }, 'week'],
      ['node.detail', { nodeId: 'no-such-node', week: WEEK }, 'nodeId'],
      ['edge.history', { source: 'no-such-node', target: node }, 'source'],
      ['edge.history', { source: node, target: 'no-such-node' }, 'target'],
    ] as const) {
      const e = await rejection(call(name, request))
      expect(e.code).toBe('NOT_FOUND')
      expect(e.location.field).toBe(field)
    }
  })
})
