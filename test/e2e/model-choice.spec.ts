// User stories of the chosen forecast model and the largest exposure (issue 11 §1 and §3) in
// browser mode, in real Chromium, on the demo archive of global setup served by a server of this
// spec with its own per-user folder (DEXPOSURE_USER_DIR): an analyst whose archive has its own
// 1-week model chooses the shipped one in the model manager, sees the status bar name it, and the
// next forecast runs with it; `dexposure serve` is started again (another port, so another
// browser origin) and the choice is still there; the week dashboard shows the largest exposure
// with its change, sparkline and full series, and puts that edge on the graph. Then another model
// forecasts the week again (a newer run): a scenario on the forecast graph and the weekly report
// still read the chosen model's run, and the report's Provenance says the model was chosen; the
// Forecast view and table open the chosen model's stored run without forecasting again, and Ĝ
// saved from the view is that run's.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import Graph from 'graphology'
import { parse as parseGexf } from 'graphology-gexf'
import { cliWeeks, dexposure } from './cli'
import { ModelManager } from './pages/backtest'
import { Downloads } from './pages/downloads'
import { Dashboard } from './pages/dashboard'
import { ForecastView } from './pages/forecast'
import type { GraphEditor } from './pages/graph'
import { ModelStatusItem } from './pages/model-status'
import { ReportEditor } from './pages/reports'
import { RiskView } from './pages/risk'
import { Workbench } from './pages/workbench'
import { demoServer, startServer, type RunningServer } from './server'

test.describe.configure({ mode: 'serial' })
test.setTimeout(180_000)

const demo = demoServer()
const WEEK = '2025-05-26'
/** The archive's own 1-week model: the shipped one's graphs under another name, as `train` would
 * write it beside the archive (models/h1). */
const LOCAL_NAME = 'analyst-retrained-h1'
const localDir = join(dirname(demo.archive), 'models', 'h1')

interface ModelEntry {
  dir: string
  name: string
  source: 'archive' | 'shipped'
  isDefault: boolean
  horizon: number
}
interface ForecastRun {
  run_id: number
  model: string
  model_sha256: string
  provider: string
}

const userDir = mkdtempSync(join(tmpdir(), 'dx-e2e-model-choice-'))
let server: RunningServer
let page: Page
let wb: Workbench
let shipped: ModelEntry

test.beforeAll(async ({ browser }) => {
  server = await startServer(demo.archive, { userDir })
  const listed = await server.call<ModelEntry[]>('models.list')
  shipped = listed.find((m) => m.source === 'shipped' && m.horizon === 1)!
  cpSync(shipped.dir, localDir, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(localDir, 'model.json'), 'utf8')) as {
    name: string
  }
  manifest.name = LOCAL_NAME
  writeFileSync(join(localDir, 'model.json'), JSON.stringify(manifest, null, 2))
  page = await browser.newPage()
  wb = new Workbench(page, server)
})

test.afterAll(async () => {
  await page.close()
  await server.stop()
  rmSync(dirname(localDir), { recursive: true, force: true })
  rmSync(userDir, { recursive: true, force: true })
})

