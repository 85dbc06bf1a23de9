// An analyst imports real (not synthetic) weeks and forecasts with the shipped model: the workbench
// says the model was trained on synthetic demo data and how to train one on this archive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { dexposure } from './cli'
import { Workbench } from './pages/workbench'
import { startServer } from './server'

const WARNING = /trained on synthetic demo data \(demo:small:seed=42\)/

test('an analyst forecasts real data and is told the model was trained on synthetic data', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-real-'))
  const archive = join(dir, 'real.sqlite')
  dexposure(archive, '--quiet', 'import', 'test/fixtures/import/dexposure/small.json')
  const server = await startServer(archive)
  try {
    const wb = new Workbench(page, server)
    await wb.open()
    await expect(wb.weekItems()).toHaveCount(3)
    // real data: no synthetic badge anywhere
    await expect(wb.statusItem('synthetic')).toHaveCount(0)
    await expect(wb.explorer().locator('.badge.synthetic')).toHaveCount(0)
    // the status bar says which model forecasts and that it learnt on synthetic data
    await expect(wb.statusItem('model')).toContainText('model h1:')
    await expect(wb.statusItem('model')).toContainText('(shipped')
    await expect(wb.statusItem('model')).toContainText('synthetic-trained')
    // forecast next week from the week shown, with the graph's Forecast button
    await wb.openWeekFromExplorer('2025-07-07')
    const graph = await wb.graph()
    await graph.waitForWeek('2025-07-07')
    await graph.root.locator('.graph-toolbar [data-action="forecast"]').click()
    const job = wb.job('Forecast h=1 from 2025-07-07')
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
    // the warning: a toast, the Log, and the status bar's model item
    await expect(page.locator('.toast.warning')).toContainText(WARNING)
    const log = wb.panelBody('log')
    await expect(log).toBeVisible()
    const warning = log.locator('.log-entry[data-level="warning"]', { hasText: WARNING })
    await expect(warning).toContainText('dexposure train --horizon 1')
    await expect(log.locator('.log-entry', { hasText: '2025-07-14:' })).toContainText(/on cpu/)
    await expect(wb.statusItem('model')).toHaveClass(/warning/)
    await expect(wb.statusItem('model')).toHaveAttribute('title', WARNING)
    await wb.screenshot('forecast-warning')
    // the stored run, listed in the Explorer, carries the warning too
    const runs = await wb.expandExplorerSection(/Stored runs/)
    const run = runs.locator('li[data-run^="forecast-"]')
    await expect(run).toHaveCount(1)
    await expect(run).toContainText('forecast h=1')
    await expect(run).toContainText('2025-07-07 → 2025-07-14')
    await expect(run).toHaveAttribute('title', WARNING)
    await wb.expectNoErrors()
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
