// The pooled tally (map of tied scores, sorted float64 runs, tie groups, unions) against
// scikit-learn on the same pairs listed one by one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import { ScoreTally } from '../../../src/shared/metrics'

const dir = mkdtempSync(join(tmpdir(), 'dx-tally-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const PY = String.raw`
import json, sys
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
out = []
for c in json.load(open(sys.argv[1])):
    y, s = np.array(c["y"], dtype=float), np.array(c["s"], dtype=float)
    order = np.argsort(-s, kind="stable")
    top = {str(k): float(y[order[:k]].mean()) for k in c["ks"]}
    b = np.minimum(np.floor(np.clip(s, 0, 1) * 15), 14).astype(int)
    ece = sum((b == i).sum() / len(s) * abs(y[b == i].mean() - np.clip(s, 0, 1)[b == i].mean())
              for i in range(15) if (b == i).any())
    out.append({"ap": float(average_precision_score(y, s)), "auc": float(roc_auc_score(y, s)),
                "top": top, "ece": float(ece)})
print(json.dumps(out))
`

interface Case {
  y: number[]
  s: number[]
  ks: number[]
}

/** Pairs with `levels` distinct scores (null = continuous), some listed, some as groups. */
function build(rng: Rng, n: number, rate: number, levels: number | null, groups: number) {
  const tally = new ScoreTally()
  const c: Case = { y: [], s: [], ks: [] }
  const weekly: ScoreTally[] = []
  let week = new ScoreTally()
  for (let i = 0; i < n; i++) {
    const pos = rng.next() < rate
    const raw = Math.min(1, Math.max(0, 0.3 * (pos ? 1 : 0) + 0.7 * rng.next()))
    const s = levels ? Math.round(raw * levels) / levels : raw
    week.add(s, pos)
    c.y.push(pos ? 1 : 0)
    c.s.push(s)
    if (i % 997 === 996) {
      weekly.push(week.seal())
      week = new ScoreTally()
    }
  }
  weekly.push(week.seal())
  for (let g = 0; g < groups; g++) {
    // a tie group at a score that also occurs among listed pairs, and one at a fresh score
    const score = g % 2 ? c.s[g] : 0.001 * (g + 1)
    const p = 3 + g
    const q = 200 + 50 * g
    weekly[g % weekly.length].addGroup(score, p, q)
    for (let i = 0; i < p + q; i++) {
      c.y.push(i < p ? 1 : 0)
      c.s.push(score)
    }
  }
  for (const w of weekly) tally.absorb(w)
  return { tally, c }
}

describe('ScoreTally matches scikit-learn on the expanded pairs', () => {
  it('average precision, ROC AUC, ECE and top-K, across seals, absorbs and tie groups', () => {
    const rng = new Rng(5)
    const built = [
      build(rng, 6000, 0.05, null, 4), // continuous: float64 runs
      build(rng, 4000, 0.02, 10, 3), // 11 levels: map only
      build(rng, 3000, 0.3, 1, 2), // binary
      build(rng, 5000, 0.1, 1000, 5), // 1001 levels: map until 256, then runs
    ]
    for (const b of built) b.c.ks = [1, 10, 100]
    const file = join(dir, 'cases.json')
    writeFileSync(file, JSON.stringify(built.map((b) => b.c)))
    const py = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', PY, file], { encoding: 'utf8' }),
    ) as { ap: number; auc: number; top: Record<string, number>; ece: number }[]
    expect(built.length).toBeGreaterThan(0)
    expect(py).toHaveLength(built.length)
    built.forEach(({ tally, c }, i) => {
      expect(tally.count).toBe(c.y.length)
      expect(tally.averagePrecision()).toBeCloseTo(py[i].ap, 12)
      expect(tally.rocAuc()).toBeCloseTo(py[i].auc, 12)
      expect(tally.expectedCalibrationError()).toBeCloseTo(py[i].ece, 12)
      // top-K by a stable sort equals the tie-shared value only without ties at the cut
      if (i === 0)
        for (const k of c.ks) expect(tally.atK(k).precision).toBeCloseTo(py[i].top[k], 12)
    })
  })

  it('a union is the same as one tally of every pair, and leaves its parts intact', () => {
    const rng = new Rng(9)
    const a = build(rng, 3000, 0.1, null, 2)
    const b = build(rng, 2000, 0.2, 4, 1)
    const all = ScoreTally.of([...a.c.y, ...b.c.y], [...a.c.s, ...b.c.s])
    const u = ScoreTally.union(a.tally, b.tally)
    expect(u.averagePrecision()).toBeCloseTo(all.averagePrecision(), 12)
    expect(u.rocAuc()).toBeCloseTo(all.rocAuc(), 12)
    expect(u.atK(500)).toEqual(all.atK(500))
    const [ur, ar] = [u.reliability(), all.reliability()]
    expect(ur.length).toBeGreaterThan(0)
    expect(ur).toHaveLength(ar.length)
    ur.forEach((bin, i) => {
      expect(bin.count).toBe(ar[i].count)
      if (bin.count) expect(bin.meanPredicted).toBeCloseTo(ar[i].meanPredicted, 12)
      if (bin.count) expect(bin.observedRate).toBeCloseTo(ar[i].observedRate, 12)
    })
    expect(a.tally.count).toBe(a.c.y.length)
    expect(ScoreTally.union(a.tally, b.tally).averagePrecision()).toBeCloseTo(
      all.averagePrecision(),
      12,
    )
  })

  it('counts a huge tie group without listing it', () => {
    const t = new ScoreTally()
    t.add(0.9, true)
    t.add(0.8, false)
    t.addGroup(1e-6, 10, 1e8)
    // thresholds: 0.9 (1 pos), 0.8 (1 neg), 1e-6 (10 pos among 1e8 + 10)
    expect(t.averagePrecision()).toBeCloseTo((1 / 11) * 1 + (10 / 11) * (11 / (1e8 + 12)), 15)
    expect(t.atK(2)).toEqual({ precision: 0.5, recall: 1 / 11 })
    expect(t.atK(3).precision).toBeCloseTo((1 + 10 / (1e8 + 10)) / 3, 15)
    expect(t.count).toBe(1e8 + 12)
  })

  it('refuses NaN scores and is NaN without both classes', () => {
    expect(() => new ScoreTally().add(NaN, true)).toThrow(/NaN/)
    const t = new ScoreTally()
    t.addGroup(0, 0, 5)
    expect(t.averagePrecision()).toBeNaN()
    expect(t.rocAuc()).toBeNaN()
    expect(new ScoreTally().expectedCalibrationError()).toBeNaN()
  })

  it('thins the PR curve for drawing and keeps its end', () => {
    const rng = new Rng(3)
    const { tally } = build(rng, 20000, 0.2, null, 0)
    const pts = tally.prCurve(100)
    expect(pts.length).toBeLessThanOrEqual(102)
    expect(pts.at(-1)![0]).toBe(1)
    expect(pts.at(-1)![1]).toBeCloseTo(tally.positives / tally.count, 12)
  })
})
