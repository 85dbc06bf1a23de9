// `dexposure risk` as a subprocess: scenarios × methods stored, custom shocks, forecast and
// persistence, bad input.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildArchive, syntheticWeek } from '../engine/risk/fixture'
import { runCli, runCliJson } from './run-cli'

let dir: string
let file: string
const W = ['2024-03-04', '2024-03-11', '2024-03-18']
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-cli-risk-'))
  file = join(dir, 'a.sqlite')
  const a = await buildArchive(
    file,
    W.map((w, k) => syntheticWeek(w, 10 + k)),
  )
  a.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Report {
  graphs: {
    graph: string
    contagionRunId: number
    scenarios: {
      scenario: string
      spec: string
      results: { method: string; totalLossPct: number; path: unknown[] }[]
    }[]
  }[]
  comparison: { item: string; persistenceError: number | null }[] | null
}

describe('dexposure risk', () => {
  it('runs the eight scenarios with all three methods and stores them', () => {
    const r = runCliJson<Report>(['--archive', file, 'risk', '--week', W[0]])
    const g = r.graphs[0]
    expect(g.scenarios).toHaveLength(8)
    expect(g.scenarios[0].results.map((m) => m.method)).toEqual([
      'reference',
      'debtrank',
      'eisenberg-noe',
    ])
    const db = new Database(file, { readonly: true })
    try {
      const c = db
        .prepare('SELECT count(*) c FROM contagion_results WHERE run_id = ?')
        .get(g.contagionRunId) as {
        c: number
      }
      expect(c.c).toBe(24)
    } finally {
      db.close()
    }
    const text = runCli([
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--scenario',
      'S1,top-protocol',
      '--method',
      'reference',
    ])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/S1\s+reference/)
  })

  it('runs custom shocks with a chosen method and variant', () => {
    const r = runCliJson<Report>([
      '--archive',
      file,
      'risk',
      '--week',
      W[1],
      '--shock',
      'top:3:sis@30%',
      '--shock',
      'category:Lending,CDP@0.5',
      '--method',
      'debtrank',
      '--debtrank-variant',
      'single-hit',
    ])
    expect(r.graphs[0].scenarios.map((s) => [s.scenario, s.spec])).toEqual([
      ['custom-1', 'top:3:sis@0.3'],
      ['custom-2', 'category:Lending,CDP@0.5'],
    ])
    expect(r.graphs[0].scenarios[0].results[0].totalLossPct).toBeGreaterThan(0)
  })

  it('scores persistence against the realised week', () => {
    const r = runCliJson<Report>([
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--persistence',
      '2',
      '--method',
      'reference',
    ])
    expect(r.graphs.map((g) => g.graph)).toEqual(['observed', 'realised'])
    expect(r.comparison!.find((c) => c.item === 'tvl_hhi')!.persistenceError).toBeGreaterThan(0)
    const bt = runCliJson<{ anchors: string[]; summary: unknown[] }>([
      '--archive',
      file,
      'risk',
      '--from',
      W[0],
      '--to',
      W[2],
      '--persistence',
      '1',
      '--scenario',
      'top5-protocols',
      '--method',
      'reference',
    ])
    expect(bt.anchors).toEqual(W.slice(0, 2))
  })

  it('refuses bad input with the documented exit codes and messages', () => {
    const unknown = runCli([
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--shock',
      'nodes:nope,1001',
    ])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toMatch(/not in the graph: nope/)
    const zero = runCli([
      '--archive',
      file,
      'risk',
      '--week',
      W[0],
      '--shock',
      'category:No Such Category',
    ])
    expect(zero.code).toBe(3)
    expect(zero.stderr).toMatch(/selects no node/)
    expect(runCli(['--archive', file, 'risk', '--week', W[0], '--shock', 'top:5@150%']).code).toBe(
      3,
    )
    expect(runCli(['--archive', file, 'risk', '--week', W[0], '--scenario', 'S9']).code).toBe(2)
    expect(runCli(['--archive', file, 'risk', '--week', W[0], '--method', 'magic']).code).toBe(2)
    expect(runCli(['--archive', file, 'risk', '--week', '2020-01-06']).code).toBe(5)
    const f = runCli(['--archive', file, 'risk', '--week', W[0], '--forecast', '4'])
    expect(f.code).toBe(5)
    expect(f.stderr).toContain(
      `no forecast run for week ${W[0]} horizon 4; run \`dexposure forecast --week ${W[0]} --horizon 4\` first`,
    )
  })
})
