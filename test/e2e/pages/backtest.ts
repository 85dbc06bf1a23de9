// Page objects for the backtest editor (run a backtest job or open a stored one; metric tables,
// PR curve and reliability diagram) and the model manager (models, default and in-use model,
// training as a job) of views/backtest.
import { expect, type Locator, type Page } from '@playwright/test'
import { pixelStats, type PixelStats } from './pixels'

export interface BacktestOptions {
  horizon: number
  /** A model folder (models.list `dir`), or null for baselines only. */
  model: string | null
  from?: string
  to?: string
}

/** A metric cell as the tables show it: its table, scorer, `backtest --json` path, exact value. */
export interface ShownMetric {
  table: string
  scorer: string
  metric: string
  value: number | null
}

export class BacktestEditor {
  readonly view: Locator

  constructor(readonly page: Page) {
    this.view = page.locator('.backtest-view')
  }

  field(name: string): Locator {
    return this.view.locator(`.backtest-form [data-field="${name}"]`).locator('select, input')
  }

  runButton(): Locator {
    return this.view.locator('button[data-action="run"]')
  }

  runner(): Locator {
    return this.view.locator('.job-runner[data-runner="backtest"]')
  }

  cancelButton(): Locator {
    return this.runner().getByRole('button', { name: 'Cancel' })
  }

  /** The line that shows a refused request or a failed job. */
  error(): Locator {
    return this.view.locator('.form-error')
  }

  outcome(): Locator {
    return this.view.locator('.backtest-outcome')
  }

  heading(): Locator {
    return this.view.locator('.backtest-body h3')
  }

  table(name: 'cli' | 'paper' | 'realistic' | 'node'): Locator {
    return this.view.locator(`table.backtest-table[data-table="${name}"]`)
  }

  chart(name: 'pr' | 'reliability'): Locator {
    return this.view.locator(`.backtest-chart-host[data-chart="${name}"]`)
  }

  /** Fills the form; empty weeks leave the engine's defaults. */
  async fill(o: BacktestOptions): Promise<void> {
    await this.field('horizon').selectOption(String(o.horizon))
    await this.field('model').selectOption(o.model ?? '__none__')
    await this.field('from').fill(o.from ?? '')
    await this.field('to').fill(o.to ?? '')
  }

  /** Runs the backtest the form describes and waits until its tables are shown. */
  async run(o: BacktestOptions, timeout = 120_000): Promise<void> {
    await this.fill(o)
    const before = (await this.heading().count()) ? await this.heading().textContent() : null
    await this.runButton().click()
    await expect(this.runner()).toBeVisible()
    await expect(this.runner()).toBeHidden({ timeout })
    if (before !== null) await expect(this.heading()).not.toHaveText(before)
    await expect(this.table('cli')).toBeVisible()
  }

  /** Every metric cell of the four tables, in reading order. */
  async shownMetrics(): Promise<ShownMetric[]> {
    return this.view.locator('table.backtest-table td[data-metric]').evaluateAll((tds) =>
      (tds as HTMLElement[]).map((td) => ({
        table: (td.closest('table') as HTMLElement).dataset.table!,
        scorer: (td.closest('tr') as HTMLElement).dataset.scorer!,
        metric: td.dataset.metric!,
        value: td.dataset.value === 'null' ? null : Number(td.dataset.value),
      })),
    )
  }

  /** A screenshot of a chart's canvas, decoded: how many pixels are not background. */
  async chartPixels(name: 'pr' | 'reliability'): Promise<PixelStats> {
    const host = this.chart(name)
    await expect(host.locator('canvas')).toBeVisible()
    return pixelStats(this.page, await host.screenshot())
  }
}

export class ModelManager {
  readonly view: Locator

  constructor(readonly page: Page) {
    this.view = page.locator('.models-view')
  }

  rows(): Locator {
    return this.view.locator('table.models-table tbody tr[data-model]')
  }

  row(dir: string): Locator {
    return this.view.locator(`table.models-table tr[data-model="${dir}"]`)
  }

  /** A model's training window as shown: window key → value. */
  async window(dir: string): Promise<Record<string, string>> {
    return this.row(dir)
      .locator('[data-cell="window"] [data-key]')
      .evaluateAll((els) =>
        Object.fromEntries(
          (els as HTMLElement[]).map((e) => [
            e.dataset.key!,
            e.textContent!.slice(e.textContent!.indexOf(': ') + 2),
          ]),
        ),
      )
  }

  badges(dir: string): Promise<string[]> {
    return this.row(dir).locator('.model-badge').allTextContents()
  }

  trainField(name: string): Locator {
    return this.view.locator(`.train-form [data-field="${name}"]`).locator('select, input')
  }

  trainButton(): Locator {
    return this.view.locator('button[data-action="train"]')
  }

  trainRunner(): Locator {
    return this.view.locator('.job-runner[data-runner="train"]')
  }

  trainError(): Locator {
    return this.view.locator('.train-section .form-error')
  }

  trainOutcome(): Locator {
    return this.view.locator('.train-outcome')
  }
}
