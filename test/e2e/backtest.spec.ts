// User stories of backtests and models (issue 11 §3) in browser mode, on the demo archive of
// global setup: an analyst runs a backtest for one week ahead with a shipped model over the last
// test weeks, sees the PR curve and reliability diagram drawn and the same figures as
// `dexposure backtest --json`; cancels a long backtest; reads the shipped models' training windows
// in the model manager and chooses the model the views use; and starts training from the UI.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { dexposure } from './cli'
import { BacktestEditor, ModelManager } from './pages/backtest'
import { Workbench } from './pages/workbench'
import { demoServer } from './server'

test.describe.configure({ mode: 'serial' })
// a backtest in the UI and the same one through the CLI, a cancelled one: minutes, not seconds
test.setTimeout(180_000)

const demo = demoServer()
const FROM = '2025-07-28'
const TO = '2025-08-11'

interface ModelEntry {
  dir: string
  source: 'archive' | 'shipped'
  isDefault: boolean
  horizon: number
  trainingWindow: Record<string, string>
}

let page: Page
let wb: Workbench
let models: ModelEntry[]
const shipped = (h: number) => models.find((m) => m.source === 'shipped' && m.horizon === h)!

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage()
  wb = new Workbench(page, demo)
  await wb.clearSavedState()
  await wb.open()
  models = await wb.call<ModelEntry[]>('models.list')
})

test.afterAll(async () => {
  await page.close()
})

/** Pixels of the chart close to a colour (the model's line is the theme's accent). */
async function colourPixels(png: Buffer, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(
    async ({ b64, rgb }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
      const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!
      g.drawImage(bmp, 0, 0)
      const d = g.getImageData(0, 0, bmp.width, bmp.height).data
      let n = 0
      for (let i = 0; i < d.length; i += 4)
        if (
          Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) <
          60
        )
          n++
      return n
    },
    { b64: png.toString('base64'), rgb },
  )
}

test('an analyst backtests the shipped 1-week model and reads what the CLI prints', async () => {
  const model = shipped(1)
  await wb.runCommand('Forecast: Run Backtest…')
  const bt = new BacktestEditor(page)
  await expect(bt.view).toBeVisible()
  // the form starts on the model the views use: the engine's default for h=1
  await expect(bt.field('model')).toHaveValue(model.dir)
  await bt.run({ horizon: 1, model: model.dir, from: FROM, to: TO })
  await expect(bt.heading()).toContainText(`3 anchor weeks ${FROM} … ${TO}`)
  await expect(wb.job('Backtest h=1')).toHaveAttribute('data-state', 'done')

  // the same figures as the CLI for the same options, cell by cell
  const cli = JSON.parse(
    dexposure(
      demo.archive,
      '--json',
      'backtest',
      '--horizon',
      '1',
      '--model',
      model.dir,
      '--from',
      FROM,
      '--to',
      TO,
    ),
  ) as {
    weeks: string[]
    protocols: Record<'paper' | 'realistic', Record<string, Record<string, unknown> | null>>
  }
  expect(cli.weeks).toEqual(['2025-07-28', '2025-08-04', '2025-08-11'])
  const shown = await bt.shownMetrics()
  expect([...new Set(shown.map((c) => c.scorer))]).toEqual(['model', 'persistence', 'edgebank'])
  for (const { table, scorer, metric, value } of shown) {
    const [protocol, ...keys] = metric.split('.')
    let v: unknown = cli.protocols[protocol as 'paper' | 'realistic'][scorer]
    for (const k of keys) v = (v as Record<string, unknown>)[k]
    expect(value, `${table}: ${scorer} ${metric}`).toBe(v)
  }
  // 8 CLI columns + 5 paper + 9 realistic + 2 node, for three scorers
  expect(shown.length).toBe(3 * 24)
  // the model beats both baselines on the realistic AUPRC here, and the table says so in bold
  await expect(
    bt.table('cli').locator('tr[data-scorer="model"] td[data-metric="realistic.auprc"]'),
  ).toHaveClass(/best/)

  // the PR curve and the reliability diagram are drawn: the model's line in the accent colour
  const accent = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
  )
  const rgb = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16)) as [number, number, number]
  for (const name of ['pr', 'reliability'] as const) {
    const png = await bt.chart(name).screenshot()
    const stats = await bt.chartPixels(name)
    expect(stats.drawn, `${name}: something drawn`).toBeGreaterThan(2000)
    expect(await colourPixels(png, rgb), `${name}: the model's series`).toBeGreaterThan(600)
  }
  // the docs' picture: the run's heading, the CLI's table and both charts, without the panel
  await wb.runCommand('View: Toggle Panel')
  await expect.poll(() => wb.panelHeight()).toBe(0)
  await bt.heading().evaluate((e) => e.scrollIntoView({ block: 'start' }))
  await wb.screenshot('backtest')
  await wb.runCommand('View: Toggle Panel')
  await wb.expectNoErrors()
})

