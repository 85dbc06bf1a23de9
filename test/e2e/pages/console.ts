// Page object for the query console: the Console side view (examples, saved queries, history) and
// a console tab (toolbar, parameter fields, Monaco, the result grid and its actions). It reads what
// the tab exposes for tests: window.__console[editorId] (running, rows, error, timings, markers).
import { expect, type Locator, type Page } from '@playwright/test'
import type { ConsoleStatus } from '../../../src/renderer/src/views/console/console-editor'

export class ConsoleSide {
  readonly root: Locator

  constructor(readonly page: Page) {
    this.root = page.locator('.sideview[data-view="console"]')
  }

  async show(): Promise<void> {
    await this.page.locator('.activitybar .activity[data-view="console"]').click()
    await expect(this.root).toBeVisible()
  }

  examples(): Locator {
    return this.root.locator('.console-examples li')
  }

  history(): Locator {
    return this.root.locator('.console-history li.history-entry')
  }

  async searchHistory(text: string): Promise<void> {
    await this.root.getByLabel('Search the query history').fill(text)
  }

  /** Opens a new console tab and waits for its editor. */
  async newConsole(): Promise<ConsoleTab> {
    const before = await this.page.evaluate(() => Object.keys(window.__console ?? {}))
    await this.root.locator('button[data-action="new-console"]').click()
    const handle = await this.page.waitForFunction(
      (known) =>
        Object.entries(window.__console ?? {}).find(
          ([id, s]) => !known.includes(id) && s.ready,
        )?.[0],
      before,
    )
    return new ConsoleTab(this.page, (await handle.jsonValue()) as string)
  }
}

export class ConsoleTab {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly id: string,
  ) {
    this.root = page.locator(`.console-view[data-editor="${id}"]`)
  }

  status(): Promise<ConsoleStatus> {
    return this.page.evaluate((id) => ({ ...window.__console![id] }), this.id)
  }

  editor(): Locator {
    return this.root.locator('.monaco-editor')
  }

  /** Focuses the editor and replaces its text by typing `sql` (as a user would). */
  async typeSql(sql: string, replace = true): Promise<void> {
    await this.editor().click()
    if (replace) {
      await this.page.keyboard.press('Control+A')
      await this.page.keyboard.press('Delete')
    }
    await this.page.keyboard.type(sql, { delay: 5 })
  }

  /** The completion list Monaco shows. */
  suggestions(): Locator {
    return this.page.locator('.editor-widget.suggest-widget .monaco-list-row')
  }

  /** The names of the offered completions, in the order shown. */
  suggestionLabels(): Promise<string[]> {
    // each row's accessible name starts with the label ("edges, view · 6 columns, …")
    return this.suggestions().evaluateAll((rows) =>
      rows.map((r) => (r.getAttribute('aria-label') ?? '').split(',')[0].trim()),
    )
  }

  /** The text in the editor (Monaco's rendered lines). */
  async text(): Promise<string> {
    return this.root
      .locator('.view-lines')
      .evaluate((e) => (e as HTMLElement).innerText.replace(/\u00a0/g, ' '))
  }

  button(action: string): Locator {
    return this.root.locator(`.console-toolbar button[data-action="${action}"]`)
  }

  resultAction(action: string): Locator {
    return this.root.locator(`.result-actions button[data-action="${action}"]`)
  }

  param(name: string): Locator {
    return this.root.locator(`.param-field[data-param="${name}"]`).locator('select, input')
  }

  /** Ctrl+Enter in the editor, then waits for the run to end (however it ends). */
  async runWithKeys(keys = 'Control+Enter'): Promise<ConsoleStatus> {
    const runs = (await this.status()).runs
    await this.page.keyboard.press('Escape')
    await this.page.keyboard.press(keys)
    return this.waitForRuns(runs + 1)
  }

  async waitForRuns(n: number, timeout = 30_000): Promise<ConsoleStatus> {
    await this.page.waitForFunction(
      ([id, k]) => (window.__console?.[id]?.runs ?? 0) >= k && !window.__console?.[id]?.running,
      [this.id, n] as const,
      { timeout },
    )
    return this.status()
  }

  rowCount(): Locator {
    return this.root.locator('.result-rows')
  }

  grid(): Locator {
    return this.root.locator('.result-grid')
  }

  gridHeaders(): Promise<string[]> {
    return this.grid().locator('.grid-head span:first-child').allTextContents()
  }

  /** The cells of the rows drawn (the grid is virtual: only those in view exist). */
  async drawnRows(): Promise<string[][]> {
    return this.grid()
      .locator('.grid-row')
      .evaluateAll((rows) =>
        rows.map((r) => [...r.querySelectorAll('.grid-cell')].map((c) => c.textContent ?? '')),
      )
  }

  error(): Locator {
    return this.root.locator('.result-error')
  }

  /** The squiggles Monaco draws for markers. */
  squiggles(): Locator {
    return this.root.locator('.squiggly-error')
  }

  /** Exports the shown statement through the dialog; answers the status line's state and path. */
  async export(
    format: 'csv' | 'json' | 'parquet',
    path: string,
  ): Promise<{ state: string; path: string }> {
    await this.resultAction('export').click()
    const dialog = this.page.locator('dialog.dialog')
    await dialog.locator('select[name="format"]').selectOption(format)
    // a file on the engine's machine (the dialog's default is a download)
    await dialog.locator('input[name="destination"][value="path"]').check()
    await dialog.locator('input[name="path"]').fill(path)
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    const status = dialog.locator('.export-status')
    await expect(status).toHaveAttribute('data-state', /done|failed|cancelled/, { timeout: 30_000 })
    const out = {
      state: (await status.getAttribute('data-state')) ?? '',
      path: (await status.getAttribute('data-path')) ?? '',
    }
    await dialog.locator('.dialog-actions button', { hasText: 'Close' }).click()
    return out
  }
}
