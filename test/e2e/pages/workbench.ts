// Page object for the workbench shell (VS Code-like): activity bar, side bar views (Explorer,
// Search), the editor area's tabs, the bottom panel (Jobs, Log), the status bar, the command
// palette, the Help view, import and the error view. Graph tabs are GraphEditor page objects.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { apiCall } from '../server'
import { GraphEditor } from './graph'

/** Where a workbench is served: the URL printed by the server (it carries the access token). */
export interface Served {
  url: string
  token: string
  origin?: string
}

export class Workbench {
  /** Console errors and uncaught exceptions (a CSP violation shows up here too). */
  readonly errors: string[] = []

  constructor(
    readonly page: Page,
    readonly served: Served,
  ) {
    page.on('console', (m) => {
      const url = m.location().url
      if (m.type() === 'error') this.errors.push(url ? `${m.text()} (${url})` : m.text())
    })
    page.on('pageerror', (e) => this.errors.push(e.message))
  }

  private get origin(): string {
    return this.served.origin ?? new URL(this.served.url).origin
  }

  /** An engine call through the loopback API, as the renderer makes it. */
  call<T = unknown>(name: string, request: unknown = {}): Promise<T> {
    return apiCall<T>(this.origin, this.served.token, name, request)
  }

  /** Forgets this archive's saved layout, so the next open starts as a first open does. */
  async clearSavedState(): Promise<void> {
    await this.call('workbench.state.set', { state: null })
  }

  /** The layout the workbench saved for this archive (per user, outside the archive). */
  async savedState(): Promise<SavedState | null> {
    return (await this.call<{ state: SavedState | null }>('workbench.state.get')).state
  }

  /**
   * Opens the printed URL and waits until the shell is up, the archive loaded and its saved
   * layout restored.
   */
  async open(): Promise<void> {
    await this.page.goto(this.served.url)
    await this.page.waitForFunction(() => window.__workbench?.ready && window.__workbench.restored)
  }

  /** F5: the page's address no longer carries the token; the tab and a cookie keep the session. */
  async reload(): Promise<void> {
    await this.page.reload()
    await this.page.waitForFunction(() => window.__workbench?.ready && window.__workbench.restored)
  }

