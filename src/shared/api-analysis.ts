// The contract's risk, forecast, backtest and training calls (issue 11): request and response
// schemas of the week dashboard (statistics, SIS, spillovers, alerts), scenario runs with their
// playback, Monte Carlo stress on forecast graphs, forecast tables and overlay, backtests and
// training. `src/shared/api.ts` spreads `analysisCalls` into its `calls`, so these are ordinary
// calls of the one contract; the engine answers them in src/engine/analysis.ts.
//
// Conventions: responses are bounded (pages of at most 1000 rows, top-K lists); arrays as long as
// a week travel as base64 little-endian typed arrays (src/shared/packed.ts); a number that is
// undefined (NaN in the engine) is null; long work is a job (`{ jobId }`, then job.progress and
// job.done with a small `result`), one running job per kind (docs/architecture.md).
import { z } from 'zod'
import { CONTAGION_METHOD_NAMES, SIS_SORTS } from './api-names'

export { CONTAGION_METHOD_NAMES, SIS_SORTS }

const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a week YYYY-MM-DD')
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
/** Base64 of a little-endian typed array (decode with src/shared/packed.ts). */
const packed = (what: string) => z.string().describe(what)
/** A number the engine may leave undefined (null; NaN never crosses the boundary). */
const maybe = z.number().nullable()
const horizon = z.number().int().positive().max(520)
const limit = z.number().int().positive().max(1000).optional()
const offset = z.number().int().min(0).optional()
const order = z.enum(['asc', 'desc']).optional()
const JobStartedSchema = z.object({ jobId: z.string() })

const method = z.enum(CONTAGION_METHOD_NAMES)

// ---- week dashboard

export const StatDefinitionSchema = z.object({ key: z.string(), label: z.string() })

export const WeekStatsSchema = z.object({
  week,
  synthetic: z.boolean(),
  /** The stored stats run (risk_runs) the values come from. */
  runId: z.number().int(),
  /** True when read back from an earlier run; false when computed by this call. */
  cached: z.boolean(),
  created: z.string(),
  /** Every statistic of docs/risk.md, as `dexposure stats --json` gives (`values`). */
  values: z.record(z.string(), maybe),
  previousWeek: week.nullable(),
  /** The previous archived week's values (computed and stored when missing). */
  previous: z.record(z.string(), maybe).nullable(),
  /** `delta_<metric>` = value − previous value, as `stats --json` gives them. */
  deltas: z.record(z.string(), maybe).nullable(),
  /** The largest single exposure of the week and of the previous one. */
  largestExposure: z
    .object({
      source: z.string(),
      target: z.string(),
      sourceName: z.string().nullable(),
      targetName: z.string().nullable(),
      weight: z.number(),
    })
    .nullable(),
  previousLargestExposure: maybe,
  definitions: z.array(StatDefinitionSchema),
  warnings: z.array(z.string()),
  durationMs: z.number(),
})

export const StatsSeriesSchema = z.object({
  /** Every archived week, oldest first: the packed arrays index it. */
  weeks: z.array(week),
  present: packed('Int32[weeks]: 1 where the week has stored statistics'),
  /** metric → Float64[weeks], NaN where not stored (or undefined that week). */
  metrics: z.record(z.string(), packed('Float64[weeks]')),
  stored: z.number().int(),
  missing: z.number().int(),
  /** The `stats` job computing the missing weeks (started or joined by this call), or null. */
  jobId: z.string().nullable(),
})

export const SisRowSchema = z.object({
  rank: z.number().int(),
  node: z.string(),
  name: z.string().nullable(),
  category: z.string(),
  sector: z.string(),
  score: z.number(),
  /** Raw PageRank (sums to 1) and the three weighted parts of the score. */
  pagerank: z.number(),
  pagerankScaled: z.number(),
  tail: z.number(),
  logTvlScaled: z.number(),
  /** Rank in the previous archived week (null: not ranked there). */
  previousRank: z.number().int().nullable(),
  /** previousRank − rank: positive = moved up. */
  rankChange: z.number().int().nullable(),
})

