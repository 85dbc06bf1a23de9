// User stories of scenarios, contagion playback and stress under forecast uncertainty (issue 11
// §2), in real Chromium on the small demo archive of global setup. The stories share one page and
// run in order, as one working session. Every number is checked against the CLI run as a
// subprocess on the same archive (`dexposure risk … --json`).
import { expect, test, type Page } from '@playwright/test'
import { usd } from '../../src/renderer/src/ui/format'
import { cliWeeks, dexposure } from './cli'
import type { GraphEditor } from './pages/graph'
import { pixelDiff } from './pages/pixels'
import { pixelChange, RiskView, StressEditor, type Method, type ScenarioEditor } from './pages/risk'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })

const demo = demoServer()
const METHODS: Method[] = ['reference', 'debtrank', 'eisenberg-noe']
const LABEL: Record<Method, string> = {
  reference: 'Reference cascade',
  debtrank: 'DebtRank',
  'eisenberg-noe': 'Eisenberg–Noe',
}

interface CliResult {
  method: Method
  totalLoss: number
  totalLossPct: number
  distressed: number
  defaults: number
  rounds: number
  path: { round: number; loss: number; distressed: number }[]
  topLosses: { node: string; loss: number }[]
}

let page: Page
let wb: Workbench
let risk: RiskView
let week: string
let scenario: ScenarioEditor
let cli: CliResult[]

test.beforeAll(async ({ browser }) => {
  week = cliWeeks(demo.archive).at(-1)!.week
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  risk = new RiskView(wb)
  await wb.clearSavedState()
  const out = JSON.parse(
    dexposure(demo.archive, '--json', 'risk', '--week', week, '--scenario', 'top5-protocols'),
  ) as { graphs: { graph: string; scenarios: { results: CliResult[] }[] }[] }
  cli = out.graphs.find((g) => g.graph === 'observed')!.scenarios[0].results
})

test.afterAll(async () => {
  await page.close()
})

/** The graph editor showing the week (the one opened at start). */
async function graphOf(n = 1): Promise<GraphEditor[]> {
  return wb.waitForGraphs(n)
}

test('an analyst runs the top-5 scenario with all three methods and reads the CLI’s numbers', async () => {
  await wb.open()
  await graphOf(1)
  await risk.open()
  await expect(risk.week()).toHaveValue(week)
  await risk.fill({ week, scenario: 'top5-protocols', methods: METHODS })
  scenario = await risk.runScenario()
  // the job went through the Jobs panel
  await expect(wb.job(`Scenario top5-protocols on ${week}`)).toHaveAttribute('data-state', 'done')
  const totals = await scenario.methodTotals()
  expect(totals.map((t) => t.method)).toEqual(METHODS)
  for (const t of totals) {
    const c = cli.find((x) => x.method === t.method)!
    expect(t.totalLoss).toBeCloseTo(c.totalLoss, 2)
    expect(t.totalLossPct).toBeCloseTo(c.totalLossPct, 9)
    expect([t.distressed, t.defaults, t.rounds]).toEqual([c.distressed, c.defaults, c.rounds])
  }
  // the table shows the formatted totals with each method's rounds, every figure in view, and
  // the loss-by-round chart is drawn
  await expect(scenario.totals().first()).toContainText(usd(cli[0].totalLoss))
  for (const [i, t] of totals.entries())
    await expect(scenario.totals().nth(i)).toContainText(`${t.rounds} round`)
  expect(await scenario.cutOffTotals()).toEqual([])
  await expect(scenario.chart()).toBeVisible()
  // node losses: the CLI's largest losses first, in its order
  const nodes = await scenario.lossNodes()
  expect(nodes.slice(0, cli[0].topLosses.length)).toEqual(cli[0].topLosses.map((x) => x.node))
  // sortable: by relative loss, then back
  await scenario.lossHeader('relativeLoss').click()
  await expect(scenario.lossHeader('relativeLoss')).toHaveAttribute('aria-sort', 'descending')
  await scenario.lossHeader('loss').click()
  await expect(scenario.lossHeader('loss')).toHaveAttribute('aria-sort', 'descending')
  await wb.screenshot('scenario-results')
  await wb.expectNoErrors()
})

