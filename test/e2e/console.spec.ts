// User stories of the query console in browser mode, in real Chromium, on the small synthetic demo
// archive of global setup. One working session, in order: write a query with completion, run it,
// export it (compared with the CLI's own export of the same SQL), draw a result on the graph,
// stop a runaway query, and see an error underlined where it is.
import { readFile } from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, dexposure, type CliWeek } from './cli'
import { ConsoleSide, type ConsoleTab } from './pages/console'
import { pixelStats } from './pages/pixels'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const fmt = (n: number): string => n.toLocaleString('en')

let page: Page
let wb: Workbench
let side: ConsoleSide
let tab: ConsoleTab
let weeks: CliWeek[]
let last: CliWeek

/**
 * A query the engine refuses answers with an HTTP error, which Chromium logs as a failed
 * resource: take exactly that entry off the page's errors (anything else still fails the story).
 */
function expectFailedQueryCall(status: number): void {
  const i = wb.errors.findIndex(
    (e) => e.includes(`status of ${status}`) && e.includes('/api/query.run'),
  )
  expect(
    i,
    `a failed query.run (${status}) in ${JSON.stringify(wb.errors)}`,
  ).toBeGreaterThanOrEqual(0)
  wb.errors.splice(i, 1)
}

test.beforeAll(async ({ browser }) => {
  weeks = cliWeeks(demo.archive)
  last = weeks.at(-1)!
  page = await browser.newPage()
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  wb = new Workbench(page, demo)
  side = new ConsoleSide(page)
  await wb.clearSavedState()
  await wb.open()
  await wb.graph()
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst writes a query with completion, runs it with Ctrl+Enter and sees every row', async () => {
  await side.show()
  // the examples shipped with the app are listed (the questions among them)
  await expect(
    side.examples().filter({ hasText: 'most likely to become exposed to Lido' }),
  ).toHaveCount(1)
  tab = await side.newConsole()
  await tab.typeSql('SELECT * FROM ed')
  // the list offers the archive's tables, views and table functions; accept `edges`
  await expect(tab.suggestions().first()).toBeVisible()
  await expect.poll(async () => (await tab.suggestionLabels())[0]).toBe('edges')
  expect(await tab.suggestionLabels()).toContain('edges_named')
  await page.keyboard.press('Enter')
  await expect.poll(() => tab.text()).toBe('SELECT * FROM edges')
  await page.keyboard.type(` WHERE week = '${last.week}' ORDER BY weight DESC`, { delay: 5 })
  await page.keyboard.press('Escape')
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.error).toBeNull()
  // the grid counts every edge the CLI counts for that week
  expect(s.rows).toBe(last.edges)
  await expect(tab.rowCount()).toHaveText(`${fmt(last.edges)} rows`)
  // the grid's columns are the columns query.schema lists for `edges`
  const schema = await wb.call<{ tables: { name: string; columns: { name: string }[] }[] }>(
    'query.schema',
  )
  const edges = schema.tables.find((t) => t.name === 'edges')!
  expect(await tab.gridHeaders()).toEqual(edges.columns.map((c) => c.name))
  const rows = await tab.drawnRows()
  expect(rows.length).toBeGreaterThan(5)
  // weights are US dollars, largest first
  const w = edges.columns.findIndex((c) => c.name === 'weight')
  expect(rows[0][w]).toMatch(/^\$[\d,]+$/)
  await wb.screenshot('console-query')
  // the run is in the history, with its row count
  await expect(side.history().first()).toContainText(`${fmt(last.edges)} rows`)
  await wb.expectNoErrors()
})

test('an analyst exports the result as CSV and gets the rows the CLI exports for the same SQL', async () => {
  const sql = `SELECT * FROM edges WHERE week = '${last.week}' ORDER BY weight DESC`
  const out = await tab.export('csv', test.info().outputPath('top-exposures.csv'))
  expect(out.state).toBe('done')
  const ui = await readFile(out.path, 'utf8')
  const cli = dexposure(demo.archive, 'query', sql, '--format', 'csv')
  expect(ui.trimEnd().split(/\r?\n/)).toEqual(cli.trimEnd().split(/\r?\n/))
  expect(ui.trimEnd().split(/\r?\n/)).toHaveLength(last.edges + 1)
  await wb.expectNoErrors()
})

