// User stories of the week dashboard (issue 11 §1) in browser mode, in real Chromium, on the
// small synthetic demo archive of global setup: an analyst opens a week's dashboard and reads its
// key figures (the same numbers as `dexposure stats --json`), sorts the SIS ranking and jumps to a
// node on the graph, shows a spillover cell's edges on the graph, and follows an alert to its week
// and its metric. The stories share one page and run in order, as one working session.
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, dexposure } from './cli'
import { Dashboard } from './pages/dashboard'
import { GraphEditor } from './pages/graph'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const CRISIS = '2022-05-09'
/** The key figures the dashboard shows, as `stats --json` names them. */
const FIGURE_KEYS = [
  'total_tvl',
  'total_exposure',
  'n_nodes',
  'n_edges',
  'density',
  'tvl_hhi',
  'tvl_gini',
  'top10_tvl_share',
  'max_pagerank',
  'pagerank_gini',
  'max_edge_weight',
]

let page: Page
let wb: Workbench
let dash: Dashboard
let graph: GraphEditor
let weeks: string[]

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))

test.beforeAll(async ({ browser }) => {
  weeks = cliWeeks(demo.archive).map((w) => w.week)
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
})

test.afterAll(async () => {
  if (!page.isClosed()) await page.close()
})

test('an analyst opens the dashboard of the shown week from the command palette', async () => {
  await wb.open()
  await wb.runCommand('Preferences: Theme: Light')
  graph = await wb.graph()
  const last = weeks.at(-1)!
  await graph.waitForWeek(last)
  await wb.runCommand('Risk: Open Week Dashboard')
  const d = new Dashboard(page, last)
  await d.waitReady()
  expect(await wb.tabTitles()).toContain(`Dashboard ${last}`)
  await expect(d.figure('total_tvl')).toBeVisible()
  await wb.expectNoErrors()
})

test('a crisis week’s dashboard, opened from the Explorer, shows the figures `dexposure stats` gives', async () => {
  const row = wb.explorer().locator(`.tree.weeks li[data-week="${CRISIS}"]`)
  await row.scrollIntoViewIfNeeded()
  await row.hover()
  await row.getByRole('button', { name: `Dashboard of ${CRISIS}` }).click()
  dash = new Dashboard(page, CRISIS)
  const s = await dash.waitReady()
  // a click on the row's dashboard button opens the dashboard, not the graph
  expect(await graph.status()).toMatchObject({ week: weeks.at(-1) })
  // its time is recorded (bench/dashboard-ui.mjs measures it; no timed assertion here)
  expect(s.readyMs).toBeGreaterThan(0)
  const cli = JSON.parse(dexposure(demo.archive, '--json', 'stats', '--week', CRISIS)) as {
    values: Record<string, number | null>
    previousWeek: string
    deltas: Record<string, number | null>
  }
  const shown = await dash.figures()
  for (const key of FIGURE_KEYS) {
    expect(shown[key]?.value, key).toBe(cli.values[key])
    const delta = shown[key].delta
    expect(delta !== null && close(delta, cli.deltas[`delta_${key}`]!), `delta of ${key}`).toBe(
      true,
    )
  }
  // the largest exposure is the week's heaviest edge
  const q = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'query',
      `select max(weight) from edges where week = '${CRISIS}'`,
    ),
  ) as { statements: { data: [[number]] }[] }
  expect(shown.max_edge_weight.value).toBe(q.statements[0].data[0][0])
  await expect(dash.root.locator('.dash-sub')).toContainText(`changes vs ${cli.previousWeek}`)
  // sparklines across every archived week, once the engine's stats job has filled them
  const done = await dash.waitComplete()
  expect(done.series).toBe('ready')
  const after = await dash.figures()
  for (const key of FIGURE_KEYS) expect(after[key].points, key).toBe(weeks.length)
  await wb.screenshot('dashboard-crisis-week')
  await wb.expectNoErrors()
})

