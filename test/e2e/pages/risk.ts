// Page object for the Risk area: the Risk side view (scenario runner, stress run), the scenario
// editor (totals per method, loss by round, playback controls, node losses) and the stress editor.
import { expect, type Locator, type Page } from '@playwright/test'
import type { Workbench } from './workbench'

export type Method = 'reference' | 'debtrank' | 'eisenberg-noe'

export interface MethodTotals {
  method: Method
  totalLoss: number
  totalLossPct: number
  distressed: number
  defaults: number
  rounds: number
}

export class RiskView {
  readonly page: Page

  constructor(readonly wb: Workbench) {
    this.page = wb.page
  }

  // ---- the side view ----------------------------------------------------------------------------

  root(): Locator {
    return this.wb.sideView('risk')
  }

  /** Clicks the activity bar's Risk icon (unless the view already shows). */
  async open(): Promise<void> {
    if (!(await this.root().isVisible())) await this.wb.activity('risk').click()
    await expect(this.root().locator('.risk-run')).toBeVisible()
  }

  week(): Locator {
    return this.root().locator('select.risk-week')
  }

  scenario(): Locator {
    return this.root().locator('select.risk-scenario')
  }

  shock(): Locator {
    return this.root().locator('input.risk-shock')
  }

  shockMessage(): Locator {
    return this.root().locator('.risk-shock-message')
  }

  status(): Locator {
    return this.root().locator('.risk-runner .risk-status')
  }

  method(m: Method): Locator {
    return this.root().locator(`.risk-methods input[value="${m}"]`)
  }

  /** Sets the form: week, scenario (or 'custom' with `shock`), methods. */
  async fill(o: {
    week?: string
    scenario?: string
    shock?: string
    methods?: Method[]
    graph?: string
  }) {
    if (o.week) await this.week().selectOption(o.week)
    if (o.graph) await this.root().locator('select.risk-graph').selectOption(o.graph)
    if (o.scenario)
      await this.scenario().selectOption(o.shock !== undefined ? '__custom' : o.scenario)
    if (o.shock !== undefined) {
      await this.scenario().selectOption('__custom')
      await this.shock().fill(o.shock)
    }
    if (o.methods)
      for (const m of ['reference', 'debtrank', 'eisenberg-noe'] as Method[])
        await this.method(m).setChecked(o.methods.includes(m))
  }

  /** Runs the scenario and waits for its editor; returns it. */
  async runScenario(): Promise<ScenarioEditor> {
    const before = await this.page.locator('.scenario-view').count()
    await this.root().locator('.risk-run').click()
    await expect(this.status()).toHaveText(/done \(run \d+\)/, { timeout: 60_000 })
    const runId = Number(/run (\d+)/.exec((await this.status().textContent())!)![1])
    const editor = new ScenarioEditor(this.page, runId)
    await expect(editor.root).toBeVisible()
    await expect(editor.totals().first()).toBeVisible()
    expect(await this.page.locator('.scenario-view').count()).toBeGreaterThanOrEqual(before)
    return editor
  }

  // ---- stress -------------------------------------------------------------------------------------

  stressStatus(): Locator {
    return this.root().locator('.stress-status')
  }

  async fillStress(o: { horizon?: number; draws?: number; seed?: number; method?: string }) {
    if (o.horizon)
      await this.root().locator('select.stress-horizon').selectOption(String(o.horizon))
    if (o.draws) await this.root().locator('input[name="draws"]').fill(String(o.draws))
    if (o.seed !== undefined) await this.root().locator('input[name="seed"]').fill(String(o.seed))
    if (o.method) await this.root().locator('select.stress-method').selectOption(o.method)
  }

  runStressButton(): Locator {
    return this.root().locator('.stress-run')
  }

  stressCancel(): Locator {
    return this.root().locator('.stress-cancel')
  }
}

