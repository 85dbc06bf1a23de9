// The recalibration's parts on hand-made cases (issue 14 §2): the fresh level and its shift δ
// against brute force, the node factor α against a grid, the anchors chosen, and the new
// relationships counted on a tiny archive by hand.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pairDebutsAt, pairMemoryAt } from '../../../src/engine/forecast/memory'
import type { Encoded } from '../../../src/engine/forecast/model'
import { freshProbability } from '../../../src/engine/forecast/scoring'
import {
  churnTrend,
  debutWeeksOf,
  fitShrink,
  PairLevel,
  keptShrink,
  NODE_GAIN_MIN,
  MIN_RECALIBRATION_ANCHORS,
  knownLevelOf,
  planRecalibration,
  recalibrationHistory,
  relationshipsAt,
  RECALIBRATION_ANCHORS,
  SHIFT_BOUND,
  shiftedProbability,
  shiftFresh,
  solveShift,
  unshiftedProbability,
} from '../../../src/engine/forecast/stages/recalibrate'
import { Rng } from '../../../src/engine/demo/rng'
import { Archive } from '../../../src/engine/store/archive'
import { addWeeks } from '../../../src/shared/dates'
import type { WeekInput } from '../../../src/shared/domain'

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const logit = (p: number) => Math.log(p / (1 - p))

/** A level from explicit probabilities, as a scan would feed it (tail above the floor). */
function levelOf(ps: number[], floor = 1e-3): PairLevel {
  const level = new PairLevel(floor)
  for (const p of ps) if (p >= floor) level.addTail(p)
  level.setTotals(
    ps.reduce((a, b) => a + b, 0),
    ps.length,
  )
  return level
}

const bruteForce = (ps: number[], shift: number) =>
  ps.reduce((s, p) => s + sigmoid(logit(p) + shift), 0)

describe('the fresh level and its shift δ', () => {
  // 20,000 pairs: most far below the floor (all at one p, where the low part is exact), a tail
  // spread over (10⁻³, 0.99)
  const rng = new Rng(3)
  const ps = [
    ...Array.from({ length: 19_000 }, () => 2e-5),
    ...Array.from({ length: 1_000 }, () => sigmoid(-6.9 + 11 * rng.next())),
  ]

  it('Σ σ(z + δ) from the histogram matches every pair summed, for shifts either way', () => {
    for (const shift of [-6, -2.5, -0.3, 0, 0.4, 1.7, 3]) {
      const want = bruteForce(ps, shift)
      expect(Math.abs(levelOf(ps).expected(shift) - want) / want, `δ=${shift}`).toBeLessThan(1e-4)
    }
  })

  it('solves δ so the fresh pairs sum to the target, raising or lowering them', () => {
    const level = levelOf(ps)
    const raw = bruteForce(ps, 0)
    for (const target of [raw / 12, raw / 2, raw * 0.46, raw * 2.2, raw * 5]) {
      const shift = solveShift(level, target)
      expect(Math.abs(bruteForce(ps, shift) - target) / target, `target ${target}`).toBeLessThan(
        1e-4,
      )
      expect(Math.sign(shift)).toBe(Math.sign(target - raw))
    }
  })

  it('the level of pairs with history, read from all their probabilities, shifts alike', () => {
    const rng = new Rng(5)
    const known = Array.from({ length: 5_000 }, () => sigmoid(-12 + 16 * rng.next()))
    const level = knownLevelOf(known)
    for (const shift of [-1, 0, 0.6]) {
      const want = bruteForce(known, shift)
      expect(Math.abs(level.expected(shift) - want) / want).toBeLessThan(1e-4)
    }
    const shift = solveShift(level, 1.7 * bruteForce(known, 0))
    expect(bruteForce(known, shift) / (1.7 * bruteForce(known, 0))).toBeCloseTo(1, 4)
  })

  it('keeps δ within ±SHIFT_BOUND for a target no shift can meet', () => {
    const level = levelOf(ps)
    expect(solveShift(level, 1e9)).toBe(SHIFT_BOUND)
    expect(solveShift(level, 1e-12)).toBe(-SHIFT_BOUND)
  })

  it('the shifted and unshifted probabilities invert each other', () => {
    for (const p of [1e-4, 1e-3, 0.2, 0.9])
      for (const shift of [-2, 0, 1.5]) {
        expect(shiftedProbability(unshiftedProbability(p, shift), shift)).toBeCloseTo(p, 12)
        expect(shiftedProbability(p, shift)).toBeCloseTo(sigmoid(logit(p) + shift), 12)
      }
  })

  it('a shifted encoding gives σ(z + δ) for every pair, through the same dot product', () => {
    const n = 5
    const width = 3
    const src = Float32Array.from({ length: n * width }, (_, i) => Math.sin(i))
    const dst = Float32Array.from({ length: n * width }, (_, i) => Math.cos(i))
    const enc = {
      n,
      h: new ort.Tensor('float32', new Float32Array(n), [n, 1]),
      nodeChange: new Float32Array(n),
      fresh: { src, dst, width, dstT: new ort.Tensor('float32', dst, [width, n]) },
    } as Encoded
    const shift = Math.fround(-1.25)
    const shifted = shiftFresh(enc, shift)
    expect(shifted.fresh!.width).toBe(width + 1)
    expect(shifted.fresh!.dstT.dims).toEqual([width + 1, n])
    for (let u = 0; u < n; u++)
      for (let v = 0; v < n; v++) {
        const z = logit(freshProbability(enc.fresh!, u, v))
        expect(freshProbability(shifted.fresh!, u, v)).toBeCloseTo(sigmoid(z + shift), 6)
      }
    expect(shiftFresh(enc, 0)).toBe(enc)
  })
})

