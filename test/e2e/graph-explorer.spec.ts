// User stories of the graph explorer in browser mode, in real Chromium, on the small synthetic
// demo archive of global setup. The stories share one page and run in order, as one working
// session: each starts from what the previous one left (a week open, a node selected …).
import { expect, test, type Page } from '@playwright/test'
import { cliWeeks, dexposure, type CliWeek } from './cli'
import type { GraphEditor } from './pages/graph'
import { luminance, pixelDiff, pixelStats } from './pages/pixels'
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
  // the week's row, whose figures a narrow side bar cuts, has them whole in its tooltip
  await expect(wb.explorer().locator(`li[data-week="${last.week}"]`)).toHaveAttribute(
    'title',
    new RegExp(
      `^Open the week of ${last.week}: ${fmt(last.nodes)} nodes, ${fmt(last.edges)} edges, TVL \\$`,
    ),
  )
  await expect(graph.caption()).toContainText('synthetic demo data')
  // nothing changed yet: nothing to undo or redo
  await expect(graph.button('undo-view')).toBeDisabled()
  await expect(graph.button('redo-view')).toBeDisabled()
  const px = await graph.stagePixels()
  expect(px.drawn).toBeGreaterThan(2_000)
  await wb.screenshot('demo-archive-opened')
  await wb.expectNoErrors()
})

test('the week is drawn by plain draw calls, the same picture as sigma draws itself', async () => {
  // the edges are the edge layer's, not sigma's: the same picture as sigma's own edge program
  // drawing the same edges in the same colours and widths (within 3 levels a channel: the two
  // pack alpha differently; a corner of the quads off by one vertex differs by hundreds)
  const layerShot = await graph.stageShot()
  expect((await graph.drawnEdges()).inSigma).toBe(0)
  const sigmaShot = await graph.stageShotEdgesDrawnBySigma()
  expect((await graph.drawnEdges()).inSigma).toBe(0)
  expect((await pixelStats(page, layerShot)).drawn).toBeGreaterThan(2_000)
  expect(await pixelDiff(page, layerShot, sigmaShot, 9)).toBe(0)
  // software WebGL pays ≈ 17 µs per instance: sigma's node program goes out as one plain draw
  // (its edge program, empty, too)
  expect((await graph.status()).drawModes).toEqual({ edges: 'flat', nodes: 'flat' })
  const flat = await graph.redrawCountingDraws(true)
  expect(flat.instanced).toBe(0)
  expect(flat.flat).toBeGreaterThan(0)
  const flatShot = await graph.stageShot()
  const instanced = await graph.redrawCountingDraws(false)
  expect(instanced.flat).toBe(0)
  expect(instanced.instanced).toBeGreaterThan(0)
  const instancedShot = await graph.stageShot()
  await graph.redrawCountingDraws(true)
  expect((await pixelStats(page, flatShot)).drawn).toBeGreaterThan(2_000)
  // not one pixel differs: the same shaders, the same nodes in the same order
  expect(await pixelDiff(page, flatShot, instancedShot, 0)).toBe(0)
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
  await wb.screenshot('crisis-week-counted')
  await wb.expectNoErrors()
})

