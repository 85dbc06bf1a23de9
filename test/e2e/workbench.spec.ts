// User stories of the workbench in browser mode, in real Chromium.
import { expect, test } from '@playwright/test'
import { WorkbenchPage } from './pages/workbench'

// window.__status is declared by the renderer (src/renderer/src/main.ts).

test('an analyst opens the workbench and sees the archive weeks, labelled synthetic', async ({
  page,
}) => {
  const wb = new WorkbenchPage(page)
  await wb.open()
  await wb.expectWeeks(283)
  await expect(wb.weekRows().first()).toContainText('2025-08-18')
  await expect(wb.syntheticBadge()).toBeVisible()
  await expect(wb.syntheticBadge()).toHaveText(/SYNTHETIC DEMO DATA/)
  // the token left the address bar once the page had it
  expect(page.url()).not.toContain('token=')
  await expect(page.locator('#error')).toBeHidden()
  expect(wb.errors).toEqual([])
})

test('an analyst selects a crisis week and sees its exposure network drawn', async ({ page }) => {
  const wb = new WorkbenchPage(page)
  await wb.open()
  await wb.selectWeek('2022-05-09')
  await expect(wb.graphCaption()).toContainText(/largest of \d+ nodes/)
  const drawn = await wb.drawnPixels()
  const box = (await page.locator('#graph').boundingBox())!
  // nodes and edges cover part of the stage, not all of it (sigma 4's sizing pitfall fills it)
  expect(drawn).toBeGreaterThan(2_000)
  expect(drawn).toBeLessThan(0.6 * box.width * box.height)
  expect(wb.errors).toEqual([])
})

test('an analyst steps through the weeks with the keyboard', async ({ page }) => {
  const wb = new WorkbenchPage(page)
  await wb.open()
  await wb.waitForGraph('2025-08-18')
  await wb.weekRows().first().focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await wb.waitForGraph('2025-08-04')
  await expect(wb.weekRows().nth(2)).toHaveClass(/selected/)
  await page.keyboard.press('ArrowUp')
  await wb.waitForGraph('2025-08-11')
  await page.keyboard.press('End')
  await wb.waitForGraph('2020-03-23')
  await expect(wb.weekRows().last()).toBeInViewport()
  expect(wb.errors).toEqual([])
})

test('an analyst opens a large protocol and follows its history across weeks', async ({ page }) => {
  const wb = new WorkbenchPage(page)
  await wb.open()
  await wb.selectWeek('2022-05-09')
  await expect(wb.largestNodes()).toHaveCount(8)
  const name = (await wb.largestNodes().first().textContent())!
  const id = await wb.openLargest(0)
  const card = wb.nodePanel()
  await expect(card).toBeVisible()
  await expect(card.locator('h3')).toHaveText(name)
  await expect(card).toHaveAttribute('data-node', id)
  await expect(card.locator('dd').nth(3)).toHaveText(/^\d+$/)
  // the TVL line has one point per week present, and the selected week is marked
  const points = await card.locator('svg.spark polyline').nth(1).getAttribute('points')
  const weeks = Number(await card.locator('dd').nth(3).textContent())
  expect(points!.trim().split(' ')).toHaveLength(weeks)
  await expect(card.locator('circle.spark-now')).toHaveCount(1)
  // DX_SCREENSHOT=docs/screenshot.png npx playwright test -g history: the README's picture
  if (process.env.DX_SCREENSHOT) await page.screenshot({ path: process.env.DX_SCREENSHOT })
  // the card follows the protocol to another week, and closes
  await wb.selectWeek('2023-11-06')
  await expect(card).toHaveAttribute('data-node', id)
  await card.locator('button.close').click()
  await expect(card).toBeHidden()
  expect(wb.errors).toEqual([])
})

test('an analyst forecasts next week and sees which execution provider ran', async ({ page }) => {
  const wb = new WorkbenchPage(page)
  await wb.open()
  await wb.selectWeek('2025-08-18')
  await page.locator('#forecast-btn').click()
  const status = page.locator('#forecast-status')
  await expect(status).toContainText('Forecast of 2025-08-25', { timeout: 30_000 })
  await expect(status).toContainText(/ran on cpu/)
  await expect(status).toHaveAttribute('data-provider', 'cpu')
  // the shipped model was trained on this kind of data: no warning
  await expect(status).not.toContainText('⚠')
  expect(wb.errors).toEqual([])
})

test('the API refuses requests without the access token', async ({ request }) => {
  const base = new URL(process.env.DX_E2E_URL!).origin
  const anonymous = await request.post(`${base}/api/weeks.list`, { data: {} })
  expect(anonymous.status()).toBe(401)
  const page = await request.get(`${base}/`)
  expect(page.status()).toBe(401)
  const ok = await request.post(`${base}/api/weeks.list`, {
    data: {},
    headers: { authorization: `Bearer ${process.env.DX_E2E_TOKEN}` },
  })
  expect(ok.status()).toBe(200)
  expect(((await ok.json()) as unknown[]).length).toBe(283)
})
