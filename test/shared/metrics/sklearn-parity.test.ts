// Our metric code against scikit-learn (Debian's python3-sklearn) on saved predictions, including
// heavy ties (binary baselines) and degenerate cases.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  averagePrecision,
  expectedCalibrationError,
  mae,
  precisionRecallAtK,
  rmse,
  rocAuc,
} from '../../../src/shared/metrics'
import { Rng } from '../../../src/engine/demo/rng'

const dir = mkdtempSync(join(tmpdir(), 'dx-metrics-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const PY = String.raw`
import json, sys
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score, mean_absolute_error, mean_squared_error
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    y, s = np.array(c["y"]), np.array(c["s"])
    out.append({
        "ap": float(average_precision_score(y, s)),
        "auc": float(roc_auc_score(y, s)),
        "mae": float(mean_absolute_error(c["t"], c["p"])),
        "rmse": float(np.sqrt(mean_squared_error(c["t"], c["p"]))),
    })
print(json.dumps(out))
`

function cases() {
  const rng = new Rng(11)
  const rnd = () => rng.next()
  const make = (n: number, rate: number, levels: number | null) => {
    const y: number[] = []
    const s: number[] = []
    for (let i = 0; i < n; i++) {
      const pos = rnd() < rate ? 1 : 0
      const raw = Math.min(1, Math.max(0, 0.3 * pos + 0.7 * rnd()))
      y.push(pos)
      s.push(levels ? Math.round(raw * levels) / levels : raw)
    }
    const t = y.map(() => rnd() * 20)
    const p = t.map((v) => v + (rnd() - 0.5) * 4)
    return { y, s, t, p }
  }
  return [make(5000, 0.1, null), make(3000, 0.02, 10), make(2000, 0.3, 1), make(400, 0.5, 3)]
}

describe('metrics match scikit-learn', () => {
  it('average precision, ROC AUC, MAE and RMSE, with ties', () => {
    const cs = cases()
    const file = join(dir, 'cases.json')
    writeFileSync(file, JSON.stringify(cs))
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', PY, file], { encoding: 'utf8' }),
    ) as {
      ap: number
      auc: number
      mae: number
      rmse: number
    }[]
    expect(cs.length).toBeGreaterThan(0)
    expect(py).toHaveLength(cs.length)
    cs.forEach((c, i) => {
      expect(averagePrecision(c.y, c.s)).toBeCloseTo(py[i].ap, 12)
      expect(rocAuc(c.y, c.s)).toBeCloseTo(py[i].auc, 12)
      expect(mae(c.t, c.p)).toBeCloseTo(py[i].mae, 12)
      expect(rmse(c.t, c.p)).toBeCloseTo(py[i].rmse, 12)
    })
  })

  it('is NaN with a single class, as documented', () => {
    expect(averagePrecision([0, 0], [0.1, 0.2])).toBeNaN()
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN()
  })
})

describe('precision@K and ECE', () => {
  it('shares ties at the cut in proportion', () => {
    // 4 tied top scores, 2 positives among them; K = 2 → expected 1 positive
    const r = precisionRecallAtK([1, 1, 0, 0, 1], [1, 1, 1, 1, 0], 2)
    expect(r.precision).toBeCloseTo(0.5, 12)
    expect(r.recall).toBeCloseTo(1 / 3, 12)
    expect(precisionRecallAtK([1, 0, 1], [0.9, 0.5, 0.8], 2)).toEqual({ precision: 1, recall: 1 })
  })

  it('ECE is 0 for perfect calibration and |p − rate| for a constant forecast', () => {
    const y = [1, 0, 0, 0, 1, 0, 0, 0]
    expect(
      expectedCalibrationError(
        y,
        y.map(() => 0.25),
      ),
    ).toBeCloseTo(0, 12)
    expect(
      expectedCalibrationError(
        y,
        y.map(() => 0.9),
      ),
    ).toBeCloseTo(0.65, 12)
  })
})
