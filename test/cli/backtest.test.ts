// Story: an analyst backtests forecasts on the demo archive and gets the stable JSON shape,
// with persistence and EdgeBank beside the (absent) model, and plots.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { providerHere } from '../engine/forecast/providers'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

let dir: string
let archive: string
withDemoArchive('dx-backtest-', (d, a) => ((dir = d), (archive = a)))

const PAPER = [
  'auprc',
  'auroc',
  'weight_mae',
  'weight_rmse',
  'weighted_mae',
  'node_mae',
  'node_rmse',
]
const REALISTIC = ['auprc', 'ece', 'precision_at', 'recall_at']

describe('dexposure backtest', () => {
  it('reports both protocols for the baselines in the documented JSON shape', () => {
    const plots = join(dir, 'plots')
    const r = runCliJson<{
      horizon: number
      weeks: string[]
      protocols: {
        paper: Record<string, Record<string, number> | null>
        realistic: Record<
          string,
          (Record<string, unknown> & { new_edges: Record<string, unknown> }) | null
        >
      }
      edgebank_windows: Record<string, unknown>
      candidate_recall: { mean: number; min: number; weeks: { recall: number }[] }
      realistic_weeks: { mode: string; pairs: number; scored: number }[]
    }>([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '4',
      '--no-model',
      '--from',
      '2025-06-02',
      '--plots',
      plots,
    ])
    expect(r.horizon).toBe(4)
    expect(r.weeks[0]).toBe('2025-06-02')
    expect(r.weeks.at(-1)).toBe('2025-07-21') // t + 4 weeks must be archived
    expect(Object.keys(r.protocols).sort()).toEqual(['paper', 'realistic'])
    for (const proto of ['paper', 'realistic'] as const)
      expect(Object.keys(r.protocols[proto]).sort()).toEqual(['edgebank', 'model', 'persistence'])
    expect(r.protocols.paper.model).toBeNull()
    for (const k of ['persistence', 'edgebank']) {
      expect(Object.keys(r.protocols.paper[k]!).sort()).toEqual([...PAPER].sort())
      const q = r.protocols.realistic[k]!
      expect(Object.keys(q).sort()).toEqual([...REALISTIC, 'new_edges'].sort())
      expect(Object.keys(q.precision_at as object).sort()).toEqual(['100', '1000', '10000'])
      expect(Object.keys(q.new_edges).sort()).toEqual([...REALISTIC].sort())
    }
    // memory baselines: EdgeBank over all history ranks at least as well as persistence (AUROC)
    expect(r.protocols.paper.edgebank!.auroc).toBeGreaterThan(r.protocols.paper.persistence!.auroc)
    expect(r.protocols.paper.persistence!.auprc).toBeGreaterThan(0.3)
    expect(Object.keys(r.edgebank_windows).sort()).toEqual([
      'edgebank_12',
      'edgebank_4',
      'edgebank_all',
    ])
    expect(readFileSync(join(plots, 'pr-curve.svg'), 'utf8')).toMatch(/^<svg/)
    expect(existsSync(join(plots, 'reliability.svg'))).toBe(true)
    // small weeks: every pair scored; the candidate generator's recall measured on each week
    expect(r.realistic_weeks.every((w) => w.mode === 'exact' && w.scored === w.pairs)).toBe(true)
    expect(r.candidate_recall.weeks).toHaveLength(r.weeks.length)
    expect(r.candidate_recall.min).toBeGreaterThan(0.9)
    const recalls = r.candidate_recall.weeks.map((w) => w.recall)
    expect(r.candidate_recall.mean).toBeCloseTo(
      recalls.reduce((a, b) => a + b, 0) / recalls.length,
      12,
    )
    expect(r.candidate_recall.min).toBe(Math.min(...recalls))

    // through the candidate set (as real-scale weeks are), the baselines' figures do not change
    const c = runCliJson<typeof r>([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '4',
      '--no-model',
      '--from',
      '2025-06-02',
      '--realistic',
      'candidates',
    ])
    expect(c.realistic_weeks.every((w) => w.mode === 'candidates' && w.scored < w.pairs)).toBe(true)
    for (const k of ['persistence', 'edgebank']) {
      const [a, b] = [r.protocols.realistic[k]!, c.protocols.realistic[k]!]
      expect(b.auprc).toBeCloseTo(a.auprc as number, 12)
      expect(b.ece).toBeCloseTo(a.ece as number, 12)
      expect(b.precision_at).toEqual(a.precision_at)
    }
  })

  it('evaluates the shipped model beside the baselines, after its training window only', async () => {
    const r = runCliJson<{
      weeks: string[]
      provider: string
      training_window: { last_week_used: string }
      protocols: {
        paper: Record<string, Record<string, number> | null>
        realistic: Record<
          string,
          (Record<string, number> & { new_edges: Record<string, number> }) | null
        >
      }
      realistic_weeks: {
        week: string
        fresh_expected: number
        fresh_appeared: number
        fresh_ratio: number
        calibration: { status: string; fresh: { expected: number } | null }
      }[]
      fresh_pairs: { expected: number; appeared: number; ratio: number; recalibrated: boolean }
    }>(['--archive', archive, 'backtest', '--horizon', '1', '--to', '2025-03-31'])
    // the provider the fallback chain picks on this machine (the JSON reports only that one)
    expect(r.provider).toBe((await providerHere()).provider)
    expect(r.weeks[0] > r.training_window.last_week_used).toBe(true)
    const m = r.protocols.paper.model!
    expect(Object.keys(m).sort()).toEqual([...PAPER].sort())
    // the model ranks pairs better than either memory baseline, and is calibrated on all pairs
    expect(m.auprc).toBeGreaterThan(r.protocols.paper.edgebank!.auprc)
    expect(r.protocols.realistic.model!.new_edges.auprc).toBeGreaterThan(
      r.protocols.realistic.edgebank!.new_edges.auprc,
    )
    expect(r.protocols.realistic.model!.ece).toBeLessThan(0.02)
    // each anchor recalibrated as a forecast from it would be: Σ p over its fresh pairs beside the
    // new relationships that appeared on them, summed over the anchors
    expect(r.fresh_pairs.recalibrated).toBe(true)
    expect(r.realistic_weeks).toHaveLength(r.weeks.length)
    let expected = 0
    let appeared = 0
    for (const w of r.realistic_weeks) {
      expect(w.calibration.status).toBe('applied')
      expect(w.fresh_expected).toBe(w.calibration.fresh!.expected)
      expect(w.fresh_ratio).toBeCloseTo(w.fresh_expected / w.fresh_appeared, 12)
      expected += w.fresh_expected
      appeared += w.fresh_appeared
    }
    expect(r.fresh_pairs.expected).toBeCloseTo(expected, 6)
    expect(r.fresh_pairs.appeared).toBe(appeared)
    expect(r.fresh_pairs.ratio).toBeGreaterThan(1 / 1.5)
    expect(r.fresh_pairs.ratio).toBeLessThan(1.5)

    const leak = runCli([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '1',
      '--from',
      '2024-03-04',
    ])
    expect(leak.code).toBe(2)
    expect(leak.stderr).toMatch(/overlap the training window/)
  })

  it('refuses to grade a model when no archived week follows its training window (exit 5)', () => {
    // Regression for the leak: a model whose window reaches the archive's last week was scored,
    // without --from, on its own training and validation weeks.
    const model = join(dir, 'covering-model')
    cpSync('resources/models/h1', model, { recursive: true })
    const manifestFile = join(model, 'model.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      training_window: Record<string, string>
    }
    const weeks = runCliJson<{ week: string }[]>(['--archive', archive, 'weeks'])
    const lastWeek = weeks.at(-1)!.week
    manifest.training_window.validation_until = lastWeek
    manifest.training_window.last_week_used = lastWeek
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2))
    const r = runCli(['--archive', archive, 'backtest', '--horizon', '1', '--model', model])
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(
      new RegExp(
        `no archived week follows the training window of .*covering-model \\(.* … ${lastWeek}\\)`,
      ),
    )
    expect(r.stdout).toBe('')
    // nor does naming only the last anchor reopen it
    const to = runCli([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '1',
      '--model',
      model,
      '--to',
      lastWeek,
    ])
    expect(to.code).not.toBe(0)
    expect(to.stdout).toBe('')
  })

  it('refuses bad arguments and models it cannot run, with clear codes', () => {
    expect(runCli(['--archive', archive, 'backtest', '--horizon', '0']).code).toBe(2)
    const mode = runCli(['--archive', archive, 'backtest', '--horizon', '1', '--realistic', 'x'])
    expect(mode.code).toBe(2)
    expect(mode.stderr).toMatch(/--realistic must be auto, exact or candidates/)
    expect(
      runCli(['--archive', archive, 'backtest', '--horizon', '1', '--from', '2025-06-03']).code,
    ).toBe(2)
    const late = runCli([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '12',
      '--from',
      '2025-08-11',
    ])
    expect(late.code).toBe(5)
    expect(late.stderr).toMatch(/t\+12/)
    const model = runCli([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '1',
      '--model',
      join(dir, 'nope'),
    ])
    // a missing model folder is NOT_FOUND (docs/cli.md); a folder with a bad manifest is MODEL (7)
    expect(model.code).toBe(5)
    expect(model.stderr).toMatch(/model folder .*nope does not exist/)
  })
})
