// What each section of the weekly report says, against the stored results it reads (issue 13 §1):
// the summary's changes over one and four weeks, the SIS table's top 20 with their parts, the
// contagion scenario's figures by method with the first- and last-round snapshots, the stored
// backtest beside persistence and EdgeBank, the alert timeline, the week's graph image, and
// Provenance's archive sha256 (the file's own), weeks, imports and execution provider. On a copy
// of the small demo archive, one HTML build of all seven sections for h = 1 and one scenario,
// after a baselines-only backtest of h = 1.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/engine/service'
import { addWeeks } from '../../../src/shared/dates'
import {
  REPORT_SECTIONS,
  ReportResultSchema,
  type CallResponse,
  type ReportResult,
} from '../../../src/shared/api'
import { demoArchiveCopy } from '../query/demo-fixture'
import { jobDone, type JobDone } from '../jobs'

const WEEK = '2025-06-30'
const SCENARIO = 'top-protocol'
let dir: string
let file: string
let service: EngineService
let report: ReportResult

const finished = (jobId: string): Promise<JobDone> => jobDone(service, jobId)

async function job(call: 'backtest.run' | 'report.build', request: unknown) {
  const { jobId } = (await service.handle(call, request)) as { jobId: string }
  const d = await finished(jobId)
  expect(d.state, d.error?.message).toBe('done')
  return d
}

async function rows(sql: string, params: Record<string, string | number> = {}) {
  const r = (await service.handle('query.run', { sql, params })) as CallResponse<'query.run'>
  const s = r.statements[0]
  // column-major data → one object per row
  return Array.from({ length: s.rowCount }, (_, i) =>
    Object.fromEntries(s.columns.map((c, k) => [c.name, s.data[k][i]])),
  )
}

