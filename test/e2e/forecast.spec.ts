// User stories of the forecast views in browser mode, in real Chromium, on the small synthetic
// demo archive of global setup: a 4-week forecast drawn over the graph with a probability
// threshold, the forecast table checked against the CLI, a pair explained, and forecast vs
// realised side by side with the stored risk comparison. The stories share one page, in order.
import { expect, test, type Page } from '@playwright/test'
import { dexposure } from './cli'
import { ForecastView, type ForecastTable } from './pages/forecast'
import { pixelDiff } from './pages/pixels'
import type { GraphEditor } from './pages/graph'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const WEEK = '2025-05-26'
const TARGET = '2025-06-23'

interface CliForecast {
  run_id: number
  expected_edges: number
  top: {
    source: string
    target: string
    probability: number
    predicted_weight_usd: number
    exists_at_t: boolean
  }[]
}

let page: Page
let wb: Workbench
let view: ForecastView
let graph: GraphEditor
let table: ForecastTable

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
  view = new ForecastView(wb)
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst draws a 4-week forecast over the graph of a week', async () => {
  test.setTimeout(120_000)
  await wb.open()
  graph = await wb.graph()
  await wb.openWeekFromExplorer(WEEK)
  await graph.waitForWeek(WEEK)
  const stage = graph.stage()
  const before = await stage.screenshot()
  await view.open()
  await expect(view.week()).toHaveAttribute('data-week', WEEK)
  await view.chooseHorizon(4)
  await expect(view.week()).toContainText(`to ${TARGET}`)
  // no run stored yet: the button runs the forecast as a job, then draws it
  const s = await view.showOnGraph(4)
  expect(s.week).toBe(WEEK)
  expect(s.counts!.expectedEdges).toBeGreaterThan(100)
  await expect(wb.job(`Forecast h=4 from ${WEEK}`)).toHaveAttribute('data-state', 'done')
  // the overlay's title in the caption, its legend in place of the category legend
  await expect(graph.caption()).toContainText(`Forecast h=4 → ${TARGET} · p ≥`)
  const legend = graph.legend()
  await expect(legend).toContainText('predicted new')
  await expect(legend).toContainText('not dashed')
  await expect(legend).toContainText('vanishing')
  await expect(legend).toContainText('TVL ±1 %')
  // the run it drew is the one stored, with the expected edge count the view shows
  const run = await wb.call<{ run_id: number; expected_edges: number; model: string }>(
    'forecast.latest',
    { week: WEEK, horizon: 4 },
  )
  expect(s.runId).toBe(run.run_id)
  expect((await view.shownCounts()).expected).toBe(Math.round(run.expected_edges))
  // the graph changed on screen: nodes recoloured by TVL change, edges by what they become
  const after = await stage.screenshot()
  const changed = await pixelDiff(page, before, after)
  expect(changed).toBeGreaterThan(2_000)
  // every node of the week took its new colour in place (node-recolor.ts): the same picture as
  // sigma restyling each node from its attributes
  const recolored = await graph.stageShot()
  expect(await pixelDiff(page, recolored, await graph.stageShotNodesRestyledBySigma(), 0)).toBe(0)
  // the status bar names the model and the provider it ran on
  await expect(wb.statusItem('model')).toContainText(run.model)
  await expect(wb.statusItem('model')).toContainText('cpu')
  await expect(wb.statusItem('model')).toHaveAttribute('title', /ran on cpu/)
  await wb.screenshot('forecast-overlay')
  await wb.expectNoErrors()
})