describe('the node factor α (least absolute error)', () => {
  const lad = (y: number[], c: number[], a: number) =>
    y.reduce((s, yi, i) => s + Math.abs(yi - a * c[i]), 0)
  const gridBest = (y: number[], c: number[]) => {
    let best = Infinity
    for (let k = 0; k <= 1000; k++) best = Math.min(best, lad(y, c, k / 1000))
    return best
  }

  it('recovers a true factor, and clamps to [0, 1]', () => {
    const c = [0.2, -0.5, 0.1, 0.8, -0.3]
    expect(
      fitShrink(
        c.map((x) => 0.4 * x),
        c,
      ),
    ).toBeCloseTo(0.4, 12)
    expect(
      fitShrink(
        c.map(() => 0),
        c,
      ),
    ).toBe(0) // nothing moves: persistence
    expect(
      fitShrink(
        c.map((x) => 3 * x),
        c,
      ),
    ).toBe(1) // never amplifies the model
    expect(
      fitShrink(
        c.map((x) => -x),
        c,
      ),
    ).toBe(0) // wrong sign: persistence
    expect(fitShrink([0.1, 0.2], [0, 0])).toBe(1) // no prediction moves: left as it is
  })

  it('is kept only when it beats persistence on the anchors by NODE_GAIN_MIN', () => {
    expect(keptShrink(0.4, 0.08, 0.1)).toBe(0.4)
    expect(keptShrink(0.4, (1 - NODE_GAIN_MIN) * 0.1, 0.1)).toBe(0.4)
    expect(keptShrink(0.05, 0.0776, 0.0809)).toBe(0) // 4 % better: noise, persistence kept
  })

  it('minimises the absolute error on a noisy case (checked on a grid)', () => {
    const rng = new Rng(11)
    const c = Array.from({ length: 400 }, () => rng.next() - 0.5)
    const y = c.map((x) => 0.3 * x + 0.2 * (rng.next() - 0.5))
    const a = fitShrink(y, c)
    expect(a).toBeGreaterThan(0.2)
    expect(a).toBeLessThan(0.4)
    expect(lad(y, c, a)).toBeLessThanOrEqual(gridBest(y, c) + 1e-9)
  })
})