test('an analyst plays the timeline three weeks and every node stays where it was', async () => {
  // the largest node of the crisis week, which is in each of the three weeks after it too
  const later = [1, 2, 3].map((k) => weekAfter(CRISIS, k))
  for (const w of later) expect(weeks.map((x) => x.week)).toContain(w)
  const node = (await graph.visibleNodes())[0].id
  const at = await graph.screenPosition(node)
  const camera = await graph.camera()
  const track = await graph.trackNode(node)
  await graph.playButton().click()
  await expect(graph.playButton()).toHaveAttribute('data-state', 'playing')
  await graph.waitForWeek(later[2])
  // pause with the key binding (Alt+P): a click waits for the button to be still on screen for
  // two frames, a second or more while weeks are being drawn in software WebGL
  await page.keyboard.press('Alt+P')
  await expect(graph.playButton()).not.toHaveAttribute('data-state', 'playing')
  const seen = await track.stop()
  // each week was drawn in turn, with the node at the same place on the screen (within 1 px)
  expect(
    seen
      .filter((f) => f.week !== CRISIS)
      .slice(0, 3)
      .map((f) => f.week),
  ).toEqual(later)
  for (const f of seen) {
    expect(f.shown).toBe(true)
    expect(Math.abs(f.x - at.x)).toBeLessThanOrEqual(1)
    expect(Math.abs(f.y - at.y)).toBeLessThanOrEqual(1)
  }
  expect(await graph.camera()).toEqual(camera)
  // the view stopped on a later week, drawn in full, and the timeline says which
  const s = await graph.status()
  expect(s.week! >= later[2]).toBe(true)
  expect(s.nodes).toBe(weeks.find((w) => w.week === s.week)!.nodes)
  // a step of the timeline replaces the edges: exactly the week's edges are held and drawn
  const edges = weeks.find((w) => w.week === s.week)!.edges
  expect(await graph.drawnEdges()).toEqual({ held: edges, drawn: edges, lit: 0, inSigma: 0 })
  await expect(graph.timeline().locator('.timeline-label')).toContainText(s.week!)
  await expect(graph.timeline().locator('.timeline-slider')).toHaveAttribute(
    'aria-valuetext',
    s.week!,
  )
  await expect(wb.statusItem('week')).toHaveText(`week ${s.week}`)
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(2_000)
  await wb.screenshot('timeline-played')
  // once a week is on screen whole, the weeks beside it are loaded in advance: a step to the
  // next week, which no one asked for before, asks the engine for nothing (the week after the
  // one the play stopped on may have been asked for by the play: a step there first)
  await page.keyboard.press('Alt+ArrowRight')
  const next = weekAfter(s.week!, 1)
  await graph.waitForWeek(next)
  await expect.poll(async () => (await graph.status()).whole).toBe(true)
  const asked: string[] = []
  const onRequest = (r: { url(): string; postData(): string | null }): void => {
    if (r.url().includes('/api/week.frame')) asked.push(JSON.parse(r.postData() ?? '{}').week)
  }
  page.on('request', onRequest)
  // (its edges are built in an idle moment: the step waits for it, as an analyst's pause would)
  await expect.poll(async () => (await graph.status()).edgesAhead).toContain(weekAfter(next, 1))
  await page.keyboard.press('Alt+ArrowRight')
  await graph.waitForWeek(weekAfter(next, 1))
  page.off('request', onRequest)
  expect(asked).not.toContain(weekAfter(next, 1))
  // … and its edges were made ready too: the step swapped them in, all of them drawn
  const stepped = await graph.status()
  expect(stepped.timings.edgeSetAhead).toBe(1)
  await expect.poll(async () => (await graph.status()).whole).toBe(true)
  const held = stepped.edges
  expect(await graph.drawnEdges()).toEqual({ held, drawn: held, lit: 0, inSigma: 0 })
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
  await wb.screenshot('filtered-by-category-exposure-isolated')
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
  const [minField, maxField] = await graph.filters().locator('[data-range="exposure"] input').all()
  await expect(minField).toHaveValue('$100M')
  // amounts are typed as analysts write them: exactly the edges from $100M to $2.5B stay
  renders = s.renders
  await maxField.fill('2.5B')
  await maxField.press('Enter')
  s = await graph.waitForRenderAfter(renders)
  const inRange = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'query',
      `SELECT count(*) FROM edges WHERE week = '${CRISIS}' AND weight BETWEEN 1e8 AND 2.5e9`,
    ),
  ) as { statements: { data: number[][] }[] }
  expect(s.shownEdges).toBe(inRange.statements[0].data[0][0])
  expect(s.shownEdges).toBeLessThan(all.edges)
  await expect(maxField).toHaveValue('$2.5B')
  // what is not an amount is refused where it was typed, and the filter stays as it was
  await maxField.fill('2.5 bn')
  await maxField.press('Enter')
  await expect(maxField).toHaveAttribute('aria-invalid', 'true')
  await expect(maxField).toHaveAttribute('title', /is not an amount/)
  expect((await graph.status()).shownEdges).toBe(s.shownEdges)
  await graph.resetFilters()
  await expect.poll(async () => (await graph.status()).shownEdges).toBe(all.edges)
  await expect(graph.control('exposure-threshold')).toHaveValue('0')
  await wb.expectNoErrors()
})

test('an analyst searches a protocol and the camera flies to it', async () => {
  const before = await graph.camera()
  await graph.search('Lido', LIDO)
  await expect.poll(async () => (await graph.status()).selected).toBe(LIDO)
  // the camera moved and zoomed in on the node: it is now at the centre of the stage
  const after = await graph.waitForCameraAt({ ratio: 0.25 })
  expect(after).not.toEqual(before)
  const box = (await graph.stage().boundingBox())!
  const p = await graph.screenPosition(LIDO)
  expect(Math.abs(p.x - box.width / 2)).toBeLessThan(2)
  expect(Math.abs(p.y - box.height / 2)).toBeLessThan(2)
  // selected, labelled and its panel open
  await expect(graph.panel()).toBeVisible()
  await expect(graph.panel()).toHaveAttribute('data-node', LIDO)
  await expect(graph.panel().locator('h3')).toHaveText(/Lido/)
  // the other nodes keep their labels beside the selection's, frame after frame (not only in a
  // frame that builds the labels again)
  expect(await graph.displayedLabels()).toBeGreaterThan(5)
  const rebuilt = await graph.stageShotAfterFrame(true)
  expect(await pixelDiff(page, rebuilt, await graph.stageShotAfterFrame(false), 6)).toBe(0)
  await wb.screenshot('search-flew-to-lido')
  await expect(wb.explorer().locator(`li[data-week="${CRISIS}"]`)).toHaveClass(/selected/)
  await wb.expectNoErrors()
})

