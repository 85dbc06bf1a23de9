// User stories of the graph explorer in browser mode, in real Chromium, on the small synthetic
// demo archive of global setup. The stories share one page and run in order, as one working
// session: each starts from what the previous one left (a week open, a node selected …).
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, type CliWeek } from './cli'
import type { GraphEditor } from './pages/graph'
import { luminance } from './pages/pixels'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const CRISIS = '2022-05-09'
const LIDO = '182'
const fmt = (n: number): string => n.toLocaleString('en')
const weekAfter = (week: string, weeks: number): string =>
  new Date(Date.parse(`${week}T00:00:00Z`) + weeks * 7 * 86_400_000).toISOString().slice(0, 10)

let page: Page
let wb: Workbench
let graph: GraphEditor
let weeks: CliWeek[]

test.beforeAll(async ({ browser }) => {
  weeks = cliWeeks(demo.archive)
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
})

test.afterAll(async () => {
  await page.close()
})

test.afterEach(async ({}, testInfo) => {
  await wb.screenshot(testInfo, testInfo.title.replace(/\W+/g, '-').slice(0, 60))
})

test('an analyst opens the demo archive and sees its last week drawn, labelled synthetic', async () => {
  await wb.open()
  // the token left the address bar once the page had it
  expect(page.url()).not.toContain('token=')
  await expect(wb.statusItem('archive')).toHaveText('e2e.sqlite')
  await expect(wb.statusItem('synthetic')).toHaveText('SYNTHETIC')
  await expect(wb.explorer()).toBeVisible()
  await expect(wb.explorer().locator('.badge.synthetic')).toHaveText('SYNTHETIC DEMO DATA')
  // the Explorer lists every week the CLI lists, newest first
  expect(await wb.listedWeeks()).toEqual(weeks.map((w) => w.week).reverse())
  // the first open shows the last week in one graph tab
  graph = await wb.graph()
  const last = weeks.at(-1)!
  const s = await graph.waitForWeek(last.week)
  expect(s.nodes).toBe(last.nodes)
  expect(await wb.tabTitles()).toEqual([`Week ${last.week}`])
  await expect(wb.statusItem('week')).toHaveText(`week ${last.week}`)
  await expect(graph.caption()).toContainText('synthetic demo data')
  const px = await graph.stagePixels()
  expect(px.drawn).toBeGreaterThan(2_000)
  await wb.expectNoErrors()
})

test('an analyst opens a crisis week and sees all its nodes counted and drawn', async () => {
  await wb.openWeekFromExplorer(CRISIS)
  const s = await graph.waitForWeek(CRISIS)
  const cli = weeks.find((w) => w.week === CRISIS)!
  // every node and edge of the week is in the view, none dropped
  expect([s.nodes, s.edges]).toEqual([cli.nodes, cli.edges])
  expect([s.shownNodes, s.shownEdges]).toEqual([cli.nodes, cli.edges])
  await expect(graph.caption()).toHaveAttribute('data-nodes', String(cli.nodes))
  await expect(graph.caption()).toHaveAttribute('data-edges', String(cli.edges))
  await expect(graph.caption()).toContainText(
    `Week of ${CRISIS} — ${fmt(cli.nodes)} nodes · ${fmt(cli.edges)} edges`,
  )
  await expect(wb.explorer().locator(`li[data-week="${CRISIS}"]`)).toHaveClass(/selected/)
  await expect(graph.legend().locator('.legend-item').first()).toBeVisible()
  // sigma drew nodes and edges on part of the stage, not all of it
  const px = await graph.stagePixels()
  expect(px.drawn).toBeGreaterThan(2_000)
  expect(px.drawn).toBeLessThan(0.6 * px.width * px.height)
  await wb.expectNoErrors()
})

