// User stories of data leaving the workbench as downloads in browser mode (issue 12 §4, issue 13
// §2), where the page cannot read the engine's disk: the engine writes the file into its download
// folder and the page saves it. One working session on the small demo archive of global setup:
// a console result as CSV (every row, not the rows shown), a failed query reported once, a risk
// table as Parquet read back with hyparquet, the forecast graph at the view's threshold as GEXF,
// and as CSV node and edge lists (two files).
import { expect, test, type Page } from '@playwright/test'
import Graph from 'graphology'
import { parse as parseGexf } from 'graphology-gexf'
import { parquetReadObjects } from 'hyparquet'
import { cliWeeks, dexposure, type CliWeek } from './cli'
import { ConsoleSide, ConsoleTab } from './pages/console'
import { Dashboard } from './pages/dashboard'
import { Downloads } from './pages/downloads'
import { ForecastView } from './pages/forecast'
import { RiskView } from './pages/risk'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()

let page: Page
let wb: Workbench
let downloads: Downloads
let last: CliWeek

/** One number from the CLI's SQL on the same archive (the independent reference). */
function cliNumber(sql: string): number {
  const out = dexposure(demo.archive, 'query', sql, '--format', 'csv').trim().split(/\r?\n/)
  return Number(out[1])
}

test.beforeAll(async ({ browser }) => {
  last = cliWeeks(demo.archive).at(-1)!
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  downloads = new Downloads(page)
  await wb.clearSavedState()
  await wb.open()
  await wb.graph()
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst downloads a console result as CSV: every row, not only the rows shown', async () => {
  const side = new ConsoleSide(page)
  await side.show()
  const tab = await side.newConsole()
  // the grid shows at most 1,000 rows; the week has more edges than that
  await tab.root.getByLabel('Rows shown').selectOption('1000')
  const sql = `SELECT * FROM edges WHERE week = '${last.week}' ORDER BY weight DESC`
  await tab.typeSql(sql)
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.error).toBeNull()
  expect(last.edges).toBeGreaterThan(1000)
  expect(s.rows).toBe(1000)
  const file = await downloads.exportTable(tab.resultAction('export'), 'csv', 'top-exposures', () =>
    wb.screenshot('download-console-dialog'),
  )
  expect(file.name).toBe('top-exposures.csv')
  expect(file.status).toContain('download top-exposures.csv')
  const ui = file.bytes.toString('utf8').trimEnd().split(/\r?\n/)
  expect(ui).toHaveLength(last.edges + 1)
  // the same bytes as the CLI's export of the same SQL
  const cli = dexposure(demo.archive, 'query', sql, '--format', 'csv').trimEnd().split(/\r?\n/)
  expect(ui).toEqual(cli)
  await wb.screenshot('download-console-csv')
  await wb.expectNoErrors()
})

test('a failed query says so once where the analyst looks, with one Problems entry', async () => {
  const tab = new ConsoleTab(page, await currentConsole())
  const problems = await page.locator('.log-entry[data-level="error"]').count()
  await tab.typeSql('SELECT nonsense_column FROM weeks')
  const s = await tab.runWithKeys('Control+Enter')
  expect(s.error?.code).toBe('BAD_INPUT')
  // the result box names the error; no toast repeats it
  await expect(tab.error()).toContainText('nonsense_column')
  await page.waitForTimeout(500) // a toast would be up by now (it is added with the log entry)
  await expect(page.locator('.toast')).toHaveCount(0)
  await wb.screenshot('download-console-error-once')
  // one Problems entry
  await wb.runCommand('View: Show Log and Problems')
  await expect(page.locator('.log-entry[data-level="error"]')).toHaveCount(problems + 1)
  await expect(page.locator('.log-entry[data-level="error"]').last()).toContainText(
    'nonsense_column',
  )
  // the refused query.run is a failed request in Chromium's log: that one entry is expected
  const i = wb.errors.findIndex((e) => e.includes('/api/query.run'))
  expect(i).toBeGreaterThanOrEqual(0)
  wb.errors.splice(i, 1)
  await wb.expectNoErrors()
})

test('an analyst exports the node losses of a scenario as Parquet that hyparquet reads back', async () => {
  const risk = new RiskView(wb)
  await risk.open()
  await risk.fill({
    week: last.week,
    scenario: 'top5-protocols',
    methods: ['reference', 'debtrank', 'eisenberg-noe'],
  })
  const scenario = await risk.runScenario()
  const shown = await scenario.lossNodes()
  const button = scenario.root.locator('.risk-section button.table-export')
  const file = await downloads.exportTable(button, 'parquet')
  expect(file.name).toBe(`contagion-losses-run${scenario.runId}-top5-protocols.parquet`)
  const buf = new Uint8Array(file.bytes).buffer
  const rows = (await parquetReadObjects({ file: buf })) as {
    method: string
    node_id: string
    loss: number
  }[]
  // every node hit by every method, as the archive stores the run
  const stored = cliNumber(
    `SELECT count(*) FROM contagion_node_losses WHERE run_id = ${scenario.runId} AND scenario = 'top5-protocols'`,
  )
  expect(rows).toHaveLength(stored)
  expect(file.rows).toBe(stored)
  expect(new Set(rows.map((r) => r.method))).toEqual(
    new Set(['reference', 'debtrank', 'eisenberg-noe']),
  )
  // the method the table shows, largest loss first, as the table lists it
  const reference = rows.filter((r) => r.method === 'reference').map((r) => r.node_id)
  expect(reference.slice(0, 10)).toEqual(shown.slice(0, 10))
  await wb.screenshot('download-risk-parquet')
  await wb.expectNoErrors()
})

