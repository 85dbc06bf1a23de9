// Page object for data leaving the workbench as browser downloads: the export dialog every table
// shares (the console's result, the risk, forecast, backtest and SIS tables: format, file name,
// Export, the status line) and the forecast view's "Export graph". Each action answers the files
// the page saved, read from Playwright's download objects (`page.waitForEvent('download')`).
import { readFile } from 'node:fs/promises'
import { expect, type Download, type Locator, type Page } from '@playwright/test'

export interface SavedFile {
  name: string
  bytes: Buffer
}

export class Downloads {
  constructor(readonly page: Page) {}

  /** The open export dialog. */
  dialog(): Locator {
    return this.page.locator('dialog.dialog .export-dialog')
  }

  /** Runs `action` and waits for `files` downloads; answers them by file name. */
  async during(action: () => Promise<void>, files = 1): Promise<SavedFile[]> {
    const downloads: Download[] = []
    const all = new Promise<void>((resolve) => {
      const on = (d: Download) => {
        downloads.push(d)
        if (downloads.length === files) {
          this.page.off('download', on)
          resolve()
        }
      }
      this.page.on('download', on)
    })
    await action()
    await all
    return Promise.all(
      downloads.map(async (d) => ({
        name: d.suggestedFilename(),
        bytes: await readFile(await d.path()),
      })),
    )
  }

  /**
   * Clicks an "Export…" button, picks the format (and a file name) in the dialog, exports as a
   * download and waits for the file; answers it with the dialog's status line, then closes it.
   */
  async exportTable(
    button: Locator,
    format: 'csv' | 'json' | 'parquet',
    name?: string,
    beforeExport: () => Promise<void> = async () => {},
  ): Promise<SavedFile & { status: string; rows: number }> {
    await button.click()
    const dialog = this.dialog()
    await expect(dialog).toBeVisible()
    await dialog.locator('select[name="format"]').selectOption(format)
    if (name !== undefined) await dialog.locator('input[name="name"]').fill(name)
    await beforeExport()
    const [file] = await this.during(() =>
      dialog.getByRole('button', { name: 'Export', exact: true }).click(),
    )
    const status = dialog.locator('.export-status')
    await expect(status).toHaveAttribute('data-state', 'done')
    const out = {
      ...file,
      status: (await status.textContent()) ?? '',
      rows: Number(await status.getAttribute('data-rows')),
    }
    await dialog.locator('.dialog-actions button', { hasText: 'Close' }).click()
    return out
  }

  /** The forecast side view's "Export graph" at the shown threshold, in `format`. */
  async exportForecastGraph(
    forecastView: Locator,
    format: 'gexf' | 'graphml' | 'csv' | 'parquet',
    files = format === 'csv' || format === 'parquet' ? 2 : 1,
  ): Promise<SavedFile[]> {
    const row = forecastView.locator('.forecast-export')
    await row.locator('select[name="graph-format"]').selectOption(format)
    return this.during(() => row.locator('button[data-action="export-graph"]').click(), files)
  }
}
