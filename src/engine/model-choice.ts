// The forecast model a request chooses for a horizon, resolved once for every engine path that
// reads a stored forecast (report.build, risk.run and risk.stress on a forecast graph, the query
// console's default forecast run, and their CLI commands). A choice is a model folder (what the
// workbench's model manager keeps, `models.list` `dir`) or a model name listed for the horizon;
// it resolves to the manifest's name and pair-head sha256, which is how a stored forecast run
// records the model that made it (forecast_runs.model, model_sha256). A run counts as the chosen
// model's only when both match, so a model retrained under the same name is another model.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DexposureError } from '../shared/errors'
import { listModels } from './explorer'
import { modelDirFor, readManifest, type ModelManifest } from './forecast/model'
import type { RunModel } from './forecast/stored-run'

export interface ResolvedModel extends RunModel {
  dir: string
  horizon: number
  manifest: ModelManifest
  /** 'chosen': named by the request; 'default': the archive's or shipped model for the horizon. */
  how: 'chosen' | 'default'
}

const looksLikeFolder = (s: string): boolean =>
  /[\\/]/.test(s) || s.startsWith('.') || existsSync(join(resolve(s), 'model.json'))

function fromFolder(dir: string, how: ResolvedModel['how']): ResolvedModel {
  const manifest = readManifest(dir) // NOT_FOUND / MODEL naming the folder
  return {
    dir,
    horizon: manifest.horizon,
    name: manifest.name,
    sha256: manifest.graphs.pair_head.sha256,
    manifest,
    how,
  }
}

/**
 * The model a choice names. `horizon` undefined: any horizon (the CLI's `--model DIR` without
 * `H=`, whose horizon is the manifest's). Errors carry `field`: USAGE for a model of another
 * horizon or a name that fits several folders, NOT_FOUND for a folder or name that is not there.
 */
export function resolveModelChoice(
  archiveFile: string,
  choice: string,
  horizon: number | undefined,
  field: string,
): ResolvedModel {
  let m: ResolvedModel
  if (looksLikeFolder(choice)) {
    try {
      m = fromFolder(resolve(choice), 'chosen')
    } catch (e) {
      if (e instanceof DexposureError) throw new DexposureError(e.code, e.message, { field })
      throw e
    }
  } else {
    const listed = listModels(archiveFile).filter(
      (x) => !x.problem && (horizon === undefined || x.horizon === horizon),
    )
    const named = listed.filter((x) => x.name === choice)
    if (named.length === 0)
      throw new DexposureError(
        'NOT_FOUND',
        `no model named "${choice}"${horizon === undefined ? '' : ` for h=${horizon}`} (models: ${listed.map((x) => `${x.name} in ${x.dir}`).join(', ') || 'none'}); give a model folder or one of these names`,
        { field },
      )
    if (named.length > 1)
      throw new DexposureError(
        'USAGE',
        `the name "${choice}" fits ${named.length} models (${named.map((x) => `h=${x.horizon} in ${x.dir}`).join(', ')}); give the model folder`,
        { field },
      )
    m = fromFolder(named[0].dir, 'chosen')
  }
  if (horizon !== undefined && m.horizon !== horizon)
    throw new DexposureError(
      'USAGE',
      `model ${m.name} (${m.dir}) forecasts ${m.horizon} weeks ahead, not ${horizon}`,
      { field },
    )
  return m
}

/** The model a horizon uses when none is chosen (modelDirFor); null when there is none. */
export function defaultModel(archiveFile: string, horizon: number): ResolvedModel | null {
  const dir = modelDirFor(horizon, archiveFile)
  return dir ? fromFolder(dir, 'default') : null
}

/**
 * A request's `models` (horizon as text → folder or name) resolved, each for its own horizon;
 * `allowed` (when given) lists the horizons a choice may name. Fields are `${field}.${h}`.
 */
export function resolveModelChoices(
  archiveFile: string,
  models: Record<string, string> | undefined,
  field: string,
  allowed?: number[],
): Map<number, ResolvedModel> {
  const out = new Map<number, ResolvedModel>()
  for (const [key, choice] of Object.entries(models ?? {})) {
    const h = Number(key)
    const f = `${field}.${key}`
    if (!/^\d+$/.test(key) || !Number.isInteger(h) || h < 1)
      throw new DexposureError('USAGE', `${key} is not a horizon (a whole number of weeks)`, {
        field: f,
      })
    if (allowed && !allowed.includes(h))
      throw new DexposureError(
        'USAGE',
        `a model is chosen for h=${h}, which is not among the horizons asked (${allowed.join(', ') || 'none'})`,
        { field: f },
      )
    out.set(h, resolveModelChoice(archiveFile, choice, h, f))
  }
  return out
}

/** "name (sha256 0123456789ab…, folder)", how messages and provenance name a model. */
export function describeModel(m: Pick<ResolvedModel, 'name' | 'sha256' | 'dir'>): string {
  return `${m.name} (sha256 ${m.sha256.slice(0, 12)}…, ${m.dir})`
}