test('the backtest is stored: the Explorer lists it and it reopens as it was', async () => {
  const [latest] = await wb.call<{ runId: number; horizon: number }[]>('backtest.list', {
    limit: 1,
  })
  const runs = await wb.expandExplorerSection(/Stored runs/)
  const item = runs.locator(`li[data-run="backtest-${latest.runId}"]`)
  await expect(item).toContainText('backtest h=1')
  const bt = new BacktestEditor(page)
  const before = await bt.shownMetrics()
  await wb.runCommand('View: Close Editor')
  await expect(bt.view).toHaveCount(0)
  await item.click()
  await expect(bt.heading()).toContainText(`3 anchor weeks ${FROM} … ${TO}`)
  expect(await bt.shownMetrics()).toEqual(before)
  await wb.expectNoErrors()
})

test('an analyst cancels a long backtest and nothing is stored', async () => {
  const stored = (await wb.call<unknown[]>('backtest.list', {})).length
  const bt = new BacktestEditor(page)
  // the shipped model's test weeks: every week after its training window (about 30 anchors)
  await bt.fill({ horizon: 1, model: shipped(1).dir })
  await bt.runButton().click()
  await expect(bt.runner()).toContainText('anchor week', { timeout: 30_000 })
  await bt.cancelButton().click()
  await expect(bt.runner()).toBeHidden({ timeout: 30_000 })
  await expect(bt.outcome()).toHaveText('Backtest cancelled: nothing stored.')
  expect(
    await page
      .locator('.panel-body[data-tab="jobs"] .job[data-state="cancelled"]')
      .filter({ hasText: 'Backtest h=1' })
      .count(),
  ).toBe(1)
  expect((await wb.call<unknown[]>('backtest.list', {})).length).toBe(stored)
  // a refused request is shown at the form, naming the field
  await bt.fill({ horizon: 1, model: shipped(1).dir, from: '2025-07-29' })
  await bt.runButton().click()
  await expect(bt.error()).toContainText('field from: ')
  await expect(bt.error()).toHaveAttribute('data-field', 'from')
  await page.screenshot({ path: test.info().outputPath('backtest-refused.png') })
  // the browser logs the refused call's HTTP 400 itself; nothing else went wrong
  expect(wb.errors.splice(0)).toEqual([
    expect.stringMatching(/status of 400 .*\/api\/backtest\.run/),
  ])
  await wb.expectNoErrors()
})

test('the model manager shows the shipped models with their training windows', async () => {
  await wb.runCommand('Forecast: Manage Models')
  const mm = new ModelManager(page)
  await expect(mm.rows()).toHaveCount(models.length)
  for (const h of [1, 4, 8, 12]) {
    const m = shipped(h)
    const manifest = JSON.parse(readFileSync(join(m.dir, 'model.json'), 'utf8')) as {
      training_window: Record<string, string>
      training_data?: { synthetic: boolean }
    }
    const shown = await mm.window(m.dir)
    for (const [k, v] of Object.entries(manifest.training_window)) expect(shown[k]).toBe(v)
    expect(shown.from).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(await mm.badges(m.dir)).toEqual(['shipped', 'default', 'in use'])
    if (manifest.training_data?.synthetic)
      await expect(mm.row(m.dir).locator('[data-cell="data"]')).toContainText('synthetic')
  }
  await page.screenshot({ path: test.info().outputPath('models.png') })
  await wb.expectNoErrors()
})

