// `dexposure stats` as a subprocess against a real archive file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAT_KEYS } from '../../src/shared/risk/stats'
import { buildArchive, syntheticWeek } from '../engine/risk/fixture'
import { runCli, runCliJson } from './run-cli'

let dir: string
let file: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-stats-'))
  file = join(dir, 'a.sqlite')
  const a = await buildArchive(file, [
    syntheticWeek('2024-03-04', 1),
    syntheticWeek('2024-03-11', 2),
  ])
  a.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('dexposure stats', () => {
  it('prints every statistic with deltas and stores the run', () => {
    const r = runCliJson<{
      week: string
      runId: number
      values: Record<string, number | null>
      deltas: Record<string, number | null>
      sisTop: { rank: number; node: string }[]
    }>(['--archive', file, 'stats', '--week', '2024-03-11', '--top', '5'])
    expect(Object.keys(r.values).sort()).toEqual([...STAT_KEYS].sort())
    expect(r.deltas.delta_n_nodes).toBe(0)
    expect(r.sisTop.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5])
    const db = new Database(file, { readonly: true })
    try {
      const v = db
        .prepare("SELECT value FROM network_stats WHERE run_id = ? AND metric = 'tvl_gini'")
        .get(r.runId) as { value: number }
      expect(v.value).toBeCloseTo(r.values.tvl_gini!, 15)
    } finally {
      db.close()
    }
    const text = runCli(['--archive', file, 'stats', '--week', '2024-03-11'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/tvl_gini_with_zeros/)
    expect(text.stdout).toMatch(/systemic importance/)
  })

  it('prints a time series', () => {
    const r = runCliJson<{ series: { week: string }[] }>([
      '--archive',
      file,
      'stats',
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-11',
    ])
    expect(r.series.map((p) => p.week)).toEqual(['2024-03-04', '2024-03-11'])
    const t = runCli([
      '--archive',
      file,
      'stats',
      '--from',
      '2024-03-04',
      '--metrics',
      'density,tvl_hhi',
    ])
    expect(t.stdout).toMatch(/week\s+density\s+tvl_hhi/)
  })

  it('maps bad input to exit codes', () => {
    expect(runCli(['--archive', file, 'stats', '--week', '2023-01-02']).code).toBe(5)
    expect(runCli(['--archive', file, 'stats', '--week', '2024-03-12']).code).toBe(2)
    expect(runCli(['--archive', file, 'stats']).code).toBe(2)
    expect(
      runCli(['--archive', file, 'stats', '--week', '2024-03-11', '--sis-weights', '1,2']).code,
    ).toBe(2)
    expect(
      runCli(['--archive', join(dir, 'missing.sqlite'), 'stats', '--week', '2024-03-11']).code,
    ).toBe(5)
  })
})
