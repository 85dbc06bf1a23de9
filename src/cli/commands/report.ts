// `dexposure report`: the weekly risk report of one week as a self-contained HTML file or a PDF
// (src/engine/report/). Forecasts, contagion runs and statistics not stored yet are computed and
// stored first; progress on stderr; the JSON result names the file, its size and what was computed.
import type { Command } from 'commander'
import { JobRegistry } from '../../engine/jobs'
import { GraphLayout } from '../../engine/layout/graph-layout'
import { buildReport } from '../../engine/report/build'
import { REPORT_SECTIONS, type ReportSection } from '../../shared/api-report'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { collectWhole, MODEL_OPTION_HELP, modelChoices } from '../model-options'
import { SYNTHETIC_NOTE } from '../format'
import { checkWeekOption, positiveInt } from './stats'

interface ReportCliOptions {
  week?: string
  horizon: string[]
  scenario: string[]
  section: string[]
  format?: string
  paper: string
  out?: string
  model: string[]
}

const collect = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
]

export function register(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'the weekly risk report of a week (summary, SIS, spillovers, forecast, contagion, alerts, provenance) as HTML or PDF',
    )
    .option('--week <YYYY-MM-DD>', 'the week (a Monday)')
    .option('--horizon <h>', 'forecast horizon in weeks (repeatable; default 1 and 4)', collect, [])
    .option('--model <[H=]name|dir>', MODEL_OPTION_HELP, collectWhole, [])
    .option('--scenario <name>', 'scenario (repeatable; default all eight)', collect, [])
    .option(
      '--section <name>',
      `section to include (repeatable; default all): ${REPORT_SECTIONS.join(', ')}`,
      collect,
      [],
    )
    .option('--format <fmt>', 'pdf or html (default: from the --out extension, else html)')
    .option('--paper <size>', 'a4 or letter', 'a4')
    .option('--out <file>', 'the file to write')
    .action(async (opts: ReportCliOptions, cmd: Command) => {
      if (!opts.week) throw new DexposureError('USAGE', 'give --week W', { field: '--week' })
      checkWeekOption(opts.week, '--week')
      if (!opts.out) throw new DexposureError('USAGE', 'give --out FILE', { field: '--out' })
      const format = opts.format ?? (/\.pdf$/i.test(opts.out) ? 'pdf' : 'html')
      if (format !== 'pdf' && format !== 'html')
        throw new DexposureError('USAGE', '--format is pdf or html', { field: '--format' })
      const paper = opts.paper.toLowerCase()
      if (paper !== 'a4' && paper !== 'letter')
        throw new DexposureError('USAGE', '--paper is a4 or letter', { field: '--paper' })
      const unknown = opts.section.filter(
        (s) => !(REPORT_SECTIONS as readonly string[]).includes(s),
      )
      if (unknown.length)
        throw new DexposureError(
          'USAGE',
          `unknown sections: ${unknown.join(', ')} (known: ${REPORT_SECTIONS.join(', ')})`,
          { field: '--section' },
        )
      const horizons = opts.horizon.map((h) => positiveInt(h, '--horizon'))
      const archive = ctx.openArchive(cmd, { create: false })
      const jobs = new JobRegistry()
      const layout = new GraphLayout(archive, jobs)
      const bar = ctx.progress(cmd, 'report', 1, 'steps')
      try {
        const models = modelChoices(archive.file, opts.model)
        const r = await buildReport(archive, {
          request: {
            week: opts.week,
            horizons: horizons.length ? horizons : undefined,
            models,
            scenarios: opts.scenario.length ? opts.scenario : undefined,
            sections: opts.section.length ? (opts.section as ReportSection[]) : undefined,
            format,
            paper,
            path: opts.out,
          },
          // the graph images use the stored layout; nodes without positions are laid out first
          universe: async () => (await layout.universe(true)).view,
          signal: ctx.signal,
          onProgress: (done, total, message) => bar.report(done, total, message),
        })
        bar.stop()
        const synthetic = archive.hasSynthetic()
        ctx.output(
          cmd,
          {
            path: r.path,
            format: r.format,
            paper: r.paper,
            bytes: r.bytes,
            sections: r.sections,
            computed: r.computed,
            command: r.command,
            elapsedMs: r.elapsedMs,
            timings: r.timings,
            synthetic,
          },
          () =>
            [
              `wrote ${r.path} (${r.format.toUpperCase()}, ${r.paper}, ${r.bytes.toLocaleString('en-US')} bytes) in ${(r.elapsedMs / 1000).toFixed(1)} s`,
              ...r.computed.map((c) => `computed: ${c}`),
              ...(synthetic ? [SYNTHETIC_NOTE] : []),
            ].join('\n'),
        )
      } finally {
        bar.stop()
        for (const j of jobs.list()) jobs.cancel(j.id)
        await layout.idle()
        archive.close()
      }
    })
}
