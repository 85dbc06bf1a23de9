// An analyst imports real (not synthetic) weeks and forecasts with the shipped model: the workbench
// says the model was trained on synthetic demo data and how to train one on this archive.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { WorkbenchPage } from './pages/workbench'
import { startServer } from './server'

test('an analyst forecasts real data and is told the model was trained on synthetic data', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-real-'))
  const archive = join(dir, 'real.sqlite')
  execFileSync(process.execPath, [
    'bin/dexposure.js',
    '--quiet',
    '--archive',
    archive,
    'import',
    'test/fixtures/import/dexposure/small.json',
  ])
  const server = await startServer(archive)
  try {
    const wb = new WorkbenchPage(page)
    await wb.open(server.url)
    await wb.expectWeeks(3)
    await expect(wb.syntheticBadge()).toBeHidden()
    await wb.selectWeek('2025-07-14')
    await page.locator('#forecast-btn').click()
    const status = page.locator('#forecast-status')
    await expect(status).toContainText('Forecast of 2025-07-21', { timeout: 30_000 })
    await expect(status).toContainText('trained on synthetic demo data (demo:small:seed=42)')
    await expect(status).toContainText('dexposure train --horizon 1')
    expect(wb.errors).toEqual([])
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
