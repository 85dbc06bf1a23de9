// Stress under forecast uncertainty: a forecast whose probabilities are all 0 or 1 (and no weight
// spread) gives a zero-width loss distribution equal to the single run on Ĝ(t+h); a seeded run is
// reproducible; the tail measures match a direct computation on the draws; runs are stored.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import '../../../src/engine/forecast/run' // registers the predicted-graph provider risk --forecast uses
import { riskRun } from '../../../src/engine/risk'
import { readStress, stressRun } from '../../../src/engine/risk/stress'
import type { Archive } from '../../../src/engine/store/archive'
import { addWeeks } from '../../../src/shared/dates'
import { DexposureError } from '../../../src/shared/errors'
import { parseShockSpec } from '../../../src/shared/risk/scenarios'
import { buildArchive, syntheticWeek } from './fixture'
import { deterministicPairs, insertForecastRun } from './forecast-fixture'

let dir: string
let archive: Archive
const W = ['2024-03-04', '2024-03-11']
const scenarios = [
  { name: 'top5-protocols', spec: parseShockSpec('top:5@30%') },
  { name: 'custom', spec: parseShockSpec('top:3:exposure@50%') },
]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-stress-'))
  archive = await buildArchive(
    join(dir, 'a.sqlite'),
    W.map((w, k) => syntheticWeek(w, 30 + k)),
  )
  const frame = archive.loadWeek(W[0])
  // horizon 1: deterministic (0/1); horizon 2: uncertain edges (p = 0.5 on a third of them)
  insertForecastRun(archive.db, frame, 1, deterministicPairs(frame), { tvlScale: 1.05 })
  insertForecastRun(
    archive.db,
    frame,
    2,
    deterministicPairs(frame).map((x, k) => (x.p === 1 && k % 3 === 0 ? { ...x, p: 0.5 } : x)),
  )
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('Monte Carlo stress on a forecast graph', () => {
  it('gives a zero-width distribution equal to the single run when every probability is 0 or 1', async () => {
    const r = await stressRun(archive, {
      week: W[0],
      horizon: 1,
      draws: 25,
      weightSigma: 0,
      scenarios,
    })
    const single = riskRun(archive, W[0], { forecast: 1, scenarios })
    const forecast = single.graphs.find((g) => g.graph === 'forecast')!
    expect(r.pairs.certain).toBe(r.pairs.pointGraphEdges)
    expect(r.pairs.meanEdgesPerDraw).toBe(r.pairs.pointGraphEdges)
    expect(r.scenarios).toHaveLength(2)
    for (const [s, sc] of r.scenarios.entries())
      for (const [j, m] of sc.results.entries()) {
        const one = forecast.scenarios[s].results[j]
        expect(m.method).toBe(one.method)
        for (const d of [m.loss, m.lossPct]) {
          expect(d.max - d.min).toBe(0)
          expect(d.std).toBe(0)
          for (const k of [
            'mean',
            'p05',
            'p50',
            'p95',
            'var95',
            'var99',
            'cvar95',
            'cvar99',
          ] as const)
            expect(d[k]).toBe(d.min)
        }
        expect(m.loss.mean).toBe(one.totalLoss)
        expect(m.lossPct.mean).toBe(one.totalLossPct)
        expect(m.point.totalLoss).toBe(one.totalLoss)
        expect(m.distressed).toEqual({
          mean: one.distressed,
          min: one.distressed,
          max: one.distressed,
        })
        expect(m.pointPercentile).toBe(1)
        // the histogram of a zero-width distribution: every draw in one bin at the single run
        expect(m.lossPctHistogram).toEqual({
          from: one.totalLossPct,
          to: one.totalLossPct,
          counts: [r.draws],
        })
        // every distressed node is distressed in every draw
        for (const x of m.distressedNodes.top) expect(x.share).toBe(1)
        expect(m.distressedNodes.count).toBe(one.distressed)
        for (const e of m.exceedance)
          expect(e.probability).toBe(one.totalLossPct > e.thresholdPct ? 1 : 0)
      }
  })

  it('is reproducible for a seed, differs for another, and stores each run', async () => {
    const o = { week: W[0], horizon: 2, draws: 40, weightSigma: 0.5, scenarios }
    const a = await stressRun(archive, { ...o, seed: 7 })
    const b = await stressRun(archive, { ...o, seed: 7 })
    const c = await stressRun(archive, { ...o, seed: 8 })
    const strip = (x: typeof a) => ({ ...x, runId: 0, durationMs: 0 })
    expect(strip(b)).toEqual(strip(a))
    expect(strip(c).scenarios).not.toEqual(strip(a).scenarios)
    // uncertain edges spread the loss
    const ref = a.scenarios[0].results[0]
    expect(ref.loss.max).toBeGreaterThan(ref.loss.min)
    expect(a.pairs.meanEdgesPerDraw).toBeLessThan(a.pairs.stored)
    expect(a.runId).not.toBe(b.runId)
    expect(readStress(archive, { runId: a.runId! })).toEqual(a)
    expect(readStress(archive, { week: W[0], horizon: 2 })!.runId).toBe(c.runId)
  })

  it('orders its tail measures and agrees between USD and % (tail.test.ts checks them directly)', async () => {
    const r = await stressRun(archive, {
      week: W[0],
      horizon: 2,
      draws: 100,
      seed: 3,
      weightSigma: 0.8,
      scenarios: scenarios.slice(0, 1),
      methods: ['debtrank'],
      lossThresholds: [0.5, 2],
    })
    const m = r.scenarios[0].results[0]
    expect(m.lossPct.var95).toBeGreaterThanOrEqual(m.lossPct.p50)
    expect(m.lossPct.cvar95).toBeGreaterThanOrEqual(m.lossPct.var95)
    expect(m.lossPct.cvar99).toBeGreaterThanOrEqual(m.lossPct.var99)
    expect(m.lossPct.max).toBeGreaterThanOrEqual(m.lossPct.cvar99)
    // USD and % describe the same draws: TVL is the same in every draw
    expect(m.lossPct.mean).toBeCloseTo((100 * m.loss.mean) / r.totalTvl, 9)
    expect(m.lossPct.cvar95).toBeCloseTo((100 * m.loss.cvar95) / r.totalTvl, 9)
    expect(m.exceedance.map((e) => e.thresholdPct)).toEqual([0.5, 2])
  })

  it('refuses what cannot be run', async () => {
    const e = await stressRun(archive, { week: W[1], horizon: 1 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(DexposureError)
    expect((e as DexposureError).code).toBe('NOT_FOUND')
    expect((e as DexposureError).message).toMatch(/no forecast run for week 2024-03-11 horizon 1/)
    const bad = await stressRun(archive, { week: W[0], horizon: 1, draws: 0 }).catch(
      (x: unknown) => x,
    )
    expect((bad as DexposureError).code).toBe('USAGE')
    expect((bad as DexposureError).location.field).toBe('draws')
    const week = await stressRun(archive, { week: addWeeks(W[1], 5), horizon: 1 }).catch(
      (x: unknown) => x,
    )
    expect((week as DexposureError).code).toBe('NOT_FOUND')
  })
})
