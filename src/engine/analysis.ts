// The engine side of the contract's risk, forecast, backtest and training calls
// (src/shared/api-analysis.ts): EngineService spreads these handlers into its own. Reads go to the
// view modules; long work starts jobs. One job of each kind runs at a time: a second `risk`,
// `stress`, `backtest` or `train` job is refused with CONFLICT naming the running one (each holds
// the CPU for seconds to minutes, and a queue would hide which result a view is waiting for),
// while a second request for missing statistics joins the `stats` job already filling them.
import type { z } from 'zod'
import type { analysisCalls, CallResponse } from '../shared/api'
import { DexposureError, isDexposureError } from '../shared/errors'
import { weekProblem } from '../shared/dates'
import type { ScenarioInput } from '../shared/risk/contagion/run'
import type { ContagionMethod } from '../shared/risk/contagion/types'
import { parseShockSpec, scenarioByName } from '../shared/risk/scenarios'
import { backtestAndStore, listBacktests, readBacktest } from './forecast/backtest-store'
import { readManifest } from './forecast/model'
import { requireForecastRun, type ForecastRunRow, type RunModel } from './forecast/stored-run'
import {
  checkTorchAsync,
  planTraining,
  runTrainer,
  trainingProgress,
  writtenWindow,
} from './forecast/trainer'
import { forecastEdges, forecastExplain, forecastFrame, forecastNodes } from './forecast/views'
import type { JobContext, JobRegistry } from './jobs'
import type { UniverseView } from './layout/graph-layout'
import { checkContagionParams, riskRun } from './risk/contagion-runs'
import { riskPlayback } from './risk/playback'
import { checkWeek } from './risk/stats-runs'
import { readStress, stressRun } from './risk/stress'
import {
  alertsView,
  fillStats,
  riskComparisonView,
  riskResultView,
  statsSeriesView,
  weekSisView,
  weekSpilloverView,
  weeksToFill,
  weekStatsView,
} from './risk/views'
import type { Archive } from './store/archive'
import { resolveModelChoice } from './model-choice'

export type AnalysisCallName = keyof typeof analysisCalls
type Req<K extends AnalysisCallName> = z.output<(typeof analysisCalls)[K]['request']>
type Handlers = {
  [K in AnalysisCallName]: (r: Req<K>) => Promise<CallResponse<K>> | CallResponse<K>
}

type ContagionRequest = Req<'risk.run'> | Req<'risk.stress'>

/** Scenarios, custom shocks, methods and parameters of a request, checked as the CLI checks them. */
function contagionOptions(r: ContagionRequest) {
  const scenarios: ScenarioInput[] = (r.scenarios ?? []).map((name) => {
    const s = scenarioByName(name) // USAGE naming the known ones
    return { name: s.name, spec: s.spec }
  })
  const custom: string[] = []
  ;(r.shocks ?? []).forEach((text, k) => {
    const name = r.shocks!.length === 1 ? 'custom' : `custom-${k + 1}`
    try {
      scenarios.push({ name, spec: parseShockSpec(text) })
    } catch (e) {
      if (!isDexposureError(e)) throw e
      throw new DexposureError(e.code, e.message, { ...e.location, field: `shocks.${k}` })
    }
    custom.push(name)
  })
  const params = {
    distressThreshold: r.threshold,
    maxRounds: r.rounds,
    debtRankVariant: r.debtRankVariant,
    alpha: r.alpha,
    beta: r.beta,
  }
  checkContagionParams(params)
  return {
    scenarios: scenarios.length ? scenarios : undefined,
    customNames: custom,
    methods: r.methods ? ([...new Set(r.methods)] as ContagionMethod[]) : undefined,
    params,
  }
}

