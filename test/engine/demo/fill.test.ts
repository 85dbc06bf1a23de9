// fillArchiveWithDemo into a real SQLite archive, and the same demo through the DeXposure importer.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  demoSha256,
  fillArchiveWithDemo,
  generateDemo,
  writeDemoJson,
} from '../../../src/engine/demo'
import { importFile } from '../../../src/engine/import'
import { Archive } from '../../../src/engine/store/archive'
import type { ImportReport } from '../../../src/shared/domain'
import { DexposureError } from '../../../src/shared/errors'

const dir = mkdtempSync(join(tmpdir(), 'dx-demo-fill-'))
let archive: Archive
let report: ImportReport
const progress: number[] = []

beforeAll(async () => {
  archive = Archive.open(join(dir, 'demo.sqlite'))
  report = await fillArchiveWithDemo(archive, {
    scale: 'small',
    seed: 7,
    onProgress: (done, total) => {
      expect(total).toBe(283)
      progress.push(done)
    },
  })
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const count = (a: Archive, table: string) =>
  (a.db.prepare(`SELECT count(*) AS c FROM ${table}`).get() as { c: number }).c

describe('fillArchiveWithDemo', () => {
  it('writes 283 synthetic weeks, the real protocols and the real token map in one import', () => {
    const demo = generateDemo({ scale: 'small', seed: 7 })
    const weeks = archive.listWeeks()
    expect(weeks.map((w) => w.week)).toEqual(demo.weekIds)
    expect(weeks.every((w) => w.synthetic)).toBe(true)
    expect(archive.hasSynthetic()).toBe(true)
    expect(report.weeksInserted.length).toBe(283)
    expect(report).toMatchObject({
      file: 'demo:small:seed=7',
      format: 'dexposure',
      sha256: demoSha256({ scale: 'small', seed: 7 }),
      rows: { protocols: demo.protocols.length, token_issuers: demo.tokenIssuers.length },
    })
    expect(count(archive, 'protocols')).toBe(5230)
    expect(count(archive, 'token_issuers')).toBe(demo.tokenIssuers.length)
    expect(archive.tokenIssuers().get('WSTETH')).toMatchObject({ issuer: '182', group: 'PRIMARY' })
    expect(archive.protocols().get('182')).toMatchObject({
      name: 'Lido',
      category: 'Liquid Staking',
      sector: 'Asset Management',
    })
    expect(progress.at(-1)).toBe(283)
    const imports = archive.db.prepare('SELECT source, status, bytes FROM imports').all()
    expect(imports).toEqual([{ source: 'demo:small:seed=7', status: 'ok', bytes: 0 }])
  })

  it('stores what the import policy keeps and counts what it drops', () => {
    const weeks = archive.listWeeks()
    const nodes = weeks.reduce((a, w) => a + w.nodes, 0)
    const edges = weeks.reduce((a, w) => a + w.edges, 0)
    expect(report.counts.nodes_kept).toBe(nodes)
    expect(report.counts.edges_kept).toBe(edges)
    expect(count(archive, 'nodes')).toBe(nodes)
    expect(count(archive, 'edges')).toBe(edges)
    expect(report.counts.edges_target_null_dropped).toBeGreaterThan(0)
    expect(report.counts.edges_endpoint_missing_dropped).toBeGreaterThan(0)
    expect(report.counts.edges_self_loop_dropped ?? 0).toBe(0)
    expect(report.counts.edges_duplicate_merged ?? 0).toBe(0)
  })

  it('loads a week as typed arrays with real sectors for protocol nodes', () => {
    const f = archive.loadWeek('2024-06-03')
    expect(f.synthetic).toBe(true)
    expect(f.nodeIds.length).toBeGreaterThan(300)
    expect(f.edgeSrc.length).toBeGreaterThan(f.nodeIds.length)
    const known = f.sectors.filter((s) => s !== 'Unknown').length
    expect(known / f.nodeIds.length).toBeGreaterThan(0.3)
    expect(Math.min(...f.edgeWeight)).toBeGreaterThan(0)
  })

  it('is idempotent: filling again changes no week', async () => {
    const again = await fillArchiveWithDemo(archive, { scale: 'small', seed: 7 })
    expect(again.weeksInserted).toEqual([])
    expect(again.weeksUnchanged.length).toBe(283)
  })

  it('leaves the archive untouched when cancelled', async () => {
    const file = join(dir, 'cancel.sqlite')
    const a = Archive.open(file)
    try {
      const ctrl = new AbortController()
      const err = await fillArchiveWithDemo(a, {
        scale: 'small',
        seed: 7,
        signal: ctrl.signal,
        onProgress: (done) => done === 30 && ctrl.abort(),
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DexposureError)
      expect((err as DexposureError).code).toBe('CANCELLED')
      expect(a.listWeeks()).toEqual([])
      expect(count(a, 'protocols')).toBe(0)
      expect(count(a, 'imports')).toBe(0)
    } finally {
      a.close()
    }
  })

  it('gives the same archive as writing the JSON and importing it', async () => {
    const json = join(dir, 'demo.json')
    await writeDemoJson({ scale: 'small', seed: 7, out: json })
    const b = Archive.open(join(dir, 'from-json.sqlite'))
    try {
      const r = await importFile(b, json, { synthetic: true })
      const fromJson = b.listWeeks()
      const demo = archive.listWeeks()
      expect(fromJson.map((w) => [w.week, w.nodes, w.edges])).toEqual(
        demo.map((w) => [w.week, w.nodes, w.edges]),
      )
      // Same drops, counted the same way.
      for (const k of [
        'nodes_kept',
        'edges_kept',
        'edges_target_null_dropped',
        'edges_endpoint_missing_dropped',
      ] as const)
        expect(r.counts[k], k).toBe(report.counts[k])
      // Same content, week by week (the archive's content hash covers ids, sizes, weights and
      // compositions).
      const hashes = (a: Archive) =>
        a.db.prepare('SELECT week, content_sha256 FROM weeks ORDER BY week').all()
      expect(hashes(b)).toEqual(hashes(archive))
    } finally {
      b.close()
    }
    expect(existsSync(json)).toBe(true)
  })
})
