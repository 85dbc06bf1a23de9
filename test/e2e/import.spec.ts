// User stories of an archive that starts empty, in browser mode: the workbench says what to do,
// a good file imported from the UI adds its weeks (the Explorer lists them, a week opens as a
// graph), and a bad file is refused with an error view naming the file, week and field while
// the archive stays as it was. Its own server and archive (the demo archive is not touched).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, dexposure } from './cli'
import { Workbench } from './pages/workbench'
import { startServer, type RunningServer } from './server'

test.describe.configure({ mode: 'serial' })

const GOOD = 'test/fixtures/import/dexposure/small.json'
// nodes[2].composition.ETH is the string "5": refused with file, week, field and byte offset
const BAD = 'test/fixtures/hostile/dexposure-composition-not-number.json'

let dir: string
let archive: string
let server: RunningServer
let page: Page
let wb: Workbench

test.beforeAll(async ({ browser }) => {
  dir = mkdtempSync(join(tmpdir(), 'dx-e2e-import-'))
  archive = join(dir, 'empty.sqlite')
  dexposure(archive, '--quiet', 'init')
  server = await startServer(archive)
  page = await browser.newPage()
  wb = new Workbench(page, server)
  await wb.open()
})

test.afterAll(async () => {
  await page.close()
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('an analyst opens an empty archive and is told what to do next', async () => {
  await expect(wb.statusItem('archive')).toHaveText('empty.sqlite')
  await expect(wb.statusItem('synthetic')).toHaveCount(0)
  // the editor area: the archive is empty, import a file
  const empty = wb.emptyEditorArea()
  await expect(empty).toContainText('This archive is empty.')
  await expect(empty).toContainText('Import a DeXposure JSON file')
  await expect(empty.getByRole('button', { name: 'Import a file…' })).toBeVisible()
  await expect(empty.getByRole('button', { name: 'Open the last week' })).toHaveCount(0)
  // the Explorer says the same
  await expect(wb.explorer()).toContainText('The archive has no weeks.')
  await expect(wb.weekItems()).toHaveCount(0)
  expect(await wb.graphIds()).toEqual([])
  await wb.screenshot('empty-archive')
  await wb.expectNoErrors()
})

test('an analyst imports a file from the UI and the Explorer shows its weeks', async () => {
  await wb.importFile(GOOD)
  await expect(wb.job('Import small.json')).toHaveAttribute('data-state', 'done', {
    timeout: 30_000,
  })
  const weeks = cliWeeks(archive)
  expect(weeks.map((w) => w.week)).toEqual(['2025-06-30', '2025-07-07', '2025-07-14'])
  await expect(wb.weekItems()).toHaveCount(3)
  expect(await wb.listedWeeks()).toEqual(weeks.map((w) => w.week).reverse())
  await expect(wb.explorer().locator('.side-section summary', { hasText: 'Weeks' })).toHaveText(
    'Weeks (3)',
  )
  // the empty area now offers the weeks
  await expect(wb.emptyEditorArea()).toContainText('empty.sqlite: 3 weeks, 2025-06-30 … 2025-07-14')
  await expect(
    wb.emptyEditorArea().getByRole('button', { name: 'Open the last week' }),
  ).toBeVisible()
  // a week opens as a graph with all its nodes
  await wb.openWeekFromExplorer('2025-06-30')
  const graph = await wb.graph()
  const s = await graph.waitForWeek('2025-06-30')
  expect(s.nodes).toBe(weeks[0].nodes)
  await expect(graph.caption()).toHaveAttribute('data-nodes', String(weeks[0].nodes))
  await expect(graph.caption()).not.toContainText('synthetic')
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(100)
  await wb.screenshot('imported-weeks')
  await wb.expectNoErrors()
})

test('a bad file is refused with an error view naming file, week and field, and nothing changes', async () => {
  const before = cliWeeks(archive)
  await wb.importFile(BAD)
  await expect(wb.job('Import dexposure-composition-not-number.json')).toHaveAttribute(
    'data-state',
    'failed',
    { timeout: 30_000 },
  )
  const view = wb.importError()
  await expect(view).toBeVisible()
  await expect(view.locator('h2')).toContainText('Import failed — nothing was changed')
  await expect(wb.importErrorField('file')).toHaveText('dexposure-composition-not-number.json')
  await expect(wb.importErrorField('error')).toHaveText('BAD_INPUT')
  await expect(wb.importErrorField('week')).toHaveText('2024-01-01')
  await expect(wb.importErrorField('field')).toHaveText('nodes[2].composition.ETH')
  await expect(wb.importErrorField('byte offset')).toHaveText('206')
  await expect(view.locator('.error-text')).toContainText('composition value must be a number')
  expect(await wb.tabTitles()).toContain('Import failed: dexposure-composition-not-number.json')
  // the toast and the problem count say so too
  await expect(page.locator('.toast[role="alert"]')).toContainText('2024-01-01')
  await expect(wb.statusItem('problems')).toHaveText('1')
  await wb.screenshot('import-error-view')
  // the archive is as it was
  expect(cliWeeks(archive)).toEqual(before)
  expect(await wb.listedWeeks()).toEqual(before.map((w) => w.week).reverse())
  expect(wb.errors).toEqual([])
})

test('an analyst opens another archive, then comes back to the first as it was', async () => {
  const first = await wb.tabTitles()
  expect(first).toContain('Week 2025-06-30')
  const other = join(dir, 'other.sqlite')
  // the archive item of the status bar opens the picker of recent archives
  await wb.statusItem('archive').click()
  const dialog = page.locator('dialog.dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.locator('.tree.recent li[data-path]')).toHaveCount(1)
  await expect(dialog.locator(`.tree.recent li[data-path="${archive}"]`)).toBeVisible()
  await dialog.getByLabel('Archive path').fill(other)
  await dialog.getByLabel('create if missing').check()
  await wb.screenshot('open-archive-dialog')
  await dialog.getByRole('button', { name: 'Open' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(wb.statusItem('archive')).toHaveText('other.sqlite')
  await expect(wb.emptyEditorArea()).toContainText('This archive is empty.')
  await expect(wb.weekItems()).toHaveCount(0)
  expect(await wb.tabTitles()).toEqual([])
  // back to the first: the recent list knows both, and its tabs come back
  await wb.runCommand('Archive: Open Archive…')
  await expect(dialog.locator('.tree.recent li[data-path]')).toHaveCount(2)
  await dialog.locator(`.tree.recent li[data-path="${archive}"]`).click()
  await expect(wb.statusItem('archive')).toHaveText('empty.sqlite')
  await expect(wb.weekItems()).toHaveCount(3)
  await expect.poll(() => wb.tabTitles()).toEqual(first)
  const graph = await wb.graph()
  await graph.waitForWeek('2025-06-30')
  await wb.screenshot('back-to-first-archive')
  expect(wb.errors).toEqual([])
})
