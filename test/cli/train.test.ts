// Story: an analyst retrains the h=1 model on their own archive; `dexposure train` writes a valid
// model beside the archive, and forecasts and backtests of that archive pick it up from then on.
// Needs Debian's PyTorch (scripts/system-deps.sh installs it; CI always has it).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ForecastModel, type ModelManifest } from '../../src/engine/forecast/model'
import { expectOnnxMatchesPyTorch, readParity } from '../engine/forecast/parity'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, sklearn'])
const haveTorch = torch.status === 0

let dir: string
let archive: string
withDemoArchive('dx-train-', (d, a) => ((dir = d), (archive = a)))

describe.skipIf(!haveTorch)('dexposure train (python3-torch)', () => {
  it('trains on the archive, reports progress, and the model is used for that archive', async () => {
    const parityFile = join(dir, 'parity.json')
    const r = runCli([
      '--json',
      '--archive',
      archive,
      'train',
      '--horizon',
      '1',
      '--epochs',
      '1',
      '--parity',
      parityFile,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/epoch 1: loss \d+\.\d+, validation AUPRC 0\.\d+/)
    expect(r.stderr).toMatch(/Platt a=/)
    const out = JSON.parse(r.stdout) as { model_dir: string; default_for_archive: boolean }
    expect(out.model_dir).toBe(join(dir, 'models', 'h1'))
    expect(out.default_for_archive).toBe(true)

    // A complete, loadable model whose manifest tells the truth about its files and window.
    const m = JSON.parse(readFileSync(join(out.model_dir, 'model.json'), 'utf8')) as ModelManifest
    expect(m.horizon).toBe(1)
    expect([16, 17]).toContain(m.opset)
    expect(m.training_window.until).toBe('2024-07-22')
    expect(m.training_window.last_week_used < '2025-01-01').toBe(true)
    for (const g of Object.values(m.graphs)) {
      const sha = createHash('sha256')
        .update(readFileSync(join(out.model_dir, g.file)))
        .digest('hex')
      expect(sha).toBe(g.sha256)
    }
    expect(m.metrics.validation_ece_calibrated).toBeLessThan(0.05)
    expect(m.training_data).toMatchObject({ sources: ['demo:small:seed=42'], synthetic: true })
    const model = await ForecastModel.load(out.model_dir)
    expect(model.manifest.pair_history).toEqual(m.pair_history)
    await model.release()
    // the export of this trainer, not only the shipped models', matches PyTorch in ONNX Runtime
    await expectOnnxMatchesPyTorch(out.model_dir, readParity(parityFile))

    // forecast and backtest on this archive now use it without --model
    const f = runCliJson<{ model_dir: string }>([
      '--archive',
      archive,
      'forecast',
      '--week',
      '2025-08-18',
      '--horizon',
      '1',
      '--top',
      '3',
    ])
    expect(f.model_dir).toBe(out.model_dir)
    const b = runCliJson<{ model_dir: string; weeks: string[] }>([
      '--archive',
      archive,
      'backtest',
      '--horizon',
      '1',
      '--from',
      '2025-07-07',
      '--to',
      '2025-07-14',
    ])
    expect(b.model_dir).toBe(out.model_dir)
    expect(b.weeks).toEqual(['2025-07-07', '2025-07-14'])
  }, 600_000)

  it('refuses a training window that leaves no validation weeks', () => {
    const r = runCli([
      '--archive',
      archive,
      'train',
      '--horizon',
      '1',
      '--until',
      '2026-01-05',
      '--out',
      join(dir, 'never'),
    ])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/not enough weeks \(train \d+, validation 0\)/)
  }, 60_000)
})

describe.skipIf(haveTorch)('dexposure train without python3-torch', () => {
  it('says which Debian packages to install', () => {
    const r = runCli(['--archive', archive, 'train', '--horizon', '1'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/apt-get install python3-torch python3-onnx python3-sklearn/)
  })
})
