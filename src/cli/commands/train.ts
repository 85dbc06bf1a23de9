import type { Command } from 'commander'
import { TRAIN_SHARE, VALIDATION_SHARE } from '../../engine/forecast/split'
import { checkTorch, planTraining, runTrainer, writtenWindow } from '../../engine/forecast/trainer'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'

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
      const valWeeks = o.valWeeks === undefined ? undefined : Number(o.valWeeks)
      const archive = ctx.archivePath(cmd)
      const weeks = () => {
        const db = ctx.openArchive(cmd, { readonly: true })
        try {
          return db.listWeeks()
        } finally {
          db.close()
        }
      }
      // planned before Python starts, so a split leaving a window empty is refused at once
      const plan = planTraining(archive, weeks, {
        horizon: Number(o.horizon),
        split: o.split,
        until: o.until,
        valUntil: o.valUntil,
        valWeeks,
        out: o.out,
        epochs: Number(o.epochs),
        seed: Number(o.seed),
        parity: o.parity,
      })
      const horizon = plan.split.horizon
      ctx.log(cmd, `split (${plan.split.split}) for h=${horizon}:`)
      for (const line of plan.describe) ctx.log(cmd, `  ${line}`)
      checkTorch()
      const out = plan.out
      let code: number
      try {
        code = await runTrainer(plan.args, {
          signal: ctx.signal,
          onLine: (line, stream) => process[stream].write(line + '\n'),
        })
      } catch (e) {
        if (ctx.signal.aborted) throw new DexposureError('CANCELLED', 'training cancelled')
        throw e
      }
      if (code !== 0)
        throw new DexposureError('INTERNAL', `training failed (train.py exited with ${code})`)
      const pickedUp = o.out === undefined
      // the windows as the trainer recorded them (the same as planned; model.json is the truth)
      const window = writtenWindow(out)
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
