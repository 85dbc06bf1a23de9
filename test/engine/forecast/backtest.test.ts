// Baselines and protocols on a hand-checked three-week archive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBacktest } from '../../../src/engine/forecast/backtest'
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