export const WeekSisSchema = z.object({
  week,
  runId: z.number().int(),
  previousWeek: week.nullable(),
  weights: z.object({ pagerank: z.number(), tail: z.number(), tvl: z.number() }),
  tailK: z.number().int(),
  /** Nodes ranked in the week, and those matching the filter. */
  nodes: z.number().int(),
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(SisRowSchema),
})

export const WeekSpilloverSchema = z.object({
  week,
  level: z.enum(['category', 'sector']),
  runId: z.number().int(),
  /** Row and column labels, by total involvement (row + column sum), largest first. */
  labels: z.array(z.string()),
  matrix: packed('Float64[labels²], row-major: row = holder side, column = issuer side (USD)'),
  rowTotals: z.array(z.number()),
  colTotals: z.array(z.number()),
  /** Σ of every cell, diagonal included. */
  total: z.number(),
  /** Σ off the diagonal (spillover_total) and its HHI (spillover_index). */
  crossTotal: maybe,
  index: maybe,
  connectivityDensity: maybe,
  crossRatio: maybe,
})

export const AlertSchema = z.object({
  week,
  kind: z.enum(['zscore', 'gap', 'stale']),
  metric: z.string().nullable(),
  value: maybe,
  mean: maybe,
  std: maybe,
  z: maybe,
  reason: z.string(),
})

export const AlertsListSchema = z.object({
  /** pending: `missing` weeks have no stored statistics yet; job `jobId` computes them. */
  state: z.enum(['ready', 'pending']),
  jobId: z.string().nullable(),
  missing: z.number().int(),
  from: week.nullable(),
  to: week.nullable(),
  runId: z.number().int().nullable(),
  weeksMonitored: z.number().int(),
  alerts: z.array(AlertSchema),
  evaluation: z
    .object({
      events: z.array(
        z.object({
          name: z.string(),
          week,
          leadWeeks: maybe,
          firstAlertWeek: week.nullable(),
          alertsInWindow: z.number().int(),
          detected: z.boolean(),
        }),
      ),
      precision: maybe,
      recall: maybe,
      alertedWeeks: z.number().int(),
      alertedWeeksInWindows: z.number().int(),
      lookbackWeeks: z.number().int(),
      afterWeeks: z.number().int(),
    })
    .nullable(),
  freshness: z.object({ newestWeek: week, ageDays: z.number(), stale: z.boolean() }).nullable(),
  synthetic: z.boolean(),
})

// ---- scenarios, contagion runs and playback

const contagionOptions = {
  /** Named scenarios (docs/risk.md); default all eight unless `shocks` are given. */
  scenarios: z.array(z.string().min(1)).max(16).optional(),
  /** Custom shocks in the --shock grammar (each one scenario `custom` or `custom-k`). */
  shocks: z.array(z.string().min(1).max(2000)).max(8).optional(),
  methods: z.array(method).min(1).max(3).optional(),
  /** Distress threshold (relative loss), default 0.1. */
  threshold: z.number().min(0).max(1).optional(),
  /** Reference cascade's round cap, default 10. */
  rounds: z.number().int().min(1).max(1000).optional(),
  debtRankVariant: z.enum(['linear', 'single-hit']).optional(),
  alpha: z.number().min(0).max(1).optional(),
  beta: z.number().min(0).max(1).optional(),
}

/**
 * The forecast model a call reads the stored run of: a model folder (`models.list` `dir`, what the
 * workbench's model choice keeps) or a model name listed for the horizon. A stored run counts as
 * its only when name and pair-head sha256 match; another model's run is refused (CONFLICT naming
 * both). Omitted: the latest stored run, whatever its model.
 */
export const ForecastModelChoiceSchema = z.string().min(1).max(4096)