test('an analyst moves the probability threshold and sees the shown edges follow', async () => {
  const atCut = await view.status()
  const cut = atCut.threshold!
  // at the Ĝ(t+h) cut the graph at the threshold is the predicted graph: about Σp edges
  expect(Math.abs(atCut.counts!.edgesAtThreshold - atCut.counts!.expectedEdges)).toBeLessThan(2)
  const low = await view.setThreshold(0.05)
  const high = await view.setThreshold(0.9)
  expect(low.counts!.edgesAtThreshold).toBeGreaterThan(atCut.counts!.edgesAtThreshold)
  expect(high.counts!.edgesAtThreshold).toBeLessThan(atCut.counts!.edgesAtThreshold)
  expect(high.counts!.vanish).toBeGreaterThan(low.counts!.vanish)
  expect(low.counts!.appear).toBeGreaterThan(high.counts!.appear)
  // the counts the view shows are the engine's: stored pairs with p ≥ θ
  for (const [θ, st] of [
    [0.05, low],
    [0.9, high],
  ] as const) {
    const all = await wb.call<{ total: number }>('forecast.edges', {
      week: WEEK,
      horizon: 4,
      kind: 'all',
      minProbability: θ,
      limit: 1,
    })
    expect(st.counts!.edgesAtThreshold).toBe(all.total)
  }
  const shown = await view.shownCounts()
  expect(shown.shown).toBe(high.counts!.edgesAtThreshold)
  expect(shown.expected).toBe(Math.round(atCut.counts!.expectedEdges))
  await expect(graph.caption()).toContainText('p ≥ 0.90')
  // the threshold change's time is recorded (measured by bench/forecast-ui.mjs, not asserted here)
  expect(high.lastThresholdMs!).toBeGreaterThan(0)
  await view.root.getByRole('button', { name: /cut: p ≥/ }).click()
  await page.waitForFunction((c) => window.__forecast?.counts?.threshold === c, cut)
  await wb.expectNoErrors()
})

test("the forecast table's top rows equal `dexposure forecast --json` for the same week", async () => {
  test.setTimeout(120_000)
  table = await view.openTable()
  await expect(table.root.locator('.forecast-table-meta')).toContainText(`target week ${TARGET}`)
  // every pair by probability: the CLI's --top list (the CLI runs the same model again)
  const cli = JSON.parse(
    dexposure(
      demo.archive,
      '--quiet',
      '--json',
      'forecast',
      '--week',
      WEEK,
      '--horizon',
      '4',
      '--top',
      '5000',
    ),
  ) as CliForecast
  await table.showKind('all')
  const all = await table.topPairs(20)
  expect(all.map((r) => `${r.source}→${r.target}`)).toEqual(
    cli.top.slice(0, 20).map((r) => `${r.source}→${r.target}`),
  )
  all.forEach((r, i) => {
    expect(r.probability!).toBeCloseTo(cli.top[i].probability, 6)
    expect(r.predicted! / cli.top[i].predicted_weight_usd).toBeCloseTo(1, 6)
  })
  // the new relationships: the CLI's pairs absent at t, in the same order
  await table.showKind('new')
  const cliNew = cli.top.filter((r) => !r.exists_at_t)
  expect(cliNew.length).toBeGreaterThan(5)
  const fresh = await table.topPairs(Math.min(10, cliNew.length))
  expect(fresh.map((r) => `${r.source}→${r.target}`)).toEqual(
    cliNew.slice(0, fresh.length).map((r) => `${r.source}→${r.target}`),
  )
  fresh.forEach((r, i) => expect(r.probability!).toBeCloseTo(cliNew[i].probability, 6))
  // filtered by a node: every row has it at one end
  const node = fresh[0].target
  await table.filterByNode(node)
  await expect(table.rows().first()).toBeVisible()
  const rows = await table.topPairs(100)
  expect(rows.length).toBeGreaterThan(0)
  for (const r of rows) expect([r.source, r.target]).toContain(node)
  await wb.screenshot('forecast-table')
  await wb.expectNoErrors()
})