export class ScenarioEditor {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly runId: number,
  ) {
    this.root = page.locator(`.scenario-view[data-run="${runId}"]`)
  }

  totals(): Locator {
    return this.root.locator('.risk-totals tbody tr')
  }

  /** The totals' cells that reach past the editor's right edge (cut off from view): none, as
   * wide as the editor is (a narrow one lays each method out as a card). */
  cutOffTotals(): Promise<string[]> {
    return this.root.evaluate((view) => {
      const edge = view.getBoundingClientRect().left + view.clientWidth
      return [...view.querySelectorAll('.risk-totals td')]
        .filter((td) => td.getBoundingClientRect().right > edge + 0.5)
        .map((td) => (td as HTMLElement).dataset.label ?? td.textContent ?? '')
    })
  }

  async methodTotals(): Promise<MethodTotals[]> {
    return this.totals().evaluateAll((rows) =>
      rows.map((r) => {
        const d = (r as HTMLElement).dataset
        return {
          method: d.method as Method,
          totalLoss: Number(d.totalLoss),
          totalLossPct: Number(d.totalLossPct),
          distressed: Number(d.distressed),
          defaults: Number(d.defaults),
          rounds: Number(d.rounds),
        }
      }),
    )
  }

  chart(): Locator {
    return this.root.locator('.risk-chart canvas')
  }

  /** The loss-by-round chart's marker of the round the graph plays: the round, and its x in the
   * chart (null while hidden). */
  async roundMarker(): Promise<{ round: string; x: number | null }> {
    const m = this.root.locator('.risk-chart .round-marker')
    const round = (await m.getAttribute('data-round')) ?? ''
    const box = (await m.isVisible()) ? await m.boundingBox() : null
    return { round, x: box ? box.x : null }
  }

  // ---- playback -----------------------------------------------------------------------------------

  playback(): Locator {
    return this.root.locator('.playback')
  }

  async play(method: Method, splitWith?: Method): Promise<void> {
    await this.root.locator('select.playback-method').selectOption(method)
    await this.root.locator('input.playback-split').setChecked(!!splitWith)
    if (splitWith) await this.root.locator('select.playback-method-2').selectOption(splitWith)
    await this.root.locator('.playback-start').click()
    await expect(this.playback()).toHaveClass(/attached/, { timeout: 60_000 })
  }

  control(action: 'first' | 'prev' | 'play' | 'next' | 'last'): Locator {
    return this.root.locator(`.playback-controls button[data-action="${action}"]`)
  }

  /** The step shown and the number of steps (data-step / data-steps of the playback box). */
  async step(): Promise<{ step: number; steps: number }> {
    const d = await this.playback().evaluate((e) => ({ ...(e as HTMLElement).dataset }))
    return { step: Number(d.step), steps: Number(d.steps) }
  }

  /** Clicks a control and waits until the box shows `expected`. */
  async press(action: 'first' | 'prev' | 'next' | 'last', expected: number): Promise<void> {
    await this.control(action).click()
    await expect(this.playback()).toHaveAttribute('data-step', String(expected))
  }

  // ---- node losses --------------------------------------------------------------------------------

  lossRows(): Locator {
    return this.root.locator('table[aria-label="Node losses"] tbody tr')
  }

  async lossNodes(): Promise<string[]> {
    return this.lossRows().evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key!))
  }

  lossHeader(key: string): Locator {
    return this.root.locator(`table[aria-label="Node losses"] th[data-key="${key}"]`)
  }

  async showLossesOf(method: Method): Promise<void> {
    await this.root.locator('select.losses-method').selectOption(method)
  }
}

export class StressEditor {
  readonly root: Locator

  constructor(
    readonly page: Page,
    readonly runId: number,
  ) {
    this.root = page.locator(`.stress-view[data-run="${runId}"]`)
  }

  method(scenario: string, method: Method): Locator {
    return this.root.locator(
      `.stress-scenario[data-scenario="${scenario}"] .stress-method[data-method="${method}"]`,
    )
  }

  /** USD value of a row of the distribution table (mean, var95, cvar95, var99, cvar99, point …). */
  async value(scenario: string, method: Method, field: string): Promise<number> {
    const v = await this.method(scenario, method)
      .locator(`tr[data-field="${field}"]`)
      .getAttribute('data-value')
    return Number(v)
  }

  async exceedance(scenario: string, method: Method): Promise<{ threshold: number; p: number }[]> {
    return this.method(scenario, method)
      .locator('.stress-exceedance li[data-threshold]')
      .evaluateAll((lis) =>
        lis.map((li) => ({
          threshold: Number((li as HTMLElement).dataset.threshold),
          p: Number((li as HTMLElement).dataset.probability),
        })),
      )
  }
}

/**
 * Share of pixels that differ between two screenshots of the same size (sum of channel
 * differences over 40), decoded in the page as pixels.ts does.
 */
export async function pixelChange(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([x, y]) => {
      const decode = async (b64: string) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
        const canvas = new OffscreenCanvas(bmp.width, bmp.height)
        const g = canvas.getContext('2d')!
        g.drawImage(bmp, 0, 0)
        return g.getImageData(0, 0, bmp.width, bmp.height)
      }
      const [p, q] = await Promise.all([decode(x), decode(y)])
      if (p.width !== q.width || p.height !== q.height) return 1
      let changed = 0
      for (let i = 0; i < p.data.length; i += 4)
        if (
          Math.abs(p.data[i] - q.data[i]) +
            Math.abs(p.data[i + 1] - q.data[i + 1]) +
            Math.abs(p.data[i + 2] - q.data[i + 2]) >
          40
        )
          changed++
      return changed / (p.width * p.height)
    },
    [a.toString('base64'), b.toString('base64')] as const,
  )
}
