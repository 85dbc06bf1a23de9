// Page object for the exports of a stored stress run (the stress editor): the Export… button of the
// run's results in the editor's header, the one under a method's distressed nodes, and the Log's
// info lines (one per export, naming the file).
import type { Locator, Page } from '@playwright/test'
import type { Method } from './risk'

export class StressExports {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly runId: number,
  ) {
    this.root = page.locator(`.stress-view[data-run="${runId}"]`)
  }

  /** Export… of the whole run's results (every scenario and method). */
  resultsButton(): Locator {
    return this.root.locator('.risk-head button.table-export.stress-export')
  }

  /** Export… under a method's distressed nodes (opens the nodes' details first). */
  async nodesButton(scenario: string, method: Method): Promise<Locator> {
    const block = this.root.locator(
      `.stress-scenario[data-scenario="${scenario}"] .stress-method[data-method="${method}"]`,
    )
    const details = block.locator('details.stress-nodes')
    if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
      await details.locator('summary').click()
    return details.locator('button.table-export')
  }

  /** The Log's info lines, newest first: [source, message]. */
  async infoLines(): Promise<[string, string][]> {
    return this.page
      .locator('.log-entry.info')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.querySelector('.log-source')?.textContent ?? '',
          r.querySelector('.log-message')?.textContent ?? '',
        ]),
      )
  }
}