test('an analyst opens the ego network of a protocol', async () => {
  const all = await graph.status()
  await graph.openFilters()
  await graph.setEgo(LIDO, 1)
  await expect(graph.caption()).toContainText(`of ${fmt(all.nodes)} nodes`)
  const depth1 = await graph.status()
  expect(depth1.shownNodes).toBeGreaterThan(1)
  expect(depth1.shownNodes).toBeLessThan(all.nodes)
  // depth 1: Lido and the protocols and tokens it shares an exposure with, nothing else
  expect(await graph.onlyNeighboursShown(LIDO)).toBe(true)
  expect((await graph.visibleNodes()).map((n) => n.id)).toContain(LIDO)
  await expect(graph.caption()).toContainText(`showing ${fmt(depth1.shownNodes)} of`)
  await wb.screenshot('ego-network-depth-1')
  // depth 2 reaches further, still not the whole week
  await graph.filters().getByLabel('Ego depth').selectOption('2')
  await expect
    .poll(async () => (await graph.status()).shownNodes)
    .toBeGreaterThan(depth1.shownNodes)
  expect((await graph.status()).shownNodes).toBeLessThanOrEqual(all.nodes)
  await expect(graph.filters().getByLabel('Ego network centre')).toHaveValue(LIDO)
  expect((await graph.stagePixels()).drawn).toBeGreaterThan(200)
  await graph.resetFilters()
  await expect.poll(async () => (await graph.status()).shownNodes).toBe(all.nodes)
  await wb.expectNoErrors()
})

test('an analyst undoes and redoes changes of colour, exposure, diff and filters', async () => {
  const undo = graph.button('undo-view')
  const redo = graph.button('redo-view')
  await graph.resetFilters()
  await expect
    .poll(async () => (await graph.status()).shownNodes)
    .toBe((await graph.status()).nodes)
  const start = await graph.viewSettings()
  expect(start).toMatchObject({ colorBy: 'category', threshold: '0', compare: '' })
  // the earlier stories' filter changes are this tab's history too
  const undoBefore = await undo.getAttribute('title')

  // four changes: colour, the exposure slider dragged through three values, a diff, a category
  await graph.control('color-by').selectOption('sector')
  await expect(graph.legend()).toContainText('Trading & Exchanges')
  let renders = (await graph.status()).renders
  for (const v of ['6', '7', '8']) await graph.control('exposure-threshold').fill(v)
  await graph.waitForRenderAfter(renders)
  await expect(graph.root.locator('.threshold-label')).toHaveText('edges ≥ $100.00M')
  const previous = weekAfter(CRISIS, -1)
  await graph.control('compare').selectOption(previous)
  await expect.poll(() => wb.tabTitles()).toContain(`Week ${CRISIS} vs ${previous}`)
  const [largest] = await graph.categories()
  renders = (await graph.status()).renders
  await graph.categoryBox(largest.name).uncheck()
  await graph.waitForRenderAfter(renders)
  const changed = await graph.viewSettings()
  expect(changed.shownNodes).toBeLessThan(start.shownNodes)
  await expect(undo).toHaveAttribute('title', 'Undo category filter (Ctrl+Z)')
  await expect(redo).toBeDisabled()
  await wb.screenshot('view-changes-before-undo')

  // Ctrl+Z, with the checkbox still focused: the category comes back, ticked in the filters
  await page.keyboard.press('Control+Z')
  await expect(graph.categoryBox(largest.name)).toBeChecked()
  await expect.poll(() => graph.viewSettings()).toMatchObject({ compare: previous, threshold: '8' })
  // again: the diff goes; again: the whole drag of the slider is one step
  await page.keyboard.press('Control+Z')
  await expect.poll(() => wb.tabTitles()).toContain(`Week ${CRISIS}`)
  await expect(undo).toHaveAttribute('title', 'Undo exposure range (Ctrl+Z)')
  await page.keyboard.press('Control+Z')
  await expect(graph.root.locator('.threshold-label')).toHaveText('all edges')
  // the button takes back the colour; what is left to undo is from before the story
  await undo.click()
  await expect.poll(() => graph.viewSettings()).toEqual(start)
  await expect(graph.legend()).not.toContainText('Trading & Exchanges')
  await expect(undo).toHaveAttribute('title', undoBefore!)
  await expect(redo).toHaveAttribute('title', 'Redo colour (Ctrl+Shift+Z)')

  // redo all four: the view is as it was before the undos
  for (let k = 0; k < 3; k++) await page.keyboard.press('Control+Shift+Z')
  await redo.click()
  await expect.poll(() => graph.viewSettings()).toEqual(changed)
  await expect(graph.categoryBox(largest.name)).not.toBeChecked()
  await expect(redo).toBeDisabled()

  // a new change drops what could be redone; typing in the search box keeps Ctrl+Z for the text
  await graph.resetFilters()
  await undo.click()
  await expect.poll(() => graph.viewSettings()).toEqual(changed)
  await expect(redo).toBeEnabled()
  await graph.control('color-by').selectOption('category')
  await expect(redo).toBeDisabled()
  // Ctrl+Z in the menu just used takes it back (a menu has no text to undo)
  await graph.control('color-by').press('Control+Z')
  await expect(graph.control('color-by')).toHaveValue('sector')
  await expect(redo).toHaveAttribute('title', 'Redo colour (Ctrl+Shift+Z)')
  const search = graph.root.getByLabel('Search nodes')
  await search.fill('Lido')
  const typed = [await graph.viewSettings(), await undo.getAttribute('title')]
  await search.press('Control+Z')
  expect([await graph.viewSettings(), await undo.getAttribute('title')]).toEqual(typed)
  await search.fill('')
  await graph.control('color-by').selectOption('category')
  await graph.control('compare').selectOption('')
  await graph.resetFilters()
  await expect.poll(async () => (await graph.status()).shownNodes).toBe(start.shownNodes)
  await wb.expectNoErrors()
})

