// The contract's `report.build` on the small demo archive: the job reports progress, its result
// passes ReportResultSchema with the HTML of the asked sections, the numbers are the engine
// views' (week.stats), a second report job is CONFLICT, bad requests are refused before a job
// starts; and the command line that reproduces a report quotes what a shell would split.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../../src/engine/demo'
import { normaliseRequest, reportCommand } from '../../../src/engine/report/build'
import { EngineService } from '../../../src/engine/service'
import { Archive } from '../../../src/engine/store/archive'
import {
  REPORT_SECTION_TITLES,
  ReportResultSchema,
  type CallResponse,
  type EventPayload,
} from '../../../src/shared/api'
import { DexposureError } from '../../../src/shared/errors'

const dir = mkdtempSync(join(tmpdir(), 'dx-report-job-'))
let archive: Archive
let service: EngineService
const WEEK = '2025-06-02'
const done = new Map<string, EventPayload<'job.done'>>()
const progress: EventPayload<'job.progress'>[] = []

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  service = new EngineService(archive)
  service.on('job.done', (p) => done.set((p as EventPayload<'job.done'>).id, p as never))
  service.on('job.progress', (p) => progress.push(p as EventPayload<'job.progress'>))
}, 120_000)
afterAll(() => {
  service.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

async function finished(id: string): Promise<EventPayload<'job.done'>> {
  for (let i = 0; i < 2400 && !done.has(id); i++) await new Promise((r) => setTimeout(r, 50))
  return done.get(id)!
}

describe('report.build', () => {
  it('builds the asked sections as a job, with the numbers of week.stats', async () => {
    const req = {
      week: WEEK,
      horizons: [1],
      scenarios: ['top-protocol'],
      sections: ['summary', 'forecast', 'contagion', 'provenance'],
    }
    const { jobId } = (await service.handle('report.build', req)) as { jobId: string }
    // one report at a time
    await expect(service.handle('report.build', req)).rejects.toMatchObject({ code: 'CONFLICT' })
    const d = await finished(jobId)
    expect(d.state, d.error?.message).toBe('done')
    const r = ReportResultSchema.parse(d.result)
    expect(r).toMatchObject({
      week: WEEK,
      format: 'html',
      paper: 'a4',
      pdfBase64: null,
      path: null,
    })
    expect(r.sections).toEqual(['summary', 'forecast', 'contagion', 'provenance'])
    expect(r.computed.join('\n')).toMatch(/forecast of 2025-06-02, h=1/)
    for (const s of r.sections) expect(r.html).toContain(`<h2>${REPORT_SECTION_TITLES[s]}</h2>`)
    expect(r.html).not.toContain(`<h2>${REPORT_SECTION_TITLES.sis}</h2>`)
    const stats = (await service.handle('week.stats', { week: WEEK })) as CallResponse<'week.stats'>
    const nodes = stats.values.n_nodes!.toLocaleString('en-US')
    expect(r.html).toContain(`<span data-metric="n_nodes">${nodes}</span>`)
    expect(r.html).toContain(
      `<span data-metric="total_tvl">$${Math.round(stats.values.total_tvl!).toLocaleString('en-US')}</span>`,
    )
    expect(r.command).toMatch(
      /^dexposure --archive \S+ report --week 2025-06-02 --horizon 1 --scenario top-protocol --section summary --section forecast --section contagion --section provenance --format html --paper a4 --out report-2025-06-02\.html$/,
    )
    const mine = progress.filter((p) => p.id === jobId)
    expect(mine.length).toBeGreaterThan(5)
    expect(mine.some((p) => /forecast h=1/.test(p.message ?? ''))).toBe(true)

    // a second build reads the stored forecast and contagion run back
    const again = await finished(
      ((await service.handle('report.build', req)) as { jobId: string }).jobId,
    )
    expect(ReportResultSchema.parse(again.result).computed).toEqual([])
  }, 180_000)

  it('refuses a bad request before a job starts', async () => {
    const refused = (req: unknown) =>
      service.handle('report.build', req).then(
        () => null,
        (e: DexposureError) => e.code,
      )
    expect(await refused({ week: '2030-01-07' })).toBe('NOT_FOUND')
    expect(await refused({ week: WEEK, scenarios: ['no-such'] })).toBe('USAGE')
    expect(await refused({ week: WEEK, sections: [] })).toBe('USAGE')
    expect(await refused({ week: WEEK, format: 'docx' })).toBe('USAGE')
  })
})

describe('reportCommand', () => {
  it('quotes paths and names a shell would split', () => {
    const r = normaliseRequest({
      week: WEEK,
      horizons: [4, 1, 4],
      scenarios: ['S1'],
      path: "/tmp/my report's.pdf",
      format: 'pdf',
    })
    expect(r.horizons).toEqual([1, 4])
    expect(reportCommand('/data/an archive.sqlite', r)).toBe(
      `dexposure --archive '/data/an archive.sqlite' report --week ${WEEK} --horizon 1 --horizon 4 --scenario S1 --format pdf --paper a4 --out '/tmp/my report'\\''s.pdf'`,
    )
  })
})
