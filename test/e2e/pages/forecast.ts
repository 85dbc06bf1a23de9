// Page objects for the forecast views: the Forecast side view (horizon, "Show on graph", the
// probability threshold with its counts, forecast vs realised and the risk comparison) and the
// forecast table editor (lists, node filter, "Explain"). They read window.__forecast, the overlay
// controller's state (src/renderer/src/views/forecast/overlay-controller.ts).
import { expect, type Locator, type Page } from '@playwright/test'
import type { ForecastStatus } from '../../../src/renderer/src/views/forecast/overlay-controller'
import type { Workbench } from './workbench'

export interface TableRow {
  source: string
  target: string
  probability: number | null
  predicted: number | null
}

export class ForecastView {
  readonly page: Page
  readonly root: Locator

  constructor(readonly wb: Workbench) {
    this.page = wb.page
    this.root = wb.sideView('forecast')
  }

  async open(): Promise<void> {
    if (!(await this.root.isVisible())) await this.wb.activity('forecast').click()
    await expect(this.root).toBeVisible()
  }

  status(): Promise<ForecastStatus> {
    return this.page.evaluate(() => JSON.parse(JSON.stringify(window.__forecast!)))
  }

  /** The week the view forecasts from. */
  week(): Locator {
    return this.root.locator('.forecast-week')
  }

  horizon(h: number): Locator {
    return this.root.locator(`.forecast-horizons button[data-horizon="${h}"]`)
  }

  async chooseHorizon(h: number): Promise<void> {
    await this.horizon(h).click()
    await expect(this.horizon(h)).toHaveAttribute('aria-checked', 'true')
  }

  runLine(): Locator {
    return this.root.locator('.forecast-run')
  }

  /** Clicks "Show on graph" and waits until the overlay of horizon h is drawn on a graph. */
  async showOnGraph(h: number, timeout = 60_000): Promise<ForecastStatus> {
    await this.root.locator('button[data-action="show"]').click()
    await this.page.waitForFunction(
      (hz) => {
        const f = window.__forecast
        if (!f?.graphId || f.horizon !== hz || !f.counts) return false
        return window.__graphs?.[f.graphId]?.overlay?.startsWith(`Forecast h=${hz}`) ?? false
      },
      h,
      { timeout },
    )
    return this.status()
  }

  slider(): Locator {
    return this.root.locator('.forecast-threshold input[type="range"]')
  }

  /** Moves the threshold slider and waits for the overlay drawn at that value. */
  async setThreshold(value: number): Promise<ForecastStatus> {
    await this.slider().fill(String(value))
    await this.page.waitForFunction(
      (v) => window.__forecast?.threshold === v && window.__forecast.counts?.threshold === v,
      value,
    )
    await this.page.waitForFunction((v) => {
      const f = window.__forecast!
      return window.__graphs?.[f.graphId!]?.overlay?.includes(`p ≥ ${v.toFixed(2)}`) ?? false
    }, value)
    return this.status()
  }

  /** The counts the view shows: expected edges (Σp) and edges at the threshold. */
  async shownCounts(): Promise<{ expected: number; shown: number }> {
    const box = this.root.locator('.forecast-counts')
    return {
      expected: Number(await box.getAttribute('data-expected')),
      shown: Number(await box.getAttribute('data-shown')),
    }
  }

  async openTable(): Promise<ForecastTable> {
    await this.root.getByRole('button', { name: 'Open table' }).click()
    const t = new ForecastTable(this.page)
    await expect(t.root).toBeVisible()
    return t
  }

  compareButton(): Locator {
    return this.root.locator('button[data-action="compare"]')
  }

  comparison(): Locator {
    return this.root.locator('.forecast-comparison')
  }

  /** The risk comparison's value cells of a measure: G(t), Ĝ(t+h), realised G(t+h). */
  async comparisonRow(item: string): Promise<string[]> {
    const row = this.comparison().locator(`tr[data-item="${item}"] td`)
    return (await row.allTextContents()).slice(1)
  }
}

export class ForecastTable {
  readonly root: Locator

  constructor(readonly page: Page) {
    this.root = page.locator('.forecast-table-view')
  }

  async showKind(kind: 'new' | 'all' | 'changes' | 'vanishing' | 'nodes'): Promise<void> {
    await this.root.locator(`.forecast-kinds button[data-kind="${kind}"]`).click()
    await expect(this.root.locator(`table.forecast-table[data-kind="${kind}"]`)).toBeVisible()
  }

  rows(): Locator {
    return this.root.locator('table.forecast-table tbody tr')
  }

  /** The line naming the run shown: "Run #id · target week … · model … on …". */
  meta(): Locator {
    return this.root.locator('.forecast-table-meta')
  }

  /** The first n pair rows as the table carries them (full-precision data attributes). */
  async topPairs(n: number): Promise<TableRow[]> {
    await expect(this.rows().first()).toBeVisible()
    return this.rows().evaluateAll(
      (trs, k) =>
        trs.slice(0, k).map((tr) => {
          const d = (tr as HTMLElement).dataset
          return {
            source: d.source!,
            target: d.target!,
            probability: d.probability ? Number(d.probability) : null,
            predicted: d.predicted ? Number(d.predicted) : null,
          }
        }),
      n,
    )
  }

  /** Types a node into the filter and waits for a table whose rows all touch it. */
  async filterByNode(text: string): Promise<void> {
    await this.root.locator('.forecast-filter input').fill(text)
    await expect(this.root.locator('.forecast-filter small')).toContainText('node ')
  }

  async explain(row: number): Promise<Locator> {
    await this.rows().nth(row).getByRole('button', { name: 'Explain' }).click()
    const panel = this.root.locator('.forecast-explain')
    await expect(panel).toBeVisible()
    return panel
  }
}
