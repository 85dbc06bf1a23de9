// Backtests and models in the workbench (issue 11 §3): the 'backtest' editor (run a walk-forward
// backtest as a job, or open a stored one), the 'models' editor (the model manager: manifests,
// default and in-use model, training as a job), the model card's actions ("Use this model",
// "Backtest…"), their palette commands, and the Explorer's stored backtests (`dx:open-backtest`).
import type { CallResponse } from '../../../../shared/api'
import { chooseModel, MODEL_CHOICE_EVENT, modelInUse } from '../../services/model-choice'
import { smallButton } from '../../ui/dom'
import { modelEditor, type ModelCardActions } from '../explorer/model-view'
import type { Contribution, Workbench } from '../context'
import { BacktestView, type BacktestParams } from './backtest-view'
import { ModelsView } from './models-view'

type ModelEntry = CallResponse<'models.list'>[number]

/** The one backtest tab and the one model manager tab. */
const BACKTEST_ID = 'backtest'
const MODELS_ID = 'models'

/** Asks the workbench to open a stored backtest (the Explorer's stored runs send it). */
export const OPEN_BACKTEST_EVENT = 'dx:open-backtest'

export const contribute: Contribution = (wb) => {
  wb.editors.registerType(
    'backtest',
    (params, ctx) => new BacktestView(wb, ctx, params as BacktestParams),
  )
  wb.editors.registerType(
    'models',
    () =>
      new ModelsView(wb, {
        openCard: (m) => openCard(wb, m),
        backtest: (m) => openBacktest(wb, { horizon: m.horizon, model: m.dir }),
      }),
  )
  // the Explorer's model card (registered by the shell) with this folder's actions under its title
  wb.editors.registerType('model', (params) => {
    const m = params as unknown as ModelEntry
    return modelEditor(m, cardActions(wb, m))
  })
  wb.commands.register(
    {
      id: 'forecast.backtest.run',
      title: 'Run Backtest…',
      category: 'Forecast',
      enabled: () => wb.archive.weeks.length > 0,
      run: () => openBacktest(wb, {}),
    },
    {
      id: 'forecast.backtest.open',
      title: 'Open Backtest',
      category: 'Forecast',
      enabled: () => wb.archive.weeks.length > 0,
      run: () => openLatestBacktest(wb),
    },
    {
      id: 'forecast.models',
      title: 'Manage Models',
      category: 'Forecast',
      run: () => wb.editors.open({ id: MODELS_ID, type: 'models', title: 'Models' }),
    },
  )
  window.addEventListener(OPEN_BACKTEST_EVENT, (e) => {
    const runId = (e as CustomEvent<{ runId: number }>).detail.runId
    openBacktest(wb, { runId })
  })
}

/** Opens (or focuses) the backtest tab on a stored run, or with its form set for a new one. */
function openBacktest(wb: Workbench, p: BacktestParams): void {
  const open = wb.editors.instance(BACKTEST_ID)
  if (open instanceof BacktestView) {
    wb.editors.open({ id: BACKTEST_ID, type: 'backtest', title: 'Backtest' })
    if (p.runId) void open.open(p.runId).catch(wb.report)
    else if (p.horizon) open.prepare(p.horizon, p.model)
    return
  }
  wb.editors.open({
    id: BACKTEST_ID,
    type: 'backtest',
    title: p.runId ? `Backtest #${p.runId}` : 'Backtest',
    params: { ...p },
  })
}

/** The newest stored backtest, or the empty backtest tab when none is stored. */
async function openLatestBacktest(wb: Workbench): Promise<void> {
  const [latest] = await wb.api.call('backtest.list', { limit: 1 })
  if (!latest) wb.flash('No backtest is stored in this archive yet: run one.', 'warning')
  openBacktest(wb, latest ? { runId: latest.runId } : {})
}

function openCard(wb: Workbench, m: ModelEntry): void {
  wb.editors.open({
    id: `model-${m.dir}`,
    type: 'model',
    title: `Model h=${m.horizon} (${m.source})`,
    params: m as unknown as Record<string, unknown>,
  })
}

/** "In use" state with "Use this model" / "Back to the default", and "Backtest…", kept current. */
function cardActions(wb: Workbench, m: ModelEntry): ModelCardActions {
  const element = document.createElement('div')
  element.className = 'model-card-actions'
  const state = document.createElement('span')
  state.className = 'model-card-state'
  const file = wb.archive.info?.file ?? ''
  const render = async (): Promise<void> => {
    const models = await wb.api.call('models.list', {})
    const current = models.find((x) => x.dir === m.dir)
    const use = modelInUse(file, m.horizon, models)
    const inUse = use.model?.dir === m.dir
    state.textContent = !current
      ? 'This model is no longer listed for this archive.'
      : inUse
        ? `In use: the workbench's forecasts and backtests at h=${m.horizon} use it${use.chosen ? ' (your choice)' : ' (the default)'}.`
        : `Not in use: h=${m.horizon} uses ${use.model ? `${use.model.name} (${use.model.source})` : 'no model'}.`
    element.dataset.inUse = String(inUse)
    const buttons: HTMLButtonElement[] = []
    if (current && !inUse && !current.problem) {
      const b = smallButton('Use this model', () =>
        chooseModel(file, m.horizon, current.isDefault ? null : m.dir),
      )
      b.dataset.action = 'use'
      buttons.push(b)
    }
    if (inUse && use.chosen) {
      const b = smallButton('Back to the default', () => chooseModel(file, m.horizon, null))
      b.dataset.action = 'default'
      buttons.push(b)
    }
    const bt = smallButton('Backtest…', () =>
      openBacktest(wb, { horizon: m.horizon, model: m.dir }),
    )
    bt.disabled = !current || current.problem !== null
    element.replaceChildren(state, ...buttons, bt)
  }
  const refresh = (): void => void render().catch(wb.report)
  window.addEventListener(MODEL_CHOICE_EVENT, refresh)
  refresh()
  return { element, dispose: () => window.removeEventListener(MODEL_CHOICE_EVENT, refresh) }
}
