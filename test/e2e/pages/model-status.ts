// Page object for the status bar's model item (src/renderer/src/workbench/model-status.ts): the
// forecast model the views use for a horizon, chosen or the engine's default, and the execution
// provider. It reads window.__modelStatus, what the item shows.
import { expect, type Locator } from '@playwright/test'
import type { ModelStatusState } from '../../../src/renderer/src/workbench/model-status'
import type { Workbench } from './workbench'

export class ModelStatusItem {
  constructor(readonly wb: Workbench) {}

  item(): Locator {
    return this.wb.statusItem('model')
  }

  state(): Promise<ModelStatusState | null> {
    return this.wb.page.evaluate(() => (window.__modelStatus ? { ...window.__modelStatus } : null))
  }

  /** Waits until the item names `name` for horizon h, chosen or not, and returns its state. */
  async waitFor(h: number, name: string, chosen: boolean): Promise<ModelStatusState> {
    await expect
      .poll(async () => {
        const s = await this.state()
        return s && { horizon: s.horizon, name: s.name, chosen: s.chosen }
      })
      .toEqual({ horizon: h, name, chosen })
    return (await this.state())!
  }
}