export class AnalysisCalls {
  /** What each running job of ours is about, for the CONFLICT message of a second one. */
  private readonly labels = new Map<string, string>()

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
    private readonly universe: () => UniverseView,
  ) {}

  /** Starts a job unless one of its kind runs (CONFLICT, naming it). */
  private exclusive<T>(
    kind: string,
    label: string,
    run: (ctx: JobContext) => Promise<T>,
    result?: (value: T) => Record<string, unknown>,
  ): string {
    const running = this.jobs.list()
    for (const id of this.labels.keys())
      if (!running.some((j) => j.id === id)) this.labels.delete(id)
    const same = running.find((j) => j.kind === kind)
    if (same)
      throw new DexposureError(
        'CONFLICT',
        `a ${kind} job is already running (job ${same.id}${this.labels.has(same.id) ? `, ${this.labels.get(same.id)}` : ''}); wait for it to finish or cancel it`,
      )
    const id = this.jobs.start(kind, run, { result })
    this.labels.set(id, label)
    return id
  }

  /** A request's model choice for a forecast of `horizon`, as name + sha256 (field `model`). */
  private forecastModel(
    choice: string | undefined,
    horizon: number | undefined,
  ): RunModel | undefined {
    if (choice === undefined || horizon === undefined) return undefined
    const m = resolveModelChoice(this.archive.file, choice, horizon, 'model')
    return { name: m.name, sha256: m.sha256, dir: m.dir }
  }

  /**
   * The stored forecast run a request names (`forecastRun`): of the request's week and horizon
   * (USAGE otherwise) and, with a model choice, of that model (CONFLICT naming both).
   */
  private pinnedRun(
    runId: number,
    week: string,
    horizon: number | undefined,
    model: RunModel | undefined,
  ): ForecastRunRow {
    if (horizon === undefined)
      throw new DexposureError('USAGE', 'a forecast run is measured on forecast graphs only', {
        field: 'forecastRun',
      })
    const run = requireForecastRun(this.archive, { runId })
    if (run.week !== week || run.horizon !== horizon)
      throw new DexposureError(
        'USAGE',
        `forecast run ${runId} is for week ${run.week} horizon ${run.horizon}, not ${week} horizon ${horizon}`,
        { field: 'forecastRun' },
      )
    if (model && (run.model !== model.name || run.model_sha256 !== model.sha256))
      throw new DexposureError(
        'CONFLICT',
        `forecast run ${runId} is of model ${run.model} (sha256 ${run.model_sha256.slice(0, 12)}…), not of the chosen model ${model.name} (sha256 ${model.sha256.slice(0, 12)}…)`,
        { field: 'forecastRun' },
      )
    return run
  }

  /** The `stats` job filling missing weeks: the running one, or a new one. */
  private startFill(): string {
    const running = this.jobs.list().find((j) => j.kind === 'stats')
    if (running) return running.id
    return this.jobs.start(
      'stats',
      (ctx) =>
        fillStats(this.archive, {
          signal: ctx.signal,
          onProgress: (done, total, week) => ctx.progress(done, total, `week ${week}`, { week }),
        }),
      { result: (r) => r },
    )
  }

  handlers(): Handlers {
    const a = this.archive
    return {
      'week.stats': (r) => weekStatsView(a, r.week),
      'stats.series': (r) => {
        const s = statsSeriesView(a, r.metrics)
        return { ...s, jobId: s.missing > 0 && r.fill !== false ? this.startFill() : null }
      },
      'stats.fill': () => {
        const missing = weeksToFill(a).length
        return { jobId: missing > 0 ? this.startFill() : null, missing }
      },
      'week.sis': (r) => weekSisView(a, r),
      'week.spillover': (r) => weekSpilloverView(a, r.week, r.level),
      'alerts.list': (r) => alertsView(a, r, () => this.startFill()),
      'risk.run': (r) => {
        checkWeek(a, r.week)
        const horizon = r.graph && r.graph !== 'observed' ? r.graph.forecast : undefined
        if (r.model !== undefined && horizon === undefined)
          throw new DexposureError('USAGE', 'a model is chosen for forecast graphs only', {
            field: 'model',
          })
        const model = this.forecastModel(r.model, horizon)
        // refused now (CONFLICT naming both models, or NOT_FOUND), not inside the job
        const pinned =
          r.forecastRun === undefined
            ? undefined
            : this.pinnedRun(r.forecastRun, r.week, horizon, model)
        if (horizon !== undefined && !pinned)
          requireForecastRun(a, { week: r.week, horizon, model })
        const o = contagionOptions(r)
        const label = `week ${r.week}${horizon ? `, forecast h=${horizon}${model ? ` of ${model.name}` : ''}` : ''}`
        return {
          jobId: this.exclusive(
            'risk',
            label,
            async (ctx) => {
              ctx.progress(0, 1, label)
              const report = riskRun(a, r.week, {
                ...o,
                measureStats: r.stats ?? true,
                forecast: horizon,
                forecastModel: model,
                forecastRunId: pinned?.run_id,
              })
              ctx.progress(1, 1, label)
              return report
            },
            (report) => ({
              week: report.week,
              horizon: report.horizon,
              graphs: report.graphs.map((g) => ({
                graph: g.graph,
                targetWeek: g.targetWeek,
                statsRunId: g.statsRunId,
                contagionRunId: g.contagionRunId,
              })),
              compareRunId: report.compareRunId,
              warnings: report.warnings,
            }),
          ),
        }
      },
      'risk.result': (r) => riskResultView(a, r),
      'risk.playback': (r) =>
        riskPlayback(a, this.universe(), r.runId, r.scenario, r.method, r.edgeLoss),
      'risk.comparison': (r) => riskComparisonView(a, r.week, r.horizon, r.forecastRun),
      'risk.stress': (r) => {
        checkWeek(a, r.week)
        const model = this.forecastModel(r.model, r.horizon)
        const pinned =
          r.forecastRun === undefined
            ? requireForecastRun(a, { week: r.week, horizon: r.horizon, model })
            : this.pinnedRun(r.forecastRun, r.week, r.horizon, model)
        const o = contagionOptions(r)
        const draws = r.draws ?? 200
        return {
          jobId: this.exclusive(
            'stress',
            `week ${r.week}, h=${r.horizon}, ${draws} draws`,
            (ctx) =>
              stressRun(a, {
                ...o,
                week: r.week,
                horizon: r.horizon,
                model,
                forecastRunId: r.forecastRun === undefined ? undefined : pinned.run_id,
                draws,
                seed: r.seed,
                weightSigma: r.weightSigma,
                lossThresholds: r.lossThresholds,
                topNodes: r.topNodes,
                signal: ctx.signal,
                onProgress: (done, total) => ctx.progress(done, total, 'draws'),
              }),
            (report) => ({ runId: report.runId, draws: report.draws }),
          ),
        }
      },
      'risk.stress.result': (r) => readStress(a, r),
      'forecast.edges': (r) => forecastEdges(a, r),
      'forecast.nodes': (r) => forecastNodes(a, r),
      'forecast.frame': (r) => forecastFrame(a, this.universe(), r),
      'forecast.explain': (r) => forecastExplain(a, r),
      'backtest.run': (r) => {
        for (const [field, w] of [
          ['from', r.from],
          ['to', r.to],
        ] as const) {
          const p = w === undefined ? null : weekProblem(w)
          if (p) throw new DexposureError('USAGE', p, { field })
        }
        // a missing or unreadable model folder is refused now, not minutes later
        if (typeof r.model === 'string') readManifest(r.model)
        return {
          jobId: this.exclusive(
            'backtest',
            `h=${r.horizon}${r.model === null ? ', baselines only' : ''}`,
            (ctx) =>
              backtestAndStore(a, {
                horizon: r.horizon,
                modelDir: r.model,
                from: r.from,
                to: r.to,
                negRatio: r.negRatio,
                seed: r.seed,
                realistic: r.realistic,
                signal: ctx.signal,
                onProgress: (done, total, week) =>
                  ctx.progress(done, total, `anchor week ${week}`, { week }),
              }),
            (runId) => ({ runId }),
          ),
        }
      },
      'backtest.result': (r) => readBacktest(a, r),
      'backtest.list': (r) => listBacktests(a, r.horizon, r.limit),
      'train.run': (r) => {
        // the contract's field names in errors (valUntil, not --val-until)
        const field = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
        const plan = planTraining(a.file, () => a.listWeeks(), r, field)
        const epochs = r.epochs ?? 12
        return {
          jobId: this.exclusive(
            'train',
            `h=${r.horizon}`,
            async (ctx) => {
              const tail: string[] = []
              let done = 0
              ctx.progress(0, epochs, plan.describe.join('; '))
              // a missing PyTorch fails the job (NOT_FOUND) rather than blocking the call
              await checkTorchAsync()
              const code = await runTrainer(plan.args, {
                signal: ctx.signal,
                onLine: (line) => {
                  tail.push(line)
                  if (tail.length > 5) tail.shift()
                  // every log line is news (the UI shows it); epochs move the bar
                  done = trainingProgress(line, epochs)?.done ?? done
                  ctx.progress(done, epochs, line)
                },
              })
              if (code !== 0)
                throw new DexposureError(
                  'INTERNAL',
                  `training failed (train.py exited with ${code}): ${tail.join(' | ')}`,
                )
              return {
                horizon: r.horizon,
                modelDir: plan.out,
                defaultForArchive: true,
                trainingWindow: writtenWindow(plan.out),
              }
            },
            (x) => x,
          ),
        }
      },
    }
  }
}
