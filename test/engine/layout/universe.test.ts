// The universe against SQL on the archive: every node once, its first and last week, its largest
// size, protocol or token; the union edges with their largest log weight.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildUniverse,
  KIND_PROTOCOL,
  KIND_TOKEN,
  unionEdges,
} from '../../../src/engine/layout/universe'
import { Archive } from '../../../src/engine/store/archive'
import { addWeek, BASE_WEEKS, fillTiny, NEW_NODES, NEW_WEEK } from './tiny-archive'

const dir = mkdtempSync(join(tmpdir(), 'dx-universe-'))
let archive: Archive
beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillTiny(archive)
  await addWeek(archive)
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('buildUniverse', () => {
  it('holds every node once with its span, largest size, metadata and kind', () => {
    const u = buildUniverse(archive, [])
    expect(u.weeks).toEqual([...BASE_WEEKS, NEW_WEEK])
    const rows = archive.db
      .prepare(
        'SELECT node_id AS id, min(week) AS first, max(week) AS last, max(size) AS max FROM nodes GROUP BY node_id',
      )
      .all() as { id: string; first: string; last: string; max: number }[]
    expect([...u.ids].sort()).toEqual(rows.map((r) => r.id).sort())
    const protocols = archive.protocols()
    for (const r of rows) {
      const i = u.index.get(r.id) as number
      expect(u.ids[i]).toBe(r.id)
      expect(u.weeks[u.firstWeek[i]]).toBe(r.first)
      expect(u.weeks[u.lastWeek[i]]).toBe(r.last)
      expect(u.maxSize[i]).toBe(r.max)
      const p = protocols.get(r.id)
      expect(u.kind[i]).toBe(p ? KIND_PROTOCOL : KIND_TOKEN)
      expect(u.names[i]).toBe(p?.name ?? null)
      expect(u.categories[u.category[i]]).toBe(p?.category ?? 'Unknown')
      expect(u.sectors[u.sector[i]]).toBe(p?.sector ?? 'Unknown')
    }
    // first appearance order: the new week's nodes come last
    expect(u.ids.slice(-NEW_NODES.length)).toEqual(NEW_NODES)
  })

  it('keeps a stored order first and drops stored ids no week holds', () => {
    const u = buildUniverse(archive, ['TK3', 'gone', 'p1'])
    expect(u.ids.slice(0, 2)).toEqual(['TK3', 'p1'])
    expect(u.index.has('gone')).toBe(false)
    expect(new Set(u.ids).size).toBe(u.ids.length)
  })
})

describe('unionEdges', () => {
  it('merges both directions of every pair with the largest log1p weight', async () => {
    const u = buildUniverse(archive, [])
    const progress: number[] = []
    const e = await unionEdges(archive, u, { onWeek: (done) => progress.push(done) })
    expect(progress).toEqual([1, 2, 3, 4])
    const rows = archive.db.prepare('SELECT source, target, weight FROM edges').all() as {
      source: string
      target: string
      weight: number
    }[]
    const expected = new Map<string, number>()
    for (const r of rows) {
      const [a, b] = [u.index.get(r.source) as number, u.index.get(r.target) as number].sort(
        (p, q) => p - q,
      )
      const k = `${a}-${b}`
      expected.set(k, Math.max(expected.get(k) ?? 0, Math.log1p(r.weight)))
    }
    const top = Math.max(...expected.values())
    expect(e.a.length).toBe(expected.size)
    for (let j = 0; j < e.a.length; j++) {
      expect(e.a[j]).toBeLessThan(e.b[j])
      expect(e.weight[j]).toBeCloseTo((expected.get(`${e.a[j]}-${e.b[j]}`) as number) / top, 6)
    }
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      unionEdges(archive, buildUniverse(archive, []), { signal: controller.signal }),
    ).rejects.toBeDefined()
  })
})
