// `npm run train`: reproduces the default models in resources/models/h{1,4,8,12} — builds the
// small demo archive (seed 42) in a temporary folder and trains one model per horizon with
// Debian's PyTorch (apt-get install python3-torch python3-onnx python3-sklearn).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const horizons = (process.argv[2] ?? '1,4,8,12').split(',').map(Number)
const dir = mkdtempSync(join(tmpdir(), 'dx-train-'))
const archive = join(dir, 'demo.sqlite')
try {
  execFileSync(
    process.execPath,
    ['bin/dexposure.js', '--quiet', '--archive', archive, 'demo', '--seed', '42'],
    { stdio: 'inherit' },
  )
  for (const h of horizons) {
    const args = [
      'training/train.py',
      '--archive',
      archive,
      '--horizon',
      String(h),
      '--out',
      `resources/models/h${h}`,
      // the paper's split (the demo spans it), so the shipped models test on 2025 as published
      '--until',
      '2024-07-22',
      '--val-until',
      '2025-01-01',
      '--split',
      'paper',
      '--epochs',
      '12',
      '--patience',
      '4',
    ]
    // PyTorch's outputs for the model's parity test (test/engine/forecast/model.test.ts)
    args.push('--parity', `test/engine/forecast/fixtures/parity-h${h}.json`)
    execFileSync('/usr/bin/python3', args, { stdio: 'inherit' })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