test('an analyst clicks a node and reads its panel and TVL chart', async () => {
  await graph.fit()
  // close the filters and the panel, then click the largest node where it is drawn
  await graph.button('filters').click()
  await expect(graph.filters()).toBeHidden()
  await page.keyboard.press('Escape')
  const [node] = await graph.visibleNodes()
  await graph.clickNode(node.id)
  await expect.poll(async () => (await graph.status()).selected).toBe(node.id)
  const panel = graph.panel()
  await expect(panel).toHaveAttribute('data-node', node.id)
  await expect(panel).toHaveAttribute('data-chart-ready', '1')
  await expect(panel.locator('h3')).toHaveText(node.label ?? node.id)
  await expect(panel.locator('dl.facts dt')).toContainText(['first week', 'last week'])
  // the TVL history chart is drawn (ECharts' 2D canvas can be read back)
  const history = await wb.call<unknown[]>('node.history', { nodeId: node.id })
  await expect(panel.locator('h4').first()).toHaveText(`TVL across ${history.length} weeks`)
  await expect.poll(() => graph.chartPixels()).toBeGreaterThan(500)
  // exposures both ways, each row a link to the counterparty
  await expect(panel.locator('table[data-dir="out"] tr[data-node]').first()).toBeVisible()
  await wb.screenshot('node-panel-and-chart')
  await wb.expectNoErrors()
})