export const RiskRunRequestSchema = z.object({
  week,
  /** The observed week (default), or the stored forecast Ĝ(t+h) with G(t) and, when archived, G(t+h). */
  graph: z.union([z.literal('observed'), z.object({ forecast: horizon })]).optional(),
  /** With `graph: { forecast }`: the model whose forecast run is measured (ForecastModelChoiceSchema). */
  model: ForecastModelChoiceSchema.optional(),
  /**
   * With `graph: { forecast }`: exactly this stored forecast run (forecast.latest `run_id`, the run
   * a view shows) instead of the latest; with `model` too, it must be that model's (CONFLICT).
   */
  forecastRun: z.number().int().positive().optional(),
  /**
   * Also measure and store each graph's network statistics (default true, as `dexposure risk`).
   * False for a scenario alone (the Risk view's runs on the observed week: the week's statistics
   * are the dashboard's, `week.stats`); a forecast graph measures them whatever this says (its
   * comparison with the realised week scores them).
   */
  stats: z.boolean().optional(),
  ...contagionOptions,
})

export const LossPathStepSchema = z.object({
  round: z.number().int(),
  loss: z.number(),
  distressed: z.number().int(),
  newlyDistressed: z.number().int(),
})

export const ContagionResultSchema = z.object({
  scenario: z.string(),
  method,
  variant: z.string(),
  shockSpec: z.string(),
  shockFraction: z.number(),
  shockedCount: z.number().int(),
  /** The shocked node ids (the first 100). */
  shocked: z.array(z.string()),
  totalLoss: z.number(),
  totalLossPct: z.number(),
  affected: z.number().int(),
  distressed: z.number().int(),
  defaults: z.number().int(),
  rounds: z.number().int(),
  converged: z.boolean(),
  outputs: z.record(z.string(), maybe),
  lossPath: z.array(LossPathStepSchema),
  warnings: z.array(z.string()),
  /** Nodes with a loss or in distress, largest loss first (the first `top`). */
  nodesHit: z.number().int(),
  topLosses: z.array(
    z.object({
      node: z.string(),
      name: z.string().nullable(),
      loss: z.number(),
      relativeLoss: maybe,
      distressRound: z.number().int().nullable(),
    }),
  ),
})

export const RiskResultSchema = z.object({
  runId: z.number().int(),
  week,
  targetWeek: week,
  graph: z.enum(['observed', 'forecast', 'realised']),
  horizon: z.number().int(),
  forecastRun: z.number().int().nullable(),
  created: z.string(),
  params: z.record(z.string(), z.unknown()),
  warnings: z.array(z.string()),
  results: z.array(ContagionResultSchema),
})

export const RiskPlaybackSchema = z.object({
  runId: z.number().int(),
  scenario: z.string(),
  method,
  variant: z.string(),
  graph: z.enum(['observed', 'forecast', 'realised']),
  week,
  targetWeek: week,
  /** The universe revision whose indices `nodes`, `shocked` and the edges use (graph.universe). */
  revision: z.number().int(),
  /** Nodes that take a loss or change state at some step: universe indices. */
  nodeCount: z.number().int(),
  nodes: packed('Int32[nodeCount]: universe indices'),
  tvl: packed("Float64[nodeCount]: the graph's TVL of each (USD)"),
  shocked: packed('Int32[]: universe indices of the shocked nodes'),
  /** True when recomputing the run reproduced the stored totals (false: the data changed since). */
  matchesStored: z.boolean(),
  /** One entry per loss-path step (step 0 = the shock); changes only, to apply in order. */
  steps: z.array(
    z.object({
      round: z.number().int(),
      loss: z.number(),
      distressed: z.number().int(),
      newlyDistressed: z.number().int(),
      changed: packed('Int32[]: positions in `nodes` whose loss or state changed in this step'),
      nodeLoss: packed('Float64[changed]: their cumulative loss after the step (USD)'),
      nodeState: packed('Int32[changed]: 0 healthy, 1 distressed, 2 defaulted'),
      /** The edges that carry loss at this step, as changes from the previous step
       * (shared/risk/carriers.ts): the previous step's carriers without `edgeStopped`, in order,
       * then `edgeSource` → `edgeTarget`. */
      edgeSource: packed('Int32[]: universe index of the holder of each edge that starts carrying'),
      edgeTarget: packed('Int32[]: universe index of its issuer'),
      edgeStopped: packed("Int32[]: positions in the previous step's carriers that stop carrying"),
      edgeLoss: packed(
        "Float64[]: loss passed along each of the step's carriers, in their order (USD); only with `edgeLoss`",
      ).optional(),
    }),
  ),
})

