// Page object for the workbench shell.
import { expect, type Page } from '@playwright/test'

export class WorkbenchPage {
  /** Console errors and uncaught exceptions (a CSP violation shows up here too). */
  readonly errors: string[] = []

  constructor(readonly page: Page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text())
    })
    page.on('pageerror', (e) => this.errors.push(e.message))
  }

  async open(url = process.env.DX_E2E_URL!): Promise<void> {
    await this.page.goto(url)
    await this.page.waitForFunction(() => window.__status?.weeksLoaded > 0)
  }

  weekRows() {
    return this.page.locator('#weeks-table tbody tr')
  }

  syntheticBadge() {
    return this.page.locator('#synthetic')
  }

  async selectWeek(week: string): Promise<void> {
    await this.page.locator(`#weeks-table tbody tr[data-week="${week}"]`).click()
    await this.waitForGraph(week)
  }

  /** Waits until sigma has drawn the graph of `week`. */
  async waitForGraph(week: string): Promise<void> {
    await this.page.waitForFunction(
      (w) => window.__status.graphWeek === w && window.__status.graphRendered,
      week,
    )
  }

  largestNodes() {
    return this.page.locator('#top-nodes button')
  }

  nodePanel() {
    return this.page.locator('#node-panel')
  }

  /** Opens a node's card from the "Largest" list and waits for it. */
  async openLargest(rank: number): Promise<string> {
    const button = this.largestNodes().nth(rank)
    const id = (await button.getAttribute('data-node'))!
    await button.click()
    await this.page.waitForFunction((n) => window.__status.nodeShown === n, id)
    return id
  }

  graphCaption() {
    return this.page.locator('#graph-caption')
  }

  /** Pixels in the graph area that differ from its background, from a real screenshot (sigma's
   * WebGL canvas does not keep its drawing buffer, so toDataURL would be blank). */
  async drawnPixels(): Promise<number> {
    const png = await this.page.locator('#graph').screenshot()
    return this.page.evaluate(
      async (bytes) => {
        const blob = new Blob([new Uint8Array(bytes)], { type: 'image/png' })
        const bmp = await createImageBitmap(blob)
        const c = new OffscreenCanvas(bmp.width, bmp.height)
        const ctx = c.getContext('2d')!
        ctx.drawImage(bmp, 0, 0)
        const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data
        let n = 0
        for (let i = 0; i < d.length; i += 4)
          if (Math.abs(d[i] - 251) + Math.abs(d[i + 1] - 252) + Math.abs(d[i + 2] - 254) > 40) n++
        return n
      },
      [...png],
    )
  }

  async expectWeeks(n: number): Promise<void> {
    await expect(this.weekRows()).toHaveCount(n)
  }
}
