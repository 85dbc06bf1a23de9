import type { Command } from 'commander'
import '../../engine/derived-data' // imports keep derived data (checkpoints) up to date
import { fillArchiveWithDemo, writeDemoJson } from '../../engine/demo'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { shortNumber } from '../format'
import { importSummary } from '../summary'

interface DemoOptions {
  scale: string
  seed: string
  out?: string
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('fill the archive with SYNTHETIC demo data (or write it as a DeXposure JSON file)')
    .option(
      '--scale <scale>',
      'small (instant) or real (about 5.7k nodes and 30.6k edges a week)',
      'small',
    )
    .option('--seed <n>', 'generator seed (same seed, same data)', '42')
    .option(
      '--out <file.json>',
      'write the DeXposure JSON format to this file instead of the archive',
    )
    .action(async (opts: DemoOptions, cmd: Command) => {
      if (opts.scale !== 'small' && opts.scale !== 'real')
        throw new DexposureError('USAGE', `--scale must be small or real, not "${opts.scale}"`, {
          field: '--scale',
        })
      const seed = Number(opts.seed)
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new DexposureError('USAGE', '--seed must be a non-negative integer', {
          field: '--seed',
        })
      const scale = opts.scale
      const bar = ctx.progress(cmd, 'demo', 1, 'weeks')
      const onProgress = (done: number, total: number) => bar.report(done, total)
      if (opts.out) {
        try {
          const r = await writeDemoJson({
            scale,
            seed,
            out: opts.out,
            onProgress,
            signal: ctx.signal,
          })
          bar.stop()
          const line = `wrote ${r.weeks} weeks of SYNTHETIC demo data (${scale}, seed ${seed}) to ${opts.out}: ${shortNumber(r.bytes)} bytes`
          if (ctx.globals(cmd).json) ctx.log(cmd, line)
          ctx.output(cmd, { out: opts.out, scale, seed, synthetic: true, ...r }, line)
        } finally {
          bar.stop()
        }
        return
      }
      const archive = ctx.openArchive(cmd)
      try {
        const report = await fillArchiveWithDemo(archive, {
          scale,
          seed,
          onProgress,
          signal: ctx.signal,
        })
        bar.stop()
        const line = `${importSummary(report)} — SYNTHETIC demo data (${scale}, seed ${seed})`
        if (ctx.globals(cmd).json) ctx.log(cmd, line)
        ctx.output(cmd, { ...report, scale, seed, synthetic: true }, line)
      } finally {
        bar.stop()
        archive.close()
      }
    })
}