describe('the anchors s', () => {
  const weeks = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29', '2024-02-05']

  it('are the latest R archived weeks whose s + h is archived and ≤ t', () => {
    const p = planRecalibration(weeks, '2024-02-05', 1)
    expect(p.skip).toBeNull()
    expect(p.anchors).toHaveLength(RECALIBRATION_ANCHORS)
    expect(p.anchors.at(-1)).toEqual({ week: '2024-01-29', target: '2024-02-05' })
    expect(planRecalibration(weeks, '2024-02-05', 3).anchors).toEqual([
      { week: '2024-01-01', target: '2024-01-22' },
      { week: '2024-01-08', target: '2024-01-29' },
      { week: '2024-01-15', target: '2024-02-05' },
    ])
    // t past the archive: s + h may not pass t even when archived
    expect(planRecalibration(weeks, '2024-01-22', 2).anchors.map((a) => a.target)).toEqual([
      '2024-01-15',
      '2024-01-22',
    ])
  })

  it('a week too early is skipped, saying why', () => {
    const p = planRecalibration(weeks, '2024-01-08', 1)
    expect(p.anchors).toHaveLength(1)
    expect(MIN_RECALIBRATION_ANCHORS).toBeGreaterThan(1)
    expect(p.skip).toMatch(
      /not recalibrated: only 1 earlier week has its 1-week outcome archived by 2024-01-08/,
    )
  })

  it('skips weeks whose s + h is missing (a gap in the archive)', () => {
    const gap = weeks.filter((w) => w !== '2024-01-22')
    expect(planRecalibration(gap, '2024-02-05', 1).anchors.map((a) => a.week)).toEqual([
      '2024-01-01',
      '2024-01-08',
      '2024-01-29',
    ])
  })
})

describe('new relationships, counted from the archive up to t', () => {
  let dir: string
  let archive: Archive
  const week = (w: string, nodes: string[], edges: [string, string][]): WeekInput => ({
    week: w,
    nodes: nodes.map((id) => ({ id, size: 10, composition: null })),
    edges: edges.map(([source, target]) => ({ source, target, weight: 1, composition: null })),
  })
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dx-recal-'))
    archive = Archive.open(join(dir, 'a.sqlite'))
    await archive.runImport({ source: 't', format: 'csv', sha256: 'x', bytes: 0 }, (s) => {
      s.putWeek(week('2024-01-01', ['A', 'B', 'C'], [['A', 'B']]))
      // B → A: the reverse of a known pair (not new); B → C: new; D is not a node of 01-01
      s.putWeek(
        week(
          '2024-01-08',
          ['A', 'B', 'C', 'D'],
          [
            ['B', 'A'],
            ['B', 'C'],
            ['D', 'A'],
          ],
        ),
      )
      // C → B: reverse of B → C, new with respect to 01-01 but not to 01-08; A → C new to both
      s.putWeek(
        week(
          '2024-01-15',
          ['A', 'B', 'C', 'D'],
          [
            ['C', 'B'],
            ['A', 'C'],
          ],
        ),
      )
    })
  })
  afterAll(() => {
    archive.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an edge of s + h is new iff its pair had no edge either way in any week ≤ s, between nodes of s', () => {
    const debuts = pairDebutsAt(archive, '2024-01-15', ['2024-01-08', '2024-01-15'])
    const nodes = (w: string) => archive.loadWeek(w).nodeIds
    // s = 01-01 (position 0), h = 1: B → C only (B → A's pair is known, D not a node of s)
    expect(relationshipsAt(nodes('2024-01-01'), 0, debuts.get('2024-01-08')!).fresh).toBe(1)
    // s = 01-08 (position 1), h = 1: A → C only (C → B's pair appeared at 01-08)
    expect(relationshipsAt(nodes('2024-01-08'), 1, debuts.get('2024-01-15')!).fresh).toBe(1)
    // s = 01-01, h = 2: C → B and A → C
    expect(relationshipsAt(nodes('2024-01-01'), 0, debuts.get('2024-01-15')!).fresh).toBe(2)
    // and the edges on pairs with history at s: B → A at 01-08; C → B at 01-15 from 01-08
    const at = (s: string, p: number, t: string) => relationshipsAt(nodes(s), p, debuts.get(t)!)
    expect(at('2024-01-01', 0, '2024-01-08')).toEqual({ fresh: 1, known: 1 })
    expect(at('2024-01-08', 1, '2024-01-15')).toEqual({ fresh: 1, known: 1 })
    expect(at('2024-01-01', 0, '2024-01-15')).toEqual({ fresh: 2, known: 0 })
  })

  it('the forecast walk gives the same debuts as the backtest one', () => {
    const ids = archive.loadWeek('2024-01-15').nodeIds
    const a = pairMemoryAt(archive, '2024-01-15', ids, ['2024-01-08']).debuts.get('2024-01-08')!
    const b = pairDebutsAt(archive, '2024-01-15', ['2024-01-08']).get('2024-01-08')!
    expect([...a.debut]).toEqual([...b.debut])
    expect([...a.debut]).toEqual([0, 1, 1]) // B → A (A → B at 0), B → C, D → A
  })

  it('never reads past t: a target after t is refused', () => {
    expect(() => pairDebutsAt(archive, '2024-01-08', ['2024-01-15'])).toThrow(/up to the walk/)
  })
})

