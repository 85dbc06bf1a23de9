// Page object for the Reports area (views/reports): the Reports side view and the report editor
// with its builder (week, horizons, scenarios, sections, paper), the preview iframe and the
// Save HTML / Save PDF downloads.
import { readFile } from 'node:fs/promises'
import { expect, type FrameLocator, type Locator, type Page } from '@playwright/test'

export class ReportEditor {
  readonly view: Locator

  constructor(readonly page: Page) {
    this.view = page.locator('.report-editor')
  }

  week(): Locator {
    return this.view.locator('select.report-week')
  }

  paper(): Locator {
    return this.view.locator('select.report-paper')
  }

  /** A checkbox of the builder: group 'horizon' | 'scenario' | 'section', by its value. */
  check(group: 'horizon' | 'scenario' | 'section', value: string): Locator {
    return this.view.locator(`input[type="checkbox"][name="${group}"][value="${value}"]`)
  }

  /** Ticks exactly the given values of a group. */
  async choose(group: 'horizon' | 'scenario' | 'section', values: string[]): Promise<void> {
    const boxes = this.view.locator(`input[type="checkbox"][name="${group}"]`)
    for (let i = 0; i < (await boxes.count()); i++) {
      const b = boxes.nth(i)
      const want = values.includes((await b.getAttribute('value')) ?? '')
      if ((await b.isChecked()) !== want) await b.setChecked(want)
    }
  }

  status(): Locator {
    return this.view.locator('.report-status')
  }

  preview(): FrameLocator {
    return this.page.frameLocator('.report-frame')
  }

  /** Waits until no build runs and the preview shows the week's report. */
  async waitForPreview(week: string, timeout = 120_000): Promise<void> {
    await expect(this.view).toHaveAttribute('data-state', 'idle', { timeout })
    await expect(this.view).toHaveAttribute('data-preview-week', week, { timeout })
    await expect(this.preview().locator('h1')).toContainText(`week of ${week}`, { timeout })
  }

  /** The Log's lines, newest first: [level, source, message] (the Log panel renders every entry). */
  async logLines(): Promise<[string, string, string][]> {
    return this.page
      .locator('.log-entry')
      .evaluateAll((rows) =>
        rows.map((r) => [
          (r as HTMLElement).dataset.level ?? '',
          r.querySelector('.log-source')?.textContent ?? '',
          r.querySelector('.log-message')?.textContent ?? '',
        ]),
      )
  }

  /** Clicks Save HTML or Save PDF and returns the downloaded file's name and bytes. */
  async save(format: 'html' | 'pdf'): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download', { timeout: 180_000 }),
      this.view
        .locator(format === 'html' ? 'button.report-save-html' : 'button.report-save-pdf')
        .click(),
    ])
    const path = await download.path()
    return { name: download.suggestedFilename(), bytes: await readFile(path) }
  }
}