export const RiskComparisonSchema = z.object({
  runId: z.number().int(),
  week,
  targetWeek: week,
  horizon: z.number().int(),
  /** 'forecast' when a forecast was scored beside persistence, else 'observed'. */
  graph: z.string(),
  /** The forecast run scored (forecast_runs.run_id); null when only persistence was. */
  forecastRun: z.number().int().nullable().optional(),
  rows: z.array(
    z.object({
      item: z.string(),
      actual: maybe,
      forecast: maybe,
      persistence: maybe,
      forecastError: maybe,
      persistenceError: maybe,
    }),
  ),
})

// ---- Monte Carlo stress on a forecast graph (docs/risk.md, "Stress under forecast uncertainty")

export const StressRequestSchema = z.object({
  week,
  horizon,
  /** The model whose forecast run is drawn from (ForecastModelChoiceSchema). */
  model: ForecastModelChoiceSchema.optional(),
  /**
   * Exactly this stored forecast run of (week, horizon) instead of the latest (the run a view
   * shows); with `model` too, it must be that model's (CONFLICT).
   */
  forecastRun: z.number().int().positive().optional(),
  draws: z.number().int().min(1).max(10_000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  /** Spread of log1p(weight) around the prediction; default from the model (docs/risk.md). */
  weightSigma: z.number().min(0).max(10).optional(),
  /** Loss thresholds in % of the forecast graph's total TVL (default 1, 5, 10). */
  lossThresholds: z.array(z.number().gt(0).max(100)).min(1).max(10).optional(),
  /** Distressed nodes listed per scenario and method (default 50). */
  topNodes: z.number().int().min(1).max(500).optional(),
  ...contagionOptions,
})

const DistributionSchema = z.object({
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  p05: z.number(),
  p50: z.number(),
  p95: z.number(),
  var95: z.number(),
  var99: z.number(),
  cvar95: z.number(),
  cvar99: z.number(),
})
const CountsSchema = z.object({ mean: z.number(), min: z.number(), max: z.number() })

export const StressReportSchema = z.object({
  runId: z.number().int().nullable(),
  week,
  horizon: z.number().int(),
  targetWeek: week,
  forecastRun: z.number().int(),
  draws: z.number().int(),
  seed: z.number().int(),
  weightSigma: z.number(),
  weightSigmaSource: z.string(),
  pairs: z.object({
    /** Pairs the run stored (in Ĝ or p ≥ 0.01): each draw includes each with its probability. */
    stored: z.number().int(),
    certain: z.number().int(),
    /** Σ p over the stored pairs, and the forecast's Σ p over pairs it did not store. */
    expectedEdges: z.number(),
    omittedExpectedEdges: z.number(),
    pointGraphEdges: z.number().int(),
    meanEdgesPerDraw: z.number(),
  }),
  nodes: z.number().int(),
  totalTvl: z.number(),
  lossThresholdsPct: z.array(z.number()),
  scenarios: z.array(
    z.object({
      scenario: z.string(),
      spec: z.string(),
      shocked: z.number().int(),
      shockedNodes: z.array(z.string()),
      warnings: z.array(z.string()),
      results: z.array(
        z.object({
          method,
          variant: z.string(),
          /** The single run on Ĝ(t+h), as `risk --forecast H` gives it. */
          point: z.object({
            totalLoss: z.number(),
            totalLossPct: z.number(),
            distressed: z.number().int(),
            defaults: z.number().int(),
          }),
          /** Share of draws whose loss is at most the point run's. */
          pointPercentile: z.number(),
          loss: DistributionSchema,
          lossPct: DistributionSchema,
          /** Loss in % of total TVL over the draws in equal bins (absent in runs stored before it). */
          lossPctHistogram: z
            .object({ from: z.number(), to: z.number(), counts: z.array(z.number().int()) })
            .optional(),
          exceedance: z.array(z.object({ thresholdPct: z.number(), probability: z.number() })),
          distressed: CountsSchema,
          defaults: CountsSchema,
          distressedNodes: z.object({
            /** Nodes distressed in at least one draw. */
            count: z.number().int(),
            top: z.array(
              z.object({
                node: z.string(),
                name: z.string().nullable(),
                /** Share of draws in which the node is distressed. */
                share: z.number(),
                meanLoss: z.number(),
                meanRelativeLoss: maybe,
              }),
            ),
          }),
        }),
      ),
    }),
  ),
  warnings: z.array(z.string()),
  durationMs: z.number(),
  synthetic: z.boolean(),
})

// ---- forecast tables, overlay and explain

const forecastRef = { week, horizon, runId: z.number().int().positive().optional() }

export const ForecastEdgeRowSchema = z.object({
  source: z.string(),
  target: z.string(),
  sourceName: z.string().nullable(),
  targetName: z.string().nullable(),
  /** Calibrated probability; null for an edge of t the run did not store (p < 0.01). */
  probability: maybe,
  predictedWeight: maybe,
  /** USD weight at t, null when the edge is absent at t. */
  weightAtT: maybe,
  existsAtT: z.boolean(),
  inGraph: z.boolean(),
  /** log1p(predicted) − log1p(weight at t) for edges present at t and predicted. */
  logChange: maybe,
})

export const ForecastEdgesSchema = z.object({
  runId: z.number().int(),
  week,
  horizon: z.number().int(),
  targetWeek: week,
  kind: z.enum(['all', 'new', 'changes', 'vanishing']),
  expectedEdges: z.number(),
  graphEdges: z.number().int(),
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(ForecastEdgeRowSchema),
})

export const ForecastNodesSchema = z.object({
  runId: z.number().int(),
  week,
  horizon: z.number().int(),
  targetWeek: week,
  total: z.number().int(),
  offset: z.number().int(),
  rows: z.array(
    z.object({
      node: z.string(),
      name: z.string().nullable(),
      category: z.string(),
      tvlT: z.number(),
      predictedTvl: z.number(),
      predictedLogChange: z.number(),
    }),
  ),
})

export const ForecastFrameSchema = z.object({
  runId: z.number().int(),
  week,
  horizon: z.number().int(),
  targetWeek: week,
  revision: z.number().int(),
  model: z.string(),
  provider: z.string(),
  warnings: z.array(z.string()),
  expectedEdges: z.number(),
  graphEdges: z.number().int(),
  nodeCount: z.number().int(),
  nodes: packed('Int32[nodeCount]: universe indices of the nodes of t'),
  tvlT: packed('Float64[nodeCount]'),
  predictedTvl: packed('Float64[nodeCount]'),
  predictedLogChange: packed('Float32[nodeCount]'),
  /** The smallest probability of a pair in Ĝ(t+h) (its cut; 1 when Ĝ has no edges). */
  cut: z.number(),
  /** Stored pairs with p ≥ minProbability, in descending probability: every edge of t (one
   * absent here has p below it: vanishing), and of the pairs absent at t all of them or, with
   * `topNew`, the `topNew` most probable. */
  pairCount: z.number().int(),
  pairSource: packed('Int32[pairCount]: universe index of the holder'),
  pairTarget: packed('Int32[pairCount]: universe index of the issuer'),
  probability: packed('Float32[pairCount]'),
  predictedWeight: packed('Float64[pairCount]: USD'),
  flags: packed('Int32[pairCount]: bit 0 edge at t, bit 1 in Ĝ(t+h)'),
  /** Stored pairs absent at t with p ≥ minProbability, all of them (also those `topNew` left
   * out), and their probabilities in descending order: the count at any threshold. */
  newCount: z.number().int(),
  newProbability: packed('Float32[newCount], descending'),
})

export const ForecastExplainSchema = z.object({
  runId: z.number().int().nullable(),
  week,
  horizon: z.number().int(),
  source: z.string(),
  target: z.string(),
  sourceName: z.string().nullable(),
  targetName: z.string().nullable(),
  /** Which head scores the pair: 'pair' (history in either direction) or 'fresh'. */
  head: z.enum(['pair', 'fresh']),
  model: z.string().nullable(),
  /** Every pair-history feature at t; `used`: the model reads it. */
  features: z.array(
    z.object({ name: z.string(), value: z.number(), used: z.boolean(), description: z.string() }),
  ),
  stored: z
    .object({
      probability: z.number(),
      predictedWeight: z.number(),
      existsAtT: z.boolean(),
      inGraph: z.boolean(),
    })
    .nullable(),
})

// ---- backtests and training

const PaperMetricsSchema = z.object({
  auprc: maybe,
  auroc: maybe,
  weight_mae: maybe,
  weight_rmse: maybe,
  weighted_mae: maybe,
  node_mae: maybe,
  node_rmse: maybe,
})
const RealisticCoreSchema = z.object({
  auprc: maybe,
  ece: maybe,
  precision_at: z.record(z.string(), maybe),
  recall_at: z.record(z.string(), maybe),
})
const RealisticMetricsSchema = RealisticCoreSchema.extend({ new_edges: RealisticCoreSchema })

export const BacktestRunSummarySchema = z.object({
  runId: z.number().int(),
  horizon: z.number().int(),
  model: z.string().nullable(),
  modelDir: z.string().nullable(),
  provider: z.string().nullable(),
  firstWeek: week,
  lastWeek: week,
  anchors: z.number().int(),
  created: z.string(),
  durationMs: z.number(),
  /** An import changed the archive after the backtest ran. */
  stale: z.boolean(),
})

export const BacktestResultSchema = BacktestRunSummarySchema.extend({
  params: z.record(z.string(), z.unknown()),
  weeks: z.array(week),
  /** The tables of docs/evaluation.md (metric names as in `backtest --json`). */
  paper: z.object({
    model: PaperMetricsSchema.nullable(),
    persistence: PaperMetricsSchema,
    edgebank: PaperMetricsSchema,
  }),
  realistic: z.object({
    model: RealisticMetricsSchema.nullable(),
    persistence: RealisticMetricsSchema,
    edgebank: RealisticMetricsSchema,
  }),
  edgebankWindows: z.record(
    z.string(),
    z.object({ paper: PaperMetricsSchema, realistic: RealisticMetricsSchema }),
  ),
  historicalNegatives: z.record(z.string(), z.object({ count: z.number(), meanScore: maybe })),
  candidateRecall: z.object({
    generator: z.string(),
    target: z.number(),
    mean: maybe,
    min: maybe,
    newEdgeMean: maybe,
  }),
  pairs: z.object({
    paper: z.number(),
    paperPositives: z.number(),
    realistic: z.number(),
    realisticPositives: z.number(),
  }),
  negRatio: z.number(),
  /** Per scorer (model, persistence, edgebank_all, …): PR curve over all pairs and reliability bins. */
  curves: z.record(
    z.string(),
    z.object({
      prRecall: packed('Float64[]: recall of each PR-curve point (steps, ≤ 1000 points)'),
      prPrecision: packed('Float64[]: precision of each point'),
      reliability: z.array(
        z.object({
          lo: z.number(),
          hi: z.number(),
          count: z.number(),
          meanPredicted: maybe,
          observedRate: maybe,
        }),
      ),
    }),
  ),
  synthetic: z.boolean(),
})

// ---- the calls

export const analysisCalls = {
  /** A week's network statistics (computed and stored when missing) with deltas to the previous week. */
  'week.stats': { request: z.object({ week }), response: WeekStatsSchema },
  /**
   * Stored statistics of every archived week, for sparklines and time-series charts. Never computes
   * a week itself: with `fill` (default true) missing weeks start (or join) the `stats` job.
   */
  'stats.series': {
    request: z.object({
      metrics: z.array(z.string().min(1)).max(100).optional(),
      fill: z.boolean().optional(),
    }),
    response: StatsSeriesSchema,
  },
  /** Computes and stores the statistics of every archived week that has none (job `stats`). */
  'stats.fill': {
    request: z.object({}),
    response: z.object({ jobId: z.string().nullable(), missing: z.number().int() }),
  },
  /** A page of the week's SIS ranking with the rank change since the previous archived week. */
  'week.sis': {
    request: z.object({
      week,
      limit,
      offset,
      sort: z.enum(SIS_SORTS).optional(),
      order,
      /** Case-insensitive text in the node id, name or category. */
      filter: z.string().max(200).optional(),
    }),
    response: WeekSisSchema,
  },
  /** The holder → issuer exposure matrix by fine category or coarse sector, with totals and HHI. */
  'week.spillover': {
    request: z.object({ week, level: z.enum(['category', 'sector']) }),
    response: WeekSpilloverSchema,
  },
  /** Early-warning alerts (the `alerts` engine) in a range, stored; pending while weeks lack statistics. */
  'alerts.list': {
    request: z.object({
      from: week.optional(),
      to: week.optional(),
      window: z.number().int().min(2).max(520).optional(),
      z: z.number().positive().max(100).optional(),
      minHistory: z.number().int().min(2).max(520).optional(),
      fill: z.boolean().optional(),
    }),
    response: AlertsListSchema,
  },
  /** Runs scenarios through the contagion methods as a job (kind `risk`); result: the run ids. */
  'risk.run': { request: RiskRunRequestSchema, response: JobStartedSchema },
  /** A stored contagion run: totals, counts, loss path and top node losses per scenario and method. */
  'risk.result': {
    request: z
      .object({
        runId: z.number().int().positive().optional(),
        week: week.optional(),
        graph: z.enum(['observed', 'forecast', 'realised']).optional(),
        horizon: z.number().int().min(0).max(520).optional(),
        scenario: z.string().min(1).optional(),
        method: method.optional(),
        top: z.number().int().min(0).max(200).optional(),
      })
      .refine((r) => (r.runId === undefined) !== (r.week === undefined), {
        message: 'give exactly one of runId and week',
        path: ['runId'],
      }),
    response: RiskResultSchema.nullable(),
  },
  /** Per-step node losses and states and the edges that carried loss, for the graph's playback. */
  'risk.playback': {
    request: z.object({
      runId: z.number().int().positive(),
      scenario: z.string().min(1),
      method,
      /** Also send the loss each carrier passes at each step (`edgeLoss`; large for DebtRank). */
      edgeLoss: z.boolean().optional(),
    }),
    response: RiskPlaybackSchema,
  },
  /** The stored comparison of G(t), Ĝ(t+h) and the realised G(t+h) (`risk --forecast`), or null. */
  'risk.comparison': {
    request: z.object({
      week,
      horizon,
      /** Only a comparison that scored this forecast run (the chosen model's; forecast.latest). */
      forecastRun: z.number().int().positive().optional(),
    }),
    response: RiskComparisonSchema.nullable(),
  },
  /** Monte Carlo stress on the stored forecast graph as a job (kind `stress`); result: its run id. */
  'risk.stress': { request: StressRequestSchema, response: JobStartedSchema },
  /** A stored stress run (by id, or the latest for week and horizon), or null. */
  'risk.stress.result': {
    request: z
      .object({
        runId: z.number().int().positive().optional(),
        week: week.optional(),
        horizon: horizon.optional(),
      })
      .refine((r) => r.runId !== undefined || (r.week !== undefined && r.horizon !== undefined), {
        message: 'give runId, or week and horizon',
        path: ['runId'],
      }),
    response: StressReportSchema.nullable(),
  },
  /** A page of a stored forecast's pairs: all, new relationships, weight changes or vanishing edges. */
  'forecast.edges': {
    request: z.object({
      ...forecastRef,
      kind: z.enum(['all', 'new', 'changes', 'vanishing']).optional(),
      /** Only pairs with this node at either end. */
      node: z.string().min(1).optional(),
      minProbability: z.number().min(0).max(1).optional(),
      limit,
      offset,
    }),
    response: ForecastEdgesSchema,
  },
  /** A page of a stored forecast's node TVL predictions. */
  'forecast.nodes': {
    request: z.object({
      ...forecastRef,
      sort: z.enum(['change', 'absChange', 'predictedTvl', 'tvl', 'node']).optional(),
      order,
      filter: z.string().max(200).optional(),
      limit,
      offset,
    }),
    response: ForecastNodesSchema,
  },
  /** A stored forecast as packed arrays over the universe (the graph overlay). */
  'forecast.frame': {
    request: z.object({
      ...forecastRef,
      minProbability: z.number().min(0).max(1).optional(),
      /** Of the pairs absent at t, only the `topNew` most probable travel with their ends (the
       * overlay draws no more); all their probabilities travel in `newProbability`. */
      topNew: z.number().int().min(0).optional(),
    }),
    response: ForecastFrameSchema,
  },
  /** The pair-history features the model saw for one pair at t, and what the run predicted. */
  'forecast.explain': {
    request: z.object({
      ...forecastRef,
      source: z.string().min(1),
      target: z.string().min(1),
    }),
    response: ForecastExplainSchema,
  },
  /** A walk-forward backtest as a job (kind `backtest`), stored; result: its run id. */
  'backtest.run': {
    request: z.object({
      horizon,
      /** A model directory; null: baselines only; omitted: the archive's or shipped default. */
      model: z.string().min(1).nullable().optional(),
      from: week.optional(),
      to: week.optional(),
      negRatio: z.number().positive().max(100).optional(),
      seed: z.number().int().min(0).optional(),
      realistic: z.enum(['auto', 'exact', 'candidates']).optional(),
    }),
    response: JobStartedSchema,
  },
  /** A stored backtest (by id, or the latest for a horizon), or null. */
  'backtest.result': {
    request: z
      .object({ runId: z.number().int().positive().optional(), horizon: horizon.optional() })
      .refine((r) => (r.runId === undefined) !== (r.horizon === undefined), {
        message: 'give exactly one of runId and horizon',
        path: ['runId'],
      }),
    response: BacktestResultSchema.nullable(),
  },
  /** Stored backtests, newest first. */
  'backtest.list': {
    request: z.object({
      horizon: horizon.optional(),
      limit: z.number().int().positive().max(500).optional(),
    }),
    response: z.array(BacktestRunSummarySchema),
  },
  /** Trains a model with `dexposure train`'s trainer as a job (kind `train`); cancel stops Python. */
  'train.run': {
    request: z.object({
      horizon,
      split: z.enum(['auto', 'paper']).optional(),
      until: week.optional(),
      valUntil: date.optional(),
      valWeeks: z.number().int().positive().optional(),
      epochs: z.number().int().min(1).max(200).optional(),
      seed: z.number().int().min(0).optional(),
    }),
    response: JobStartedSchema,
  },
} as const