test('an analyst hovers a node: its neighbourhood lights up over edges and nodes drawn once, not again', async () => {
  await graph.closePanel()
  const box = (await graph.stage().boundingBox())!
  const away = async (): Promise<void> => {
    await page.mouse.move(box.x + 4, box.y + box.height / 2)
  }
  await away()
  // once the week was whole, the view drew a frame nobody saw with a small node highlighted (the
  // first hover's drawing path, built then rather than while the analyst hovers): nothing of it
  // is left, in sigma's state or on screen
  await expect.poll(async () => (await graph.status()).hoverWarmedWith).not.toBeNull()
  const warmed = (await graph.status()).hoverWarmedWith!
  expect(await graph.isHighlighted(warmed)).toBe(false)
  const [node] = await graph.visibleNodes()
  await graph.waitForRenderAfter((await graph.status()).renders - 1)
  const calm = await graph.stageShot()
  const before = (await graph.status()).edgeFrames
  const nodesBefore = (await graph.status()).nodeFrames
  expect(before.drawn).toBeGreaterThan(0)
  expect(nodesBefore.drawn).toBeGreaterThan(0)
  // the nodes put back from their cached layer are the nodes sigma draws itself (the warm-up's
  // frame left no node out of it or lifted above it)
  expect(await pixelDiff(page, calm, await graph.stageShotNodesDrawnDirectly(), 6)).toBe(0)

  // hovering lights the node's edges on top of the cached layer: no edge is rasterised again
  let renders = (await graph.status()).renders
  await graph.hoverNode(node.id)
  await expect.poll(() => graph.isHovered(node.id)).toBe(true)
  let s = await graph.waitForRenderAfter(renders)
  expect(s.edgeFrames.drawn).toBe(before.drawn)
  expect(s.edgeFrames.reused).toBeGreaterThan(before.reused)
  // … and no node either: the lit ones are drawn over the cached layer
  expect(s.nodeFrames.drawn).toBe(nodesBefore.drawn)
  expect(s.nodeFrames.reused).toBeGreaterThan(nodesBefore.reused)
  // its edges are drawn above the layer, in the accent colour, at least 1.5 px wide
  const lit = await graph.edgesDrawnOf(node.id)
  expect(lit.length).toBeGreaterThan(0)
  for (const e of lit) {
    expect(e.depth).toBe('topEdges')
    expect(e.size).toBeGreaterThanOrEqual(1.5)
  }
  expect(new Set(lit.map((e) => e.color)).size).toBe(1)
  const shot = await graph.stageShot()
  expect(await pixelDiff(page, calm, shot, 6)).toBeGreaterThan(100)
  // a neighbourhood this small is drawn each frame; kept in a layer of its own (as the many lit
  // edges of a playback step are), it is drawn once and put back by later frames — the same
  // picture as drawing them each frame (both shots after the neighbours' labels have come)
  expect(s.edgeFrames.topDrawn).toBe(before.topDrawn)
  const layered = await graph.setLitLayerMin(0)
  expect(layered.edgeFrames.topDrawn).toBe(before.topDrawn + 1)
  const direct = await graph.stageShotLitEdgesDrawnDirectly()
  expect((await graph.status()).edgeFrames.topReused).toBeGreaterThan(layered.edgeFrames.topReused)
  expect(await pixelDiff(page, await graph.stageShot(), direct, 6)).toBe(0)
  await graph.setLitLayerMin(1000)
  await wb.screenshot('hover-neighbourhood')
  // the neighbours' labels that show cover no other label, no labelled node and do not run off
  // the stage: the largest neighbours are labelled where there is room, not all of them
  const near = new Set(lit.flatMap((e) => [e.source, e.target]))
  near.delete(node.id)
  const labelled = (await graph.forcedLabels()).filter((l) => near.has(l.id))
  expect(labelled.length).toBeGreaterThan(1)
  expect(labelled.length).toBeLessThan(near.size)
  expect(await graph.forcedLabelOverlaps()).toEqual([])

  // leaving puts back exactly the picture before
  renders = s.renders
  await away()
  await expect.poll(() => graph.isHovered(node.id)).toBe(false)
  s = await graph.waitForRenderAfter(renders)
  expect(await pixelDiff(page, calm, await graph.stageShot(), 6)).toBe(0)
  expect(s.edgeFrames.drawn).toBe(before.drawn)
  expect(s.nodeFrames.drawn).toBe(nodesBefore.drawn)
  expect((await graph.edgesDrawnOf(node.id)).every((e) => e.depth === 'edges')).toBe(true)

  // the pointer finds nodes in the cached picking image too: another node lights up
  const other = (await graph.visibleNodes())[1]
  renders = s.renders
  await graph.hoverNode(other.id)
  await expect.poll(() => graph.isHovered(other.id)).toBe(true)
  s = await graph.waitForRenderAfter(renders)
  expect(s.nodeFrames.drawn).toBe(nodesBefore.drawn)
  await away()
  await expect.poll(() => graph.isHovered(other.id)).toBe(false)

  // a change to the edges themselves draws them again
  renders = s.renders
  await graph.control('exposure-threshold').fill('8')
  s = await graph.waitForRenderAfter(renders)
  // (on a busy machine the first frames after the change may draw the edges in parts)
  await expect
    .poll(async () => (await graph.status()).edgeFrames.drawn)
    .toBeGreaterThan(before.drawn)
  expect(await pixelDiff(page, calm, await graph.stageShot(), 6)).toBeGreaterThan(100)
  renders = s.renders
  await graph.control('exposure-threshold').fill('0')
  await graph.waitForRenderAfter(renders)
  await expect.poll(async () => pixelDiff(page, calm, await graph.stageShot(), 6)).toBe(0)
  await wb.expectNoErrors()
})

