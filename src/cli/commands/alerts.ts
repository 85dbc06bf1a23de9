// `dexposure alerts`: the early-warning monitor (rolling z-scores of key network metrics, week
// gaps, stale data), evaluated against the crisis weeks in range; stored in the archive.
import type { Command } from 'commander'
import { alertsRun } from '../../engine/risk'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'
import { checkWeekOption, num, positiveInt } from './stats'

interface AlertsCliOptions {
  from?: string
  to?: string
  window: string
  z: string
  minHistory: string
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description(
      'early-warning alerts per week: rolling z-scores of key network metrics, week gaps and stale data',
    )
    .option('--from <YYYY-MM-DD>', 'first week to report (default: the first archived week)')
    .option('--to <YYYY-MM-DD>', 'last week to report (default: the newest archived week)')
    .option('--window <weeks>', 'rolling window of the z-scores', '42')
    .option('--z <x>', 'alert when |z| exceeds this', '2')
    .option('--min-history <weeks>', 'fewest earlier weeks before a z-score is computed', '8')
    .action((o: AlertsCliOptions, cmd: Command) => {
      checkWeekOption(o.from, '--from')
      checkWeekOption(o.to, '--to')
      const z = Number(o.z)
      if (!(Number.isFinite(z) && z > 0))
        throw new DexposureError('USAGE', '--z must be a positive number', { field: '--z' })
      const window = positiveInt(o.window, '--window')
      const minHistory = positiveInt(o.minHistory, '--min-history')
      if (minHistory > window)
        throw new DexposureError('USAGE', '--min-history cannot exceed --window', {
          field: '--min-history',
        })
      const archive = ctx.openArchive(cmd, { create: false })
      try {
        const bar = ctx.progress(cmd, 'alerts', 1, 'weeks')
        let r
        try {
          r = alertsRun(archive, {
            from: o.from,
            to: o.to,
            window,
            zThreshold: z,
            minHistory,
            signal: ctx.signal,
            onProgress: (d, t, w) => bar.report(d, t, w),
          })
        } finally {
          bar.stop()
        }
        const ev = r.evaluation
        ctx.output(cmd, r, () =>
          [
            table(
              ['week', 'kind', 'metric', 'value', 'z', 'reason'],
              r.alerts.map((a) => [
                a.week,
                a.kind,
                a.metric ?? '',
                num(a.value),
                num(a.z),
                a.reason,
              ]),
            ),
            `${r.alerts.length} alerts in ${r.from} … ${r.to} (run ${r.runId}); ${r.weeksMonitored} weeks read`,
            ...ev.events.map(
              (e) =>
                `${e.name} (${e.week}): ${e.detected ? `alerted, lead ${e.leadWeeks ?? 0} weeks (first ${e.firstAlertWeek ?? 'after the event'}), ${e.alertsInWindow} alerted weeks in window` : 'not alerted'}`,
            ),
            ev.precision === null
              ? 'precision: no z-score alerts'
              : `precision ${(100 * ev.precision).toFixed(1)} % (${ev.alertedWeeksInWindows} of ${ev.alertedWeeks} alerted weeks within ${ev.lookbackWeeks} weeks before to ${ev.afterWeeks} after a crisis week)`,
            `newest week ${r.freshness.newestWeek}: ${r.freshness.ageDays} days old${r.freshness.stale ? ' — STALE, import newer data' : ''}`,
            ...(r.synthetic ? [SYNTHETIC_NOTE] : []),
          ].join('\n'),
        )
      } finally {
        archive.close()
      }
    })
}
