import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'

const PYTHON = '/usr/bin/python3'

/** training/train.py, found by walking up from the running bundle or source file. */
function trainScript(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const f = join(dir, 'training', 'train.py')
    if (existsSync(f)) return f
    if (dirname(dir) === dir)
      throw new DexposureError('NOT_FOUND', 'training/train.py is not part of this installation')
  }
}

interface TrainOptions {
  horizon: string
  until: string
  out?: string
  epochs: string
  seed: string
  parity?: string
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description("train a forecast model on the archive with Debian's PyTorch (progress on stderr)")
    .requiredOption('--horizon <weeks>', 'weeks ahead')
    .option(
      '--until <week>',
      'train only on anchors whose t+h is before this week; validate after it',
      '2024-07-22',
    )
    .option('--out <dir>', 'model directory to write (default: models/h<H> next to the archive)')
    .option('--epochs <n>', 'maximum epochs (early stopping on validation AUPRC)', '12')
    .option('--seed <n>', 'seed', '42')
    .option(
      '--parity <file>',
      "also write the PyTorch model's outputs on a small graph with repeated destinations (JSON), to check the ONNX export against",
    )
    .action(async (o: TrainOptions, cmd: Command) => {
      const horizon = Number(o.horizon)
      if (!Number.isInteger(horizon) || horizon < 1)
        throw new DexposureError('USAGE', '--horizon must be a positive integer (weeks)', {
          field: '--horizon',
        })
      const problem = weekProblem(o.until)
      if (problem) throw new DexposureError('USAGE', problem, { field: '--until' })
      const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, sklearn'], { encoding: 'utf8' })
      if (probe.status !== 0)
        throw new DexposureError(
          'NOT_FOUND',
          `training needs PyTorch from Debian: apt-get install python3-torch python3-onnx python3-sklearn (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)})`,
        )
      const archive = ctx.archivePath(cmd)
      const out = o.out ?? join(dirname(archive), 'models', `h${horizon}`)
      const valUntil = '2025-01-01' > o.until ? '2025-01-01' : o.until
      const args = [
        trainScript(),
        '--archive',
        archive,
        '--horizon',
        String(horizon),
        '--out',
        out,
        '--until',
        o.until,
        '--val-until',
        valUntil,
        '--epochs',
        o.epochs,
        '--seed',
        o.seed,
        ...(o.parity ? ['--parity', o.parity] : []),
      ]
      const code = await new Promise<number>((resolve) => {
        const child = spawn(PYTHON, args, { stdio: ['ignore', 'inherit', 'inherit'] })
        ctx.signal.addEventListener('abort', () => child.kill('SIGTERM'))
        child.on('exit', (c) => resolve(c ?? 1))
      })
      if (ctx.signal.aborted) throw new DexposureError('CANCELLED', 'training cancelled')
      if (code !== 0)
        throw new DexposureError('INTERNAL', `training failed (train.py exited with ${code})`)
      const pickedUp = o.out === undefined
      ctx.output(
        cmd,
        { horizon, model_dir: out, default_for_archive: pickedUp },
        pickedUp
          ? `model written to ${out}; forecast and backtest on ${archive} now use it for h=${horizon} (pass --model to choose another)`
          : `model written to ${out}; use it with --model ${out}`,
      )
    })
}