test('an analyst pans the week: the edges move with the view, then edges and nodes are drawn again at rest', async () => {
  // where a week takes longer than a frame to rasterise (a real-scale week in software WebGL) the
  // layers draw it again in parts over several frames; here, 100 nodes then 500 edges a frame
  await graph.drawInParts(500, 100)
  const box = (await graph.stage().boundingBox())!
  const at = (fx: number, fy: number): [number, number] => [
    box.x + box.width * fx,
    box.y + box.height * fy,
  ]
  const before = (await graph.status()).edgeFrames
  const nodesBefore = (await graph.status()).nodeFrames
  // sigma re-processes every item when its data changes; a pan changes none
  await page.evaluate((id) => {
    const w = window as unknown as { __processed: number }
    w.__processed = 0
    window.__sigma![id].on('afterProcess', () => w.__processed++)
  }, graph.id)
  await page.mouse.move(...at(0.5, 0.5))
  await page.mouse.down()
  for (let i = 1; i <= 8; i++) {
    await page.mouse.move(...at(0.5 + 0.02 * i, 0.5 + 0.01 * i))
    await page.waitForTimeout(16)
  }
  // while the view moves, sigma draws no edge: the last picture is shown where it moved to, and
  // the nodes' picture with it
  await expect
    .poll(async () => (await graph.status()).edgeFrames.moved)
    .toBeGreaterThan(before.moved)
  expect((await graph.status()).nodeFrames.moved).toBeGreaterThan(nodesBefore.moved)
  const moving = await graph.stagePixels()
  await wb.screenshot('panning')
  await page.mouse.up()
  // at rest the edges are drawn again for the new view
  await expect
    .poll(async () => (await graph.status()).edgeFrames.drawn)
    .toBeGreaterThan(before.drawn)
  // … and the nodes
  await expect
    .poll(async () => (await graph.status()).nodeFrames.drawn)
    .toBeGreaterThan(nodesBefore.drawn)
  const still = await graph.stagePixels()
  expect(moving.drawn).toBeGreaterThan(0.5 * still.drawn)
  // nodes and edges came in parts, the last pictures shown moved until the new ones were whole;
  // whole, they are the picture one draw call each gives, to the pixel
  const rest = await graph.status()
  expect(rest.edgeFrames.parts - before.parts).toBeGreaterThanOrEqual(
    Math.ceil((await graph.drawnEdges()).drawn / 500),
  )
  expect(rest.nodeFrames.parts - nodesBefore.parts).toBeGreaterThanOrEqual(
    Math.ceil(rest.shownNodes / 100) - 1,
  )
  const inParts = await graph.stageShot()
  const whole = await graph.stageShotDrawnWhole()
  expect((await pixelStats(page, inParts)).drawn).toBeGreaterThan(2_000)
  expect(await pixelDiff(page, inParts, whole, 0)).toBe(0)
  // the picking image came in parts too: the pointer finds a node where it is now drawn
  const [node] = await graph.visibleNodes()
  await graph.hoverNode(node.id)
  await expect.poll(() => graph.isHovered(node.id)).toBe(true)
  await page.mouse.move(box.x + 4, box.y + box.height / 2)
  await graph.drawInParts(null, null)
  expect(
    await page.evaluate(() => (window as unknown as { __processed: number }).__processed),
  ).toBe(0)
  await graph.fit()
  await wb.expectNoErrors()
})

test('an analyst steps to the next week where drawing it takes longer than a frame: its edges come in parts, then the week whole', async () => {
  const from = (await graph.status()).week
  const at = weeks.findIndex((w) => w.week === from)
  const { week: next, edges } = weeks[at + 1] ?? weeks[at - 1]
  await graph.drawInParts(500, 100)
  const before = (await graph.status()).edgeFrames
  await wb.openWeekFromExplorer(next)
  await graph.waitForWeek(next)
  // the first frame showed the new week's nodes and its first edges; the rest came frame by frame
  await expect.poll(async () => (await graph.status()).whole).toBe(true)
  const s = await graph.status()
  expect(s.edgeFrames.parts - before.parts).toBeGreaterThanOrEqual(Math.ceil(edges / 500))
  await expect.poll(async () => (await graph.status()).timings.complete).toBeGreaterThan(0)
  expect((await graph.status()).timings.complete).toBeGreaterThanOrEqual(s.timings.frame)
  expect(await graph.drawnEdges()).toEqual({ held: edges, drawn: edges, lit: 0, inSigma: 0 })
  // whole, it is the picture one draw call gives, to the pixel
  const inParts = await graph.stageShot()
  const whole = await graph.stageShotDrawnWhole()
  expect((await pixelStats(page, inParts)).drawn).toBeGreaterThan(2_000)
  expect(await pixelDiff(page, inParts, whole, 0)).toBe(0)
  await graph.drawInParts(null, null)
  await wb.expectNoErrors()
})