describe('the trend of new relationships (N̂ at h > 1)', () => {
  it('scales the anchors’ mean by the recent 1-week rate over the rate inside their windows', () => {
    // falling: 12 a week inside the anchors' windows, 6 a week lately → half the mean
    const t = churnTrend(30, [6, 6, 6, 6], [12, 12, 12, 12, 12, 12])
    expect(t.factor).toBe(0.5)
    expect(t.mean * t.factor).toBe(15)
    expect(t).toMatchObject({
      recent_rate: 6,
      anchor_rate: 12,
      recent_windows: 4,
      anchor_windows: 6,
    })
    // rising likewise, and no trend to compare with: left at the mean
    expect(churnTrend(30, [18], [12, 12]).factor).toBe(1.5)
    expect(churnTrend(30, [], [12]).factor).toBe(1)
    expect(churnTrend(30, [5], [0, 0]).factor).toBe(1)
    expect(churnTrend(30, [5], []).recent_rate).toBe(5)
    // no new relationship lately: N̂ = 0
    expect(churnTrend(30, [0, 0], [3, 1]).factor).toBe(0)
  })

  const weeks = Array.from({ length: 10 }, (_, i) => addWeeks('2024-01-01', i))

  it('plans the last R 1-week windows up to t and those inside each anchor’s h weeks, none after t', () => {
    const p = planRecalibration(weeks, weeks[9], 3)
    expect(p.anchors.map((a) => a.week)).toEqual(weeks.slice(3, 7))
    expect(p.windows.recent).toEqual(
      weeks.slice(5, 9).map((w, i) => ({ week: w, target: weeks[6 + i] })),
    )
    // anchor s = weeks[3]: τ = weeks[3], [4], [5]; … s = weeks[6]: τ = weeks[6], [7], [8]
    expect(p.windows.inside.map((w) => w.week)).toEqual(
      [3, 4, 5, 4, 5, 6, 5, 6, 7, 6, 7, 8].map((i) => weeks[i]),
    )
    for (const w of [...p.windows.recent, ...p.windows.inside]) {
      expect(w.target).toBe(addWeeks(w.week, 1))
      expect(w.target <= weeks[9]).toBe(true)
    }
    expect(debutWeeksOf(p)).toEqual(weeks.slice(4, 10))
    // a gap: the windows that would cross it are left out
    const gap = weeks.filter((w) => w !== weeks[5])
    const g = planRecalibration(gap, weeks[9], 3)
    for (const w of [...g.windows.recent, ...g.windows.inside]) {
      expect(w.week).not.toBe(weeks[5])
      expect(w.target).not.toBe(weeks[5])
    }
  })

  it('at h = 1 the two rates are the same windows: the factor is exactly 1', () => {
    const p = planRecalibration(weeks, weeks[9], 1)
    expect(p.windows.inside).toEqual(p.windows.recent)
    expect(p.windows.recent).toEqual(p.anchors)
    const counts = [953, 1672, 1835, 1936]
    expect(churnTrend(1599, counts, counts).factor).toBe(1)
  })

  describe('on a hand-made archive whose new relationships fall', () => {
    // 20 nodes present every week; week k (k ≥ 1) adds NEW[k] new relationships (pairs never
    // seen), and every relationship stays an edge ever after. So the new relationships between
    // s and s + h are exactly NEW[s+1] + … + NEW[s+h], and the 1-week ones NEW[τ+1].
    const NEW = [0, 6, 6, 6, 6, 6, 2, 2, 2, 2, 2, 2, 2]
    const H = 3
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`)
    const pairs: [string, string][] = []
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) pairs.push([nodes[i], nodes[j]])
    const all = NEW.map((_, k) => addWeeks('2024-01-01', k))
    let dir: string
    let archive: Archive
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'dx-recal-trend-'))
      archive = Archive.open(join(dir, 'a.sqlite'))
      // week 0 has one edge (so it is a week with edges), the pair counted as seen
      let seen = 1
      await archive.runImport({ source: 't', format: 'csv', sha256: 'y', bytes: 0 }, (s) => {
        all.forEach((w, k) => {
          seen += NEW[k]
          s.putWeek({
            week: w,
            nodes: nodes.map((id) => ({ id, size: 10, composition: null })),
            edges: pairs
              .slice(0, seen)
              .map(([source, target]) => ({ source, target, weight: 1, composition: null })),
          })
        })
      })
    })
    afterAll(() => {
      archive.close()
      rmSync(dir, { recursive: true, force: true })
    })

    const truth = (s: number) => NEW.slice(s + 1, s + H + 1).reduce((a, b) => a + b, 0)
    const zeroChange = async (w: string) => new Float32Array(archive.loadWeek(w).nodeIds.length)

    it('N̂ follows the fall where the anchors’ mean lags it, reading no week after t', async () => {
      const t = 9 // anchors s = 3 … 6, straddling the fall at week 6
      const plan = planRecalibration(all, all[t], H)
      expect(plan.skip).toBeNull()
      const debuts = pairDebutsAt(archive, all[t], debutWeeksOf(plan))
      const h = await recalibrationHistory(archive, plan, debuts, zeroChange)
      expect(h.anchors.map((a) => a.new_relationships)).toEqual([3, 4, 5, 6].map(truth))
      expect(h.trend.mean).toBe((14 + 10 + 6 + 6) / 4) // 9: what the anchors saw
      expect(h.trend.recent_rate).toBe(2)
      expect(h.trend.anchor_rate).toBe(36 / 12)
      // the next h weeks bring 2 + 2 + 2 = 6 new relationships: N̂ meets it, the mean was 1.5×
      expect(truth(t)).toBe(6)
      expect(h.target).toBeCloseTo(truth(t), 12)
      // once the anchors' windows are all after the fall, the trend is flat and N̂ = the mean
      const later = planRecalibration(all, all[12], H)
      const hl = await recalibrationHistory(
        archive,
        later,
        pairDebutsAt(archive, all[12], debutWeeksOf(later)),
        zeroChange,
      )
      expect(hl.trend.factor).toBe(1)
      expect(hl.target).toBe(6)
    })
  })
})
