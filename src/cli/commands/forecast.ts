import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { runForecast } from '../../engine/forecast/run'
import { csvText } from '../../shared/csv'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { Calibration } from '../../engine/forecast/stages/recalibrate'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'

interface ForecastOptions {
  week: string
  horizon: string
  model?: string
  top: string
  provider?: string
  out?: string
  recalibrate: boolean
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('forecast')
    .description(
      'forecast the exposure network h weeks after an archived week (stored as a forecast run)',
    )
    .requiredOption('--week <YYYY-MM-DD>', 'the anchor week t (archived; t+h may be in the future)')
    .requiredOption('--horizon <weeks>', 'weeks ahead (the shipped models: 1, 4, 8, 12)')
    .option('--model <dir>', 'model directory (default: the shipped model for the horizon)')
    .option('--top <k>', 'how many of the most probable pairs to print', '20')
    .option(
      '--provider <name>',
      'force an ONNX Runtime execution provider (cuda, dml, coreml, webgpu, cpu)',
    )
    .option('--out <file.csv>', 'write the stored predicted pairs as CSV')
    .option(
      '--no-recalibrate',
      "the model as trained: no recalibration on the archive's own past (docs/forecasting.md)",
    )
    .action(async (o: ForecastOptions, cmd: Command) => {
      const problem = weekProblem(o.week)
      if (problem) throw new DexposureError('USAGE', problem, { field: '--week' })
      const horizon = Number(o.horizon)
      if (!Number.isInteger(horizon) || horizon < 1)
        throw new DexposureError('USAGE', '--horizon must be a positive integer (weeks)', {
          field: '--horizon',
        })
      const top = Number(o.top)
      if (!Number.isInteger(top) || top < 0)
        throw new DexposureError('USAGE', '--top must be a non-negative integer', {
          field: '--top',
        })
      const archive = ctx.openArchive(cmd)
      const bar = ctx.progress(cmd, 'forecast', 1, 'pairs')
      try {
        const r = await runForecast(archive, {
          week: o.week,
          horizon,
          modelDir: o.model,
          provider: o.provider,
          top,
          recalibrate: o.recalibrate,
          signal: ctx.signal,
          onProgress: (d, t) => bar.report(d, t),
        })
        bar.stop()
        ctx.log(cmd, `forecast run ${r.run_id}: model ${r.model} on ${r.provider}`)
        for (const f of r.fallbacks) ctx.log(cmd, `  (${f.provider} unavailable: ${f.error})`)
        if (o.out) {
          const rows = archive.db
            .prepare(
              'SELECT source, target, probability, predicted_weight_usd, exists_at_t, in_graph FROM forecast_edges WHERE run_id = ? ORDER BY probability DESC',
            )
            .raw()
            .all(r.run_id) as (string | number)[][]
          // csvText neutralises ids that a spreadsheet would run as formulas (src/shared/csv.ts).
          writeFileSync(
            o.out,
            csvText(
              [
                'source',
                'target',
                'probability',
                'predicted_weight_usd',
                'exists_at_t',
                'in_graph',
              ],
              rows,
            ),
          )
          ctx.log(cmd, `wrote ${rows.length} predicted pairs to ${o.out}`)
        }
        ctx.output(cmd, r, () =>
          [
            `forecast of week ${r.target_week} from ${r.week} (h=${r.horizon}), run ${r.run_id}: ${r.nodes} nodes, ` +
              `${r.pairs_scored} pairs scored${r.exhaustive ? ' (every ordered pair)' : ` (candidates; other pairs p≈${r.non_candidate_probability?.toExponential(2)})`}, ` +
              `expected ${r.expected_edges.toFixed(0)} edges, predicted graph ${r.graph_edges} edges, ${r.duration_ms} ms on ${r.provider}`,
            table(
              ['holder', 'issuer', 'probability', 'predicted USD', 'edge at t'],
              r.top.map((e) => [
                e.source,
                e.target,
                e.probability.toFixed(4),
                e.predicted_weight_usd,
                e.exists_at_t ? 'yes' : 'new',
              ]),
            ),
            calibrationLine(r.calibration),
            ...r.warnings.map((w) => `warning: ${w}`),
            ...(r.synthetic ? [SYNTHETIC_NOTE] : []),
          ].join('\n'),
        )
      } finally {
        bar.stop()
        archive.close()
      }
    })
}

/** One line on the recalibration: what was applied, or why not. */
export function calibrationLine(c: Calibration): string {
  if (c.status !== 'applied') return `recalibration: ${c.status} (${c.reason})`
  const parts = [
    `recalibrated on ${c.anchors.length} past anchors (${c.anchors[0]?.week} … ${c.anchors.at(-1)?.week})`,
  ]
  if (c.fresh)
    parts.push(
      `fresh pairs: logit shift ${c.fresh.shift.toFixed(3)}, expected new relationships ${c.fresh.expected_raw.toFixed(0)} → ${c.fresh.expected.toFixed(0)} (the anchors saw ${(c.trend?.mean ?? c.fresh.target).toFixed(1)} per anchor${c.trend && c.trend.factor !== 1 ? `, × ${c.trend.factor.toFixed(3)} for the trend of new relationships up to t` : ''})`,
    )
  if (c.known)
    parts.push(
      `pairs with history: logit shift ${c.known.shift.toFixed(3)}, expected edges ${c.known.expected_raw.toFixed(0)} → ${c.known.expected.toFixed(0)}`,
    )
  if (c.node)
    parts.push(
      `node TVL change × ${c.node.alpha.toFixed(3)} (anchors' MAE ${c.node.mae.toFixed(4)}; as trained ${c.node.mae_model.toFixed(4)}, persistence ${c.node.mae_persistence.toFixed(4)})`,
    )
  if (c.reason) parts.push(c.reason)
  return parts.join('; ')
}
