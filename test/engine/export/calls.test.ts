// The contract's graph exports: `export.graph` as a job (a week, the explorer's filtered view)
// into the engine's download folder, `export.read` handing the file back in chunks that parse with
// graphology's maintained GEXF and GraphML parsers, downloads gone once read, and refusals that
// name the field.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Graph from 'graphology'
import { parse as parseGexf } from 'graphology-gexf'
import { parse as parseGraphml } from 'graphology-graphml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/engine/service'
import { GraphExportResultSchema, type GraphExportResult } from '../../../src/shared/api-export'
import { demoArchiveCopy } from '../query/demo-fixture'
import { runJob, type JobDone } from '../jobs'

const WEEK = '2022-05-09'
let dir: string
let service: EngineService

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-export-calls-'))
  service = EngineService.open(await demoArchiveCopy(dir))
})
afterAll(() => {
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = (request: unknown): Promise<JobDone> => runJob(service, 'export.graph', request)

async function exported(request: unknown): Promise<GraphExportResult> {
  const done = await run(request)
  expect(done.state, done.error?.message).toBe('done')
  return GraphExportResultSchema.parse(done.result)
}

/** Reads a download to its end through export.read. */
async function readAll(downloadId: string): Promise<Buffer> {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const r = (await service.handle('export.read', { downloadId, offset })) as {
      data: string
      done: boolean
    }
    const b = Buffer.from(r.data, 'base64')
    parts.push(b)
    offset += b.length
    if (r.done) return Buffer.concat(parts)
  }
}

describe('export.graph and export.read', () => {
  it('exports a week as GEXF into the download folder and hands it back whole, once', async () => {
    const r = await exported({ target: { kind: 'week', week: WEEK }, format: 'gexf' })
    const week = service.archive.listWeeks().find((w) => w.week === WEEK)!
    expect(r).toMatchObject({ kind: 'week', nodes: week.nodes, edges: week.edges, synthetic: true })
    const [file] = r.files
    expect(file).toMatchObject({ name: `dexposure-${WEEK}.gexf`, mime: 'application/gexf+xml' })
    const text = (await readAll(file.downloadId!)).toString('utf8')
    expect(Buffer.byteLength(text)).toBe(file.bytes)
    const g = parseGexf(Graph, text)
    expect(g.order).toBe(week.nodes)
    expect(g.size).toBe(week.edges)
    let usd = 0
    g.forEachEdge((_e, a) => (usd += a.weight as number))
    expect(usd).toBeCloseTo(week.totalExposure, 0)
    // read to its end, the download is gone
    expect(existsSync(file.path)).toBe(false)
    await expect(
      service.handle('export.read', { downloadId: file.downloadId }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('exports exactly the nodes and edges of a filtered view, with the archive’s weights', async () => {
    const f = service.archive.loadWeek(WEEK)
    // the view: the five largest nodes and every edge among them
    const top = [...f.sizes.keys()].sort((a, b) => f.sizes[b] - f.sizes[a]).slice(0, 5)
    const pos = new Map(top.map((i, k) => [i, k]))
    const edges: number[] = []
    const weights = new Map<string, number>()
    for (let j = 0; j < f.edgeSrc.length; j++) {
      const s = pos.get(f.edgeSrc[j])
      const t = pos.get(f.edgeDst[j])
      if (s === undefined || t === undefined) continue
      edges.push(s, t)
      weights.set(`${f.nodeIds[f.edgeSrc[j]]} ${f.nodeIds[f.edgeDst[j]]}`, f.edgeWeight[j])
    }
    expect(edges.length).toBeGreaterThan(0)
    const r = await exported({
      target: { kind: 'view', week: WEEK, nodes: top.map((i) => f.nodeIds[i]), edges },
      format: 'graphml',
    })
    expect(r).toMatchObject({ kind: 'view', nodes: 5, edges: edges.length / 2 })
    const g = parseGraphml(Graph, (await readAll(r.files[0].downloadId!)).toString('utf8'))
    expect(g.order).toBe(5)
    const got = new Map<string, number>()
    g.forEachEdge((_e, a, s, t) => got.set(`${s} ${t}`, a.weight as number))
    expect(got).toEqual(weights)
  })

  it('writes to a path when given one, and refuses what it cannot export, naming the field', async () => {
    const path = join(dir, 'w.gexf')
    const r = await exported({ target: { kind: 'week', week: WEEK }, format: 'gexf', path })
    expect(r.files[0]).toMatchObject({ path, downloadId: null })
    expect(existsSync(path)).toBe(true)
    const unknown = await run({ target: { kind: 'week', week: '2019-01-07' }, format: 'gexf' })
    expect(unknown).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } })
    const badView = await run({
      target: { kind: 'view', week: WEEK, nodes: ['no-such-node'], edges: [] },
      format: 'gexf',
    })
    expect(badView).toMatchObject({ state: 'failed', error: { code: 'USAGE' } })
    expect(badView.error?.message).toMatch(/no-such-node/)
    const rangeGraphml = await run({
      target: { kind: 'range', from: WEEK, to: '2022-05-16' },
      format: 'graphml',
    })
    expect(rangeGraphml.error?.message).toMatch(/GraphML has no time model/)
    await expect(
      service.handle('export.graph', { target: { kind: 'week', week: WEEK }, format: 'xls' }),
    ).rejects.toMatchObject({ code: 'USAGE' })
  })
})
