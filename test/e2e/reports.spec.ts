// User story of the Reports view in browser mode: an analyst opens Reports from the activity bar,
// builds the weekly risk report of a week with one horizon and two scenarios, reads the live
// preview, changes the sections, and saves the report as HTML and as PDF, one Log line per saved
// file. On a copy of the demo archive (the report stores the forecast and the scenario run it
// computes).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, test, type Page } from '@playwright/test'
import { REPORT_SECTION_TITLES } from '../../src/shared/api-report'
import { ReportEditor } from './pages/reports'
import { Workbench } from './pages/workbench'
import { demoServer, startServer, type RunningServer } from './server'

test.describe.configure({ mode: 'serial' })

const WEEK = '2025-08-11'
const TITLES = Object.values(REPORT_SECTION_TITLES)

let dir = ''
let server: RunningServer
let page: Page
let wb: Workbench
let report: ReportEditor

test.beforeAll(async ({ browser }) => {
  // a copy of the archive, a server and a first open: slow on a busy machine
  test.setTimeout(180_000)
  dir = mkdtempSync(join(tmpdir(), 'dx-e2e-report-'))
  const copy = join(dir, 'report.sqlite')
  // a consistent copy of the shared demo archive (with the layout global setup stored)
  const db = new Database(demoServer().archive, { readonly: true })
  db.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`)
  db.close()
  server = await startServer(copy)
  page = await browser.newPage({ acceptDownloads: true })
  wb = new Workbench(page, server)
  await wb.open()
  report = new ReportEditor(page)
})

test.afterAll(async () => {
  await page.close()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('an analyst builds a weekly report, previews it and saves it as HTML and PDF', async () => {
  test.setTimeout(360_000)
  await wb.activity('reports').click()
  const side = wb.sideView('reports')
  await expect(side).toBeVisible()
  await expect(side).toContainText('Contagion scenarios')
  await side.getByRole('button', { name: 'New Report…' }).click()
  await expect(report.view).toBeVisible()

  // the form: one week, h=1, two scenarios
  await report.week().selectOption(WEEK)
  await report.choose('horizon', ['1'])
  await report.choose('scenario', ['top-protocol', 'S1'])
  await report.waitForPreview(WEEK)
  const frame = report.preview()
  for (const t of TITLES) await expect(frame.locator('h2', { hasText: t }).first()).toBeVisible()
  await expect(frame.locator('section#forecast h3')).toHaveText([/Horizon 1 week/])
  await expect(frame.locator('section#contagion .scenario')).toHaveCount(2)
  // the week's graph image is drawn in the preview (an SVG with hundreds of nodes)
  expect(await frame.locator('figure.graph svg circle').count()).toBeGreaterThan(100)
  await expect(report.status()).toContainText(`Week ${WEEK}`)
  // the preview with the bottom panel hidden, as the user guide shows it
  await page.getByRole('button', { name: 'Hide panel' }).click()
  await expect.poll(() => wb.panelHeight()).toBeLessThan(10)
  await frame.locator('section#summary h2').evaluate((e) => e.scrollIntoView())
  await wb.screenshot('report-preview')

  // fewer sections: the preview follows the form
  await report.choose('section', ['summary', 'sis', 'provenance'])
  await expect(frame.locator('section[data-section]')).toHaveCount(3, { timeout: 120_000 })
  await report.waitForPreview(WEEK)
  await report.choose('section', Object.keys(REPORT_SECTION_TITLES))
  await expect(frame.locator('section[data-section]')).toHaveCount(7, { timeout: 120_000 })
  await report.waitForPreview(WEEK)

  // the Log open while saving: each save adds exactly one line, naming the file (a PDF save's
  // build logs no "done" line of its own)
  await wb.runCommand('View: Show Log and Problems')
  const save = async (format: 'html' | 'pdf') => {
    const before = (await report.logLines()).length
    const file = await report.save(format)
    await expect
      .poll(async () => (await report.logLines())[0])
      .toEqual(['info', 'report', `saved ${file.name}`])
    expect((await report.logLines()).length).toBe(before + 1)
    return file
  }

  // Save HTML: a download of the report with every section title
  const html = await save('html')
  expect(html.name).toBe(`dexposure-report-${WEEK}.html`)
  const text = html.bytes.toString('utf8')
  for (const t of TITLES) expect(text).toContain(`<h2>${t}</h2>`)
  expect(text).toContain('dexposure --archive')

  // Save PDF: a PDF file from the engine's printer
  const pdf = await save('pdf')
  expect(pdf.name).toBe(`dexposure-report-${WEEK}.pdf`)
  expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(pdf.bytes.toString('latin1')).toContain('/Outlines')
  await wb.screenshot('report-saved-log')

  expect(wb.errors).toEqual([])
})
