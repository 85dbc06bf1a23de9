// `dexposure risk --week W --forecast H --monte-carlo N` as a subprocess: on a stored forecast
// whose probabilities are all 0 or 1 (and --weight-sigma 0) every draw is Ĝ(t+h), so the JSON
// reports a zero-width distribution equal to `risk --forecast H`; a seed reproduces a run; runs
// are stored; bad options are usage errors.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StressReport } from '../../src/engine/risk/stress'
import { buildArchive, syntheticWeek } from '../engine/risk/fixture'
import { deterministicPairs, insertForecastRun } from '../engine/risk/forecast-fixture'
import { runCli, runCliJson } from './run-cli'

let dir: string
let file: string
const W = ['2024-03-04', '2024-03-11']
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-mc-'))
  file = join(dir, 'a.sqlite')
  const a = await buildArchive(
    file,
    W.map((w, k) => syntheticWeek(w, 40 + k)),
  )
  const frame = a.loadWeek(W[0])
  insertForecastRun(a.db, frame, 1, deterministicPairs(frame), { tvlScale: 0.9 })
  insertForecastRun(
    a.db,
    frame,
    2,
    deterministicPairs(frame).map((x, k) => (x.p === 1 && k % 2 === 0 ? { ...x, p: 0.7 } : x)),
  )
  a.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Single {
  graphs: {
    graph: string
    scenarios: {
      scenario: string
      results: { method: string; totalLoss: number; totalLossPct: number; distressed: number }[]
    }[]
  }[]
}

describe('dexposure risk --monte-carlo', () => {
  it('gives a zero-width distribution equal to the single run on a 0/1 forecast', () => {
    const args = [
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--forecast',
      '1',
      '--scenario',
      'top5-protocols,S1',
    ]
    const mc = runCliJson<StressReport>([...args, '--monte-carlo', '20', '--weight-sigma', '0'])
    const single = runCliJson<Single>(args)
    const g = single.graphs.find((x) => x.graph === 'forecast')!
    expect(mc).toMatchObject({
      week: W[0],
      horizon: 1,
      targetWeek: W[1],
      draws: 20,
      seed: 1,
      weightSigma: 0,
    })
    expect(mc.runId).toBeTypeOf('number')
    expect(mc.scenarios.map((s) => s.scenario)).toEqual(['top5-protocols', 'S1'])
    for (const [s, sc] of mc.scenarios.entries())
      for (const [j, m] of sc.results.entries()) {
        const one = g.scenarios[s].results[j]
        expect(m.method).toBe(one.method)
        expect(m.loss.min).toBe(m.loss.max)
        expect(m.loss.std).toBe(0)
        for (const v of [m.loss.mean, m.loss.var95, m.loss.cvar95, m.loss.var99, m.loss.cvar99])
          expect(v).toBe(one.totalLoss)
        expect(m.lossPct.var99).toBe(one.totalLossPct)
        expect(m.distressed.mean).toBe(one.distressed)
        expect(m.exceedance.map((e) => e.thresholdPct)).toEqual([1, 5, 10])
      }
  })

  it('reproduces a seeded run, stores every run, and prints a table without --json', () => {
    const args = [
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--forecast',
      '2',
      '--scenario',
      'S1',
      '--method',
      'debtrank',
      '--monte-carlo',
      '50',
      '--seed',
      '11',
      '--weight-sigma',
      '0.4',
      '--loss-threshold',
      '2%,20',
    ]
    const a = runCliJson<StressReport>(args)
    const b = runCliJson<StressReport>(args)
    expect({ ...b, runId: 0, durationMs: 0 }).toEqual({ ...a, runId: 0, durationMs: 0 })
    expect(a.lossThresholdsPct).toEqual([2, 20])
    const m = a.scenarios[0].results[0]
    expect(m.loss.max).toBeGreaterThan(m.loss.min)
    expect(m.lossPct.cvar95).toBeGreaterThanOrEqual(m.lossPct.var95)
    const db = new Database(file, { readonly: true })
    try {
      const rows = db.prepare('SELECT run_id, draws, seed FROM stress_runs WHERE horizon = 2').all()
      expect(rows).toEqual([
        { run_id: a.runId, draws: 50, seed: 11 },
        { run_id: b.runId, draws: 50, seed: 11 },
      ])
    } finally {
      db.close()
    }
    const text = runCli(args)
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/S1\s+debtrank/)
    expect(text.stdout).toMatch(/CVaR95/)
  })

  it('refuses --monte-carlo without a forecast, and bad counts', () => {
    const noForecast = runCli(['--archive', file, 'risk', '--week', W[0], '--monte-carlo', '10'])
    expect(noForecast.code).toBe(2)
    expect(noForecast.stderr).toMatch(/--monte-carlo needs --week W and --forecast H/)
    const zero = runCli([
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--forecast',
      '1',
      '--monte-carlo',
      '0',
    ])
    expect(zero.code).toBe(2)
    const missing = runCli([
      '--archive',
      file,
      'risk',
      '--week',
      W[1],
      '--forecast',
      '1',
      '--monte-carlo',
      '5',
    ])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/no forecast run for week 2024-03-11 horizon 1/)
  })
})
