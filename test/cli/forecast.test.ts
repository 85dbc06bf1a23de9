// Story: an analyst forecasts next week's network from the last archived week (past the end of
// the archive), finds the run stored for SQL, and stress-tests the forecast graph; on an archive
// of real data the shipped demo-trained model says so.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { Calibration } from '../../src/engine/forecast/stages/recalibrate'
import { expectFallbackChain, FOREIGN_PROVIDER } from '../engine/forecast/providers'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

let dir: string
let archive: string
withDemoArchive('dx-forecast-', (d, a) => ((dir = d), (archive = a)))

describe('dexposure forecast', () => {
  it('forecasts past the last archived week, covering every pair, and stores the run', () => {
    const csv = join(dir, 'f.csv')
    const r = runCliJson<{
      run_id: number
      provider: string
      fallbacks: { provider: string; error: string }[]
      week: string
      target_week: string
      nodes: number
      pairs_scored: number
      exhaustive: boolean
      expected_edges: number
      graph_edges: number
      top: { probability: number; exists_at_t: boolean }[]
    }>([
      '--archive',
      archive,
      'forecast',
      '--week',
      '2025-08-18',
      '--horizon',
      '1',
      '--top',
      '5',
      '--out',
      csv,
    ])
    expect(r).toMatchObject({
      week: '2025-08-18',
      target_week: '2025-08-25',
      exhaustive: true,
    })
    expectFallbackChain(r)
    expect(r.pairs_scored).toBe(r.nodes * (r.nodes - 1))
    expect(r.graph_edges).toBe(Math.round(r.expected_edges))
    expect(r.top).toHaveLength(5)
    expect(r.top[0].probability).toBeGreaterThanOrEqual(r.top[4].probability)

    const db = new Database(archive, { readonly: true })
    const run = db.prepare('SELECT * FROM forecast_runs WHERE run_id = ?').get(r.run_id) as Record<
      string,
      unknown
    >
    expect(run).toMatchObject({
      week: '2025-08-18',
      horizon: 1,
      provider: r.provider,
      graph_edges: r.graph_edges,
    })
    expect(JSON.parse(run.fallbacks as string)).toEqual(r.fallbacks)
    const inGraph = db
      .prepare('SELECT count(*) c FROM forecast_edges WHERE run_id = ? AND in_graph = 1')
      .get(r.run_id) as { c: number }
    expect(inGraph.c).toBe(r.graph_edges)
    const nodes = db
      .prepare('SELECT count(*) c FROM forecast_nodes WHERE run_id = ?')
      .get(r.run_id) as { c: number }
    expect(nodes.c).toBe(r.nodes)
    db.close()
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'source,target,probability,predicted_weight_usd,exists_at_t,in_graph',
    )

    const risk = runCli([
      '--archive',
      archive,
      'risk',
      '--week',
      '2025-08-18',
      '--forecast',
      '1',
      '--scenario',
      'S1',
    ])
    expect(risk.code, risk.stderr).toBe(0)
    expect(risk.stdout).toMatch(/forecast graph, week 2025-08-25/)
  })

  it("recalibrates on the archive's own past, reports and stores it; --no-recalibrate is the model as trained", () => {
    const args = ['--archive', archive, 'forecast', '--week', '2025-08-18', '--horizon', '1']
    const r = runCliJson<{ run_id: number; warnings: string[]; calibration: Calibration }>(args)
    const c = r.calibration
    expect(c.status).toBe('applied')
    expect(c.anchors.map((a) => a.target)).toEqual([
      '2025-07-28',
      '2025-08-04',
      '2025-08-11',
      '2025-08-18',
    ])
    expect(c.fresh!.target).toBeGreaterThan(0)
    expect(Math.abs(c.fresh!.expected - c.fresh!.target) / c.fresh!.target).toBeLessThan(1e-6)
    expect(Number.isFinite(c.fresh!.shift)).toBe(true)
    expect(c.node!.alpha).toBeGreaterThanOrEqual(0)
    expect(c.node!.alpha).toBeLessThanOrEqual(1)
    const db = new Database(archive, { readonly: true })
    const stored = db
      .prepare('SELECT calibration FROM forecast_runs WHERE run_id = ?')
      .get(r.run_id) as { calibration: string }
    db.close()
    expect(JSON.parse(stored.calibration)).toEqual(c)
    expect(runCli(args).stdout).toMatch(
      /^recalibrated on 4 past anchors \(2025-07-21 … 2025-08-11\); fresh pairs: logit shift -?\d/m,
    )

    const off = runCliJson<{ calibration: Calibration }>([...args, '--no-recalibrate'])
    expect(off.calibration).toMatchObject({ status: 'off', fresh: null, node: null })

    // too early to learn from the archive: skipped, with a warning that says so
    const early = runCliJson<{ calibration: Calibration; warnings: string[] }>([
      '--archive',
      archive,
      'forecast',
      '--week',
      '2020-03-30',
      '--horizon',
      '1',
    ])
    expect(early.calibration.status).toBe('skipped')
    expect(early.warnings).toEqual([early.calibration.reason])
    expect(early.warnings[0]).toMatch(
      /^not recalibrated: only 1 earlier week has its 1-week outcome archived by 2020-03-30/,
    )
  })

  it('says when the model was trained on data unlike the archive, and keeps the warning', () => {
    expect(
      runCliJson<{ warnings: string[] }>([
        '--archive',
        archive,
        'forecast',
        '--week',
        '2025-08-18',
        '--horizon',
        '1',
      ]).warnings,
    ).toEqual([])
    // an archive of real (not synthetic) weeks, forecast with the shipped demo-trained model
    const real = join(dir, 'real.sqlite')
    const imported = runCli([
      '--archive',
      real,
      'import',
      'test/fixtures/import/dexposure/small.json',
    ])
    expect(imported.code, imported.stderr).toBe(0)
    const args = ['--archive', real, 'forecast', '--week', '2025-07-14', '--horizon', '1']
    const r = runCliJson<{ run_id: number; warnings: string[]; synthetic: boolean }>(args)
    expect(r.synthetic).toBe(false)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/trained on synthetic demo data \(demo:small:seed=42\)/)
    const text = runCli(args)
    expect(text.stdout).toMatch(
      /^warning: model dexposure-workbench-gnn-h1 was trained on synthetic/m,
    )
    const db = new Database(real, { readonly: true })
    const stored = db
      .prepare('SELECT warnings FROM forecast_runs WHERE run_id = ?')
      .get(r.run_id) as { warnings: string }
    db.close()
    expect(JSON.parse(stored.warnings)).toEqual(r.warnings)
  })

  it('refuses an unknown week, a horizon without a model, and an unavailable provider', () => {
    expect(
      runCli(['--archive', archive, 'forecast', '--week', '2030-01-07', '--horizon', '1']).code,
    ).toBe(5)
    expect(
      runCli(['--archive', archive, 'forecast', '--week', '2025-08-18', '--horizon', '3']).code,
    ).toBe(5)
    const forced = runCli([
      '--archive',
      archive,
      'forecast',
      '--week',
      '2025-08-18',
      '--horizon',
      '1',
      '--provider',
      FOREIGN_PROVIDER,
    ])
    expect(forced.code).toBe(7)
    expect(forced.stderr).toContain(`"${FOREIGN_PROVIDER}" is not available`)
  })
})