/** The HTML of one section. */
function section(id: string): string {
  const m = new RegExp(`<section id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(report.html)
  expect(m, id).not.toBeNull()
  return m![1]
}

/** The cells of a section's tables' body rows, as text. */
function bodyRows(html: string): string[][] {
  return [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((t) =>
    [...t[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
    ),
  )
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-report-sections-'))
  process.env.DEXPOSURE_USER_DIR ??= join(dir, 'user')
  file = await demoArchiveCopy(dir)
  service = EngineService.open(file)
  await job('backtest.run', { horizon: 1, model: null, from: '2025-05-05', to: '2025-06-02' })
  const d = await job('report.build', {
    week: WEEK,
    horizons: [1],
    scenarios: [SCENARIO],
    format: 'html',
  })
  report = ReportResultSchema.parse(d.result)
}, 300_000)
afterAll(() => {
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the weekly report’s sections', () => {
  it('has the seven sections in order, with the week’s graph drawn', () => {
    const ids = [...report.html.matchAll(/<section id="([a-z]+)"/g)].map((m) => m[1])
    expect(ids).toEqual([...REPORT_SECTIONS])
    const graph = /<figure class="graph">([\s\S]*?)<\/figure>/.exec(report.html)
    expect(graph).not.toBeNull()
    expect((graph![1].match(/<circle /g) ?? []).length).toBeGreaterThan(100)
  })

  it('sums the week up with its changes over one and four weeks, and says the data is synthetic', async () => {
    const html = section('summary')
    const [now, week1, week4] = await Promise.all(
      [WEEK, addWeeks(WEEK, -1), addWeeks(WEEK, -4)].map(
        async (week) =>
          ((await service.handle('week.stats', { week })) as CallResponse<'week.stats'>).values,
      ),
    )
    const count = (v: number) => v.toLocaleString('en-US')
    const change = (d: number) => (d > 0 ? `+${count(d)}` : d < 0 ? `−${count(-d)}` : '0')
    const table = bodyRows(html)
    for (const [label, key] of [
      ['Nodes', 'n_nodes'],
      ['Edges', 'n_edges'],
    ] as const)
      expect(table.find((r) => r[0] === label)).toEqual([
        label,
        count(now[key]!),
        change(now[key]! - week1[key]!),
        change(now[key]! - week4[key]!),
      ])
    expect(html).toContain(`Change over 1 week (vs ${addWeeks(WEEK, -1)})`)
    expect(html).toContain(`Change over 4 weeks (vs ${addWeeks(WEEK, -4)})`)
    expect(html).toContain(`Over four weeks (since ${addWeeks(WEEK, -4)})`)
    expect(html).toContain('SYNTHETIC data')
  })

  it('ranks the top 20 by SIS with their parts, as the stored statistics', async () => {
    const stored = await rows(
      'SELECT rank, score, pagerank_scaled, tail_exposure, log_tvl_scaled FROM sis(:week) ORDER BY rank LIMIT 20',
      { week: WEEK },
    )
    const table = bodyRows(section('sis')).filter((r) => r.length === 9)
    expect(table).toHaveLength(20)
    table.forEach((r, i) => {
      const s = stored[i] as Record<string, number>
      expect(r[0]).toBe(String(s.rank))
      expect(r.slice(3, 7)).toEqual(
        [s.score, s.pagerank_scaled, s.tail_exposure, s.log_tvl_scaled].map((x) => x.toFixed(4)),
      )
    })
    // and a chart of the parts
    expect(section('sis')).toMatch(/<figure><svg /)
  })

  it('gives each method’s loss share, distressed and defaults of the stored contagion run', async () => {
    const html = section('contagion')
    const run = Number(/contagion run (\d+)/.exec(html)![1])
    const stored = await rows(
      `SELECT method, total_loss_pct, distressed_count, default_count, rounds FROM contagion_results
       WHERE run_id = :run AND scenario = :scenario ORDER BY method`,
      { run, scenario: SCENARIO },
    )
    expect(stored.map((s) => s.method)).toEqual(['debtrank', 'eisenberg-noe', 'reference'])
    const table = bodyRows(html).filter((r) => r.length === 7)
    for (const s of stored) {
      const row = table.find((r) => r[0] === s.method)
      expect(row, String(s.method)).toBeDefined()
      expect(row!.slice(3)).toEqual([
        `${(s.total_loss_pct as number).toFixed(2)} %`,
        (s.distressed_count as number).toLocaleString('en-US'),
        (s.default_count as number).toLocaleString('en-US'),
        String(s.rounds),
      ])
    }
    // the loss-by-round chart, and snapshots of the first and last rounds
    expect(html).toContain(`Loss by round: ${SCENARIO}`)
    expect((html.match(/<figure class="snap">/g) ?? []).length).toBe(2)
    expect(html).toMatch(/first round \(\d+\)/)
    expect(html).toMatch(/last round \(\d+\)/)
  })

  it('puts the stored backtest’s persistence and EdgeBank beside the model', async () => {
    const b = (await service.handle('backtest.result', {
      horizon: 1,
    })) as NonNullable<CallResponse<'backtest.result'>>
    const html = section('forecast')
    expect(html).toContain(`Walk-forward backtest run ${b.runId}`)
    const auprc = bodyRows(html).find((r) => r[0] === 'AUPRC (paper protocol)')
    const paper = b.paper as Record<string, Record<string, number> | null>
    // a baselines-only backtest: no model column
    expect(auprc).toEqual([
      'AUPRC (paper protocol)',
      '—',
      paper.persistence!.auprc.toFixed(4),
      paper.edgebank!.auprc.toFixed(4),
    ])
    expect(html).toContain('Most likely new edges')
    expect(html).toContain('Probabilities are calibrated.')
  })

  it('shows the alert timeline of the weeks up to the report’s', () => {
    const html = section('alerts')
    expect(html).toMatch(new RegExp(`Alert timeline, \\d{4}-\\d{2}-\\d{2} … ${WEEK}`))
    expect(html).toMatch(/The monitor read \d+ weeks/)
  })

  it('names the archive by its sha256, the weeks, their imports and the execution provider', async () => {
    const html = section('provenance')
    const sha = /Archive sha256<\/dt><dd><code>([0-9a-f]{64})<\/code>/.exec(html)
    expect(sha).not.toBeNull()
    expect(sha![1]).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'))
    const weeks = /Weeks used<\/dt><dd>([^<]*)<\/dd>/.exec(html)![1].split(', ')
    expect(weeks).toContain(WEEK)
    // each week's import, and the import records with their source
    const imports = await rows(
      `SELECT DISTINCT i.import_id, i.source FROM imports AS i JOIN weeks AS w
         ON w.import_id = i.import_id WHERE w.week = :week`,
      { week: WEEK },
    )
    expect(imports).toHaveLength(1)
    const table = bodyRows(html)
    expect(table).toContainEqual([
      WEEK,
      expect.stringMatching(/^[0-9a-f]{16}…$/),
      String(imports[0].import_id),
    ])
    expect(
      table.some((r) => r[0] === String(imports[0].import_id) && r[1] === imports[0].source),
    ).toBe(true)
    const run = await rows(
      'SELECT provider FROM forecast_runs WHERE week = :week AND horizon = 1 ORDER BY run_id DESC LIMIT 1',
      { week: WEEK },
    )
    expect(html).toContain('Models, execution providers and fallbacks')
    expect(html).toContain(String(run[0].provider))
    // the model's manifest: its training window, training data and metrics; the fallbacks
    const models = bodyRows(html).find((r) => r[0] === 'h = 1')
    expect(models).toBeDefined()
    expect(models![1]).toMatch(/trained \d{4}-\d{2}-\d{2} … \d{4}-\d{2}-\d{2}/)
    expect(models![1]).toMatch(/training data: .+; metrics: .*auprc/)
    expect(models![2]).toMatch(new RegExp(`^${String(run[0].provider)}; (no fallback|fallbacks: )`))
    expect(html).toContain(`report --week ${WEEK} --horizon 1 --scenario ${SCENARIO}`)
  })
})
