// The forecast model the workbench's views use, per archive and horizon, chosen in the model
// manager ("Use this model"). Without a choice the engine's default applies (the archive's own
// models/hH, else the shipped model: `models.list` marks it `isDefault`), and views leave `model`
// out of their requests; with one they name it (`forecast.run`'s and `backtest.run`'s `model`).
//
// Kept in the renderer's localStorage under the archive's path: it is a preference of this user
// for this archive, not a fact of the archive (the CLI keeps its own defaults), and the contract's
// per-archive UI state (`workbench.state`) is the shell's layout snapshot, written whole.
import type { CallResponse } from '../../../shared/api'

type ModelEntry = CallResponse<'models.list'>[number]

const KEY_PREFIX = 'dx.modelChoice:'
/** Fired on window (detail: the archive path) whenever a choice changes, in any view. */
export const MODEL_CHOICE_EVENT = 'dx:model-choice'

function read(archiveFile: string): Record<string, string> {
  const text = localStorage.getItem(KEY_PREFIX + archiveFile)
  if (!text) return {}
  const parsed = JSON.parse(text) as unknown
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {}
}

/** The model folder chosen for a horizon on this archive, or undefined (the engine's default). */
export function chosenModel(archiveFile: string, horizon: number): string | undefined {
  return read(archiveFile)[String(horizon)]
}

/** Chooses a model folder for a horizon on this archive; null goes back to the engine's default. */
export function chooseModel(archiveFile: string, horizon: number, dir: string | null): void {
  const all = read(archiveFile)
  if (dir === null) delete all[String(horizon)]
  else all[String(horizon)] = dir
  if (Object.keys(all).length) localStorage.setItem(KEY_PREFIX + archiveFile, JSON.stringify(all))
  else localStorage.removeItem(KEY_PREFIX + archiveFile)
  window.dispatchEvent(new CustomEvent(MODEL_CHOICE_EVENT, { detail: archiveFile }))
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