test('an analyst chooses a model in the model manager: the status bar names it, the next forecast uses it', async () => {
  await wb.open()
  const status = new ModelStatusItem(wb)
  // the archive's own model is the engine's default for h=1
  await status.waitFor(1, LOCAL_NAME, false)
  await expect(status.item()).toContainText(`model h1: ${LOCAL_NAME} (archive)`)

  // a forecast with the default: the run names the archive's model
  const graph: GraphEditor = await wb.graph()
  await wb.openWeekFromExplorer(WEEK)
  await graph.waitForWeek(WEEK)
  const fv = new ForecastView(wb)
  await fv.open()
  await fv.chooseHorizon(1)
  await fv.showOnGraph(1)
  const first = await wb.call<ForecastRun>('forecast.latest', { week: WEEK, horizon: 1 })
  expect(first.model).toBe(LOCAL_NAME)
  await expect(fv.runLine()).toContainText(`Stored run #${first.run_id}: model ${LOCAL_NAME}`)
  await expect(status.item()).toContainText(`model h1: ${LOCAL_NAME} (archive) · ${first.provider}`)

  // "Use this model" on the shipped one
  await wb.runCommand('Forecast: Manage Models')
  const mm = new ModelManager(page)
  await mm.row(shipped.dir).locator('button[data-action="use"]').click()
  await expect(mm.row(shipped.dir)).toHaveClass(/in-use/)
  const chosen = await status.waitFor(1, shipped.name, true)
  expect(chosen.dir).toBe(shipped.dir)
  await expect(status.item()).toContainText(`model h1: ${shipped.name} (shipped, chosen)`)
  await expect(status.item()).toHaveAttribute('title', /h1: .*\(shipped\) — your choice/)
  // kept at once in the per-user store beside the archives, with the archive's layout
  await expect.poll(async () => (await wb.savedState())?.models).toEqual({ '1': shipped.dir })

  // the stored run is the archive model's: the Forecast view says so, and "Show on graph" runs
  // the chosen model
  await wb.runCommand('Forecast: Clear the Forecast Overlay')
  await fv.open()
  await expect(fv.runLine()).toContainText(`is of model ${LOCAL_NAME}, not the model in use`)
  await fv.showOnGraph(1)
  const second = await wb.call<ForecastRun>('forecast.latest', { week: WEEK, horizon: 1 })
  expect(second.run_id).toBeGreaterThan(first.run_id)
  expect(second.model).toBe(shipped.name)
  await expect(fv.runLine()).toContainText(`Stored run #${second.run_id}: model ${shipped.name}`)
  expect((await fv.status()).runId).toBe(second.run_id)
  await expect(status.item()).toContainText(
    `model h1: ${shipped.name} (shipped, chosen) · ${second.provider}`,
  )
  await wb.screenshot('model-choice-status')
  await wb.expectNoErrors()
})

test('the choice survives a new `dexposure serve` (another port, another browser origin)', async () => {
  const before = new URL(server.url).origin
  await page.goto('about:blank')
  // stop the engine and start it again on the same archive with the same per-user folder
  const stopped = server
  await stopped.stop()
  server = await startServer(demo.archive, { userDir })
  expect(new URL(server.url).origin).not.toBe(before)
  wb = new Workbench(page, server)
  await wb.open()
  // nothing of the old origin's localStorage: the choice comes from the per-user store
  expect(
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('dx.')).length),
  ).toBe(0)
  const status = new ModelStatusItem(wb)
  await status.waitFor(1, shipped.name, true)
  await wb.runCommand('Forecast: Manage Models')
  const mm = new ModelManager(page)
  await expect(mm.row(shipped.dir)).toHaveClass(/in-use/)
  expect(await mm.badges(shipped.dir)).toEqual(['shipped', 'in use'])
  expect(await mm.badges(localDir)).toEqual(['archive', 'default'])
  await wb.screenshot('model-choice-restarted')
  await wb.expectNoErrors()
})