test('an analyst saves the forecast graph at the view’s threshold as GEXF', async () => {
  const forecast = new ForecastView(wb)
  await page
    .locator('.dv-tab', { hasText: `Week ${last.week}` })
    .first()
    .click()
  await forecast.open()
  await forecast.chooseHorizon(4)
  await forecast.showOnGraph(4)
  const st = await forecast.setThreshold(0.3)
  const [file] = await downloads.exportForecastGraph(forecast.root, 'gexf')
  expect(file.name).toBe(`dexposure-forecast-${st.week}-h4-p0.3.gexf`)
  const g = parseGexf(Graph, file.bytes.toString('utf8'))
  const pairs = cliNumber(
    `SELECT count(*) FROM forecast_edges('${st.week}', 4) WHERE probability >= 0.3`,
  )
  expect(g.size).toBe(pairs)
  // the view counts the same edges at that threshold
  expect((await forecast.shownCounts()).shown).toBe(pairs)
  g.forEachEdge((_e, a) => expect(a.probability as number).toBeGreaterThanOrEqual(0.3))
  await wb.screenshot('download-forecast-gexf')
  await wb.expectNoErrors()
})

test('the forecast graph as CSV comes as two downloads: the nodes and the edges', async () => {
  const forecast = new ForecastView(wb)
  const st = await forecast.status()
  const files = await downloads.exportForecastGraph(forecast.root, 'csv')
  const byName = new Map(files.map((f) => [f.name, f.bytes.toString('utf8')]))
  const stem = `dexposure-forecast-${st.week}-h4-p0.3`
  expect([...byName.keys()].sort()).toEqual([`${stem}_edges.csv`, `${stem}_nodes.csv`])
  const edges = byName.get(`${stem}_edges.csv`)!.trimEnd().split('\n')
  expect(edges[0]).toBe('week,source,target,weight,probability')
  expect(edges).toHaveLength(
    cliNumber(`SELECT count(*) FROM forecast_edges('${st.week}', 4) WHERE probability >= 0.3`) + 1,
  )
  expect(byName.get(`${stem}_nodes.csv`)!.split('\n')[0]).toBe(
    'week,id,label,tvl,category,sector,kind,sis',
  )
  await wb.expectNoErrors()
})

test('an analyst exports the forecast table’s new relationships as JSON: the whole list', async () => {
  const forecast = new ForecastView(wb)
  const table = await forecast.openTable()
  await table.showKind('new')
  // the table pages through its list (100 rows at a time); the export holds all of it
  const total = Number(await table.root.locator('table.forecast-table').getAttribute('data-total'))
  const shown = await table.topPairs(5)
  await wb.screenshot('download-forecast-table')
  const file = await downloads.exportTable(table.root.locator('button.table-export'), 'json')
  const st = await forecast.status()
  expect(file.name).toBe(`forecast-new-${st.week}-h4.json`)
  const rows = JSON.parse(file.bytes.toString('utf8')) as {
    source: string
    target: string
    probability: number
    exists_at_t: number
  }[]
  expect(rows).toHaveLength(total)
  expect(rows.every((r) => r.exists_at_t === 0)).toBe(true)
  // most probable first, as the table lists them
  expect(rows.slice(0, 5).map((r) => r.probability)).toEqual(shown.map((r) => r.probability))
  await wb.expectNoErrors()
})

test('an analyst exports the week’s whole SIS ranking from the dashboard as CSV', async () => {
  await page
    .locator('.dv-tab', { hasText: `Week ${last.week}` })
    .first()
    .click()
  await wb.runCommand('Risk: Open Week Dashboard')
  const dash = new Dashboard(page, last.week)
  await dash.waitReady()
  // the table shows a page and a text filter; the export holds every node of the week
  await dash.filterSis('lending')
  const button = dash.root.locator('.dash-sis header button.table-export')
  const file = await downloads.exportTable(button, 'csv', undefined, () =>
    wb.screenshot('download-export-dialog'),
  )
  expect(file.name).toBe(`sis-${last.week}.csv`)
  const lines = file.bytes.toString('utf8').trimEnd().split(/\r?\n/)
  expect(lines[0]).toBe(
    'rank,node_id,name,category,score,pagerank,pagerank_scaled,tail_exposure,log_tvl_scaled,run_id',
  )
  expect(lines).toHaveLength(cliNumber(`SELECT count(*) FROM sis('${last.week}')`) + 1)
  // ranks in order, as the dashboard ranks them
  expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['1', '2', '3'])
  await wb.expectNoErrors()
})

/** The editor id of the console tab opened by the first story. */
async function currentConsole(): Promise<string> {
  return page.evaluate(() => Object.keys(window.__console ?? {}).at(-1)!)
}