  /**
   * Saves what the user sees into the running test's output folder (test-results/…/NAME.png);
   * with DX_SCREENSHOTS=DIR also as DIR/NAME.png (the docs' pictures: DX_SCREENSHOTS=docs/img).
   */
  async screenshot(name: string): Promise<void> {
    const png = await this.page.screenshot({ path: test.info().outputPath(`${name}.png`) })
    const dir = process.env.DX_SCREENSHOTS
    if (dir) {
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, `${name}.png`), png)
    }
  }

  /** No console error, no uncaught exception, nothing the workbench itself reported. */
  async expectNoErrors(): Promise<void> {
    expect(this.errors).toEqual([])
    expect(await this.page.evaluate(() => window.__workbench!.errors)).toBe(0)
  }

  // ---- parts ----------------------------------------------------------------------------------

  activity(view: string): Locator {
    return this.page.locator(`.activitybar .activity[data-view="${view}"]`)
  }

  sideView(view: string): Locator {
    return this.page.locator(`.sideview[data-view="${view}"]`)
  }

  sideBar(): Locator {
    return this.page.locator('.sidebar')
  }

  /** How wide the side bar is on the screen (its split collapses to 0 when hidden). */
  sideBarWidth(): Promise<number> {
    return this.sideBar().evaluate(
      (e) => (e.closest('.dv-view') ?? e).getBoundingClientRect().width,
    )
  }

  panel(): Locator {
    return this.page.locator('.panel')
  }

  /** How tall the bottom panel is on the screen (its split collapses to 0 when hidden). */
  panelHeight(): Promise<number> {
    return this.panel().evaluate((e) => (e.closest('.dv-view') ?? e).getBoundingClientRect().height)
  }

  panelTab(tab: string): Locator {
    return this.page.locator(`.panel-tabs button[data-tab="${tab}"]`)
  }

  panelBody(tab: string): Locator {
    return this.page.locator(`.panel-body[data-tab="${tab}"]`)
  }

  statusItem(item: string): Locator {
    return this.page.locator(`.statusbar .status-item[data-item="${item}"]`)
  }

  /** The editor area when no tab is open: what to do next. */
  emptyEditorArea(): Locator {
    return this.page.locator('.editor-empty')
  }

  /** Titles of the open tabs, in every group, left to right. */
  tabTitles(): Promise<string[]> {
    return this.page.locator('.dv-tab').allTextContents()
  }

  /** Brings the tab whose title matches to the front of its group. */
  async showTab(title: string | RegExp): Promise<void> {
    const tab = this.page.locator('.dv-tab', { hasText: title })
    await tab.click()
    await expect(tab).toHaveClass(/dv-active-tab/)
  }

  // ---- explorer -------------------------------------------------------------------------------

  explorer(): Locator {
    return this.sideView('explorer')
  }

  weekItems(): Locator {
    return this.explorer().locator('.tree.weeks li[data-week]')
  }

  /** The weeks the Explorer lists, as YYYY-MM-DD, newest first. */
  async listedWeeks(): Promise<string[]> {
    return this.weekItems().evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.week!))
  }

  async openWeekFromExplorer(week: string): Promise<void> {
    await this.explorer().locator(`.tree.weeks li[data-week="${week}"]`).click()
  }

  /** Opens one of the Explorer's collapsed sections ("Stored runs", "Models" …). */
  async expandExplorerSection(title: RegExp): Promise<Locator> {
    const section = this.explorer().locator('details.side-section', {
      has: this.page.locator('summary', { hasText: title }),
    })
    if (!(await section.evaluate((d: HTMLDetailsElement) => d.open)))
      await section.locator('summary').click()
    return section
  }

  // ---- graph editors --------------------------------------------------------------------------

  /** Ids of the open graph editors, in the order they were opened. */
  graphIds(): Promise<string[]> {
    return this.page.evaluate(() => Object.keys(window.__graphs ?? {}))
  }

  /** Waits for `n` graph editors, each having drawn a week; returns them in opening order. */
  async waitForGraphs(n: number): Promise<GraphEditor[]> {
    await this.page.waitForFunction((count) => {
      const g = Object.values(window.__graphs ?? {})
      return g.length === count && g.every((s) => s.rendered)
    }, n)
    return (await this.graphIds()).map((id) => new GraphEditor(this.page, id))
  }

  /** The only graph editor (after it has drawn its week). */
  async graph(): Promise<GraphEditor> {
    const [g] = await this.waitForGraphs(1)
    return g
  }

  // ---- command palette and keys ---------------------------------------------------------------

  palette(): Locator {
    return this.page.locator('.palette')
  }

  paletteItems(): Locator {
    return this.palette().locator('.palette-list li')
  }

  /** Ctrl+Shift+P, then types `text` (">" commands, "@" protocols and tokens, "#" weeks). */
  async openPalette(text = '>'): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P')
    await expect(this.palette()).toBeVisible()
    await this.page.locator('.palette-input').fill(text)
  }

  /** Runs a command by its palette label ("Theme: Dark", "View: Toggle Side Bar" …). */
  async runCommand(label: string): Promise<void> {
    await this.openPalette(`>${label}`)
    await expect(this.paletteItems().first().locator('.label')).toHaveText(label)
    await this.page.keyboard.press('Enter')
    await expect(this.palette()).toBeHidden()
  }

  // ---- import ---------------------------------------------------------------------------------

  /** Imports a file as a user does in browser mode: Explorer › Import file…, then the picker. */
  async importFile(path: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser')
    await this.explorer().getByRole('button', { name: 'Import file…' }).click()
    await (await chooser).setFiles(path)
  }

  /** The Jobs panel's row of a job, by its label ("Import small.json"); data-state tells how it ended. */
  job(label: string): Locator {
    return this.panelBody('jobs')
      .locator('.job', { has: this.page.locator('.job-title', { hasText: label }) })
      .first()
  }

  importError(): Locator {
    return this.page.locator('.import-error')
  }

  importErrorField(field: string): Locator {
    return this.importError().locator(`dd[data-field="${field}"]`)
  }
}

/** What the workbench saves per archive (src/renderer/src/workbench/persist.ts), as read back. */
export interface SavedState {
  version: number
  theme: string
  parts: { side: string | null; sideVisible: boolean; panel: string | null; panelVisible: boolean }
  layout: { panels?: Record<string, { params?: { week?: string } }> } | null
  week: string | null
  /** The forecast model chosen per horizon (horizon → model folder). */
  models?: Record<string, string>
}
