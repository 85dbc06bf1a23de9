// User story: an analyst who ran a stress test under forecast uncertainty takes its results to a
// spreadsheet or notebook — Export… on the stress run saves the loss distribution of every scenario
// and method (the same bytes as `dexposure export --table stress --run N`), Export… under the
// distressed nodes saves those nodes, and the Log gets one line per export naming the file. In
// real Chromium (browser mode) on the small demo archive of global setup.
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, dexposure } from './cli'
import { Downloads } from './pages/downloads'
import { RiskView, StressEditor } from './pages/risk'
import { StressExports } from './pages/stress-export'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
let page: Page
let wb: Workbench
let week: string

test.beforeAll(async ({ browser }) => {
  week = cliWeeks(demo.archive).at(-1)!.week
  // the forecast the stress run draws from, stored beforehand (the stress story of scenarios.spec
  // covers running it from the view)
  dexposure(demo.archive, '--quiet', 'forecast', '--week', week, '--horizon', '1')
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
  await wb.open()
  await wb.graph()
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst exports a stress run’s results and its distressed nodes, one Log line each', async () => {
  const risk = new RiskView(wb)
  await risk.open()
  await risk.fill({
    week,
    scenario: 'top5-protocols',
    methods: ['reference', 'debtrank', 'eisenberg-noe'],
  })
  await risk.fillStress({ horizon: 1, draws: 40, seed: 5, method: 'all' })
  await risk.runStressButton().click()
  await expect(risk.stressStatus()).toHaveText(/done \(run \d+\)/, { timeout: 90_000 })
  const runId = Number(/run (\d+)/.exec((await risk.stressStatus().textContent())!)![1])
  const stress = new StressEditor(page, runId)
  await expect(stress.root).toBeVisible()
  const exports = new StressExports(page, runId)
  await expect(exports.resultsButton()).toBeVisible()
  await wb.screenshot('stress-export-button')

  const downloads = new Downloads(page)
  const results = await downloads.exportTable(exports.resultsButton(), 'csv', undefined, () =>
    wb.screenshot('stress-export-dialog'),
  )
  expect(results.name).toBe(`stress-run${runId}.csv`)
  // the same bytes as the command line's export of the run
  const cli = dexposure(demo.archive, 'export', '--table', 'stress', '--run', String(runId))
  expect(results.bytes.toString('utf8')).toBe(cli)
  const lines = results.bytes.toString('utf8').trimEnd().split(/\r?\n/)
  // one row per scenario and method, with the numbers the editor shows
  expect(lines).toHaveLength(1 + 3)
  const header = lines[0].split(',')
  const row = (method: string) =>
    Object.fromEntries(
      lines
        .find((l) => l.split(',')[header.indexOf('method')] === method)!
        .split(',')
        .map((v, i) => [header[i], v]),
    )
  for (const m of ['reference', 'debtrank'] as const)
    for (const k of ['var95', 'cvar99'])
      expect(Number(row(m)[k])).toBeCloseTo(await stress.value('top5-protocols', m, k), 2)

  const nodes = await downloads.exportTable(
    await exports.nodesButton('top5-protocols', 'reference'),
    'json',
  )
  expect(nodes.name).toBe(`stress-nodes-run${runId}.json`)
  const listed = JSON.parse(nodes.bytes.toString('utf8')) as { method: string; node_id: string }[]
  expect(listed.length).toBe(nodes.rows)
  const shown = await stress
    .method('top5-protocols', 'reference')
    .locator('.stress-nodes tbody tr')
    .count()
  expect(listed.filter((n) => n.method === 'reference')).toHaveLength(shown)

  // one info line per export, under the export's name, naming the file (the Log lists the newest
  // first); no other line about them
  await wb.runCommand('View: Show Log and Problems')
  const about = (await exports.infoLines()).filter(
    ([source, message]) => source.startsWith('Export') || /stress(-nodes)?-run/.test(message),
  )
  expect(about).toEqual([
    [
      `Export the nodes distressed across draws in stress run ${runId} as JSON`,
      expect.stringMatching(
        new RegExp(`^${nodes.rows} rows → stress-nodes-run${runId}\\.json \\(\\d+ bytes\\)$`),
      ),
    ],
    [
      `Export the results of stress run ${runId} as CSV`,
      expect.stringMatching(new RegExp(`^3 rows → stress-run${runId}\\.csv \\(\\d+ bytes\\)$`)),
    ],
  ])
  await wb.screenshot('stress-export-log')
  await wb.expectNoErrors()
})
