import type { Command } from 'commander'
import '../../engine/derived-data' // imports keep derived data (checkpoints) up to date
import { importFile } from '../../engine/import'
import type { ImportFormat } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { importSummary } from '../summary'

const FORMATS: ImportFormat[] = ['dexposure', 'meta', 'defillama', 'csv']

interface ImportOptions {
  format?: string
  replace?: boolean
  strict?: boolean
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('import a file into the archive (all or nothing: a failed import changes nothing)')
    .argument(
      '<file>',
      'DeXposure JSON, meta_df.csv / id_to_info.json / token_to_protocol.json, DefiLlama responses, or CSV node/edge lists',
    )
    .option(
      '--format <format>',
      `one of ${FORMATS.join(', ')} (detected from the content when omitted)`,
    )
    .option('--replace', 'overwrite weeks that are archived with different data')
    .option(
      '--strict',
      'treat links to nodes missing from their week as errors instead of dropping them',
    )
    .action(async (file: string, opts: ImportOptions, cmd: Command) => {
      if (opts.format !== undefined && !FORMATS.includes(opts.format as ImportFormat))
        throw new DexposureError(
          'USAGE',
          `unknown format "${opts.format}" (expected ${FORMATS.join(', ')})`,
          {
            field: '--format',
          },
        )
      const archive = ctx.openArchive(cmd)
      const bar = ctx.progress(cmd, 'import', 100, '%')
      try {
        const report = await importFile(archive, file, {
          format: opts.format as ImportFormat | undefined,
          replace: !!opts.replace,
          // undefined keeps each format's default (CSV is strict unless told otherwise)
          strict: opts.strict ? true : undefined,
          signal: ctx.signal,
          onProgress: (p) =>
            bar.update(
              p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0,
              p.week ? `week ${p.week} (${p.weeksDone} weeks)` : '',
            ),
        })
        bar.update(100)
        bar.stop()
        const summary = importSummary(report)
        // with --json the summary still reaches the user, on stderr
        if (ctx.globals(cmd).json) ctx.log(cmd, summary)
        for (const note of report.notes ?? []) ctx.log(cmd, `note: ${note}`)
        ctx.output(cmd, report, summary)
      } finally {
        bar.stop()
        archive.close()
      }
    })
}
