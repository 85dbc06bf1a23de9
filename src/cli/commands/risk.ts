// `dexposure risk`: stress scenarios through the reference cascade, DebtRank and Eisenberg–Noe
// clearing on a week, optionally beside the forecast Ĝ(t+h) and the realised G(t+h), or a
// persistence backtest over a range of weeks. Results are stored in the archive.
import type { Command } from 'commander'
import { riskBacktest, riskRun, type RiskOptions } from '../../engine/risk'
import { stressRun, type StressReport } from '../../engine/risk/stress'
import { DexposureError } from '../../shared/errors'
import type { ScenarioInput } from '../../shared/risk/contagion/run'
import { CONTAGION_METHODS, type ContagionMethod } from '../../shared/risk/contagion/types'
import { SCENARIOS, parseShockSpec, scenarioByName } from '../../shared/risk/scenarios'
import { findForecastRun } from '../../engine/forecast/stored-run'
import { resolveModelChoice } from '../../engine/model-choice'
import type { Archive } from '../../engine/store/archive'
import type { CliContext } from '../context'
import { SYNTHETIC_NOTE, table } from '../format'
import { checkWeekOption, num, parseSisOptions, positiveInt } from './stats'

interface RiskCliOptions {
  week?: string
  from?: string
  to?: string
  forecast?: string
  persistence?: string
  scenario: string[]
  shock: string[]
  method: string[]
  debtrankVariant: string
  alpha: string
  beta: string
  distressThreshold: string
  maxRounds: string
  sisWeights?: string
  tailK: string
  monteCarlo?: string
  seed: string
  weightSigma?: string
  lossThreshold: string[]
  model?: string
}

const collect = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
]
// Shock specs contain commas (node and category lists): each --shock is one spec.
const collectWhole = (v: string, prev: string[]) => [...prev, v]

function number(value: string, field: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n))
    throw new DexposureError('USAGE', `${field} must be a number`, { field })
  return n
}

function scenariosOf(o: RiskCliOptions): { scenarios: ScenarioInput[]; custom: string[] } {
  const named = o.scenario.flatMap((n) =>
    n.toLowerCase() === 'all' ? SCENARIOS.map((s) => s.name) : [n],
  )
  const scenarios: ScenarioInput[] = named.map((n) => {
    const s = scenarioByName(n)
    return { name: s.name, spec: s.spec }
  })
  const custom: string[] = []
  o.shock.forEach((text, k) => {
    const name = o.shock.length === 1 ? 'custom' : `custom-${k + 1}`
    scenarios.push({ name, spec: parseShockSpec(text) })
    custom.push(name)
  })
  return {
    scenarios: scenarios.length
      ? scenarios
      : SCENARIOS.map((s) => ({ name: s.name, spec: s.spec })),
    custom,
  }
}

function methodsOf(o: RiskCliOptions): ContagionMethod[] {
  if (o.method.length === 0) return CONTAGION_METHODS
  const bad = o.method.filter((m) => !(CONTAGION_METHODS as string[]).includes(m))
  if (bad.length)
    throw new DexposureError(
      'USAGE',
      `unknown method ${bad.join(', ')} (${CONTAGION_METHODS.join(', ')})`,
      {
        field: '--method',
      },
    )
  return [...new Set(o.method)] as ContagionMethod[]
}

/** `--model NAME|DIR` as the forecast model whose stored run `--forecast H` reads. */
function forecastModelOf(archive: Archive, o: RiskCliOptions, opts: RiskOptions): RiskOptions {
  if (o.model === undefined) return opts
  if (opts.forecast === undefined)
    throw new DexposureError('USAGE', '--model chooses the model of --forecast H', {
      field: '--model',
    })
  const m = resolveModelChoice(archive.file, o.model, opts.forecast, '--model')
  return { ...opts, forecastModel: { name: m.name, sha256: m.sha256, dir: m.dir } }
}