test('an analyst explains a predicted new relationship', async () => {
  const [first] = await table.topPairs(1)
  const panel = await table.explain(0)
  await expect(panel.locator('h3')).toBeVisible()
  await expect(panel.locator('dd[data-field="pair"]')).toHaveText(
    `${first.source} → ${first.target}`,
  )
  await expect(panel.locator('dd[data-field="probability"]')).toHaveText(
    first.probability!.toFixed(4),
  )
  // the features the model saw: a new relationship has no edge at t
  const x = await wb.call<{ features: { name: string; value: number }[]; head: string }>(
    'forecast.explain',
    { week: WEEK, horizon: 4, source: first.source, target: first.target },
  )
  await expect(panel.locator('tr[data-feature]')).toHaveCount(x.features.length)
  await expect(panel.locator('tr[data-feature="edge_at_t"] td').nth(1)).toHaveText('0')
  await expect(panel.locator('dd[data-field="head"]')).toContainText(
    x.head === 'pair' ? 'pair head' : 'fresh-pair head',
  )
  await wb.screenshot('forecast-explain')
  await wb.expectNoErrors()
})

test('an analyst puts the forecast beside the realised week and compares their risk', async () => {
  test.setTimeout(120_000)
  // back to the graph with the overlay
  await page.locator('.dv-tab', { hasText: `Week ${WEEK}` }).click()
  await expect(view.compareButton()).toBeEnabled()
  await view.compareButton().click()
  const [left, right] = await wb.waitForGraphs(2)
  expect(left.id).toBe(graph.id)
  await right.waitForWeek(TARGET)
  // the graph of t keeps the overlay, the realised week is drawn beside it
  expect((await left.status()).overlay).toContain(`Forecast h=4 → ${TARGET}`)
  expect((await right.status()).overlay).toBeNull()
  const lb = await left.root.boundingBox()
  const rb = await right.root.boundingBox()
  expect(rb!.x).toBeGreaterThan(lb!.x + lb!.width / 2)
  // the risk comparison: computed once as a job, then read from the archive
  const compute = view.comparison().locator('button[data-action="compute-comparison"]')
  await expect(compute).toBeVisible()
  await compute.click()
  await expect(view.comparison().locator('tr[data-item="density"]')).toBeVisible({
    timeout: 60_000,
  })
  // G(t) and the realised G(t+h) are the statistics the CLI computes for those weeks
  const stats = (w: string): Record<string, number> =>
    (
      JSON.parse(dexposure(demo.archive, '--json', 'stats', '--week', w)) as {
        values: Record<string, number>
      }
    ).values
  const [gt, , realised] = await view.comparisonRow('density')
  expect(gt).toBe(stats(WEEK).density.toPrecision(3))
  expect(realised).toBe(stats(TARGET).density.toPrecision(3))
  const [, forecast] = await view.comparisonRow('density')
  expect(Number(forecast)).toBeGreaterThan(0)
  await wb.screenshot('forecast-vs-realised')
  await wb.expectNoErrors()
})

test('a stored forecast loads while the analyst reads the panel, so "Show on graph" only draws it', async () => {
  test.setTimeout(120_000)
  // an 8-week forecast stored by the CLI (the same archive the workbench has open; no other story
  // of this archive forecasts 8 weeks, so the model-choice stories' runs are not touched)
  const stored = JSON.parse(
    dexposure(demo.archive, '--json', 'forecast', '--week', WEEK, '--horizon', '8'),
  ) as { run_id: number; expected_edges: number }
  const frames: string[] = []
  page.on('request', (r) => {
    if (r.url().endsWith('/api/forecast.frame')) frames.push(r.postData() ?? '')
  })
  // choosing the horizon names the stored run, and its frame is asked for at once
  const loadedAhead = page.waitForResponse((r) => r.url().endsWith('/api/forecast.frame'), {
    timeout: 30_000,
  })
  await view.chooseHorizon(8)
  await expect(view.runLine()).toHaveAttribute('data-run', String(stored.run_id))
  await loadedAhead
  expect(frames).toHaveLength(1)
  expect(JSON.parse(frames[0]).runId).toBe(stored.run_id)
  // the click draws the run loaded ahead: no second frame call
  const s = await view.showOnGraph(8)
  expect(s.loadedAhead).toBe(true)
  expect(s.runId).toBe(stored.run_id)
  expect(frames).toHaveLength(1)
  expect((await view.shownCounts()).expected).toBe(Math.round(stored.expected_edges))
  await expect(graph.caption()).toContainText(`Forecast h=8 → `)
  await wb.expectNoErrors()
})