test('an analyst plays the reference cascade on the graph round by round to the last', async () => {
  const [graph] = await graphOf(1)
  const ref = cli.find((c) => c.method === 'reference')!
  // the panel closed, for more graph (Ctrl+J)
  await wb.runCommand('View: Toggle Panel')
  await scenario.play('reference')
  expect(await scenario.step()).toEqual({ step: 0, steps: ref.path.length })
  let before = await graph.stage().screenshot()
  const edgesDrawn: number[] = []
  let markerX = 0
  for (let k = 0; k < ref.path.length; k++) {
    if (k > 0) await scenario.press('next', k)
    const s = await graph.status()
    edgesDrawn.push(s.edgeFrames.drawn)
    const p = ref.path[k]
    expect(s.overlay).toBe(
      `${LABEL.reference} · round ${p.round} / ${ref.path.at(-1)!.round} · loss ${usd(p.loss)}`,
    )
    // the caption carries the title; the legend counts distressed and defaulted nodes as the CLI
    await expect(graph.caption()).toContainText(`round ${p.round} /`)
    const legend = await graph.legend().locator('.legend-item').allTextContents()
    const n = (label: string) =>
      Number(
        legend
          .find((l) => l.startsWith(label))!
          .slice(label.length)
          .replace(/[^\d]/g, ''),
      )
    expect(n('defaulted') + n('distressed')).toBe(p.distressed)
    // the loss-by-round chart marks the round, further right each round
    const marker = await scenario.roundMarker()
    expect(marker.round).toBe(String(p.round))
    expect(marker.x).not.toBeNull()
    if (k > 0) expect(marker.x!).toBeGreaterThan(markerX)
    markerX = marker.x!
    const shot = await graph.stage().screenshot()
    await page.screenshot({ path: test.info().outputPath(`reference-round-${p.round}.png`) })
    if (k > 0) expect(await pixelChange(page, before, shot)).toBeGreaterThan(0.0005)
    before = shot
    // each step's time is recorded (no timed assertion on a shared machine: the benches measure it)
    expect(s.lastOverlayMs!).toBeGreaterThan(0)
    test.info().annotations.push({ type: 'step ms', description: String(s.lastOverlayMs) })
  }
  // a step lights other edges over the cached layer of dimmed ones: none is rasterised again
  expect(new Set(edgesDrawn.slice(1)).size).toBe(1)
  // rounds resize nodes by loss, however many: sigma's label grid (the nodes it may label,
  // ranked by size) is rebuilt once the steps pause, not at each round (a real-scale round
  // resizes thousands); then it is what a full re-index gives
  await graph.setLateGridShare(0)
  await graph.setReindexQuietMs(60_000)
  await scenario.press('first', 0)
  const processes = await graph.countProcesses()
  for (let k = 1; k < ref.path.length; k++) await scenario.press('next', k)
  expect(await processes()).toBe(0)
  await graph.setReindexQuietMs(400)
  await scenario.press('prev', ref.path.length - 2)
  await scenario.press('next', ref.path.length - 1)
  await expect.poll(processes).toBeGreaterThan(0)
  await graph.waitForRenderAfter((await graph.status()).renders - 1)
  expect(await graph.labelGrid()).toEqual(await graph.labelGrid(true))
  await graph.setLateGridShare(0.1)
  // the user guide's picture: the cascade at its last round beside the scenario
  await wb.screenshot('scenario')
  // at the end, next stays at the last round; first goes back to the shock
  await scenario.control('next').click()
  expect((await scenario.step()).step).toBe(ref.path.length - 1)
  await scenario.press('first', 0)
  expect((await graph.status()).overlay).toMatch(/round 0 \//)
  expect((await scenario.roundMarker()).x).toBeLessThan(markerX)
  // the shocked nodes' labels are forced on, placed where none covers another or a shocked node
  expect((await graph.forcedLabels()).length).toBeGreaterThan(1)
  await expect.poll(() => graph.forcedLabelOverlaps()).toEqual([])
  await wb.screenshot('scenario-playback')
  await wb.expectNoErrors()
})

test('a filter set during a round thins the faded week and its lit carriers alike', async () => {
  const [graph] = await graphOf(1)
  await scenario.press('next', 1)
  const all = await graph.drawnEdges()
  expect(all.lit).toBeGreaterThan(0)
  // exposures of at least a lit one's: some edges and carriers go, some stay; then a higher
  // floor thins both again
  const kept: { drawn: number; lit: number }[] = []
  await graph.openFilters()
  for (const q of [0.25, 0.5]) {
    const renders = (await graph.status()).renders
    await graph.setExposureRange(await graph.litExposureAt(q))
    await graph.waitForRenderAfter(renders)
    kept.push(await graph.drawnEdges())
  }
  expect(kept[0].drawn).toBeLessThan(all.drawn)
  expect(kept[0].lit).toBeLessThan(all.lit)
  expect(kept[1].drawn).toBeLessThan(kept[0].drawn)
  expect(kept[1].lit).toBeLessThan(kept[0].lit)
  expect(kept[1].lit).toBeGreaterThan(0)
  // the next round is drawn under the same filter; clearing it brings every edge back
  await scenario.press('next', 2)
  expect((await graph.drawnEdges()).drawn).toBe(kept[1].drawn)
  await scenario.press('prev', 1)
  await graph.resetFilters()
  await expect.poll(() => graph.drawnEdges()).toEqual(all)
  await graph.closeFilters()
  await scenario.press('first', 0)
  await wb.expectNoErrors()
})

test('an analyst plays DebtRank and Eisenberg–Noe to their last rounds, and Play runs on its own', async () => {
  const [graph] = await graphOf(1)
  for (const m of ['eisenberg-noe', 'debtrank'] as Method[]) {
    const c = cli.find((x) => x.method === m)!
    // the graph shows the run's week already: the playback draws on it without loading it again
    const switched = (await graph.status()).timings
    await scenario.play(m)
    expect((await graph.status()).timings).toEqual(switched)
    const last = c.path.at(-1)!
    // step through the first rounds with a screenshot each, then jump to the last
    let before = await graph.stage().screenshot()
    for (let k = 1; k < Math.min(c.path.length, 6); k++) {
      await scenario.press('next', k)
      expect((await graph.status()).overlay).toContain(`round ${c.path[k].round} / ${last.round}`)
      const shot = await graph.stage().screenshot()
      await page.screenshot({ path: test.info().outputPath(`${m}-round-${c.path[k].round}.png`) })
      expect(await pixelChange(page, before, shot)).toBeGreaterThan(0)
      before = shot
    }
    await scenario.press('last', c.path.length - 1)
    expect((await graph.status()).overlay).toBe(
      `${LABEL[m]} · round ${last.round} / ${last.round} · loss ${usd(last.loss)}`,
    )
    await page.screenshot({ path: test.info().outputPath(`${m}-last.png`) })
    if (m !== 'debtrank') continue
    // DebtRank's rounds light mostly the same edges: kept in a layer of their own (as a real-scale
    // week's tens of thousands are), a step draws only the edges that came and went (lit-layer.ts)
    // and shows the picture of drawing its lit edges again whole (up to float rounding: a unit
    // or two) — and of drawing each of them over the canvas, up to the rounding of many 8-bit
    // blends there (a few units a channel)
    await graph.setLitLayerMin(0)
    const from = (await graph.status()).edgeFrames
    for (let k = 1; k < Math.min(c.path.length, 6); k++)
      await scenario.press('prev', c.path.length - 1 - k)
    expect((await graph.status()).edgeFrames.topDelta).toBeGreaterThan(from.topDelta)
    const byChanges = await graph.stageShot()
    expect(await pixelDiff(page, byChanges, await graph.stageShotLitLayersDrawnWhole(), 6)).toBe(0)
    const direct = await graph.stageShotLitEdgesDrawnDirectly()
    expect(await pixelDiff(page, byChanges, direct, 12)).toBe(0)
    expect(await pixelDiff(page, byChanges, direct, 40)).toBe(0)
    await graph.setLitLayerMin(1000)
    // the rounds that resize a few nodes draw only the part of the node layer they cover
    // (node-cache.ts): the same picture, and the same picking image, as the layer drawn whole
    await scenario.press('first', 0)
    let patches = (await graph.status()).nodeFrames.patched
    for (let k = 1; k < c.path.length; k++) {
      await scenario.press('next', k)
      const now = (await graph.status()).nodeFrames.patched
      if (now > patches) break
      patches = now
    }
    expect((await graph.status()).nodeFrames.patched).toBeGreaterThan(patches)
    const patched = await graph.stageShot()
    const picking = await graph.pickingImage()
    expect(await pixelDiff(page, patched, await graph.stageShotNodesDrawnWhole(), 0)).toBe(0)
    expect(await graph.pickingImage()).toBe(picking)
  }
  // Play from the shock runs by itself to the last round, then stops
  await scenario.play('reference')
  await scenario.control('play').click()
  const steps = cli[0].path.length
  await expect(scenario.playback()).toHaveAttribute('data-step', String(steps - 1), {
    timeout: 20_000,
  })
  await expect(scenario.control('play').locator('i')).toHaveClass(/codicon-play/)
  await wb.expectNoErrors()
})

test('an analyst splits the graph by method and steps both together', async () => {
  await scenario.play('reference', 'eisenberg-noe')
  const graphs = await graphOf(2)
  const ref = cli.find((c) => c.method === 'reference')!
  const en = cli.find((c) => c.method === 'eisenberg-noe')!
  for (let k = 1; k < ref.path.length; k++) {
    await scenario.press('next', k)
    const round = ref.path[k].round
    const [left, right] = await Promise.all(graphs.map((g) => g.status()))
    expect(left.overlay).toContain(`${LABEL.reference} · round ${round} /`)
    // the other method shows its last round at or before the leading one
    const aligned = [...en.path].reverse().find((p) => p.round <= round)!
    expect(right.overlay).toContain(`${LABEL['eisenberg-noe']} · round ${aligned.round} /`)
    expect(left.week).toBe(week)
    expect(right.week).toBe(week)
  }
  // the scenario's editor is a third of the width now: its totals still show every figure
  expect(await scenario.cutOffTotals()).toEqual([])
  await wb.screenshot('scenario-split')
  await wb.expectNoErrors()
})

test('a click on a node loss selects the node on the graph', async () => {
  const graphs = await graphOf(2)
  const widths = await Promise.all(graphs.map(async (g) => (await g.stage().boundingBox())!.width))
  const node = (await scenario.lossNodes())[0]
  await scenario.lossRows().first().click()
  await page.waitForFunction(
    (n) => Object.values(window.__graphs ?? {}).some((s) => s.selected === n),
    node,
  )
  expect(graphs.length).toBe(2)
  // the node's panel opens on a graph a third of the window wide: it lies over the stage's right
  // side, and the stage keeps its width (beside the panel it would shrink to a sliver)
  let opened = 0
  for (const [i, g] of graphs.entries()) {
    if (!(await g.panel().isVisible())) continue
    opened++
    const stage = (await g.stage().boundingBox())!
    const panel = (await g.panel().boundingBox())!
    expect(stage.width).toBeCloseTo(widths[i], 0)
    expect(widths[i]).toBeLessThan(400)
    expect(panel.x).toBeLessThan(stage.x + stage.width)
  }
  expect(opened).toBeGreaterThan(0)
  await wb.expectNoErrors()
})

test('a custom shock that does not parse says what is wrong and where, and is not run', async () => {
  await risk.open()
  await risk.fill({ shock: 'top:5+nope:3@30%' })
  await expect(risk.shockMessage()).toHaveText(
    'shock spec: unknown term kind "nope" (nodes, category, category~, sector, top) (at character 7)',
  )
  await expect(risk.shockMessage()).toHaveClass(/error/)
  await expect(risk.shock()).toHaveAttribute('aria-invalid', 'true')
  await risk.fill({ shock: 'top:5@150%' })
  await expect(risk.shockMessage()).toContainText('outside (0, 1]')
  await expect(risk.shockMessage()).toContainText('(at character 7)')
  await risk.root().locator('.risk-run').click()
  await expect(risk.status()).toContainText('The shock does not parse')
  // an id that is not in the week is named before anything runs
  await risk.fill({ shock: 'nodes:182,not-a-node@1' })
  await expect(risk.shockMessage()).toContainText(`not-a-node not in week ${week}`)
  // a good one: the canonical spec, and it runs
  await risk.fill({ shock: 'top:3:sis@20%', methods: ['reference'] })
  await expect(risk.shockMessage()).toHaveText('✓ top:3:sis@0.2')
  await expect(risk.shock()).toHaveAttribute('aria-invalid', 'false')
  const custom = await risk.runScenario()
  const out = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'risk',
      '--week',
      week,
      '--shock',
      'top:3:sis@20%',
      '--method',
      'reference',
    ),
  ) as { graphs: { scenarios: { results: CliResult[] }[] }[] }
  const c = out.graphs[0].scenarios[0].results[0]
  const [t] = await custom.methodTotals()
  expect(t.totalLoss).toBeCloseTo(c.totalLoss, 2)
  expect([t.distressed, t.rounds]).toEqual([c.distressed, c.rounds])
  await wb.screenshot('scenario-custom-shock')
  await wb.expectNoErrors()
})

