// Page object for one week dashboard (an editor tab: key figures, a metric's chart, the SIS table,
// the spillover heatmap, alerts). It reads what the view exposes for tests:
// window.__dashboards[editorId] (state, series, the last cell shown on the graph).
import { expect, type Locator, type Page } from '@playwright/test'
import type { DashboardStatus } from '../../../src/renderer/src/views/dashboard/dashboard-view'

export class Dashboard {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly week: string,
  ) {
    this.root = page.locator(`.dashboard[data-week="${week}"]`)
  }

  get id(): string {
    return `dashboard-${this.week}`
  }

  status(): Promise<DashboardStatus> {
    return this.page.evaluate((id) => ({ ...window.__dashboards![id] }), this.id)
  }

  /** Waits until the figures, the SIS table and the heatmap are drawn. */
  async waitReady(): Promise<DashboardStatus> {
    await this.page.waitForFunction((id) => window.__dashboards?.[id]?.state === 'ready', this.id, {
      timeout: 30_000,
    })
    return this.status()
  }

  /** Waits until the sparklines and alerts are drawn (the other weeks' statistics computed). */
  async waitComplete(): Promise<DashboardStatus> {
    await this.page.waitForFunction(
      (id) => window.__dashboards?.[id]?.completeMs != null,
      this.id,
      { timeout: 60_000 },
    )
    return this.status()
  }

  // ---- figures --------------------------------------------------------------------------------

  figure(metric: string): Locator {
    return this.root.locator(`.figure[data-metric="${metric}"]`)
  }

  /** Every figure's raw value and week-over-week delta, by metric. */
  figures(): Promise<
    Record<string, { value: number | null; delta: number | null; points: number }>
  > {
    return this.root.locator('.figure').evaluateAll((cards) =>
      Object.fromEntries(
        cards.map((c) => {
          const e = c as HTMLElement
          const d = e.querySelector<HTMLElement>('.figure-delta')?.dataset.delta
          const pts = e.querySelector<SVGElement>('.sparkline')?.dataset.points
          return [
            e.dataset.metric!,
            {
              value: e.dataset.value === undefined ? null : Number(e.dataset.value),
              delta: d === undefined ? null : Number(d),
              points: pts === undefined ? 0 : Number(pts),
            },
          ]
        }),
      ),
    )
  }

  chart(): Locator {
    return this.root.locator('.dash-chart')
  }

  /** Non-transparent pixels of the metric chart's canvas (ECharts draws on a 2D canvas). */
  chartPixels(): Promise<number> {
    return this.chart()
      .locator('canvas')
      .first()
      .evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
        let n = 0
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
        return n
      })
  }

  // ---- SIS table ------------------------------------------------------------------------------

  sisHeader(sort: string): Locator {
    return this.root.locator(`.dash-sis th[data-sort="${sort}"]`)
  }

  /** The SIS table's columns that reach past its box's right edge (out of view until scrolled). */
  cutOffSisColumns(): Promise<string[]> {
    return this.root.locator('.dash-sis .dash-scroll').evaluate((box) => {
      const edge = box.getBoundingClientRect().left + box.clientWidth
      return [...box.querySelectorAll('thead th')]
        .filter((th) => th.getBoundingClientRect().right > edge + 0.5)
        .map((th) => th.textContent ?? '')
    })
  }

  sisRows(): Locator {
    return this.root.locator('.dash-sis tbody tr')
  }

  /** The table's rows as drawn: node id, rank, score. */
  sisTable(): Promise<{ node: string; rank: number; score: number }[]> {
    return this.sisRows().evaluateAll((trs) =>
      trs.map((tr) => {
        const e = tr as HTMLTableRowElement
        return {
          node: e.dataset.node!,
          rank: Number(e.cells[0].textContent),
          score: Number(e.querySelector<HTMLElement>('td[data-value]')!.dataset.value),
        }
      }),
    )
  }

  /** Clicks a column header and waits for the table to be redrawn in that order. */
  async sortSis(sort: string, order: 'asc' | 'desc'): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const s = (await this.status()).sis
      if (s?.sort === sort && s.order === order) return
      await this.sisHeader(sort).click()
      // a click changes the column or the direction: wait for the table drawn in the new order
      await this.page.waitForFunction(
        ([id, before]) => {
          const now = window.__dashboards?.[id]?.sis
          return !!now && `${now.sort} ${now.order}` !== before
        },
        [this.id, `${s?.sort} ${s?.order}`] as const,
      )
    }
    expect((await this.status()).sis).toMatchObject({ sort, order })
  }

  async filterSis(text: string): Promise<void> {
    await this.root.getByLabel('Filter the SIS table').fill(text)
    await this.page.waitForFunction(([id, t]) => window.__dashboards?.[id]?.sis?.filter === t, [
      this.id,
      text,
    ] as const)
  }

  // ---- spillovers -----------------------------------------------------------------------------

  heatmap(): Locator {
    return this.root.locator('.dash-spill table.heatmap')
  }

  async setLevel(level: 'category' | 'sector'): Promise<void> {
    await this.root.locator(`.dash-spill button[data-level="${level}"]`).click()
    await expect(this.heatmap()).toHaveAttribute('data-level', level)
  }

  /** The heatmap's cells: from, to and USD value. */
  cells(): Promise<{ from: string; to: string; value: number }[]> {
    return this.heatmap()
      .locator('td.cell')
      .evaluateAll((tds) =>
        tds.map((td) => {
          const e = td as HTMLElement
          return { from: e.dataset.from!, to: e.dataset.to!, value: Number(e.dataset.value) }
        }),
      )
  }

  cell(from: string, to: string): Locator {
    return this.heatmap().locator(`td.cell[data-from="${from}"][data-to="${to}"]`)
  }

  // ---- alerts ---------------------------------------------------------------------------------

  alerts(): Locator {
    return this.root.locator('.dash-alerts')
  }

  timelineMarks(): Locator {
    return this.alerts().locator('.alert-timeline .mark')
  }
}
