// One Log line per export, naming the file: the engine's export jobs finish with a `job.done`
// message that names what they wrote (rows or nodes and edges → the file), JobsService writes that
// as the job's one info line under the export's label, and the table export (exportTableJob) adds
// none of its own. Run against the real engine on the demo archive, through the renderer services.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/engine/service'
import { exportTableJob } from '../../../src/renderer/src/services/downloads'
import { JobsService } from '../../../src/renderer/src/services/jobs'
import { LogService } from '../../../src/renderer/src/services/log'
import type { EventPayload, WorkbenchApi } from '../../../src/shared/api'
import { demoArchiveCopy } from '../../engine/query/demo-fixture'

const WEEK = '2022-05-09'
let dir: string
let service: EngineService
let api: WorkbenchApi

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-export-log-'))
  process.env.DEXPOSURE_USER_DIR ??= join(dir, 'user')
  service = EngineService.open(await demoArchiveCopy(dir))
  // the renderer's api over the engine in this process (what the transports carry)
  api = {
    mode: 'test',
    call: (name, request) => service.handle(name, request) as never,
    on: (name, listener) => service.on(name, listener as (p: unknown) => void),
  }
})
afterAll(() => {
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the Log after an export', () => {
  it('holds one info line for a table export, and it names the file', async () => {
    const log = new LogService()
    const jobs = new JobsService(api, log)
    const path = join(dir, 'sis.csv')
    const label = 'Export the SIS ranking as CSV'
    const out = await exportTableJob({ api, jobs, log }, label, () =>
      api.call('export.table', { table: 'sis', week: WEEK, format: 'csv', path }),
    )
    expect(out.state).toBe('done')
    const rows = out.state === 'done' ? out.result.rows : -1
    expect(rows).toBeGreaterThan(0)
    expect(log.entries.map((e) => [e.level, e.source, e.message])).toEqual([
      [
        'info',
        label,
        expect.stringMatching(new RegExp(`^${rows} rows → ${path} \\(\\d+ bytes\\)$`)),
      ],
    ])
  })

  it('a download is named by its file name, and a graph export by its files and the synthetic label', async () => {
    const log = new LogService()
    new JobsService(api, log)
    const done = (jobId: string) =>
      new Promise<EventPayload<'job.done'>>((resolve) => {
        const off = service.on('job.done', (p) => {
          const d = p as EventPayload<'job.done'>
          if (d.id === jobId) {
            off()
            resolve(d)
          }
        })
      })
    const table = await api.call('export.table', { table: 'sis', week: WEEK, format: 'json' })
    const t = await done(table.jobId)
    expect(t.message).toMatch(new RegExp(`^\\d+ rows → sis-${WEEK}\\.json \\(\\d+ bytes\\)$`))
    const path = join(dir, 'week.csv')
    const graph = await api.call('export.graph', {
      target: { kind: 'week', week: WEEK },
      format: 'csv',
      path,
    })
    const g = await done(graph.jobId)
    expect(g.message).toMatch(
      new RegExp(
        `^\\d+ nodes, \\d+ edges → ${join(dir, 'week_nodes.csv')}, ${join(dir, 'week_edges.csv')} \\(SYNTHETIC demo data\\)$`,
      ),
    )
    // one line each, the job's
    expect(log.entries.map((e) => e.message)).toEqual([t.message, g.message])
  })
})
