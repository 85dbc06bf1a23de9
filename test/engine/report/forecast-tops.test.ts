// The report's short forecast lists (src/engine/report/forecast-tops.ts) read with narrow queries
// must be the rows the forecast views give — forecast.edges kinds new and changes, forecast.nodes by
// absChange — in the same order with the same values, on a stored run of the demo archive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../../src/engine/demo'
import { runForecast } from '../../../src/engine/forecast/run'
import { findForecastRun, type ForecastRunRow } from '../../../src/engine/forecast/stored-run'
import { forecastEdges, forecastNodes } from '../../../src/engine/forecast/views'
import { forecastTops } from '../../../src/engine/report/forecast-tops'
import { weekFrame } from '../../../src/engine/report/graph-scene'
import { Archive } from '../../../src/engine/store/archive'

const dir = mkdtempSync(join(tmpdir(), 'dx-report-tops-'))
let archive: Archive
const WEEK = '2025-06-02'
const runs: ForecastRunRow[] = []

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  for (const horizon of [1, 4]) {
    const r = await runForecast(archive, { week: WEEK, horizon, top: 0 })
    runs.push(findForecastRun(archive, { runId: r.run_id })!)
  }
}, 180_000)
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('forecastTops', () => {
  it('gives the forecast views’ rows, in their order, for any length', () => {
    for (const run of runs)
      for (const limit of [12, 400]) {
        const ref = { week: WEEK, horizon: run.horizon, runId: run.run_id, limit }
        const tops = forecastTops(archive, run, weekFrame(archive, WEEK), limit)
        const fresh = forecastEdges(archive, { ...ref, kind: 'new' }).rows
        const changes = forecastEdges(archive, { ...ref, kind: 'changes' }).rows
        const nodes = forecastNodes(archive, { ...ref, sort: 'absChange', order: 'desc' }).rows
        // the lists are not trivially empty on the demo, and long lists reach past ties
        expect(fresh.length, `h=${run.horizon}`).toBeGreaterThan(0)
        expect(changes.length, `h=${run.horizon}`).toBeGreaterThan(0)
        expect(tops.newEdges).toEqual(fresh)
        expect(tops.changes).toEqual(changes)
        expect(tops.nodes).toEqual(nodes)
      }
  })

  it('refuses a frame of another week', () => {
    expect(() => forecastTops(archive, runs[0], weekFrame(archive, '2025-06-09'), 12)).toThrow(
      /not of week 2025-06-09/,
    )
  })
})