test('an analyst steps back a week: the labels follow the nodes that came, went and grew once the steps pause', async () => {
  const from = (await graph.status()).week
  const at = weeks.findIndex((w) => w.week === from)
  const back = weeks[at - 1] ?? weeks[at + 1]
  // a step restyles the nodes that came, went or changed size visibly (appearance.ts drawnSize);
  // where they are few (a real-scale week's: ≈ 7 % of its nodes) sigma's label grid is rebuilt
  // once the steps pause, not at each step. The demo's weeks change more: the story lets it wait.
  await graph.setLateGridShare(1)
  await wb.openWeekFromExplorer(back.week)
  await graph.waitForWeek(back.week)
  const s = await graph.status()
  expect(s.timings.restyled).toBeGreaterThan(0)
  await page.waitForTimeout(600)
  await graph.waitForRenderAfter((await graph.status()).renders - 1)
  // the grid holds what a full re-index holds: every shown node with a label, at its size
  const grid = await graph.labelGrid()
  expect(grid.length).toBeGreaterThan(50)
  expect(grid).toEqual(await graph.labelGrid(true))
  await graph.setLateGridShare(0.1)
  await wb.expectNoErrors()
})

test('an analyst steps a week and at once points at a node, then clicks one: found, though the nodes are drawn without their picking image', async () => {
  // a new picture of the nodes is drawn on screen alone; its picking image (where the pointer
  // finds which node it is on) is drawn when something reads it, or once the view rests (held
  // off here, so that only the reads draw it)
  const idle = await graph.setPickingIdle(null)
  const box = (await graph.stage().boundingBox())!
  const from = (await graph.status()).week!
  const at = weeks.findIndex((w) => w.week === from)
  const next = (weeks[at + 1] ?? weeks[at - 1]).week
  const stepTo = async (week: string): Promise<number> => {
    await wb.openWeekFromExplorer(week)
    await graph.waitForWeek(week)
    await expect.poll(async () => (await graph.status()).whole).toBe(true)
    return (await graph.status()).nodeFrames.picking
  }
  const drawnBefore = (await graph.status()).nodeFrames.drawn
  const picking = await stepTo(next)
  expect((await graph.status()).nodeFrames.drawn).toBeGreaterThan(drawnBefore)
  // nothing read it: not drawn, however long the view rests
  await page.waitForTimeout(400)
  expect((await graph.status()).nodeFrames.picking).toBe(picking)
  const [node, other] = await graph.visibleNodes()
  await graph.hoverNode(node.id)
  await expect.poll(() => graph.isHovered(node.id)).toBe(true)
  expect((await graph.status()).nodeFrames.picking).toBe(picking + 1)
  // back, and a click straight away (read at once rather than after a frame)
  await page.mouse.move(box.x - 40, box.y + box.height / 2)
  const back = await stepTo(from)
  await graph.clickNode(other.id)
  await expect.poll(async () => (await graph.status()).selected).toBe(other.id)
  // (the selected node then comes out of the picture, which is drawn again and read again)
  expect((await graph.status()).nodeFrames.picking).toBeGreaterThan(back)
  await graph.closePanel()
  await graph.setPickingIdle(idle)
  await wb.expectNoErrors()
})

test('an analyst splits two weeks side by side', async () => {
  const first = await graph.status()
  await graph.button('split').click()
  const [left, right] = await wb.waitForGraphs(2)
  expect(left.id).toBe(graph.id)
  const r = await right.waitForWeek(weekAfter(first.week!, -1))
  expect(r.week).not.toBe(first.week)
  expect((await left.status()).week).toBe(first.week)
  expect(await wb.tabTitles()).toEqual([`Week ${first.week}`, `Week ${r.week}`])
  // both drawn, beside each other
  const a = (await left.stage().boundingBox())!
  const b = (await right.stage().boundingBox())!
  expect(b.x).toBeGreaterThanOrEqual(a.x + a.width - 1)
  expect(Math.abs(a.y - b.y)).toBeLessThan(2)
  expect((await left.stagePixels()).drawn).toBeGreaterThan(1_000)
  expect((await right.stagePixels()).drawn).toBeGreaterThan(1_000)
  await wb.screenshot('two-weeks-side-by-side')
  await wb.expectNoErrors()
})

