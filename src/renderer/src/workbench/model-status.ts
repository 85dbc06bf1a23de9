// The status bar's model item: the forecast model the views use for a horizon — the one chosen in
// the model manager, else the engine's default — with the execution provider forecasts ran on,
// e.g. "model h1: dexposure-workbench-gnn-h1 (shipped, chosen) · cpu". It follows the horizon
// last chosen or last forecast, and its tooltip lists every horizon, stale choices and the last
// forecast's fallbacks and warnings (synthetic training, scale).
import type { CallResponse, WorkbenchApi } from '../../../shared/api'
import type { ArchiveService } from '../services/archive'
import {
  FORECAST_SHOWN_EVENT,
  MODEL_CHOICE_EVENT,
  modelInUse,
  modelLabel,
  type ModelChoiceEventDetail,
} from '../services/model-choice'
import type { StatusBar } from './statusbar'

type ForecastRun = NonNullable<CallResponse<'forecast.latest'>>

/** What the item shows, for tests (window.__modelStatus). */
export interface ModelStatusState {
  horizon: number
  /** The model folder in use for that horizon, null when none is listed. */
  dir: string | null
  name: string | null
  chosen: boolean
  provider: string | null
  text: string
}

declare global {
  interface Window {
    __modelStatus?: ModelStatusState
  }
}

export class ModelStatus {
  /** The horizon the item names: the last one chosen or forecast. */
  private horizon: number | null = null
  /** The last forecast a view showed or ran, until the archive changes. */
  private lastRun: ForecastRun | null = null
  private generation = 0

  constructor(
    private readonly deps: {
      api: WorkbenchApi
      archive: ArchiveService
      status: StatusBar
      report: (e: unknown) => void
    },
  ) {
    window.addEventListener(MODEL_CHOICE_EVENT, (e) => {
      const d = (e as CustomEvent<ModelChoiceEventDetail>).detail
      if (d.horizon !== null) this.horizon = d.horizon
      void this.refresh().catch(deps.report)
    })
    window.addEventListener(FORECAST_SHOWN_EVENT, (e) => {
      this.lastRun = (e as CustomEvent<ForecastRun>).detail
      this.horizon = this.lastRun.horizon
      void this.refresh().catch(deps.report)
    })
    deps.archive.changed.on(() => {
      this.lastRun = null
      this.horizon = null
    })
  }

  async refresh(): Promise<void> {
    const gen = ++this.generation
    const { api, archive, status } = this.deps
    const file = archive.info?.file
    const [models, runs] = await Promise.all([
      api.call('models.list', {}),
      this.lastRun ? null : api.call('runs.list', { limit: 1 }),
    ])
    // a later refresh (another choice, another run) has the newer answer
    if (gen !== this.generation) return
    const horizons = [...new Set(models.map((m) => m.horizon))].sort((a, b) => a - b)
    const uses = new Map(horizons.map((h) => [h, modelInUse(file ?? '', h, models)]))
    const h =
      this.horizon ??
      horizons.find((x) => uses.get(x)!.chosen) ??
      (horizons.includes(1) ? 1 : horizons[0])
    const use = h === undefined ? undefined : uses.get(h)
    const last = runs?.forecasts[0] ?? this.lastRun
    const provider = last?.provider ?? null
    const fallbacks = this.lastRun?.fallbacks ?? []
    const warnings = last?.warnings ?? []
    const m = use?.model ?? null
    const text =
      h === undefined || !m
        ? 'no model'
        : `model h${h}: ${m.name} (${m.source}${use!.chosen ? ', chosen' : ''})` +
          (provider ? ` · ${provider}` : '') +
          (fallbacks.length
            ? ` (${fallbacks.length} fallback${fallbacks.length > 1 ? 's' : ''})`
            : '') +
          // a model that learnt on synthetic data says so up front, whatever the archive
          (m.synthetic ? ' · synthetic-trained' : '') +
          (warnings.length ? ' · ⚠' : '')
    const lines = ['Forecast models the views use (Forecast: Manage Models to choose):']
    for (const x of horizons) {
      const u = uses.get(x)!
      lines.push(
        u.model
          ? `h${x}: ${modelLabel(u.model)} — ${u.chosen ? 'your choice' : 'the engine’s default'}` +
              `${u.model.synthetic ? ', trained on synthetic data' : ''}\n    ${u.model.dir}`
          : `h${x}: no usable model`,
      )
      if (u.stale)
        lines.push(`⚠ h${x}: the chosen ${u.stale} is no longer usable; the default is used`)
    }
    if (last)
      lines.push(
        `last forecast: h=${last.horizon} from ${last.week}, model ${last.model}, ran on ${last.provider}`,
        ...fallbacks.map((f) => `${f.provider} unavailable: ${f.error}`),
        ...warnings.map((w) => `⚠ ${w}`),
      )
    else lines.push('no forecast run yet')
    status.update('model', {
      text,
      title: lines.join('\n'),
      tone: warnings.length || [...uses.values()].some((u) => u.stale) ? 'warning' : '',
    })
    window.__modelStatus = {
      horizon: h ?? 0,
      dir: m?.dir ?? null,
      name: m?.name ?? null,
      chosen: !!use?.chosen,
      provider,
      text,
    }
  }
}
