// The forecast model the workbench's views use, per archive and horizon, chosen in the model
// manager ("Use this model"). Without a choice the engine's default applies (the archive's own
// models/hH, else the shipped model: `models.list` marks it `isDefault`), and views leave `model`
// out of their requests; with one they name it (`forecast.run`'s and `backtest.run`'s `model`).
//
// A preference of this user for this archive, not a fact of the archive (the CLI keeps its own
// defaults): it is kept where the shell keeps the archive's layout, theme and last week — the
// engine's per-user store beside the archives (`workbench.state`, src/workbench/persist.ts), so it
// survives a new `dexposure serve` on another port and is the same in Electron and browser mode.
// The shell restores it with the layout (restoreModelChoice) before any view can start a
// forecast, and saves it (modelChoiceSnapshot) as soon as it changes.
import type { CallResponse, WorkbenchApi } from '../../../shared/api'

type ModelEntry = CallResponse<'models.list'>[number]
type ForecastRun = NonNullable<CallResponse<'forecast.latest'>>

/** horizon (as text) → model folder. */
export type ModelChoices = Record<string, string>

/** Fired on window whenever a choice changes, in any view, or is restored for an archive. */
export const MODEL_CHOICE_EVENT = 'dx:model-choice'
export interface ModelChoiceEventDetail {
  archive: string
  /** The horizon whose choice changed; null when an archive's choices were restored. */
  horizon: number | null
}

/** Fired on window when a view shows a stored forecast run (detail: the run), for the status bar. */
export const FORECAST_SHOWN_EVENT = 'dx:forecast-shown'

/** Where the choice lived before the per-user store kept it (per browser origin): read once. */
const LEGACY_KEY_PREFIX = 'dx.modelChoice:'

const choices = new Map<string, ModelChoices>()

function fire(detail: ModelChoiceEventDetail): void {
  window.dispatchEvent(new CustomEvent(MODEL_CHOICE_EVENT, { detail }))
}

/** The model folder chosen for a horizon on this archive, or undefined (the engine's default). */
export function chosenModel(archiveFile: string, horizon: number): string | undefined {
  return choices.get(archiveFile)?.[String(horizon)]
}

/** Every choice on this archive (horizon → folder). */
export function chosenModels(archiveFile: string): ModelChoices {
  return { ...choices.get(archiveFile) }
}

/** Chooses a model folder for a horizon on this archive; null goes back to the engine's default. */
export function chooseModel(archiveFile: string, horizon: number, dir: string | null): void {
  const all = { ...choices.get(archiveFile) }
  if (dir === null) delete all[String(horizon)]
  else all[String(horizon)] = dir
  choices.set(archiveFile, all)
  fire({ archive: archiveFile, horizon })
}

/** What the shell saves with the archive's layout: this archive's choices. */
export function modelChoiceSnapshot(archiveFile: string | null | undefined): ModelChoices {
  return archiveFile ? chosenModels(archiveFile) : {}
}

/**
 * Restores an archive's choices from its saved workbench state. A state saved before choices were
 * kept there has none (`saved` undefined): a choice this browser kept in localStorage then is
 * taken over, and saved with the state from the next save on.
 */
export function restoreModelChoice(archiveFile: string, saved: unknown): void {
  let restored: ModelChoices = {}
  if (saved && typeof saved === 'object')
    restored = Object.fromEntries(
      Object.entries(saved as Record<string, unknown>).filter(
        (e): e is [string, string] => /^\d+$/.test(e[0]) && typeof e[1] === 'string' && !!e[1],
      ),
    )
  else if (saved === undefined) {
    const legacy = localStorage.getItem(LEGACY_KEY_PREFIX + archiveFile)
    if (legacy) {
      const parsed = JSON.parse(legacy) as unknown
      // kept: it is read only while the saved state has no choices of its own
      if (parsed && typeof parsed === 'object') restored = parsed as ModelChoices
    }
  }
  choices.set(archiveFile, restored)
  fire({ archive: archiveFile, horizon: null })
}

/**
 * The model the views use for a horizon, among the listed ones: the chosen one while it is listed
 * and usable, else the engine's default. `stale` names a choice that no longer resolves (its folder
 * was removed or became unreadable), so a view can say why it fell back.
 */
export function modelInUse(
  archiveFile: string,
  horizon: number,
  models: ModelEntry[],
): { model: ModelEntry | null; chosen: boolean; stale: string | null } {
  const dir = chosenModel(archiveFile, horizon)
  const fallback = models.find((m) => m.horizon === horizon && m.isDefault) ?? null
  if (dir === undefined) return { model: fallback, chosen: false, stale: null }
  const m = models.find((x) => x.dir === dir && x.horizon === horizon && !x.problem)
  return m
    ? { model: m, chosen: true, stale: null }
    : { model: fallback, chosen: false, stale: dir }
}

/**
 * What a view that starts a forecast for a horizon needs: the model in use (null when none is
 * listed) and the folder to send as `forecast.run`'s `model` (undefined: the engine's default,
 * also when the choice is stale — the default is what the engine would use then).
 */
export async function modelForForecast(
  wb: { api: WorkbenchApi; archive: { info: { file: string } | null } },
  horizon: number,
): Promise<{ model: ModelEntry | null; dir: string | undefined; stale: string | null }> {
  const file = wb.archive.info?.file
  if (!file || chosenModel(file, horizon) === undefined)
    return {
      model:
        (await wb.api.call('models.list', {})).find((m) => m.horizon === horizon && m.isDefault) ??
        null,
      dir: undefined,
      stale: null,
    }
  const use = modelInUse(file, horizon, await wb.api.call('models.list', {}))
  return { model: use.model, dir: use.chosen ? use.model!.dir : undefined, stale: use.stale }
}

/**
 * The archive's choices that still resolve (horizon → folder), for calls that take a `models`
 * map (`query.run`, `report.build`); a stale choice is left out, as the views fall back to the
 * default then. Undefined when nothing is chosen (no `models.list` call is made).
 */
export async function chosenModelsInUse(wb: {
  api: WorkbenchApi
  archive: { info: { file: string } | null }
}): Promise<ModelChoices | undefined> {
  const file = wb.archive.info?.file
  if (!file || Object.keys(chosenModels(file)).length === 0) return undefined
  const models = await wb.api.call('models.list', {})
  const out: ModelChoices = {}
  for (const h of Object.keys(chosenModels(file))) {
    const use = modelInUse(file, Number(h), models)
    if (use.chosen && use.model) out[h] = use.model.dir
  }
  return Object.keys(out).length ? out : undefined
}

/**
 * Whether a stored forecast run was made by `model`: the same manifest name and pair-head sha256
 * (how the engine ties a run to its model). With no model listed any run will do.
 */
export function runMadeBy(
  run: Pick<ForecastRun, 'model' | 'model_sha256'>,
  model: Pick<ModelEntry, 'name' | 'sha256'> | null,
): boolean {
  return !model || (run.model === model.name && run.model_sha256 === model.sha256)
}

/** "dexposure-workbench-gnn-h1 (shipped)": names alone repeat between shipped and trained models. */
export function modelLabel(m: Pick<ModelEntry, 'name' | 'source'>): string {
  return `${m.name} (${m.source})`
}
