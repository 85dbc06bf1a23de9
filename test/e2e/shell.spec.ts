// User stories of the workbench shell in browser mode: the command palette (commands, "@" to go
// to a protocol, "#" to go to a week), the Search side bar, key bindings and the Help view that
// lists them, the loopback API's access token, and a start that does not wait for the charts. One
// page, on the demo archive of global setup.
import { expect, test, type Locator, type Page } from '@playwright/test'
import type { GraphEditor } from './pages/graph'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const LIDO = '182'

let page: Page
let wb: Workbench
let graph: GraphEditor

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
  await wb.open()
  graph = await wb.graph()
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst runs a command from the palette', async () => {
  expect(await wb.panelHeight()).toBeGreaterThan(50)
  await wb.openPalette('>')
  // every command is listed with its category and key binding
  await expect(wb.paletteItems().filter({ hasText: 'View: Toggle Panel' })).toContainText('Ctrl+J')
  // a few letters find it (fuzzy), Enter runs it
  await page.locator('.palette-input').fill('>toggle pan')
  await expect(wb.paletteItems().first().locator('.label')).toHaveText('View: Toggle Panel')
  await wb.screenshot('palette-commands')
  await page.keyboard.press('Enter')
  await expect(wb.palette()).toBeHidden()
  await expect.poll(() => wb.panelHeight()).toBe(0)
  await wb.runCommand('View: Toggle Panel')
  await expect.poll(() => wb.panelHeight()).toBeGreaterThan(50)
  // Escape closes the palette without running anything
  await wb.openPalette('>toggle pan')
  await page.keyboard.press('Escape')
  await expect(wb.palette()).toBeHidden()
  expect(await wb.panelHeight()).toBeGreaterThan(50)
  await wb.expectNoErrors()
})

test('an analyst goes to a protocol with "@" in the palette', async () => {
  await wb.openPalette('@lido')
  const item = wb.paletteItems().filter({
    has: page.locator('.detail', { hasText: new RegExp(`^${LIDO} · `) }),
  })
  await expect(item).toHaveCount(1)
  await expect(item.locator('.label')).toHaveText('Lido')
  await wb.screenshot('palette-go-to-protocol')
  await item.click()
  await expect(wb.palette()).toBeHidden()
  // the graph selects it, flies to it and opens its panel
  await expect.poll(async () => (await graph.status()).selected).toBe(LIDO)
  await expect(graph.panel()).toHaveAttribute('data-node', LIDO)
  await graph.waitForCameraAt({ ratio: 0.25 })
  await graph.closePanel()
  expect((await graph.status()).selected).toBeNull()
  await wb.expectNoErrors()
})

test('an analyst goes to a week with "#" in the palette', async () => {
  await wb.openPalette('#2021-01-04')
  await expect(wb.paletteItems().first().locator('.label')).toHaveText('2021-01-04')
  await page.keyboard.press('Enter')
  await graph.waitForWeek('2021-01-04')
  await expect(wb.statusItem('week')).toHaveText('week 2021-01-04')
  await wb.expectNoErrors()
})

test('an analyst finds a token in the Search side bar', async () => {
  await page.keyboard.press('Control+Shift+F')
  const search = wb.sideView('search')
  await expect(search).toBeVisible()
  await expect(wb.activity('search')).toHaveClass(/active/)
  await expect(search.getByLabel('Search nodes')).toBeFocused()
  await page.keyboard.type('USDC')
  const hit = search.locator('.search-hits li').first()
  await expect(hit.locator('.primary')).toHaveText('USDC')
  await wb.screenshot('search-side-bar')
  await hit.click()
  await expect.poll(async () => (await graph.status()).selected).toBe('USDC')
  await expect(graph.panel()).toHaveAttribute('data-node', 'USDC')
  await page.keyboard.press('Control+Shift+E')
  await expect(wb.explorer()).toBeVisible()
  await wb.expectNoErrors()
})

test('the Help view lists the key bindings, and they work', async () => {
  await graph.root.locator('.graph-toolbar [data-action="fit"]').focus()
  await page.keyboard.press('F1')
  const help = page.locator('.help')
  await expect(help).toBeVisible()
  expect(await wb.tabTitles()).toContain('Help')
  const key = (command: string) => help.locator(`tr[data-command="${command}"] kbd`)
  await expect(key('workbench.palette')).toHaveText('Ctrl+Shift+P')
  await expect(key('workbench.goToNode')).toHaveText('Ctrl+P')
  await expect(key('view.togglePanel')).toHaveText('Ctrl+J')
  await expect(key('view.toggleSidebar')).toHaveText('Ctrl+B')
  await expect(key('week.next')).toHaveText('Alt+→')
  await expect(key('week.previous')).toHaveText('Alt+←')
  await expect(key('timeline.play')).toHaveText('Alt+P')
  await expect(key('theme.toggle')).toHaveText('Ctrl+k Ctrl+t')
  // every command is listed, those without a key too
  await wb.openPalette('>')
  const commands = await wb.paletteItems().count()
  await page.keyboard.press('Escape')
  expect(await help.locator('tr[data-command]').count()).toBeGreaterThanOrEqual(commands)
  await wb.screenshot('help-key-bindings')
  // Alt+→ and Alt+← step the graph's week even while Help is the active tab
  const week = (await graph.status()).week!
  await page.keyboard.press('Alt+ArrowRight')
  await expect.poll(async () => (await graph.status()).week).not.toBe(week)
  await page.keyboard.press('Alt+ArrowLeft')
  await expect.poll(async () => (await graph.status()).week).toBe(week)
  await wb.expectNoErrors()
})

