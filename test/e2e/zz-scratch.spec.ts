import { test } from '@playwright/test'
test('scratch', async ({ page }) => {
  page.on('console', (m) => console.log('console', m.type(), m.text()))
  page.on('pageerror', (e) => console.log('pageerror', e.message))
  const t0 = Date.now()
  await page.goto(process.env.DX_E2E_URL!)
  await page.waitForFunction(() => window.__workbench?.ready)
  console.log('ready', Date.now() - t0)
  await page.waitForFunction(() => Object.values(window.__graphs ?? {}).some((g) => g.rendered))
  console.log('rendered', Date.now() - t0)
  console.log(await page.evaluate(() => JSON.stringify(window.__graphs)))
  await page.screenshot({ path: '/tmp/scratch/1.png' })
})
