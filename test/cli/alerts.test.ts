// `dexposure alerts` on the demo archive, whose generator simulates the Terra (2022-05-09) and FTX
// (2022-11-07) crises: alerts are listed per week with a reason and evaluated against them.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from './run-cli'

let dir: string
let file: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-alerts-'))
  file = join(dir, 'demo.sqlite')
  const r = runCli(['--archive', file, '--quiet', 'demo', '--seed', '7'])
  if (r.code !== 0) throw new Error(r.stderr)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface AlertsOut {
  alerts: { week: string; kind: string; metric: string | null; reason: string }[]
  evaluation: {
    events: { name: string; detected: boolean; leadWeeks: number | null }[]
    precision: number | null
  }
  synthetic: boolean
}

describe('dexposure alerts', () => {
  it('alerts on the simulated crisis weeks and reports lead time and precision', () => {
    const r = runCliJson<AlertsOut>([
      '--archive',
      file,
      'alerts',
      '--from',
      '2022-01-03',
      '--to',
      '2022-12-26',
    ])
    expect(r.synthetic).toBe(true)
    expect(r.evaluation.events.map((e) => e.name)).toEqual(['Terra/Luna', 'FTX'])
    expect(r.evaluation.events.every((e) => e.detected)).toBe(true)
    expect(r.alerts.some((a) => a.week === '2022-05-09' && a.kind === 'zscore')).toBe(true)
    expect(r.alerts.some((a) => a.week === '2022-11-07' && a.kind === 'zscore')).toBe(true)
    expect(r.evaluation.precision).toBeGreaterThan(0)
    for (const a of r.alerts) expect(a.reason.length).toBeGreaterThan(10)
    const text = runCli(['--archive', file, 'alerts', '--from', '2022-04-04', '--to', '2022-06-27'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Terra\/Luna \(2022-05-09\): alerted/)
    expect(text.stdout).toMatch(/SYNTHETIC/)
  })

  it('refuses bad ranges', () => {
    expect(runCli(['--archive', file, 'alerts', '--from', '2022-05-10']).code).toBe(2)
    expect(
      runCli(['--archive', file, 'alerts', '--from', '2022-06-06', '--to', '2022-05-02']).code,
    ).toBe(2)
    expect(
      runCli(['--archive', file, 'alerts', '--from', '2030-01-07', '--to', '2030-02-04']).code,
    ).toBe(5)
  })
})