test('the API refuses requests without the access token', async ({ request }) => {
  const anonymous = await request.post(`${demo.origin}/api/weeks.list`, { data: {} })
  expect(anonymous.status()).toBe(401)
  expect((await request.get(`${demo.origin}/`)).status()).toBe(401)
  const ok = await request.post(`${demo.origin}/api/weeks.list`, {
    data: {},
    headers: { authorization: `Bearer ${demo.token}` },
  })
  expect(ok.status()).toBe(200)
  expect(((await ok.json()) as unknown[]).length).toBe(283)
})

test('an analyst reloads the page (F5) and keeps working', async () => {
  // the token left the address bar on the first load; the reload still opens the workbench
  expect(page.url()).not.toContain('token=')
  const week = (await graph.status()).week!
  await wb.reload()
  graph = await wb.graph()
  await expect.poll(async () => (await graph.status()).rendered, { timeout: 30_000 }).toBe(true)
  expect((await graph.status()).week).toBe(week)
  // engine calls still carry the token: a week opened from the Explorer loads and draws
  const other = (await wb.listedWeeks()).find((w) => w !== week)!
  await wb.openWeekFromExplorer(other)
  await graph.waitForWeek(other)
  // the week keys work at once, whichever tab the restored layout made active
  await page.keyboard.press('Alt+ArrowLeft')
  await expect.poll(async () => (await graph.status()).week).not.toBe(other)
  await wb.expectNoErrors()
})

/** ECharts, a chunk of its own (ui/chart.ts). */
const chunk = '**/assets/echarts-*.js'

/** Reloads the page and waits until its week is on screen whole. */
async function reloadWhole(): Promise<void> {
  await wb.reload()
  graph = await wb.graph()
  await expect.poll(async () => (await graph.status()).whole, { timeout: 30_000 }).toBe(true)
}

/** Fits the graph and clicks `nodeId` (by default the largest node on screen); answers the node
 * and the panel it opened. */
async function openNode(nodeId?: string): Promise<{ node: string; panel: Locator }> {
  await wb.showTab(/^Week /)
  await graph.fit()
  const node = nodeId ?? (await graph.visibleNodes())[0].id
  await graph.clickNode(node)
  const panel = graph.panel()
  await expect(panel).toHaveAttribute('data-node', node)
  return { node, panel }
}

test('the graph opens without waiting for the charts, and a chart draws once they arrive', async () => {
  // hold the charts' chunk: the week still opens and draws whole
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  let requested = false
  await page.route(chunk, async (route) => {
    requested = true
    await held
    await route.continue()
  })
  await reloadWhole()
  // fetched ahead in an idle moment after the first frame, not on a click
  await expect.poll(() => requested).toBe(true)
  // a node's panel opens meanwhile; its TVL chart is drawn when the chunk arrives
  const { panel } = await openNode()
  await expect(panel.locator('h4').first()).toHaveText(/^TVL across \d+ weeks$/)
  expect(await panel.getAttribute('data-chart-ready')).toBeNull()
  release()
  await expect(panel).toHaveAttribute('data-chart-ready', '1')
  await expect.poll(() => graph.chartPixels()).toBeGreaterThan(500)
  await page.unroute(chunk)
  await page.keyboard.press('Escape')
  await wb.expectNoErrors()
})

test('a chart whose code cannot load says so in its place; the graph is unaffected', async () => {
  await page.route(chunk, (route) => route.abort())
  await reloadWhole()
  const { node, panel } = await openNode()
  await expect(panel.locator('.panel-chart .chart-error')).toContainText(
    'The chart could not be loaded',
  )
  await expect(panel.locator('.panel-chart .chart-error')).toContainText('Reload the window')
  expect(await panel.getAttribute('data-chart-ready')).toBeNull()
  // the rest of the panel is there, and the graph still answers
  await expect(panel.locator('table[data-dir="out"] tr[data-node]').first()).toBeVisible()
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(200)
  // the failed requests and the chart's error are the only errors
  const errors = wb.errors.splice(0)
  expect(errors.length).toBeGreaterThan(0)
  for (const e of errors)
    expect(e).toMatch(/echarts|Failed to fetch dynamically imported module|ERR_FAILED/)
  await page.unroute(chunk)
  // a reload asks for the chunk again, and the chart draws
  await reloadWhole()
  const again = await openNode(node)
  await expect(again.panel).toHaveAttribute('data-chart-ready', '1')
  await page.keyboard.press('Escape')
  await wb.expectNoErrors()
})
