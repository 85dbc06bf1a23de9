// The stored layout end to end on small hand-made archives: the first request lays out the whole
// universe as a job, the same archive always gives the same positions, a re-layout keeps the
// largest nodes still, an import's new nodes are placed without moving any old node, and a
// cancelled layout writes nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobRegistry } from '../../../src/engine/jobs'
import { GraphLayout, PINNED_SHARE, largestFirst } from '../../../src/engine/layout/graph-layout'
import { readPositions } from '../../../src/engine/layout/store'
import { Archive } from '../../../src/engine/store/archive'
import type { EventPayload } from '../../../src/shared/api'
import { NEW_NODES, addWeek, fillTiny } from './tiny-archive'

let dir: string
const open: Archive[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-layout-'))
})
afterEach(() => {
  for (const a of open.splice(0)) a.close()
  rmSync(dir, { recursive: true, force: true })
})

async function tinyLayout(name = 'a.sqlite') {
  const archive = Archive.open(join(dir, name))
  open.push(archive)
  await fillTiny(archive)
  const jobs = new JobRegistry()
  const done: EventPayload<'job.done'>[] = []
  jobs.on('job.done', (p: EventPayload<'job.done'>) => done.push(p))
  return { archive, jobs, layout: new GraphLayout(archive, jobs), done }
}

const count = (a: Archive, table: string) =>
  (a.db.prepare(`SELECT count(*) AS c FROM ${table}`).get() as { c: number }).c

