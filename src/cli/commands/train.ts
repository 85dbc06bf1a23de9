import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import type { TrainingWindow } from '../../engine/forecast/model'
import {
  describeSplit,
  planSplit,
  TRAIN_SHARE,
  VALIDATION_SHARE,
  type SplitKind,
} from '../../engine/forecast/split'
import { dateToMs, weekProblem } from '../../shared/dates'
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
  split: string
  until?: string
  valUntil?: string
  valWeeks?: string
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
      '--split <how>',
      `auto: train on the first ${Math.round(100 * TRAIN_SHARE)} % of the archive's weeks, validate ` +
        `on the next ${Math.round(100 * VALIDATION_SHARE)} %, leave the rest for backtests; paper: the paper's dates ` +
        '(train before 2024-07-22, validate to 2025-01-01), on an archive that spans them',
      'auto',
    )
    .option(
      '--until <week>',
      'train on anchors whose t+h is before this week; validation starts here (overrides --split)',
    )
    .option(
      '--val-until <date>',
      'validate on anchors whose t+h is before this date; the weeks after are left for backtests ' +
        '(overrides --split; default with --until alone: half the weeks from --until)',
    )
    .option(
      '--val-weeks <n>',
      'validate on the n archived weeks from --until (instead of --val-until)',
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
      const problem = o.until === undefined ? null : weekProblem(o.until)
      if (problem) throw new DexposureError('USAGE', problem, { field: '--until' })
      // a date, not only a Monday: the paper's validation boundary is 2025-01-01
      if (o.valUntil !== undefined && Number.isNaN(dateToMs(o.valUntil)))
        throw new DexposureError('USAGE', `"${o.valUntil}" is not a date of the form YYYY-MM-DD`, {
          field: '--val-until',
        })
      const valWeeks = o.valWeeks === undefined ? undefined : Number(o.valWeeks)
      // Planned here, before Python starts, so that a split leaving a window empty is refused at
      // once; train.py applies the same rules to the boundaries it gets.
      const archive = ctx.archivePath(cmd)
      const db = ctx.openArchive(cmd, { readonly: true })
      const weeks = (() => {
        try {
          return db.listWeeks()
        } finally {
          db.close()
        }
      })()
      const split = planSplit(weeks, {
        horizon,
        split: o.split as SplitKind,
        until: o.until,
        valUntil: o.valUntil,
        valWeeks,
      })
      ctx.log(cmd, `split (${split.split}) for h=${horizon}:`)
      for (const line of describeSplit(split)) ctx.log(cmd, `  ${line}`)
      const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, sklearn'], { encoding: 'utf8' })
      if (probe.status !== 0)
        throw new DexposureError(
          'NOT_FOUND',
          `training needs PyTorch from Debian: apt-get install python3-torch python3-onnx python3-sklearn (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)})`,
        )
      const out = o.out ?? join(dirname(archive), 'models', `h${horizon}`)
      const args = [
        trainScript(),
        '--archive',
        archive,
        '--horizon',
        String(horizon),
        '--out',
        out,
        '--until',
        split.until,
        '--val-until',
        split.validation_until,
        '--split',
        split.split,
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
      // the windows as the trainer recorded them (the same as planned; model.json is the truth)
      const window = (
        JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
          training_window: TrainingWindow
        }
      ).training_window
      ctx.output(
        cmd,
        { horizon, model_dir: out, default_for_archive: pickedUp, training_window: window },
        [
          pickedUp
            ? `model written to ${out}; forecast and backtest on ${archive} now use it for h=${horizon} (pass --model to choose another)`
            : `model written to ${out}; use it with --model ${out}`,
          `trained on ${window.from} … (targets before ${window.until}), validated on ` +
            `${window.validation_from ?? window.until} … (targets before ${window.validation_until}); ` +
            `test weeks from ${window.test_from}: \`dexposure backtest --horizon ${horizon}\` without --from evaluates them`,
        ].join('\n'),
      )
    })
}