test('an analyst stresses the forecast: the forecast runs first, then the draws equal the CLI’s', async () => {
  await risk.fill({ scenario: 'top5-protocols', methods: METHODS })
  await risk.fillStress({ horizon: 4, draws: 200, seed: 1, method: 'reference' })
  await risk.runStressButton().click()
  // no forecast stored yet for this week: the view offers to run it
  await expect(risk.stressStatus()).toHaveText(/no forecast run|done \(run \d+\)/, {
    timeout: 60_000,
  })
  const first = risk
    .stressStatus()
    .getByRole('button', { name: `Run the forecast h=4 from ${week} first` })
  const missing = /no forecast run/.test((await risk.stressStatus().textContent()) ?? '')
  if (missing) {
    await expect(risk.stressStatus()).toContainText('no forecast run')
    // the browser logs the refused call's HTTP 404 itself; nothing else went wrong
    expect(wb.errors.splice(0)).toEqual([
      expect.stringMatching(/status of 404 .*\/api\/risk\.stress/),
    ])
    await first.click()
    await expect(risk.stressStatus()).toContainText('stored: run again', { timeout: 60_000 })
    await risk.runStressButton().click()
  }
  await expect(risk.stressStatus()).toHaveText(/done \(run \d+\)/, { timeout: 60_000 })
  const runId = Number(/run (\d+)/.exec((await risk.stressStatus().textContent())!)![1])
  const stress = new StressEditor(page, runId)
  await expect(stress.root).toBeVisible()
  const c = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'risk',
      '--week',
      week,
      '--forecast',
      '4',
      '--monte-carlo',
      '200',
      '--seed',
      '1',
      '--scenario',
      'top5-protocols',
      '--method',
      'reference',
    ),
  ) as {
    scenarios: {
      results: {
        loss: Record<string, number>
        exceedance: { thresholdPct: number; probability: number }[]
      }[]
    }[]
  }
  const m = c.scenarios[0].results[0]
  for (const k of ['mean', 'var95', 'cvar95', 'var99', 'cvar99'])
    expect(await stress.value('top5-protocols', 'reference', k)).toBeCloseTo(m.loss[k], 2)
  expect(await stress.exceedance('top5-protocols', 'reference')).toEqual(
    m.exceedance.map((x) => ({ threshold: x.thresholdPct, p: x.probability })),
  )
  // the histogram is drawn, and the distressed-nodes table lists shares of draws
  await expect(
    stress.method('top5-protocols', 'reference').locator('.stress-histogram canvas'),
  ).toBeVisible()
  await stress.method('top5-protocols', 'reference').locator('.stress-nodes summary').click()
  await expect(
    stress.method('top5-protocols', 'reference').locator('.stress-nodes tbody tr').first(),
  ).toContainText('of draws')
  await wb.screenshot('stress-result')
  await wb.expectNoErrors()
})

test('an analyst cancels a long stress run and sees it cancelled in the Jobs panel', async () => {
  await risk.fillStress({ horizon: 4, draws: 10_000, method: 'all' })
  await risk.runStressButton().click()
  const label = `Stress ${week} h=4, 10,000 draws`
  await wb.runCommand('View: Show Jobs')
  const job = wb.job(label)
  await expect(job).toHaveAttribute('data-state', 'running', { timeout: 20_000 })
  await expect(risk.stressCancel()).toBeVisible()
  // cancel from the Jobs panel, as for any job
  await job.getByRole('button', { name: 'Cancel' }).click()
  await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
  await expect(risk.stressStatus()).toContainText(`${label}: cancelled`)
  await expect(risk.stressCancel()).toBeHidden()
  await expect(risk.runStressButton()).toBeEnabled()
  await wb.screenshot('stress-cancelled')
  // a cancelled job is not a problem the workbench reports
  await wb.expectNoErrors()
})
