// `dexposure stats`: network statistics, SIS and sector spillovers of one week (stored in the
// archive), or the time series of statistics over a range of weeks.
import type { Command } from 'commander'
import { statsSeries, weekStats, type StatsParams } from '../../engine/risk'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import { STAT_DEFINITIONS, STAT_KEYS } from '../../shared/risk/stats'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'

interface StatsOptions {
  week?: string
  from?: string
  to?: string
  top: string
  sisWeights?: string
  tailK: string
  metrics?: string
}

/** A number for a table cell: 4 significant digits, exponent form when very large or small. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—'
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x)
  const a = Math.abs(x)
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3)
  return x.toPrecision(4)
}

export function positiveInt(value: string, field: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new DexposureError('USAGE', `${field} must be a positive integer`, { field })
  return n
}

export function checkWeekOption(value: string | undefined, field: string): void {
  if (value === undefined) return
  const p = weekProblem(value)
  if (p) throw new DexposureError('USAGE', p, { field })
}

export function parseSisOptions(opts: { sisWeights?: string; tailK: string }): StatsParams {
  const params: StatsParams = { tailK: positiveInt(opts.tailK, '--tail-k') }
  if (opts.sisWeights) {
    const w = opts.sisWeights.split(',').map(Number)
    if (w.length !== 3 || w.some((x) => !Number.isFinite(x) || x < 0))
      throw new DexposureError(
        'USAGE',
        '--sis-weights takes three numbers ≥ 0: pagerank,tail,tvl',
        {
          field: '--sis-weights',
        },
      )
    params.sisWeights = { pagerank: w[0], tail: w[1], tvl: w[2] }
  }
  return params
}

const SERIES_DEFAULT = [
  'n_nodes',
  'n_edges',
  'total_tvl',
  'density',
  'tvl_hhi',
  'edge_hhi',
  'degree_gini',
  'max_sis',
]

export function register(program: Command, ctx: CliContext): void {
  program
    .command('stats')
    .description(
      'network statistics, systemic importance (SIS) and sector spillovers of a week, stored in the archive',
    )
    .option('--week <YYYY-MM-DD>', 'the week (a Monday)')
    .option('--from <YYYY-MM-DD>', 'time series: first week')
    .option('--to <YYYY-MM-DD>', 'time series: last week')
    .option('--metrics <list>', 'time series: comma-separated metrics to print (JSON has all)')
    .option('--top <n>', 'how many SIS rows to list', '20')
    .option(
      '--sis-weights <a,b,c>',
      'SIS weights of PageRank, tail exposure and log-TVL (default equal)',
    )
    .option('--tail-k <k>', 'SIS tail exposure: share of the k largest outgoing exposures', '5')
    .action((opts: StatsOptions, cmd: Command) => {
      checkWeekOption(opts.week, '--week')
      checkWeekOption(opts.from, '--from')
      checkWeekOption(opts.to, '--to')
      const params = parseSisOptions(opts)
      const series = opts.from !== undefined || opts.to !== undefined
      if (series === (opts.week !== undefined))
        throw new DexposureError('USAGE', 'give --week W, or --from/--to for a time series', {
          field: '--week',
        })
      const archive = ctx.openArchive(cmd, { create: false })
      try {
        const synthetic = archive.hasSynthetic()
        if (!series) {
          const r = weekStats(archive, opts.week!, { params, topK: positiveInt(opts.top, '--top') })
          ctx.output(cmd, { ...r, synthetic }, () => {
            const rows = STAT_DEFINITIONS.map((d) => [
              d.key,
              num(r.values[d.key]),
              num(r.deltas?.[`delta_${d.key}`]),
              d.label,
            ])
            const sis = r.sisTop.map((s) => [
              s.rank,
              s.node,
              num(s.score),
              num(s.pagerank),
              num(s.tail),
              num(s.logTvlScaled),
            ])
            const spill = r.spillover.flatMap((sp) =>
              sp.top.slice(0, 5).map((c) => [sp.level, c.from, c.to, num(c.exposure)]),
            )
            return [
              `week ${r.week} (run ${r.runId})${r.previousWeek ? `, deltas against ${r.previousWeek}` : ''}`,
              table(['metric', 'value', 'delta', 'definition'], rows),
              r.largestEdge
                ? `largest exposure: ${r.largestEdge.source} → ${r.largestEdge.target} (${num(r.largestEdge.weight)} USD)`
                : 'largest exposure: none (no edges)',
              '',
              'systemic importance (SIS)',
              table(
                ['rank', 'node', 'SIS', 'PageRank', 'tail', 'log-TVL'],
                sis.map((x) => x.map(String)),
              ),
              '',
              'largest cross-sector exposures',
              table(['level', 'holder sector', 'issuer sector', 'USD'], spill),
              ...r.warnings.map((w) => `warning: ${w}`),
              ...(synthetic ? [SYNTHETIC_NOTE] : []),
            ].join('\n')
          })
          return
        }
        const metrics = opts.metrics ? opts.metrics.split(',').map((s) => s.trim()) : SERIES_DEFAULT
        const unknown = metrics.filter((m) => !(STAT_KEYS as string[]).includes(m))
        if (unknown.length)
          throw new DexposureError('USAGE', `unknown metrics: ${unknown.join(', ')}`, {
            field: '--metrics',
          })
        const bar = ctx.progress(cmd, 'stats', 1, 'weeks')
        let points
        try {
          points = statsSeries(archive, {
            from: opts.from,
            to: opts.to,
            params,
            signal: ctx.signal,
            onProgress: (d, t, w) => bar.report(d, t, w),
          })
        } finally {
          bar.stop()
        }
        ctx.output(cmd, { series: points, synthetic }, () =>
          [
            table(
              ['week', ...metrics],
              points.map((p) => [
                p.week,
                ...metrics.map((m) => num(p.values[m as keyof typeof p.values])),
              ]),
            ),
            `${points.length} weeks`,
            ...(synthetic ? [SYNTHETIC_NOTE] : []),
          ].join('\n'),
        )
      } finally {
        archive.close()
      }
    })
}
