// A forecast warns when its model was trained on data unlike the week: synthetic demo data against a
// real archive, or weeks much smaller than this one (the shipped models' measured weak spots).
import { describe, expect, it } from 'vitest'
import { readManifest } from '../../../src/engine/forecast/model'
import { SIZE_RATIO_WARNING, modelWarnings } from '../../../src/engine/forecast/provenance'
import {
  calibrationOff,
  calibrationSkipped,
  type Calibration,
} from '../../../src/engine/forecast/stages/recalibrate'

const shipped = readManifest('resources/models/h4')

describe('model warnings', () => {
  it('the shipped models say what they were trained on', () => {
    expect(shipped.training_data).toMatchObject({
      sources: ['demo:small:seed=42'],
      synthetic: true,
    })
    expect(shipped.training_data!.max_nodes).toBeGreaterThan(300)
  })

  it('none for a week like the training data', () => {
    expect(modelWarnings(shipped, { nodes: 370, synthetic: true })).toEqual([])
  })

  it('a synthetic-trained model on real data', () => {
    const [w, ...rest] = modelWarnings(shipped, { nodes: 200, synthetic: false })
    expect(rest).toEqual([])
    expect(w).toMatch(/trained on synthetic demo data \(demo:small:seed=42\)/)
    expect(w).toMatch(/`dexposure train --horizon 4` trains one on this archive/)
  })

  it('a week much larger than any training week, synthetic or not', () => {
    const max = shipped.training_data!.max_nodes
    expect(modelWarnings(shipped, { nodes: SIZE_RATIO_WARNING * max, synthetic: true })).toEqual([])
    const big = modelWarnings(shipped, { nodes: 10_889, synthetic: false })
    expect(big).toHaveLength(2)
    expect(big[1]).toMatch(new RegExp(`at most ${max} nodes and this week has 10889`))
  })

  it('drops the size warning only when the recalibration applied both its corrections', () => {
    const week = { nodes: 10_889, synthetic: false }
    const shift = { shift: 1, target: 1, expected_raw: 1, expected: 1 }
    const node = { alpha: 0, alpha_fit: 0.01, mae: 1, mae_model: 2, mae_persistence: 1 }
    const applied: Calibration = {
      status: 'applied',
      reason: null,
      anchors: [],
      fresh: shift,
      trend: null,
      known: shift,
      node,
    }
    const w = modelWarnings(shipped, week, applied)
    expect(w).toHaveLength(1)
    expect(w[0]).toMatch(/trained on synthetic demo data/)
    expect(modelWarnings(shipped, week, { ...applied, fresh: null })).toHaveLength(2)
    expect(modelWarnings(shipped, week, calibrationOff())).toHaveLength(2)
    const skipped = calibrationSkipped(
      'not recalibrated: only 1 earlier week has its 1-week outcome archived by …',
    )
    expect(modelWarnings(shipped, week, skipped)).toEqual([
      ...modelWarnings(shipped, week),
      'not recalibrated: only 1 earlier week has its 1-week outcome archived by …',
    ])
    expect(modelWarnings({ ...shipped, training_data: undefined }, week, skipped)).toEqual([
      skipped.reason,
    ])
  })

  it('none for a model without training_data (older or brought models)', () => {
    expect(
      modelWarnings({ ...shipped, training_data: undefined }, { nodes: 10_889, synthetic: false }),
    ).toEqual([])
  })
})