test('an analyst plays the timeline three weeks and every node stays where it was', async () => {
  // the largest node shown in the crisis week and in each of the three weeks after it
  const target = weekAfter(CRISIS, 3)
  expect(weeks.some((w) => w.week === target)).toBe(true)
  const before = await graph.visibleNodes()
  const node = before[0].id
  const at = await graph.screenPosition(node)
  const camera = await graph.camera()
  await graph.playButton().click()
  await expect(graph.playButton()).toHaveAttribute('data-state', 'playing')
  for (const k of [1, 2, 3]) await graph.waitForWeek(weekAfter(CRISIS, k))
  await graph.playButton().click()
  await expect(graph.playButton()).not.toHaveAttribute('data-state', 'playing')
  const s = await graph.status()
  expect(s.week).toBe(target)
  await expect(graph.timeline().locator('.timeline-label')).toContainText(target)
  await expect(graph.timeline().locator('.timeline-slider')).toHaveAttribute(
    'aria-valuetext',
    target,
  )
  // the same node, drawn in the new week, at the same place on the screen (within 1 px)
  expect((await graph.visibleNodes()).map((n) => n.id)).toContain(node)
  const now = await graph.screenPosition(node)
  expect(Math.abs(now.x - at.x)).toBeLessThanOrEqual(1)
  expect(Math.abs(now.y - at.y)).toBeLessThanOrEqual(1)
  expect(await graph.camera()).toEqual(camera)
  expect(s.nodes).toBe(weeks.find((w) => w.week === target)!.nodes)
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(2_000)
  await wb.expectNoErrors()
})

test('an analyst filters the week by category and by exposure', async () => {
  await wb.openWeekFromExplorer(CRISIS)
  const all = await graph.waitForWeek(CRISIS)
  await graph.openFilters()
  // one category off: exactly its nodes leave the view
  const [largest] = await graph.categories()
  expect(largest.count).toBeGreaterThan(0)
  let renders = all.renders
  await graph.categoryBox(largest.name).uncheck()
  let s = await graph.waitForRenderAfter(renders)
  expect(s.shownNodes).toBe(all.nodes - largest.count)
  expect(s.shownEdges).toBeLessThan(all.edges)
  await expect(graph.caption()).toContainText(
    `showing ${fmt(s.shownNodes)} of ${fmt(all.nodes)} nodes, ${fmt(s.shownEdges)} of ${fmt(all.edges)} edges`,
  )
  await expect(graph.caption()).toHaveClass(/filtered/)
  // exposures under $100M leave too: fewer edges, same nodes
  const byCategory = s
  renders = s.renders
  await graph.setExposureRange(100e6)
  s = await graph.waitForRenderAfter(renders)
  await expect(graph.caption()).toContainText(`of ${fmt(all.edges)} edges`)
  expect(s.shownEdges).toBeLessThan(byCategory.shownEdges)
  expect(s.shownEdges).toBeGreaterThan(0)
  expect(s.shownNodes).toBe(byCategory.shownNodes)
  const byExposure = s
  // and the nodes left without a shown edge
  renders = s.renders
  await graph.hideIsolated().check()
  s = await graph.waitForRenderAfter(renders)
  expect(s.shownNodes).toBeLessThan(byCategory.shownNodes)
  await expect(graph.caption()).toContainText(`showing ${fmt(s.shownNodes)} of ${fmt(all.nodes)}`)
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(200)
  // the exposure threshold in the toolbar is the same filter, on the whole week
  await graph.resetFilters()
  await expect(graph.caption()).not.toHaveClass(/filtered/)
  renders = (await graph.status()).renders
  await graph.control('exposure-threshold').fill('8')
  await expect(graph.root.locator('.threshold-label')).toHaveText('edges ≥ $100.00M')
  s = await graph.waitForRenderAfter(renders)
  expect(s.shownNodes).toBe(all.nodes)
  expect(s.shownEdges).toBeLessThan(all.edges)
  expect(s.shownEdges).toBeGreaterThanOrEqual(byExposure.shownEdges)
  await expect(graph.filters().locator('[data-range="exposure"] input').first()).toHaveValue(
    '100000000',
  )
  await graph.resetFilters()
  await expect.poll(async () => (await graph.status()).shownEdges).toBe(all.edges)
  await expect(graph.control('exposure-threshold')).toHaveValue('0')
  await wb.expectNoErrors()
})
