// User story: an analyst narrows a crisis week in the graph explorer to its large exposures and
// takes exactly that view to Gephi — "Graph: Export Filtered View as GEXF" from the palette saves
// a GEXF download that parses (graphology's GEXF parser and networkx) with the nodes and edges the
// view shows and the archive's weights; the whole week goes out the same way.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import Graph from 'graphology'
import { parse as parseGexf } from 'graphology-gexf'
import { cliWeeks } from './cli'
import { GraphExports } from './pages/exports'
import type { GraphEditor } from './pages/graph'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const CRISIS = '2022-05-09'

let page: Page
let wb: Workbench
let graph: GraphEditor
let exports: GraphExports

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  exports = new GraphExports(page, wb)
  await wb.clearSavedState()
})

test.afterAll(async () => {
  await page.close()
})

test('an analyst exports the filtered view of a crisis week as GEXF from the palette', async () => {
  await wb.open()
  graph = await wb.graph()
  await wb.openWeekFromExplorer(CRISIS)
  const all = await graph.waitForWeek(CRISIS)
  await graph.openFilters()
  const renders = all.renders
  await graph.setExposureRange(100e6)
  await graph.hideIsolated().check()
  const shown = await graph.waitForRenderAfter(renders)
  await expect.poll(async () => (await graph.status()).shownNodes).toBeLessThan(all.nodes)
  const view = await graph.status()
  expect(view.shownEdges).toBeGreaterThan(0)

  const [file] = await exports.run('Graph: Export Filtered View as GEXF')
  expect(file.name).toBe(`dexposure-${CRISIS}-view.gexf`)
  const text = file.bytes.toString('utf8')
  const g = parseGexf(Graph, text)
  expect(g.order).toBe(view.shownNodes)
  expect(g.size).toBe(view.shownEdges)
  // every edge of the view is at least the $100M of the filter, with the archive's weight
  g.forEachEdge((_e, a) => expect(a.weight as number).toBeGreaterThanOrEqual(100e6))
  expect(text).toContain('filtered view')
  expect(text).toContain('SYNTHETIC demo data')
  // and networkx, as an analyst's notebook would read it
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-export-'))
  try {
    writeFileSync(join(dir, 'view.gexf'), text)
    const py = spawnSync(
      'python3',
      [
        '-c',
        'import sys, networkx as nx; g = nx.read_gexf(sys.argv[1]); print(g.number_of_nodes(), g.number_of_edges())',
        join(dir, 'view.gexf'),
      ],
      { encoding: 'utf8' },
    )
    expect(py.stdout.trim()).toBe(`${view.shownNodes} ${view.shownEdges}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect(shown.week).toBe(CRISIS)
  await wb.screenshot('export-filtered-view')
  await wb.expectNoErrors()
})

test('an analyst exports the whole week as CSV node and edge lists', async () => {
  const week = cliWeeks(demo.archive).find((w) => w.week === CRISIS)!
  const files = await exports.run('Graph: Export Week as CSV', 2)
  const byName = new Map(files.map((f) => [f.name, f.bytes.toString('utf8')]))
  const nodes = byName.get(`dexposure-${CRISIS}_nodes.csv`)!.trimEnd().split('\n')
  const edges = byName.get(`dexposure-${CRISIS}_edges.csv`)!.trimEnd().split('\n')
  expect(nodes).toHaveLength(week.nodes + 1)
  expect(edges).toHaveLength(week.edges + 1)
  expect(edges[0]).toBe('week,source,target,weight')
  await wb.expectNoErrors()
})