test('the week dashboard shows the largest exposure: change, sparkline, series, and its edge on the graph', async () => {
  const weeks = cliWeeks(demo.archive).map((w) => w.week)
  const graph = await wb.graph()
  await wb.runCommand('View: Show Explorer')
  await wb.openWeekFromExplorer(WEEK)
  await graph.waitForWeek(WEEK)
  await wb.runCommand('Risk: Open Week Dashboard')
  const dash = new Dashboard(page, WEEK)
  await dash.waitReady()
  const cli = JSON.parse(dexposure(demo.archive, '--json', 'stats', '--week', WEEK)) as {
    values: Record<string, number | null>
    deltas: Record<string, number | null>
    largestEdge: { source: string; target: string; weight: number }
  }
  // the same number as `stats --json` and as a plain SQL max over the week's edges
  const sql = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'query',
      `select source, target, weight from edges where week = '${WEEK}' order by weight desc, idx limit 1`,
    ),
  ) as { statements: { data: [[string], [string], [number]] }[] }
  // the query's JSON is by column
  const [[source], [target], [weight]] = sql.statements[0].data
  expect(cli.values.max_edge_weight).toBe(weight)
  expect(cli.largestEdge).toEqual({ source, target, weight })
  const card = dash.figure('max_edge_weight')
  await expect(card).toContainText('Largest exposure')
  const shown = await dash.figures()
  expect(shown.max_edge_weight.value).toBe(weight)
  expect(shown.max_edge_weight.delta).toBe(cli.deltas.delta_max_edge_weight)
  await expect(card.locator('.figure-pair')).toContainText('→')
  // a sparkline over every archived week once the stats job has filled them
  await dash.waitComplete()
  await expect.poll(async () => (await dash.figures()).max_edge_weight.points).toBe(weeks.length)
  // its full series
  await card.click()
  await expect(dash.chart()).toHaveAttribute('data-metric', 'max_edge_weight')
  await expect(dash.chart()).toHaveAttribute('data-points', String(weeks.length))
  await expect(dash.chart().locator('h3')).toContainText('Largest exposure across every week')
  await expect.poll(() => dash.chartPixels()).toBeGreaterThan(500)
  await wb.screenshot('dashboard-largest-exposure')
  // this week's edge on the graph: marked, the holder selected
  await dash.chart().locator('button[data-action="show-largest"]').click()
  await expect
    .poll(() =>
      page.evaluate(() =>
        Object.values(window.__graphs ?? {}).map((g) => ({
          overlay: g.overlay,
          selected: g.selected,
        })),
      ),
    )
    .toContainEqual({ overlay: expect.stringMatching(/^Largest exposure: /), selected: source })
  await wb.screenshot('dashboard-largest-exposure-graph')
  await wb.expectNoErrors()
})

test("another model's newer forecast is not read: the scenario runner and the report use the chosen model's run", async () => {
  test.setTimeout(300_000)
  const sqlRun = (model: string) =>
    (
      JSON.parse(
        dexposure(
          demo.archive,
          '--json',
          'query',
          `select max(run_id) from forecast_runs where week = '${WEEK}' and horizon = 1 and model = '${model}'`,
        ),
      ) as { statements: { data: [[number]] }[] }
    ).statements[0].data[0][0]
  // the chosen (shipped) model's run of the first story; then the archive's own model, the CLI's
  // default, forecasts the week again: the newest run is no longer the chosen model's
  const chosenRun = sqlRun(shipped.name)
  expect(chosenRun).toBeGreaterThan(0)
  const newer = JSON.parse(
    dexposure(demo.archive, '--json', 'forecast', '--week', WEEK, '--horizon', '1', '--top', '0'),
  ) as { run_id: number; model: string }
  expect(newer.model).toBe(LOCAL_NAME)
  expect(newer.run_id).toBeGreaterThan(chosenRun)
  await new ModelStatusItem(wb).waitFor(1, shipped.name, true)

  // a scenario on the forecast graph h=1: the engine measures the chosen model's run
  const risk = new RiskView(wb)
  await risk.open()
  await risk.fill({ week: WEEK, graph: '1', scenario: 'top-protocol', methods: ['reference'] })
  const editor = await risk.runScenario()
  const result = await wb.call<{ forecastRun: number | null; graph: string }>('risk.result', {
    runId: editor.runId,
  })
  expect(result).toMatchObject({ graph: 'forecast', forecastRun: chosenRun })

  // the weekly report of the week, h=1: its forecast and Provenance are the chosen model's run
  await wb.activity('reports').click()
  await wb.sideView('reports').getByRole('button', { name: 'New Report…' }).click()
  const report = new ReportEditor(page)
  await expect(report.view).toBeVisible()
  await report.week().selectOption(WEEK)
  await report.choose('horizon', ['1'])
  await report.choose('section', ['forecast', 'provenance'])
  await expect(report.preview().locator('section[data-section]')).toHaveCount(2, {
    timeout: 120_000,
  })
  await report.waitForPreview(WEEK)
  const frame = report.preview()
  await expect(frame.locator('section#forecast')).toContainText(
    `Forecast run ${chosenRun} with model ${shipped.name}`,
  )
  await expect(frame.locator('section#forecast')).not.toContainText(`Forecast run ${newer.run_id}`)
  const how = frame.locator('.model-choice[data-horizon="1"]')
  await expect(how).toHaveAttribute('data-choice', 'chosen')
  await expect(how).toContainText(`Forecast run ${chosenRun} by ${shipped.name}, the model chosen`)
  // nothing had to be forecast: the chosen model's run was stored
  await expect(report.status()).not.toContainText('Computed first: forecast')
  // the previewed document on a page of its own (the workbench is crowded with this story's
  // editors): its Provenance, where the model of each forecast is named
  const doc = await page.context().browser()!.newPage()
  await doc.setViewportSize({ width: 1100, height: 700 })
  await doc.setContent((await page.locator('.report-frame').getAttribute('srcdoc'))!)
  await doc.locator('section#provenance').scrollIntoViewIfNeeded()
  await expect(doc.locator('.model-choice')).toHaveCount(1)
  await doc.screenshot({ path: test.info().outputPath('model-choice-report-provenance.png') })
  await doc.close()
  await wb.expectNoErrors()
})

