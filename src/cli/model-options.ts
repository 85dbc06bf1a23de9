// `--model [H=]name|dir`, the model choice of the commands that read forecasts (report, query,
// export): checked when the options are read (USAGE or NOT_FOUND naming the option), one choice
// per horizon, passed on as the engine requests' `models` (horizon → folder or name).
import { resolveModelChoice } from '../engine/model-choice'
import { DexposureError } from '../shared/errors'
import { positiveInt } from './commands/stats'

/** Commander's collector for an option given several times (values kept whole, commas too). */
export const collectWhole = (v: string, prev: string[]): string[] => [...prev, v]

export const MODEL_OPTION_HELP =
  "the forecast model of horizon H: a model folder or a model's manifest name (repeatable; a bare " +
  "folder's horizon is its manifest's; default: the horizon's default model)"

/** `--model H=NAME|DIR` or `--model DIR` (its manifest's horizon), as a request's `models`. */
export function modelChoices(
  archiveFile: string,
  values: string[],
  field = '--model',
): Record<string, string> | undefined {
  if (!values.length) return undefined
  const out: Record<string, string> = {}
  for (const v of values) {
    const m = /^(\d+)=(.+)$/.exec(v)
    const h = m ? positiveInt(m[1], field) : undefined
    const choice = m ? m[2] : v
    const model = resolveModelChoice(archiveFile, choice, h, field)
    const key = String(model.horizon)
    if (key in out)
      throw new DexposureError('USAGE', `two ${field} choices for h=${key}`, { field })
    out[key] = choice
  }
  return out
}