test('a figure opens its full time series', async () => {
  await dash.figure('tvl_hhi').click()
  await expect(dash.chart()).toBeVisible()
  await expect(dash.chart()).toHaveAttribute('data-metric', 'tvl_hhi')
  await expect(dash.chart()).toHaveAttribute('data-points', String(weeks.length))
  await expect(dash.chart().locator('h3')).toContainText('TVL HHI across every week')
  await expect.poll(() => dash.chartPixels()).toBeGreaterThan(500)
  await wb.expectNoErrors()
})

test('the SIS table sorts and filters, and a row jumps to the node on the graph', async () => {
  const byRank = await dash.sisTable()
  expect(byRank.map((r) => r.rank)).toEqual(byRank.map((_, i) => i + 1))
  // least important first: the engine's order, scores ascending
  await dash.sortSis('score', 'asc')
  const asc = await dash.sisTable()
  for (let i = 1; i < asc.length; i++) expect(asc[i].score).toBeGreaterThanOrEqual(asc[i - 1].score)
  const engine = await wb.call<{ rows: { node: string }[]; total: number }>('week.sis', {
    week: CRISIS,
    sort: 'score',
    order: 'asc',
    limit: 100,
  })
  expect(asc.map((r) => r.node)).toEqual(engine.rows.map((r) => r.node))
  await dash.sortSis('score', 'desc')
  const desc = await dash.sisTable()
  expect(desc.map((r) => r.node)).toEqual(byRank.map((r) => r.node))
  // filter by category: every row belongs to it
  const lending = await wb.call<{ rows: { node: string }[]; total: number }>('week.sis', {
    week: CRISIS,
    sort: 'score',
    order: 'desc',
    filter: 'lending',
    limit: 100,
  })
  await dash.filterSis('lending')
  expect((await dash.sisTable()).map((r) => r.node)).toEqual(lending.rows.map((r) => r.node))
  await dash.filterSis('')
  // a click on the third most important node shows it selected on a graph of the crisis week
  const target = desc[2].node
  await dash.sisRows().nth(2).click()
  await page.waitForFunction(
    ([w, n]) =>
      Object.values(window.__graphs ?? {}).some(
        (g) => g.week === w && g.rendered && g.selected === n,
      ),
    [CRISIS, target] as const,
  )
  const ids = await wb.graphIds()
  const id = await page.evaluate(
    ([w, n]) =>
      Object.entries(window.__graphs!).find(([, g]) => g.week === w && g.selected === n)![0],
    [CRISIS, target] as const,
  )
  expect(ids).toContain(id)
  graph = new GraphEditor(page, id)
  await expect(graph.panel()).toHaveAttribute('data-node', target)
  // the dashboard stays in view beside the graph
  await expect(dash.root).toBeVisible()
  await wb.screenshot('dashboard-sis-jump')
  await wb.expectNoErrors()
})

test('a spillover cell shows its edges on the graph, the others dimmed', async () => {
  await graph.fit()
  const before = await graph.stagePixels()
  const cells = (await dash.cells())
    .filter((c) => c.from !== c.to)
    .sort((a, b) => b.value - a.value)
  expect(cells.length).toBeGreaterThan(0)
  const c = cells[0]
  await dash.cell(c.from, c.to).click()
  await page.waitForFunction(
    ([id, from]) => window.__graphs?.[id]?.overlay?.startsWith(`Spillover ${from}`),
    [graph.id, c.from] as const,
  )
  const s = await dash.status()
  expect(s.cell).toMatchObject({ level: 'category', from: c.from, to: c.to, graph: graph.id })
  // the edges shown are the cell's: their USD sum is the engine's cell
  expect(s.cell!.edges).toBeGreaterThan(0)
  expect(close(s.cell!.usd, c.value)).toBe(true)
  const g = await graph.status()
  expect(g.overlay).toContain(`${c.from} → ${c.to}`)
  expect(g.lastOverlayMs).not.toBeNull()
  await expect(graph.legend()).toContainText(`holder ${c.from} → issuer ${c.to}`)
  const after = await graph.stagePixels()
  // the week's other edges fade out: the drawing changes visibly
  expect(Math.abs(after.drawn - before.drawn)).toBeGreaterThan(0.02 * before.drawn)
  await wb.screenshot('dashboard-spillover-cell')
  // both levels split the same exposure: every edge of the week, once
  const total = (): Promise<number> =>
    dash.root
      .locator('.dash-spill [data-fact="total"]')
      .evaluate((e) => Number((e as HTMLElement).dataset.value))
  const exposure = (await dash.figures()).total_exposure.value!
  expect(close(await total(), exposure)).toBe(true)
  await dash.setLevel('sector')
  expect(close(await total(), exposure)).toBe(true)
  expect((await dash.cells()).length).toBeGreaterThan(0)
  await wb.expectNoErrors()
})