test("the Forecast view and table open the chosen model's stored run, not forecasting again", async () => {
  // the previous story left a newer run of the archive's own model than the chosen model's
  const newest = await wb.call<ForecastRun>('forecast.latest', { week: WEEK, horizon: 1 })
  expect(newest.model).toBe(LOCAL_NAME)
  const chosen = await wb.call<ForecastRun>('forecast.latest', {
    week: WEEK,
    horizon: 1,
    model: shipped.dir,
  })
  expect(chosen.model).toBe(shipped.name)
  expect(chosen.run_id).toBeLessThan(newest.run_id)

  // a graph of the week in front (the earlier stories left two graph editors and others)
  await wb.runCommand('View: Show Explorer')
  await wb.openWeekFromExplorer(WEEK)
  await expect
    .poll(() =>
      page.evaluate(
        (w) => Object.values(window.__graphs ?? {}).some((g) => g.week === w && g.rendered),
        WEEK,
      ),
    )
    .toBe(true)
  const fv = new ForecastView(wb)
  await fv.open()
  await expect(fv.week()).toContainText(WEEK)
  if ((await fv.status()).graphId) await wb.runCommand('Forecast: Clear the Forecast Overlay')
  await fv.chooseHorizon(1)
  // the view names the chosen model's stored run, not the newer run of another model
  await expect(fv.runLine()).toContainText(`Stored run #${chosen.run_id}: model ${shipped.name}`)
  await expect(fv.runLine()).toHaveAttribute('data-run', String(chosen.run_id))
  // "Show on graph" draws that run: no forecast job, no new run
  const shown = await fv.showOnGraph(1)
  expect(shown.runId).toBe(chosen.run_id)
  await expect(new ModelStatusItem(wb).item()).toContainText(`model h1: ${shipped.name}`)
  // the table reads the same run by id
  const table = await fv.openTable()
  await expect(table.meta()).toContainText(`Run #${chosen.run_id} `)
  await expect(table.meta()).toContainText(`model ${shipped.name} on `)
  await expect(table.rows().first()).toBeVisible()
  expect((await wb.call<ForecastRun>('forecast.latest', { week: WEEK, horizon: 1 })).run_id).toBe(
    newest.run_id,
  )
  await wb.screenshot('model-choice-forecast-older-run')

  // Ĝ saved from the view is that run too: the GEXF names run and model, and holds its pairs at
  // the view's threshold
  await fv.setThreshold(0.5)
  const [file] = await new Downloads(page).exportForecastGraph(fv.root, 'gexf')
  expect(file.name).toBe(`dexposure-forecast-${WEEK}-h1-p0.5.gexf`)
  const gexf = parseGexf(Graph, file.bytes.toString('utf8'))
  const description = file.bytes.toString('utf8').match(/<description>([^<]*)</)![1]
  expect(description).toContain(`run ${chosen.run_id}, model ${shipped.name}`)
  expect(description).not.toContain(`run ${newest.run_id}`)
  const pairs = (
    JSON.parse(
      dexposure(
        demo.archive,
        '--json',
        'query',
        `select count(*) from forecast_edges where run_id = ${chosen.run_id} and probability >= 0.5`,
      ),
    ) as { statements: { data: [[number]] }[] }
  ).statements[0].data[0][0]
  expect(pairs).toBeGreaterThan(0)
  expect(gexf.size).toBe(pairs)
  await wb.expectNoErrors()
})