test('an analyst fills :week from a picker and draws the top exposures on the graph', async () => {
  // what the graph tab shows before: its week, undimmed
  const graph = await wb.graph()
  await page.locator('.dv-tab', { hasText: `Week ${last.week}` }).click()
  const before = await graph.stagePixels()
  await page.locator('.dv-tab', { hasText: 'Console' }).first().click()
  await tab.typeSql(
    'SELECT source, target, weight FROM edges WHERE week = :week ORDER BY weight DESC LIMIT 20',
  )
  await page.keyboard.press('Escape')
  // the parameter is a form field with the archive's weeks
  const week = tab.param('week')
  await expect(week).toBeVisible()
  const choices = await week.locator('option').allTextContents()
  expect(choices).toEqual(weeks.map((w) => w.week).reverse())
  await week.selectOption(last.week)
  await tab.editor().click()
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.rows).toBe(20)
  await tab.resultAction('show-on-graph').click()
  await page.waitForFunction(() =>
    Object.values(window.__graphs ?? {}).some((g) => g.overlay === 'Query result · 20 edges'),
  )
  const g = await wb.graph()
  const status = await g.status()
  expect(status.week).toBe(last.week)
  expect(status.overlay).toBe('Query result · 20 edges')
  // the other edges are dimmed: the stage changed
  const after = await g.stagePixels()
  expect(Math.abs(after.drawn - before.drawn)).toBeGreaterThan(200)
  await expect(g.caption()).toContainText('Query result · 20 edges')
  await wb.screenshot('console-show-on-graph')
  await wb.expectNoErrors()
})

test('an analyst cancels a runaway query and the console answers the next one', async () => {
  // back to the console tab
  await page.locator('.dv-tab', { hasText: 'Console' }).first().click()
  await tab.typeSql(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
  )
  const runs = (await tab.status()).runs
  await page.keyboard.press('Escape')
  await page.keyboard.press('Control+Enter')
  await expect(tab.button('cancel')).toBeEnabled()
  await page.waitForTimeout(500)
  expect((await tab.status()).running).toBe(true)
  await tab.button('cancel').click()
  const s = await tab.waitForRuns(runs + 1)
  expect(s.error?.code).toBe('CANCELLED')
  await expect(tab.error()).toContainText('cancelled')
  // the next query answers
  await tab.typeSql('SELECT count(*) AS weeks FROM weeks')
  const next = await tab.runWithKeys('Control+Enter')
  expect(next.error).toBeNull()
  expect((await tab.drawnRows())[0]).toEqual([String(weeks.length)])
  expectFailedQueryCall(409)
  await wb.expectNoErrors()
})

test('an analyst sees a wrong column underlined where it is', async () => {
  const sql = 'SELECT week, wieght FROM edges LIMIT 5'
  await tab.typeSql(sql)
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.error?.code).toBe('BAD_INPUT')
  expect(s.error?.message).toContain('wieght')
  expect(s.error?.offset).toBe(sql.indexOf('wieght'))
  expect(s.markers).toBe(1)
  await expect(tab.squiggles()).toHaveCount(1)
  // the squiggle sits under the misspelt column
  const box = (await tab.squiggles().boundingBox())!
  const word = (await tab.root
    .locator('.view-line span', { hasText: 'wieght' })
    .last()
    .boundingBox())!
  expect(Math.abs(box.x - word.x)).toBeLessThan(word.width)
  await expect(tab.error()).toContainText('line 1, column 14')
  await wb.screenshot('console-error')
  // the failed query is in the history, searchable by the error
  await side.searchHistory('wieght')
  await expect(side.history().first()).toContainText('BAD_INPUT')
  expectFailedQueryCall(400)
  await wb.expectNoErrors()
})

test('an analyst charts a node TVL history from a query', async () => {
  await tab.typeSql("SELECT week, size AS tvl_usd FROM node_history('182')")
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.error).toBeNull()
  expect(s.rows).toBeGreaterThan(10)
  await tab.resultAction('chart').click()
  const chart = tab.root.locator('.result-chart canvas')
  await expect(chart).toBeVisible()
  // the line was drawn: the chart's pixels are not all background
  const png = await tab.root.locator('.result-chart').screenshot()
  expect((await pixelStats(page, png)).drawn).toBeGreaterThan(500)
  await wb.screenshot('console-chart')
  await wb.expectNoErrors()
})