describe('GraphLayout', () => {
  it('lays out the whole universe on the first request, as a job, and stores it', async () => {
    const { archive, layout, done } = await tinyLayout()
    const first = await layout.universe()
    expect(first.status.state).toBe('pending')
    expect(first.status.jobId).toEqual(expect.any(String))
    expect(first.view.unplaced).toBe(first.view.universe.ids.length)
    // provisional positions are finite, so a client can draw them while it waits
    expect(first.view.x.every(Number.isFinite)).toBe(true)
    const { view, status } = await layout.universe(true)
    expect(status).toEqual({ state: 'ready', jobId: null, message: null })
    expect(view.unplaced).toBe(0)
    expect(view.run).toMatchObject({ kind: 'full', iterations: 300, nodes: 61, pinned: 0 })
    expect(view.revision).not.toBe(first.view.revision)
    expect(done).toEqual([
      expect.objectContaining({
        id: first.status.jobId,
        state: 'done',
        result: { runId: view.run?.runId, kind: 'full', nodes: 61, moved: 61, iterations: 300 },
      }),
    ])
    expect(count(archive, 'node_positions')).toBe(61)
    const stored = readPositions(archive)
    expect(stored.ids).toEqual(view.universe.ids)
    expect([...stored.x]).toEqual([...view.x])
    // nodes spread out (no collapse to a point), every position finite
    const spread = Math.max(...view.x) - Math.min(...view.x)
    expect(spread).toBeGreaterThan(1)
    expect([...view.x, ...view.y].every(Number.isFinite)).toBe(true)
    // a second request reuses the stored layout: no new job
    const again = await layout.universe()
    expect(again.status.jobId).toBeNull()
    expect(again.view.revision).toBe(view.revision)
  })

  it('gives the same positions for the same archive', async () => {
    const one = await tinyLayout('one.sqlite')
    const two = await tinyLayout('two.sqlite')
    const a = (await one.layout.universe(true)).view
    const b = (await two.layout.universe(true)).view
    expect(a.universe.ids).toEqual(b.universe.ids)
    expect(Buffer.from(a.x.buffer)).toEqual(Buffer.from(b.x.buffer))
    expect(Buffer.from(a.y.buffer)).toEqual(Buffer.from(b.y.buffer))
  })

  it('keeps the largest nodes pinned on a re-layout and moves the others', async () => {
    const { layout, done } = await tinyLayout()
    const before = (await layout.universe(true)).view
    const id = layout.run({ iterations: 80 })
    await layout.idle()
    expect(done.at(-1)).toMatchObject({ id, state: 'done' })
    const after = layout.view()
    expect(after.run).toMatchObject({ kind: 'relayout', iterations: 80 })
    const n = after.universe.ids.length
    const pinned = [...after.pinned.keys()].filter((u) => after.pinned[u])
    expect(pinned).toEqual(
      [...largestFirst(after.universe.maxSize).slice(0, Math.ceil(n * PINNED_SHARE))].sort(
        (a, b) => a - b,
      ),
    )
    for (const u of pinned) {
      expect(after.x[u]).toBe(before.x[u])
      expect(after.y[u]).toBe(before.y[u])
    }
    const moved = [...after.x.keys()].filter(
      (u) => after.x[u] !== before.x[u] || after.y[u] !== before.y[u],
    )
    expect(moved.length).toBeGreaterThan(n / 2)
    expect(after.revision).toBeGreaterThan(before.revision)
  })

  it('places the nodes of a later import without moving any old node', async () => {
    const { archive, layout } = await tinyLayout()
    const before = (await layout.universe(true)).view
    await addWeek(archive)
    const pending = await layout.universe()
    expect(pending.status.state).toBe('pending')
    expect(pending.view.unplaced).toBe(NEW_NODES.length)
    // old nodes keep their index; the new ones are appended
    const n0 = before.universe.ids.length
    expect(pending.view.universe.ids.slice(0, n0)).toEqual(before.universe.ids)
    expect(pending.view.universe.ids.slice(n0)).toEqual(NEW_NODES)
    const after = (await layout.universe(true)).view
    expect(after.run).toMatchObject({ kind: 'incremental', moved: NEW_NODES.length })
    expect(Buffer.from(after.x.buffer, 0, n0 * 4)).toEqual(Buffer.from(before.x.buffer))
    expect(Buffer.from(after.y.buffer, 0, n0 * 4)).toEqual(Buffer.from(before.y.buffer))
    // the new nodes with edges land among the old ones, the one without any on the outer ring
    const radius = (u: number) => Math.hypot(after.x[u], after.y[u])
    const oldMax = Math.max(...Array.from({ length: n0 }, (_, u) => radius(u)))
    const index = after.universe.index
    for (const id of ['p40', 'p41', 'TKNEW'])
      expect(radius(index.get(id) as number)).toBeLessThan(oldMax)
    expect(radius(index.get('LONELY') as number)).toBeGreaterThan(oldMax * 0.9)
    expect(after.revision).toBeGreaterThan(pending.view.revision)
  })

  it('places again, incrementally, positions deleted by hand (derived data)', async () => {
    const { archive, layout } = await tinyLayout()
    const before = (await layout.universe(true)).view
    const n = before.universe.ids.length
    archive.db.prepare('DELETE FROM node_positions WHERE idx >= ?').run(n - 5)
    const pending = await layout.universe()
    expect(pending.status.state).toBe('pending')
    expect(pending.view.unplaced).toBe(5)
    expect(pending.view.revision).toBeGreaterThan(before.revision)
    const after = (await layout.universe(true)).view
    expect(after.run?.kind).toBe('incremental')
    expect(after.revision).toBeGreaterThan(pending.view.revision)
    expect(Buffer.from(after.x.buffer, 0, (n - 5) * 4)).toEqual(
      Buffer.from(before.x.buffer, 0, (n - 5) * 4),
    )
  })

  it('writes nothing when the layout job is cancelled', async () => {
    const { archive, jobs, layout, done } = await tinyLayout()
    await layout.universe(true)
    const positions = () => archive.db.prepare('SELECT * FROM node_positions ORDER BY idx').all()
    const before = positions()
    const runs = count(archive, 'layout_runs')
    let id = ''
    const cancelled = new Promise<void>((resolve) =>
      jobs.on('job.progress', (p: EventPayload<'job.progress'>) => {
        // cancel while the worker iterates
        if (p.id === id && p.message === 'iterations' && jobs.cancel(id)) resolve()
      }),
    )
    id = layout.run({ iterations: 10_000, reseed: true })
    await cancelled
    await layout.idle()
    expect(done.at(-1)).toMatchObject({ id, state: 'cancelled' })
    expect(positions()).toEqual(before)
    expect(count(archive, 'layout_runs')).toBe(runs)
    // a cancelled automatic layout is not restarted for the same archive state
    expect((await layout.universe()).status.state).toBe('ready')
  })

  it('answers an empty, ready universe on an empty archive, and lays it out on request', async () => {
    const archive = Archive.open(join(dir, 'empty.sqlite'))
    open.push(archive)
    const layout = new GraphLayout(archive, new JobRegistry())
    const { view, status } = await layout.universe()
    expect(status.state).toBe('ready')
    expect(view.universe.ids).toEqual([])
    layout.run({})
    await layout.idle()
    expect(layout.view().run).toMatchObject({ kind: 'full', nodes: 0 })
  })

  it('refuses a second layout while one runs', async () => {
    const { layout } = await tinyLayout()
    await layout.universe()
    expect(() => layout.run({})).toThrow(expect.objectContaining({ code: 'CONFLICT' }))
    await layout.idle()
  })
})
