// Warnings about a model's fit to the week it forecasts, from what model.json says it was trained
// on (`training_data`, written by training/train.py). Measured, not guessed: the shipped models,
// trained on the small demo (≤ 373 nodes a week), keep their ranking on 10,900-node weeks but not
// their node TVL (MAE 0.28 against persistence's 0.07) nor the calibration of new relationships
// (docs/evaluation.md). A forecast reports these with its result and stores them with the run.
// Recalibration on the archive's own past (stages/recalibrate.ts) corrects both the level of new
// relationships and the node TVL change, so when it ran the size warning is dropped; when it was
// skipped, the reason is a warning of its own.
import type { ModelManifest } from './model'
import type { Calibration } from './stages/recalibrate'

/** Weeks this many times larger than the largest training week get the size warning. */
export const SIZE_RATIO_WARNING = 2

export function modelWarnings(
  manifest: Pick<ModelManifest, 'name' | 'horizon' | 'training_data'>,
  week: { nodes: number; synthetic: boolean },
  calibration?: Calibration,
): string[] {
  const skipped =
    calibration?.status === 'skipped' && calibration.reason ? [calibration.reason] : []
  const data = manifest.training_data
  if (!data) return skipped
  const recalibrated = calibration?.fresh != null && calibration.node != null
  const retrain = `\`dexposure train --horizon ${manifest.horizon}\` trains one on this archive`
  const warnings: string[] = []
  if (data.synthetic && !week.synthetic)
    warnings.push(
      `model ${manifest.name} was trained on synthetic demo data (${data.sources.join(', ')}), not on data like this archive's; ${retrain}`,
    )
  if (week.nodes > SIZE_RATIO_WARNING * data.max_nodes && !recalibrated)
    warnings.push(
      `model ${manifest.name} was trained on weeks of at most ${data.max_nodes} nodes and this week has ${week.nodes}: its node TVL and the probabilities of new relationships do not carry to weeks this much larger (docs/evaluation.md); ${retrain}`,
    )
  return [...warnings, ...skipped]
}