test('an analyst exports the view as PNG and SVG', async () => {
  await page.keyboard.press('Escape')
  await expect(graph.panel()).toBeHidden()
  await graph.fit()
  const s = await graph.status()
  const svg = await graph.export('svg')
  await svg.download.saveAs(test.info().outputPath(svg.download.suggestedFilename()))
  expect(svg.download.suggestedFilename()).toBe(`dexposure-${s.week}.svg`)
  // the SVG parses, names the week, and holds one circle per node shown
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.nodeName,
      circles: doc.querySelectorAll('g.nodes > circle').length,
      ids: [...doc.querySelectorAll('g.nodes > circle')].map((c) => c.getAttribute('data-id')),
      lines: doc.querySelectorAll('g.edges > line').length,
      title: doc.querySelector('text')?.textContent ?? '',
      legend: doc.querySelectorAll('g.legend > text').length,
    }
  }, svg.bytes.toString('utf8'))
  expect(parsed.error).toBeNull()
  expect(parsed.root).toBe('svg')
  expect(parsed.title).toContain(`week of ${s.week}`)
  expect(parsed.circles).toBe(s.shownNodes)
  expect(new Set(parsed.ids).size).toBe(s.shownNodes)
  expect(parsed.lines).toBeGreaterThan(0)
  expect(parsed.lines).toBeLessThanOrEqual(s.shownEdges)
  expect(parsed.legend).toBeGreaterThan(0)
  // the PNG is an image of the same view, with the graph drawn in it
  const png = await graph.export('png')
  await png.download.saveAs(test.info().outputPath(png.download.suggestedFilename()))
  expect(png.download.suggestedFilename()).toBe(`dexposure-${s.week}.png`)
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  const px = await pixelStats(page, png.bytes)
  expect(px.width).toBeGreaterThan(300)
  expect(px.drawn).toBeGreaterThan(2_000)
  await wb.screenshot('exported')
  await wb.expectNoErrors()
})

test('an analyst colours the week by systemic importance (SIS rank)', async () => {
  const g = graph
  const week = (await g.status()).week!
  const renders = (await g.status()).renders
  await g.control('color-by').selectOption('sis')
  await g.waitForRenderAfter(renders)
  const items = g.legend().locator('.legend-item')
  await expect(items.first()).toContainText('SIS rank 1–10')
  await expect(items.first()).toContainText('10')
  // the engine's ranking, as the CLI reports it: its top 10 are the nodes drawn in the first band
  const { sisTop } = JSON.parse(dexposure(demo.archive, 'stats', '--week', week, '--json')) as {
    sisTop: { rank: number; node: string }[]
  }
  const top10 = sisTop.filter((r) => r.rank <= 10).map((r) => r.node)
  expect(top10.length).toBe(10)
  const colours = await g.nodeColours()
  const first = colours[top10[0]]
  for (const n of top10) expect(colours[n]).toBe(first)
  expect(Object.values(colours).filter((c) => c === first).length).toBe(10)
  await wb.screenshot('colour-by-sis')
  await g.control('color-by').selectOption('category')
  await wb.expectNoErrors()
})

test('an analyst switches to the dark theme and the graph follows', async () => {
  await wb.runCommand('Preferences: Theme: Dark')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await expect(wb.statusItem('theme')).toHaveText('dark')
  for (const g of await wb.waitForGraphs(2)) {
    const px = await g.stagePixels()
    expect(luminance(px.background)).toBeLessThan(0.2)
    expect(px.drawn).toBeGreaterThan(1_000)
  }
  await wb.screenshot('dark-theme')
  await wb.expectNoErrors()
})

test('an analyst reloads and finds the layout restored', async () => {
  // hide the side bar, then wait for the workbench to save what is on the screen
  expect(await wb.sideBarWidth()).toBeGreaterThan(100)
  await page.keyboard.press('Control+B')
  await expect.poll(() => wb.sideBarWidth()).toBe(0)
  const graphs = await wb.waitForGraphs(2)
  const shown = await Promise.all(graphs.map(async (g) => (await g.status()).week))
  const tabs = await wb.tabTitles()
  await expect
    .poll(async () => {
      const st = await wb.savedState()
      return st && [st.theme, st.parts.sideVisible, Object.keys(st.layout?.panels ?? {}).length]
    })
    .toEqual(['dark', false, 2])
  await wb.open()
  const restored = await wb.waitForGraphs(2)
  expect(restored.map((g) => g.id)).toEqual(graphs.map((g) => g.id))
  expect(await Promise.all(restored.map(async (g) => (await g.status()).week))).toEqual(shown)
  expect(await wb.tabTitles()).toEqual(tabs)
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await wb.sideBarWidth()).toBe(0)
  await expect(wb.activity('explorer')).not.toHaveClass(/active/)
  await expect(wb.activity('explorer')).toHaveAttribute('aria-pressed', 'false')
  for (const g of restored) expect((await g.stagePixels()).drawn).toBeGreaterThan(1_000)
  await wb.screenshot('layout-restored')
  await wb.expectNoErrors()
})