export function register(program: Command, ctx: CliContext): void {
  /** `--monte-carlo N`: the stress distribution on the forecast graph instead of the side-by-side report. */
  async function stress(o: RiskCliOptions, opts: RiskOptions, cmd: Command): Promise<void> {
    if (o.week === undefined || opts.forecast === undefined)
      throw new DexposureError('USAGE', '--monte-carlo needs --week W and --forecast H', {
        field: '--monte-carlo',
      })
    if (o.persistence !== undefined || o.from !== undefined || o.to !== undefined)
      throw new DexposureError('USAGE', '--monte-carlo works on one week and its forecast only', {
        field: '--monte-carlo',
      })
    const draws = positiveInt(o.monteCarlo!, '--monte-carlo')
    const seed = Number(o.seed)
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new DexposureError('USAGE', '--seed must be a whole number ≥ 0', { field: '--seed' })
    const weightSigma =
      o.weightSigma === undefined ? undefined : number(o.weightSigma, '--weight-sigma')
    const lossThresholds = o.lossThreshold.length
      ? o.lossThreshold.map((x) => number(x.replace(/%$/, ''), '--loss-threshold'))
      : undefined
    const archive = ctx.openArchive(cmd, { create: false })
    try {
      const bar = ctx.progress(cmd, 'monte carlo', draws, 'draws')
      let r: StressReport
      try {
        const chosen = forecastModelOf(archive, o, opts)
        r = await stressRun(archive, {
          ...opts,
          model: chosen.forecastModel,
          week: o.week,
          horizon: opts.forecast,
          draws,
          seed,
          weightSigma,
          lossThresholds,
          signal: ctx.signal,
          onProgress: (d, t) => bar.report(d, t),
        })
      } finally {
        bar.stop()
      }
      ctx.output(cmd, r, () => {
        const pct = (x: number) => `${num(x)} %`
        const out = [
          `Monte Carlo on the forecast of ${r.week} + ${r.horizon} weeks (${r.targetWeek}, forecast run ${r.forecastRun}): ` +
            `${r.draws} draws, seed ${r.seed}, ${num(r.pairs.meanEdgesPerDraw)} edges per draw on average ` +
            `(Ĝ: ${r.pairs.pointGraphEdges}); weight σ = ${num(r.weightSigma)} (${r.weightSigmaSource}); stress run ${r.runId}`,
          table(
            [
              'scenario',
              'method',
              'point loss',
              'mean',
              'VaR95',
              'CVaR95',
              'VaR99',
              'CVaR99',
              ...r.lossThresholdsPct.map((x) => `P(>${x} %)`),
              'distressed (mean)',
            ],
            r.scenarios.flatMap((s) =>
              s.results.map((m) => [
                s.scenario,
                m.method,
                pct(m.point.totalLossPct),
                pct(m.lossPct.mean),
                pct(m.lossPct.var95),
                pct(m.lossPct.cvar95),
                pct(m.lossPct.var99),
                pct(m.lossPct.cvar99),
                ...m.exceedance.map((e) => num(e.probability)),
                num(m.distressed.mean),
              ]),
            ),
          ),
          "losses in % of the forecast graph's total TVL; VaR = empirical quantile, CVaR = mean of the worst tail (docs/risk.md)",
          ...r.warnings.map((w) => `warning: ${w}`),
          ...(r.synthetic ? [SYNTHETIC_NOTE] : []),
        ]
        return out.join('\n')
      })
    } finally {
      archive.close()
    }
  }

  program
    .command('risk')
    .description(
      'stress scenarios (reference cascade, DebtRank, Eisenberg–Noe) on a week, its forecast and its realisation; stored in the archive',
    )
    .option('--week <YYYY-MM-DD>', 'the week t (a Monday)')
    .option(
      '--forecast <h>',
      'also measure the stored forecast Ĝ(t+h) and, when archived, the realised G(t+h)',
    )
    .option(
      '--model <name|dir>',
      "with --forecast H: the model whose stored forecast run is read (a model folder, or a model's manifest name); another model's run is refused",
    )
    .option(
      '--persistence <h>',
      'also measure the realised G(t+h) and score persistence (G(t) as its prediction)',
    )
    .option(
      '--from <YYYY-MM-DD>',
      'backtest over anchor weeks from this week (with --persistence or --forecast)',
    )
    .option('--to <YYYY-MM-DD>', 'backtest: last anchor week')
    .option(
      '--scenario <names>',
      `named scenarios, repeatable or comma-separated: ${SCENARIOS.map((s) => s.name).join(', ')}, all (default)`,
      collect,
      [],
    )
    .option(
      '--shock <spec>',
      'a custom shock, e.g. "top:5:sis@30%", "category:Lending,CDP@0.5", "nodes:182,1839" (repeatable; docs/risk.md)',
      collectWhole,
      [],
    )
    .option(
      '--method <names>',
      `contagion methods, repeatable or comma-separated: ${CONTAGION_METHODS.join(', ')} (default all)`,
      collect,
      [],
    )
    .option(
      '--debtrank-variant <v>',
      'linear (Bardoscia et al. 2015) or single-hit (Battiston et al. 2012)',
      'linear',
    )
    .option(
      '--alpha <a>',
      'Rogers–Veraart: share of external assets realised in default (1 = Eisenberg–Noe)',
      '1',
    )
    .option('--beta <b>', 'Rogers–Veraart: share of interbank receipts realised in default', '1')
    .option('--distress-threshold <x>', 'relative loss above which a node is distressed', '0.1')
    .option('--max-rounds <n>', 'reference cascade: most rounds', '10')
    .option('--sis-weights <a,b,c>', 'SIS weights (for top:K:sis shocks and the stored statistics)')
    .option('--tail-k <k>', 'SIS tail exposure k', '5')
    .option(
      '--monte-carlo <n>',
      'with --forecast H: stress under forecast uncertainty, n draws of the forecast graph (docs/risk.md)',
    )
    .option('--seed <s>', 'Monte Carlo: seed of the draws', '1')
    .option(
      '--weight-sigma <x>',
      "Monte Carlo: spread of log1p(weight) around the prediction (default: the model's residual spread)",
    )
    .option(
      '--loss-threshold <pct>',
      'Monte Carlo: loss thresholds in % of total TVL for exceedance probabilities, repeatable or comma-separated (default 1,5,10)',
      collect,
      [],
    )
    .action(async (o: RiskCliOptions, cmd: Command) => {
      checkWeekOption(o.week, '--week')
      checkWeekOption(o.from, '--from')
      checkWeekOption(o.to, '--to')
      if (o.debtrankVariant !== 'linear' && o.debtrankVariant !== 'single-hit')
        throw new DexposureError('USAGE', '--debtrank-variant is linear or single-hit', {
          field: '--debtrank-variant',
        })
      if (o.forecast !== undefined && o.persistence !== undefined)
        throw new DexposureError('USAGE', 'give --forecast or --persistence, not both', {
          field: '--forecast',
        })
      const { scenarios, custom } = scenariosOf(o)
      const opts: RiskOptions = {
        scenarios,
        customNames: custom,
        methods: methodsOf(o),
        stats: parseSisOptions(o),
        params: {
          debtRankVariant: o.debtrankVariant,
          alpha: number(o.alpha, '--alpha'),
          beta: number(o.beta, '--beta'),
          distressThreshold: number(o.distressThreshold, '--distress-threshold'),
          maxRounds: positiveInt(o.maxRounds, '--max-rounds'),
        },
        forecast: o.forecast !== undefined ? positiveInt(o.forecast, '--forecast') : undefined,
        persistence:
          o.persistence !== undefined ? positiveInt(o.persistence, '--persistence') : undefined,
      }
      if (o.monteCarlo !== undefined) {
        await stress(o, opts, cmd)
        return
      }
      const backtest = o.from !== undefined || o.to !== undefined
      if (backtest === (o.week !== undefined))
        throw new DexposureError(
          'USAGE',
          'give --week W, or --from/--to with a horizon for a backtest',
          { field: '--week' },
        )
      const archive = ctx.openArchive(cmd, { create: false })
      try {
        Object.assign(opts, forecastModelOf(archive, o, opts))
        const synthetic = archive.hasSynthetic()
        const note = synthetic ? [SYNTHETIC_NOTE] : []
        if (backtest) {
          const horizon = opts.forecast ?? opts.persistence
          if (horizon === undefined)
            throw new DexposureError('USAGE', 'a backtest needs --persistence H or --forecast H', {
              field: '--persistence',
            })
          const weeks = archive.listWeeks()
          const bar = ctx.progress(cmd, 'backtest', 1, 'anchors')
          let r
          try {
            r = riskBacktest(archive, {
              ...opts,
              from: o.from ?? weeks[0]?.week ?? '',
              to: o.to ?? weeks[weeks.length - 1]?.week ?? '',
              horizon,
              withForecast: opts.forecast !== undefined,
              signal: ctx.signal,
              onProgress: (d, t, w) => bar.report(d, t, w),
            })
          } finally {
            bar.stop()
          }
          ctx.output(cmd, { ...r, synthetic }, () =>
            [
              `backtest h=${r.horizon}: ${r.anchors.length} anchor weeks, ${r.skipped.length} skipped`,
              table(
                ['item', 'predictor', 'n', 'MAE', 'RMSE', 'rel. error', 'corr.'],
                r.summary.map((s) => [
                  s.item,
                  s.predictor,
                  String(s.errors.n),
                  num(s.errors.mae),
                  num(s.errors.rmse),
                  num(s.errors.relativeError),
                  num(s.errors.correlation),
                ]),
              ),
              ...note,
            ].join('\n'),
          )
          return
        }
        const r = riskRun(archive, o.week!, opts)
        // the forecast run Ĝ came from (the latest of the chosen model, or of any model)
        const fr =
          opts.forecast === undefined
            ? null
            : findForecastRun(archive, {
                week: o.week!,
                horizon: opts.forecast,
                model: opts.forecastModel,
              })
        ctx.output(cmd, { ...r, synthetic }, () => {
          const out: string[] = []
          if (fr)
            out.push(
              `forecast graph from forecast run ${fr.run_id}, model ${fr.model} (sha256 ${fr.model_sha256.slice(0, 12)}…)`,
            )
          for (const g of r.graphs) {
            out.push(
              `${g.graph} graph, week ${g.targetWeek}${g.horizon ? ` (t+${g.horizon})` : ''}: ${g.nodes} nodes, ${g.edges} edges (contagion run ${g.contagionRunId})`,
            )
            out.push(
              table(
                [
                  'scenario',
                  'method',
                  'shocked',
                  'loss USD',
                  'loss %',
                  'affected',
                  'distressed',
                  'defaults',
                  'rounds',
                ],
                g.scenarios.flatMap((s) =>
                  s.results.map((m) => [
                    s.scenario,
                    m.method === 'debtrank' ? `debtrank (${m.variant})` : m.method,
                    String(s.shockedCount),
                    num(m.totalLoss),
                    num(m.totalLossPct),
                    String(m.affected),
                    String(m.distressed),
                    String(m.defaults),
                    `${m.rounds}${m.converged ? '' : '*'}`,
                  ]),
                ),
              ),
            )
            const warn = new Set(
              g.scenarios.flatMap((s) => [
                ...s.warnings.map((w) => `${s.scenario}: ${w}`),
                ...s.results.flatMap((m) =>
                  m.warnings.map((w) => `${s.scenario}/${m.method}: ${w}`),
                ),
              ]),
            )
            for (const w of warn) out.push(`warning: ${w}`)
            out.push('')
          }
          if (r.comparison) {
            const hasForecast = r.graphs.some((g) => g.graph === 'forecast')
            out.push(`errors against the realised graph (t+${r.horizon})`)
            out.push(
              table(
                [
                  'item',
                  'actual',
                  ...(hasForecast ? ['forecast', '|err|'] : []),
                  'persistence',
                  '|err|',
                ],
                r.comparison.map((c) => [
                  c.item,
                  num(c.actual),
                  ...(hasForecast ? [num(c.forecast), num(c.forecastError)] : []),
                  num(c.persistence),
                  num(c.persistenceError),
                ]),
              ),
            )
          }
          out.push(
            ...r.warnings.map((w) => `warning: ${w}`),
            '* = stopped at the round limit (see warnings)',
            ...note,
          )
          return out.join('\n')
        })
      } finally {
        archive.close()
      }
    })
}