test('an analyst chooses the shipped model over the archive’s own, and the views follow', async () => {
  // an archive model for h=1 (a copy of the shipped one, as `train` would write it)
  const local = join(dirname(demo.archive), 'models', 'h1')
  cpSync(shipped(1).dir, local, { recursive: true })
  try {
    const mm = new ModelManager(page)
    await wb.open() // models are listed when the manager opens: open the workbench again
    await wb.runCommand('Forecast: Manage Models')
    await expect(mm.row(local)).toBeVisible()
    // the archive's own model is the engine's default, and the views use it
    expect(await mm.badges(local)).toEqual(['archive', 'default', 'in use'])
    expect(await mm.badges(shipped(1).dir)).toEqual(['shipped'])
    await mm.row(shipped(1).dir).locator('button[data-action="use"]').click()
    await expect(mm.row(shipped(1).dir)).toHaveClass(/in-use/)
    expect(await mm.badges(shipped(1).dir)).toEqual(['shipped', 'in use'])
    expect(await mm.badges(local)).toEqual(['archive', 'default'])
    // the backtest form starts on the chosen model; the card says it is in use by choice
    await wb.runCommand('Forecast: Run Backtest…')
    const bt = new BacktestEditor(page)
    await bt.field('horizon').selectOption('1')
    await expect(bt.field('model')).toHaveValue(shipped(1).dir)
    await wb.runCommand('Forecast: Manage Models')
    await mm.row(shipped(1).dir).locator('button[data-action="card"]').click()
    await expect(page.locator('.model-card-actions')).toContainText('In use')
    await expect(page.locator('.model-card-actions')).toContainText('your choice')
    // the choice is kept for this archive across a reload
    await wb.open()
    await wb.runCommand('Forecast: Manage Models')
    await expect(mm.row(shipped(1).dir)).toHaveClass(/in-use/)
    // back to the default: choosing the archive's model again clears the choice
    await mm.row(local).locator('button[data-action="use"]').click()
    await expect(mm.row(local)).toHaveClass(/in-use/)
    expect(await mm.badges(shipped(1).dir)).toEqual(['shipped'])
    await wb.expectNoErrors()
  } finally {
    rmSync(dirname(local), { recursive: true, force: true })
  }
})

test('training: a bad split is refused at its field, and a started job ends visibly', async () => {
  await wb.open()
  await wb.runCommand('Forecast: Manage Models')
  const mm = new ModelManager(page)
  // training targets before the first archived week: no training weeks at all
  await mm.trainField('until').fill('2020-03-23')
  await mm.trainButton().click()
  await expect(mm.trainError()).toContainText('no training weeks for h=1')
  await expect(mm.trainError()).toHaveAttribute('data-field', 'until')
  await expect(mm.view.locator('.train-form [data-field="until"]')).toHaveClass(/invalid/)
  await mm.trainField('until').fill('')
  // a real training run takes minutes: start it and cancel it while it runs. Where Debian's
  // PyTorch is missing the job fails at once, saying what to install.
  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, sklearn']).status === 0
  await mm.trainButton().click()
  if (torch) {
    const cancel = mm.trainRunner().getByRole('button', { name: 'Cancel' })
    await expect(cancel).toBeEnabled()
    await cancel.click()
    await expect(mm.trainRunner()).toBeHidden({ timeout: 60_000 })
    await expect(mm.trainOutcome()).toHaveText('Training cancelled: no model written.')
    await expect(wb.job('Train h=1')).toHaveAttribute('data-state', 'cancelled')
    expect(existsSync(join(dirname(demo.archive), 'models', 'h1', 'model.json'))).toBe(false)
  } else {
    await expect(mm.trainError()).toContainText('training needs PyTorch from Debian')
    await expect(mm.trainRunner()).toBeHidden()
    await expect(wb.job('Train h=1')).toHaveAttribute('data-state', 'failed')
  }
  await page.screenshot({ path: test.info().outputPath('train.png') })
})
