// Baselines and protocols on a hand-checked three-week archive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  firstWeekAfterTraining,
  runBacktest,
  weeksAfterTraining,
} from '../../../src/engine/forecast/backtest'
import { Rng } from '../../../src/engine/demo/rng'
import { averagePrecision, expectedCalibrationError } from '../../../src/shared/metrics'
import { Archive } from '../../../src/engine/store/archive'
import type { WeekInput } from '../../../src/shared/domain'

let dir: string
let archive: Archive

const week = (w: string, edges: [string, string][], sizes = [10, 20, 30]): WeekInput => ({
  week: w,
  nodes: ['A', 'B', 'C'].map((id, i) => ({ id, size: sizes[i], composition: null })),
  edges: edges.map(([source, target]) => ({
    source,
    target,
    weight: Math.E - 1,
    composition: null,
  })),
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-bt-'))
  archive = Archive.open(join(dir, 'a.sqlite'))
  await archive.runImport({ source: 't', format: 'csv', sha256: 'x', bytes: 0 }, (s) => {
    s.putWeek(week('2024-01-01', [['A', 'B']]))
    s.putWeek(week('2024-01-08', [['B', 'C']]))
    s.putWeek(
      week(
        '2024-01-15',
        [
          ['A', 'B'],
          ['C', 'A'],
        ],
        [10, 20, 60],
      ),
    )
  })
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('backtest baselines', () => {
  it('scores persistence and EdgeBank exactly as defined, under the realistic protocol', async () => {
    const r = await runBacktest(archive, { horizon: 1, from: '2024-01-08' })
    expect(r.weeks).toEqual(['2024-01-08'])
    const p = r.protocols.realistic.persistence!
    const e = r.protocols.realistic.edgebank!
    // all 6 ordered pairs; positives A→B and C→A; persistence predicts only B→C
    expect(r.pairs.realistic).toBe(6)
    expect(p.auprc).toBeCloseTo(1 / 3, 12)
    expect(e.auprc).toBeCloseTo(0.25 + 0.5 / 3, 12)
    expect(p.new_edges.auprc).toBeCloseTo(0.4, 12)
    expect(e.new_edges.auprc).toBeCloseTo(0.7, 12)
    expect(r.historical_negatives.persistence).toEqual({ count: 1, mean_score: 1 })
    // node change: C grew from 30 to 60; baselines predict 0
    const nodeErr = (Math.abs(Math.log1p(60) - Math.log1p(30)) + 0 + 0) / 3
    expect(r.protocols.paper.persistence!.node_mae).toBeCloseTo(nodeErr, 12)
    // weights: the edge A→B reappears with log1p weight 1; EdgeBank remembers it, persistence not
    expect(r.edgebank_windows.edgebank_all.paper.weight_mae).toBeCloseTo(0.5, 12) // C→A new: error 1
    expect(r.protocols.paper.persistence!.weight_mae).toBeCloseTo(1, 12)
  })

  it('EdgeBank forgets beyond its window', async () => {
    const r = await runBacktest(archive, {
      horizon: 1,
      from: '2024-01-08',
      edgebankWindows: [1, 2],
    })
    // a window of 1 week is persistence; 2 weeks remembers A→B from 2024-01-01
    expect(r.edgebank_windows.edgebank_1.realistic!.auprc).toBeCloseTo(1 / 3, 12)
    expect(r.edgebank_windows.edgebank_2.realistic!.auprc).toBeCloseTo(0.25 + 0.5 / 3, 12)
  })

  it('refuses an empty selection of anchor weeks', async () => {
    await expect(runBacktest(archive, { horizon: 4 })).rejects.toThrow(/t\+4/)
  })
})

// A synthetic archive large enough that the candidate set is not every pair (> 100 nodes).
describe('realistic protocol through the candidate set', () => {
  let dir2: string
  let big: Archive
  const weeks = ['2024-02-05', '2024-02-12', '2024-02-19', '2024-02-26', '2024-03-04', '2024-03-11']
  const N = 140
  beforeAll(async () => {
    dir2 = mkdtempSync(join(tmpdir(), 'dx-bt-big-'))
    big = Archive.open(join(dir2, 'b.sqlite'))
    const rng = new Rng(1)
    let edges = new Map<string, number>()
    const ever: string[] = []
    await big.runImport({ source: 't', format: 'csv', sha256: 'y', bytes: 0 }, (s) => {
      for (const w of weeks) {
        const next = new Map<string, number>()
        for (const [k, v] of edges) if (rng.next() < 0.85) next.set(k, v * (0.5 + rng.next()))
        for (let i = 0; i < 40; i++) {
          // new edges concentrate on a few issuers; some come back from the past
          const k =
            ever.length && rng.next() < 0.3
              ? ever[rng.int(ever.length)]
              : `n${rng.int(N)}>n${rng.next() < 0.5 ? rng.int(8) : rng.int(N)}`
          const [a, b] = k.split('>')
          if (a !== b) next.set(k, 1 + rng.next() * 1e6)
        }
        for (const k of next.keys()) if (!edges.has(k)) ever.push(k)
        edges = next
        s.putWeek({
          week: w,
          nodes: Array.from({ length: N }, (_, i) => ({
            id: `n${i}`,
            size: 1000 + i + rng.next() * 100,
            composition: null,
          })),
          edges: [...edges].map(([k, weight]) => {
            const [source, target] = k.split('>')
            return { source, target, weight, composition: null }
          }),
        })
      }
    })
  })
  afterAll(() => {
    big.close()
    rmSync(dir2, { recursive: true, force: true })
  })

  it('gives the baselines exactly the all-pairs figures, and measures candidate recall', async () => {
    const exact = await runBacktest(big, { horizon: 1, realistic: 'exact' })
    const cand = await runBacktest(big, {
      horizon: 1,
      realistic: 'candidates',
      nonCandidateSample: 50,
    })
    expect(exact.weeks).toEqual(weeks.slice(0, -1))
    expect(cand.realistic_weeks.every((w) => w.mode === 'candidates')).toBe(true)
    expect(exact.realistic_weeks.every((w) => w.mode === 'exact' && w.scored === w.pairs)).toBe(
      true,
    )
    expect(cand.realistic_weeks.length).toBeGreaterThan(0)
    for (const w of cand.realistic_weeks) {
      expect(w.scored).toBeLessThan(w.pairs)
      expect(w.non_candidates!.pairs + w.scored).toBe(w.pairs)
      expect(w.non_candidates!.score.persistence).toBe(0)
    }
    // baselines score 0 outside their memory, which the candidates contain: the tie group is exact
    for (const k of ['persistence', 'edgebank'] as const) {
      const a = exact.protocols.realistic[k]!
      const b = cand.protocols.realistic[k]!
      expect(b.auprc).toBeCloseTo(a.auprc, 12)
      expect(b.ece).toBeCloseTo(a.ece, 12)
      expect(b.new_edges.auprc).toBeCloseTo(a.new_edges.auprc, 12)
      for (const K of ['100', '1000', '10000']) {
        expect(b.precision_at[K]).toBeCloseTo(a.precision_at[K], 12)
        expect(b.recall_at[K]).toBeCloseTo(a.recall_at[K], 12)
        expect(b.new_edges.recall_at[K]).toBeCloseTo(a.new_edges.recall_at[K], 12)
      }
    }
    expect(cand.historical_negatives).toEqual(exact.historical_negatives)
    expect(cand.protocols.paper).toEqual(exact.protocols.paper)
    // recall of the candidate set = 1 − (edges among non-candidates) / edges, week by week; the
    // edges of t are always candidates (pairs with history), so every missed edge is a new one
    expect(cand.candidate_recall.weeks).toHaveLength(cand.realistic_weeks.length)
    cand.candidate_recall.weeks.forEach((r, i) => {
      const w = cand.realistic_weeks[i]
      expect(r.edges).toBe(w.edges)
      expect(r.recall).toBeCloseTo(1 - w.non_candidates!.edges / w.edges, 12)
      const [t, next] = [big.loadWeek(r.week), big.loadWeek(weeks[weeks.indexOf(r.week) + 1])]
      const key = (f: typeof t, j: number) =>
        `${f.nodeIds[f.edgeSrc[j]]}>${f.nodeIds[f.edgeDst[j]]}`
      const atT = new Set(Array.from(t.edgeSrc, (_, j) => key(t, j)))
      const ofT = new Set(t.nodeIds)
      const fresh = Array.from(next.edgeSrc, (_, j) => key(next, j)).filter((k) => {
        const [a, b] = k.split('>')
        return ofT.has(a) && ofT.has(b) && !atT.has(k)
      })
      expect(r.new_edges).toBe(fresh.length)
      expect(r.new_edges * (1 - r.new_edge_recall)).toBeCloseTo(w.non_candidates!.edges, 9)
    })
    expect(cand.candidate_recall.weeks).toEqual(exact.candidate_recall.weeks)
    expect(cand.candidate_recall.min).toBeLessThan(1) // random new edges escape the candidates
  })

  it('pools the realistic AUPRC of persistence over every pair of every anchor', async () => {
    const r = await runBacktest(big, { horizon: 1, from: weeks[2] })
    // independent enumeration: persistence scores 1 for edges of t, labels are edges of t+1
    const labels: number[] = []
    const scores: number[] = []
    const fresh: [number[], number[]] = [[], []]
    for (const w of r.weeks) {
      const t = big.loadWeek(w)
      const later = big.loadWeek(weeks[weeks.indexOf(w) + 1])
      const key = (f: typeof t, j: number) =>
        `${f.nodeIds[f.edgeSrc[j]]}>${f.nodeIds[f.edgeDst[j]]}`
      const now = new Set(Array.from(t.edgeSrc, (_, j) => key(t, j)))
      const next = new Set(Array.from(later.edgeSrc, (_, j) => key(later, j)))
      for (const a of t.nodeIds)
        for (const b of t.nodeIds) {
          if (a === b) continue
          const y = next.has(`${a}>${b}`) ? 1 : 0
          const s = now.has(`${a}>${b}`) ? 1 : 0
          labels.push(y)
          scores.push(s)
          if (!s) {
            fresh[0].push(y)
            fresh[1].push(s)
          }
        }
    }
    expect(r.pairs.realistic).toBe(labels.length)
    expect(r.protocols.realistic.persistence!.auprc).toBeCloseTo(
      averagePrecision(labels, scores),
      12,
    )
    expect(r.protocols.realistic.persistence!.new_edges.auprc).toBeCloseTo(
      averagePrecision(fresh[0], fresh[1]),
      12,
    )
    expect(r.protocols.realistic.persistence!.ece).toBeCloseTo(
      expectedCalibrationError(labels, scores),
      12,
    )
  })
})

describe('walk-forward rule', () => {
  const archived = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']
  const model = { dir: 'models/h1', window: { from: '2024-01-01', last_week_used: '2024-01-08' } }
  it('starts after the training window by default', () => {
    expect(firstWeekAfterTraining(archived, 1, model)).toBe('2024-01-15')
  })
  it('refuses weeks inside the training window, naming the overlap', () => {
    expect(() => firstWeekAfterTraining(archived, 1, model, '2024-01-01')).toThrow(
      /weeks 2024-01-01 … 2024-01-08 overlap the training window of models\/h1 \(2024-01-01 … 2024-01-08\)/,
    )
    expect(() => firstWeekAfterTraining(archived, 1, model, undefined, '2024-01-08')).toThrow(
      /overlap the training window/,
    )
    expect(firstWeekAfterTraining(archived, 1, model, '2024-01-22')).toBe('2024-01-22')
  })
  it('refuses when no week follows the training window, instead of grading every week', () => {
    // the leak: a model validated up to the archive's last week used to be scored on all of it
    const covering = {
      dir: 'models/h1',
      window: { from: '2024-01-01', last_week_used: '2024-01-29' },
    }
    expect(() => firstWeekAfterTraining(archived, 1, covering)).toThrow(
      /no archived week follows the training window of models\/h1 \(2024-01-01 … 2024-01-29\)/,
    )
    try {
      firstWeekAfterTraining(archived, 1, covering)
    } catch (e) {
      expect((e as { code: string }).code).toBe('NOT_FOUND')
    }
    // a --to alone does not reopen the window
    expect(() => firstWeekAfterTraining(archived, 1, covering, undefined, '2024-02-26')).toThrow(
      /no archived week follows/,
    )
  })
  it('never keeps an anchor at or before the last week used', () => {
    expect(weeksAfterTraining(archived, '2024-01-15')).toEqual(['2024-01-22', '2024-01-29'])
    expect(weeksAfterTraining(archived, '2024-01-29')).toEqual([])
  })
})