test('an alert links to its week and to its metric', async () => {
  await expect(dash.alerts()).toHaveAttribute('data-state', 'ready')
  const cli = JSON.parse(dexposure(demo.archive, '--json', 'alerts')) as {
    alerts: { week: string; kind: string; metric: string | null }[]
  }
  const marks = await dash
    .timelineMarks()
    .evaluateAll((m) => m.map((e) => (e as HTMLElement).dataset.week!))
  // one mark per week with alerts, as the CLI lists them
  expect(marks).toEqual(
    [...new Set(cli.alerts.map((a) => a.week))].filter((w) => weeks.includes(w)),
  )
  const withMetric = cli.alerts.find((a) => a.metric && a.week !== CRISIS)
  expect(withMetric).toBeTruthy()
  const w = withMetric!.week
  await dash
    .timelineMarks()
    .and(page.locator(`[data-week="${w}"]`))
    .click()
  const other = new Dashboard(page, w)
  await other.waitReady()
  expect(await wb.tabTitles()).toContain(`Dashboard ${w}`)
  const item = other
    .alerts()
    .locator(`.dash-week-alerts li[data-metric="${withMetric!.metric}"]`)
    .first()
  await expect(item).toBeVisible()
  await item.locator('[data-link="metric"]').click()
  await expect(other.chart()).toHaveAttribute('data-metric', withMetric!.metric!)
  await expect.poll(() => other.chartPixels()).toBeGreaterThan(500)
  // and to the graph of its week
  await item.locator('[data-link="graph"]').click()
  await page.waitForFunction(
    (week) => Object.values(window.__graphs ?? {}).some((g) => g.week === week && g.rendered),
    w,
  )
  await wb.screenshot('dashboard-alert')
  await wb.expectNoErrors()
})

test('the dashboard of the crisis week, for the user guide', async ({ browser }) => {
  // a fresh window: the dashboard alone in the editor area, light theme, the panel closed (the
  // session's page closed first, without its unload handler, so it saves no layout after the clear)
  await page.close()
  await wb.clearSavedState()
  const p = await browser.newPage()
  const fresh = new Workbench(p, demo)
  await fresh.open()
  await fresh.runCommand('Preferences: Theme: Light')
  await fresh.graph()
  const row = fresh.explorer().locator(`.tree.weeks li[data-week="${CRISIS}"]`)
  await row.scrollIntoViewIfNeeded()
  await row.hover()
  await row.getByRole('button', { name: `Dashboard of ${CRISIS}` }).click()
  const d = new Dashboard(p, CRISIS)
  // the statistics are stored now: the dashboard reads them back, sparklines and alerts at once
  const s = await d.waitComplete()
  expect(s.cached).toBe(true)
  expect(s.completeMs).toBeGreaterThan(0)
  if ((await fresh.panelHeight()) > 0) await fresh.runCommand('View: Toggle Panel')
  await d.figure('total_tvl').click()
  await expect(d.chart()).toHaveAttribute('data-metric', 'total_tvl')
  await d.root.evaluate((e) => e.scrollTo(0, 0))
  // beside the spillovers, the SIS table shows every column without scrolling sideways
  expect(await d.cutOffSisColumns()).toEqual([])
  await fresh.screenshot('dashboard')
  await fresh.expectNoErrors()
  await p.close()
})
