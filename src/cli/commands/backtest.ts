import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { baselineFrom } from '../../engine/forecast/backtest-store'
import {
  runBacktest,
  type BacktestResult,
  type RealisticMode,
} from '../../engine/forecast/backtest'
import { ForecastModel, modelDirFor } from '../../engine/forecast/model'
import { lineChart, reliabilityPoints } from '../../engine/report/plots'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'

interface BacktestOptions {
  horizon: string
  model?: string | false
  provider?: string
  from?: string
  to?: string
  negRatio: string
  plots?: string
  seed: string
  realistic: string
  recalibrate: boolean
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd']
const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(2)} %`)

export function register(program: Command, ctx: CliContext): void {
  program
    .command('backtest')
    .description(
      'walk-forward evaluation of link and node forecasts (paper and realistic protocols)',
    )
    .requiredOption('--horizon <weeks>', 'forecast horizon in weeks (1, 4, 8, 12, …)')
    .option(
      '--model <dir>',
      'a forecast model directory (default: the shipped model for the horizon)',
    )
    .option('--no-model', 'baselines only')
    .option(
      '--provider <name>',
      'force an ONNX Runtime execution provider (cuda, dml, coreml, webgpu, cpu)',
    )
    .option(
      '--from <week>',
      'first anchor week t (default: with a model, the first week after its training window ' +
        "(model.json's last_week_used): the test weeks `train` left; without one, 2025-01-06, the " +
        "paper's hold-out, when archived, else the last 15 % of the archive's weeks)",
    )
    .option('--to <week>', 'last anchor week t (default: the last with t+h archived)')
    .option('--neg-ratio <n>', 'paper protocol: random negatives per positive', '5')
    .option('--seed <n>', 'seed of the negative sampling', '42')
    .option(
      '--realistic <mode>',
      'realistic protocol: exact (every pair), candidates (the forecast candidate set + one ' +
        'sampled probability for the rest) or auto (exact up to 2·10⁷ pairs per week)',
      'auto',
    )
    .option('--plots <dir>', 'write a PR curve and a reliability diagram (SVG) here')
    .option(
      '--no-recalibrate',
      "score the model as trained, without the recalibration on the archive's past that forecasts apply",
    )
    .action(async (o: BacktestOptions, cmd: Command) => {
      const horizon = Number(o.horizon)
      if (!Number.isInteger(horizon) || horizon < 1)
        throw new DexposureError('USAGE', '--horizon must be a positive integer (weeks)', {
          field: '--horizon',
        })
      for (const [flag, w] of [
        ['--from', o.from],
        ['--to', o.to],
      ] as const) {
        const problem = w === undefined ? null : weekProblem(w)
        if (problem) throw new DexposureError('USAGE', problem, { field: flag })
      }
      if (!Number.isSafeInteger(Number(o.seed)))
        throw new DexposureError('USAGE', `--seed must be an integer, not ${o.seed}`, {
          field: '--seed',
        })
      const archive = ctx.openArchive(cmd, { readonly: true })
      const modelDir = o.model === false ? null : (o.model ?? modelDirFor(horizon, archive.file))
      const model = modelDir ? await ForecastModel.load(modelDir, { provider: o.provider }) : null
      if (model) {
        ctx.log(cmd, `model ${modelDir} on execution provider ${model.provider}`)
        for (const f of model.fallbacks) ctx.log(cmd, `  (${f.provider} unavailable: ${f.error})`)
      }
      const bar = ctx.progress(cmd, 'backtest', 1, 'weeks')
      let r: BacktestResult
      try {
        r = await runBacktest(archive, {
          horizon,
          model: model ?? undefined,
          from: o.from ?? (model ? undefined : baselineFrom(archive, horizon)),
          to: o.to,
          negRatio: Number(o.negRatio),
          seed: Number(o.seed),
          realistic: o.realistic as RealisticMode,
          recalibrate: o.recalibrate,
          signal: ctx.signal,
          onProgress: (d, t, w) => bar.report(d, t, w),
        })
      } finally {
        bar.stop()
        await model?.release()
      }
      const synthetic = archive.hasSynthetic()
      archive.close()
      if (!model)
        ctx.log(
          cmd,
          `note: no forecast model for h=${horizon}: the "model" entries are null (baselines only)`,
        )
      const approx = r.realistic_weeks.filter((w) => w.mode === 'candidates')
      if (approx.length)
        ctx.log(
          cmd,
          `realistic protocol through the candidate set on ${approx.length} of ${r.weeks.length} weeks ` +
            `(every other pair at one sampled probability; see docs/evaluation.md)`,
        )
      if (o.plots) writePlots(o.plots, r)
      const { curves: _curves, ...json } = r
      const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4))
      const provenance = model
        ? {
            model_dir: modelDir,
            provider: model.provider,
            fallbacks: model.fallbacks,
            training_window: model.manifest.training_window,
          }
        : { model_dir: null }
      ctx.output(cmd, { ...json, ...provenance, synthetic }, () => {
        const p = r.protocols.paper
        const q = r.protocols.realistic
        const rows = (['model', 'persistence', 'edgebank'] as const)
          .filter((k) => p[k])
          .map((k) => [
            k === 'edgebank' ? 'edgebank (all)' : k === 'model' ? `model (${model?.provider})` : k,
            f(p[k]?.auprc),
            f(p[k]?.auroc),
            f(p[k]?.weight_mae),
            f(p[k]?.node_mae),
            f(q[k]?.auprc),
            f(q[k]?.ece),
            f(q[k]?.precision_at['1000']),
            f(q[k]?.new_edges.auprc),
          ])
        return [
          `backtest h=${r.horizon}: ${r.weeks.length} anchor weeks ${r.weeks[0]} … ${r.weeks.at(-1)}; ` +
            `paper ${r.pairs.paper} pairs (1:${r.neg_ratio}), realistic ${r.pairs.realistic} pairs ` +
            `(${r.pairs.realistic_positives} positives, base rate ${(r.pairs.realistic_positives / Math.max(1, r.pairs.realistic)).toExponential(2)})`,
          ...(r.fresh_pairs.expected !== null
            ? [
                `fresh pairs${r.fresh_pairs.recalibrated ? ' (recalibrated)' : ' (model as trained)'}: ` +
                  `Σ p ${r.fresh_pairs.expected.toFixed(0)} against ${r.fresh_pairs.appeared} new relationships ` +
                  `that appeared (×${r.fresh_pairs.ratio?.toFixed(2) ?? '—'})`,
              ]
            : []),
          `candidate recall of t+h edges: mean ${pct(r.candidate_recall.mean)}, min ` +
            `${pct(r.candidate_recall.min)} (target ${pct(r.candidate_recall.target)}); ` +
            `new edges ${pct(r.candidate_recall.new_edge_mean)}`,
          table(
            [
              'scorer',
              'paper AUPRC',
              'AUROC',
              'weight MAE',
              'node MAE',
              'real AUPRC',
              'ECE',
              'P@1000',
              'new-edge AUPRC',
            ],
            rows,
          ),
          ...(o.plots ? [`plots written to ${o.plots}`] : []),
          ...(synthetic ? [SYNTHETIC_NOTE] : []),
        ].join('\n')
      })
    })
}

function writePlots(dir: string, r: BacktestResult): void {
  mkdirSync(dir, { recursive: true })
  const names = Object.keys(r.curves)
  const pr = names.map((n, i) => ({
    name: n,
    color: COLORS[i % COLORS.length],
    points: r.curves[n].pr,
  }))
  writeFileSync(
    join(dir, 'pr-curve.svg'),
    lineChart(`Precision–recall, h=${r.horizon} (all pairs)`, 'recall', 'precision', pr, {
      steps: true,
    }),
  )
  const rel = names.map((n, i) => ({
    name: n,
    color: COLORS[i % COLORS.length],
    points: reliabilityPoints(r.curves[n].reliability),
  }))
  writeFileSync(
    join(dir, 'reliability.svg'),
    lineChart(
      `Reliability, h=${r.horizon} (all pairs)`,
      'predicted probability',
      'observed frequency',
      rel,
      { diagonal: true, markers: true },
    ),
  )
}
