// The one API contract between the UI and the engine: every call with its request and response
// schema, and every event. The Electron preload, the loopback server and the browser client all
// validate payloads against these schemas at their boundary.
import { z } from 'zod'
import { analysisCalls, ForecastModelChoiceSchema } from './api-analysis'
import { exportCalls } from './api-export'
import { queryCalls } from './api-query'
import { reportCalls } from './api-report'

const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a week YYYY-MM-DD')

export const WeekSummarySchema = z.object({
  week,
  nodes: z.number().int(),
  edges: z.number().int(),
  totalTvl: z.number(),
  totalExposure: z.number(),
  synthetic: z.boolean(),
})

export const ArchiveInfoSchema = z.object({
  file: z.string(),
  schemaVersion: z.number().int(),
  weeks: z.number().int(),
  firstWeek: week.nullable(),
  lastWeek: week.nullable(),
  synthetic: z.boolean(),
  protocols: z.number().int(),
})

export const GraphNodeSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  size: z.number(),
  category: z.string(),
  sector: z.string(),
  inDegree: z.number().int(),
  outDegree: z.number().int(),
})

export const GraphEdgeSchema = z.object({
  source: z.string(),
  target: z.string(),
  weight: z.number(),
})

export const WeekGraphSchema = z.object({
  week,
  synthetic: z.boolean(),
  totalNodes: z.number().int(),
  totalEdges: z.number().int(),
  /** Nodes returned (the largest by size when limited). */
  nodes: z.array(GraphNodeSchema),
  /** Edges among the returned nodes. */
  edges: z.array(GraphEdgeSchema),
})

export const NodeHistoryPointSchema = z.object({
  week,
  size: z.number(),
  inDegree: z.number().int(),
  outDegree: z.number().int(),
})

export const JobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  message: z.string().nullable(),
})

// ---- workbench session: archives, per-user state, imports, job outcomes (src/engine/session.ts)

/** Where a failure is, as DexposureError has it (src/shared/errors.ts). */
export const ErrorLocationSchema = z.object({
  file: z.string().optional(),
  week: z.string().optional(),
  field: z.string().optional(),
  /** Byte offset in the file (0-based). */
  offset: z.number().int().optional(),
  /** Line number (1-based). */
  line: z.number().int().optional(),
})

/** Why a job failed or stopped: the same code, message and location a failed call carries. */
export const JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  location: ErrorLocationSchema.optional(),
})

/** The final event of a job: failed and cancelled jobs carry `error`; some jobs a `result`. */
export const JobDoneSchema = JobSchema.extend({
  error: JobErrorSchema.optional(),
  /** A small summary of what the job did (an import: ImportResultSchema). */
  result: z.record(z.string(), z.unknown()).optional(),
})

/** A running job as `jobs.list` reports it (for a UI that reloads while a job runs). */
export const RunningJobSchema = JobSchema.extend({
  startedAt: z.string(),
  progress: z
    .object({ done: z.number(), total: z.number().nullable(), message: z.string().nullable() })
    .nullable(),
})

/** `result` of a finished `import` job. */
export const ImportResultSchema = z.object({
  /** The imported file as the user named it (an upload's original name). */
  file: z.string(),
  format: z.string(),
  importId: z.number().int().nullable(),
  weeksInserted: z.array(week),
  weeksReplaced: z.array(week),
  weeksUnchanged: z.array(week),
  rows: z.record(z.string(), z.number()),
  notes: z.array(z.string()),
  durationMs: z.number(),
})

export const RecentArchiveSchema = z.object({
  /** Absolute path. */
  path: z.string(),
  /** ISO time it was last opened. */
  lastOpened: z.string(),
  /** Whether the file is still there. */
  exists: z.boolean(),
})

/** Largest per-archive UI state `workbench.state.set` keeps (JSON bytes). */
export const WORKBENCH_STATE_MAX_BYTES = 256 * 1024

// ---- end of the workbench session block

export const ForecastSummarySchema = z.object({
  run_id: z.number().int(),
  week,
  horizon: z.number().int(),
  target_week: week,
  model: z.string(),
  /** The model's pair-head sha256: with `model` (its manifest name) it identifies the model. */
  model_sha256: z.string(),
  provider: z.string(),
  fallbacks: z.array(z.object({ provider: z.string(), error: z.string() })),
  created: z.string(),
  duration_ms: z.number(),
  nodes: z.number().int(),
  expected_edges: z.number(),
  graph_edges: z.number().int(),
  /** Why the model may not suit the week (e.g. trained on synthetic or much smaller weeks). */
  warnings: z.array(z.string()),
})

// ---- the Explorer's lists (src/engine/explorer.ts)
export const StoredForecastRunSchema = z.object({
  runId: z.number().int(),
  week,
  horizon: z.number().int(),
  targetWeek: z.string(),
  model: z.string(),
  provider: z.string(),
  created: z.string(),
  expectedEdges: z.number(),
  graphEdges: z.number().int(),
  warnings: z.array(z.string()),
})

export const StoredRiskRunSchema = z.object({
  runId: z.number().int(),
  week,
  targetWeek: z.string(),
  kind: z.string(),
  graph: z.string(),
  horizon: z.number().int(),
  /** The run's parameters as stored (scenario, method, …). */
  params: z.record(z.string(), z.unknown()),
  created: z.string(),
})

export const ModelEntrySchema = z.object({
  dir: z.string(),
  /** 'archive': trained for this archive (models/hH beside it); 'shipped': bundled default. */
  source: z.enum(['archive', 'shipped']),
  /** The model a forecast at its horizon uses by default on this archive. */
  isDefault: z.boolean(),
  name: z.string(),
  /** The pair head's sha256 (null when unreadable): with `name`, what a forecast run records. */
  sha256: z.string().nullable(),
  horizon: z.number().int(),
  trainingWindow: z.record(z.string(), z.string()),
  synthetic: z.boolean().nullable(),
  maxNodes: z.number().nullable(),
  /** A few headline validation metrics from the manifest. */
  metrics: z.record(z.string(), z.number()),
  /** Why the manifest could not be read, when it could not. */
  problem: z.string().nullable(),
})
// ---- end of the Explorer's lists

// ---- graph explorer: the universe, week frames, node and edge details (src/engine/graph/,
// src/engine/layout/). Large numeric arrays travel as base64 of little-endian typed arrays
// (src/shared/packed.ts): a whole real-scale week is a few MB of text, not 90k JSON objects.

/** Base64 of a little-endian typed array (decode with src/shared/packed.ts). */
const packed = (what: string) => z.string().describe(what)

export const LayoutInfoSchema = z.object({
  /**
   * ready: every node has a stored position. pending: `jobId` is placing `unplaced` nodes, whose
   * x/y are provisional until it ends (fetch the universe again on its job.done). stopped: nodes
   * lack positions and the automatic layout failed or was cancelled (`message`); `layout.run`
   * starts it again.
   */
  state: z.enum(['ready', 'pending', 'stopped']),
  /** The running layout job (also a re-layout of a ready universe), or null. */
  jobId: z.string().nullable(),
  unplaced: z.number().int(),
  message: z.string().nullable(),
  /** The last layout run that wrote positions (null before the first). */
  runId: z.number().int().nullable(),
  kind: z.enum(['full', 'relayout', 'incremental']).nullable(),
  iterations: z.number().int().nullable(),
  created: z.string().nullable(),
  durationMs: z.number().nullable(),
})

/** Every node of every week, each at one stable index, with its stored layout position. */
export const UniverseSchema = z.object({
  /**
   * Grows whenever the universe (an import) or any position (a layout run) changes; week.frame
   * names the one it indexes.
   */
  revision: z.number().int(),
  count: z.number().int(),
  /** Every archived week, oldest first: firstWeek/lastWeek index it. */
  weeks: z.array(week),
  ids: z.array(z.string()),
  names: z.array(z.string().nullable()),
  categories: z.array(z.string()),
  category: packed('Int32[count]: index into categories'),
  sectors: z.array(z.string()),
  sector: packed('Int32[count]: index into sectors'),
  /** ['protocol', 'token']: a node is a protocol when it is in the protocols table. */
  kinds: z.array(z.string()),
  kind: packed('Int32[count]: index into kinds'),
  x: packed('Float32[count]'),
  y: packed('Float32[count]'),
  pinned: packed('Int32[]: indices of the nodes the last layout held in place'),
  firstWeek: packed('Int32[count]: index into weeks'),
  lastWeek: packed('Int32[count]: index into weeks'),
  maxSize: packed('Float64[count]: largest size (USD) over the weeks'),
  layout: LayoutInfoSchema,
})

/** One week over the universe: typed arrays indexed like the universe of `revision`. */
export const WeekFrameSchema = z.object({
  week,
  synthetic: z.boolean(),
  revision: z.number().int(),
  totalTvl: z.number(),
  totalExposure: z.number(),
  nodeCount: z.number().int(),
  edgeCount: z.number().int(),
  nodes: packed("Int32[nodeCount]: universe indices of the week's nodes, in week order"),
  size: packed('Float64[nodeCount]: USD size'),
  tvlChange: packed('Float32[nodeCount]: the archived tvl_change'),
  edgeSource: packed('Int32[edgeCount]: universe index of the holder'),
  edgeTarget: packed('Int32[edgeCount]: universe index of the issuer'),
  edgeWeight: packed('Float64[edgeCount]: USD exposure'),
})

export const ExposureItemSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  usd: z.number(),
  share: z.number(),
})

const TotalSchema = z.object({ usd: z.number(), count: z.number().int() })

export const NodeDetailSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  category: z.string(),
  sector: z.string(),
  kind: z.enum(['protocol', 'token']),
  week,
  size: z.number(),
  tvlChange: z.number(),
  firstWeek: week,
  lastWeek: week,
  /** Token holdings, largest first; share of the positive holdings (negative ones keep a negative share). */
  composition: z.array(z.object({ token: z.string(), usd: z.number(), share: z.number() })),
  /** Issuers this node (as holder) is exposed to, largest first; share of its total out exposure. */
  exposedTo: z.array(ExposureItemSchema),
  /** Holders exposed to this node (as issuer), largest first; share of its total in exposure. */
  exposedFrom: z.array(ExposureItemSchema),
  /** Whole-week totals: the lists above stop at the 200 largest. */
  totals: z.object({ composition: TotalSchema, exposedTo: TotalSchema, exposedFrom: TotalSchema }),
})

export const EdgeHistorySchema = z.object({
  source: z.string(),
  target: z.string(),
  /** Every archived week where the edge exists, oldest first. */
  points: z.array(z.object({ week, weight: z.number() })),
})
// ---- end of the graph explorer's schemas

/** Every call: name → request and response schemas. */
export const calls = {
  'archive.info': { request: z.object({}), response: ArchiveInfoSchema },
  'weeks.list': { request: z.object({}), response: z.array(WeekSummarySchema) },
  'week.graph': {
    request: z.object({ week, limit: z.number().int().positive().max(20_000).optional() }),
    response: WeekGraphSchema,
  },
  'node.history': {
    request: z.object({ nodeId: z.string().min(1) }),
    response: z.array(NodeHistoryPointSchema),
  },
  'jobs.cancel': { request: z.object({ id: z.string() }), response: z.object({ ok: z.boolean() }) },
  /** Starts a forecast job (progress and completion arrive as job events). */
  'forecast.run': {
    request: z.object({
      week,
      horizon: z.number().int().positive(),
      provider: z.string().optional(),
      /** A model directory (models.list `dir`); omitted: the archive's or shipped default. */
      model: z.string().min(1).optional(),
    }),
    response: z.object({ jobId: z.string() }),
  },
  /**
   * The latest stored forecast run for a week and horizon, or null. With `model` (a folder or a
   * name, ForecastModelChoiceSchema): that model's latest run (name and pair-head sha256 match),
   * so a newer run of another model does not hide it; null when that model has none.
   */
  'forecast.latest': {
    request: z.object({
      week,
      horizon: z.number().int().positive(),
      model: ForecastModelChoiceSchema.optional(),
    }),
    response: ForecastSummarySchema.nullable(),
  },
  // ---- workbench session calls (answered by src/engine/session.ts, above the archive's service)
  /** The open archive's saved UI state (layout, tabs, …), or null. Kept per user, per archive. */
  'workbench.state.get': {
    request: z.object({}),
    response: z.object({ state: z.unknown().nullable() }),
  },
  /** Saves the open archive's UI state (any JSON up to WORKBENCH_STATE_MAX_BYTES; null clears). */
  'workbench.state.set': {
    request: z.object({ state: z.unknown() }),
    response: z.object({ ok: z.literal(true) }),
  },
  /** Recently opened archives, most recent first (at most 12). */
  'archives.recent': { request: z.object({}), response: z.array(RecentArchiveSchema) },
  /**
   * Closes the open archive (cancelling its running jobs) and opens another; every client then
   * gets `archive.changed`. A missing file is NOT_FOUND unless `create`.
   */
  'archives.open': {
    request: z.object({ path: z.string().min(1), create: z.boolean().optional() }),
    response: ArchiveInfoSchema,
  },
  /**
   * Imports a file (a path the engine can read, or an `uploadId` from `PUT /upload` in browser
   * mode) as a job; all or nothing. `archive.changed` follows a successful import.
   */
  'import.run': {
    request: z
      .object({
        path: z.string().min(1).optional(),
        uploadId: z.string().min(1).optional(),
        format: z.enum(['dexposure', 'meta', 'defillama', 'csv']).optional(),
        replace: z.boolean().optional(),
      })
      .refine((r) => (r.path === undefined) !== (r.uploadId === undefined), {
        message: 'give exactly one of path and uploadId',
      }),
    response: z.object({ jobId: z.string() }),
  },
  /** The running jobs (e.g. after the UI reloads). */
  'jobs.list': { request: z.object({}), response: z.array(RunningJobSchema) },
  // ---- end of the workbench session calls
  // ---- the Explorer's lists (src/engine/explorer.ts)
  /** Stored forecast and risk runs, newest first (bounded). */
  'runs.list': {
    request: z.object({ limit: z.number().int().positive().max(1000).optional() }),
    response: z.object({
      forecasts: z.array(StoredForecastRunSchema),
      risk: z.array(StoredRiskRunSchema),
    }),
  },
  /** The models a forecast on this archive can use: the archive's own, then the shipped ones. */
  'models.list': { request: z.object({}), response: z.array(ModelEntrySchema) },
  // ---- end of the Explorer's lists
  // ---- graph explorer calls (src/engine/graph/, src/engine/layout/)
  /**
   * The universe with its layout. Never waits for a layout unless `wait`: when nodes lack stored
   * positions it starts the layout job and answers `layout.state: 'pending'` with its id.
   */
  'graph.universe': {
    request: z.object({ wait: z.boolean().optional() }),
    response: UniverseSchema,
  },
  /** One week as typed arrays over the universe (the fast path for whole weeks). */
  'week.frame': { request: z.object({ week }), response: WeekFrameSchema },
  /** Recomputes the layout as a job (progress in iterations; cancel writes nothing). */
  'layout.run': {
    request: z.object({
      iterations: z.number().int().positive().max(10_000).optional(),
      /** Start from scratch instead of the stored positions (no node pinned). */
      reseed: z.boolean().optional(),
    }),
    response: z.object({ jobId: z.string() }),
  },
  /** A node in one week: metadata, composition and exposures both ways (top 200 each). */
  'node.detail': {
    request: z.object({ nodeId: z.string().min(1), week }),
    response: NodeDetailSchema,
  },
  /** One exposure edge (holder → issuer) across every archived week where it exists. */
  'edge.history': {
    request: z.object({ source: z.string().min(1), target: z.string().min(1) }),
    response: EdgeHistorySchema,
  },
  // ---- end of the graph explorer calls
  // ---- risk, forecast, backtest and training views (issue 11; schemas in ./api-analysis.ts)
  ...analysisCalls,
  // ---- end of the risk, forecast, backtest and training views
  // ---- query console (issue 12; schemas in ./api-query.ts)
  ...queryCalls,
  // ---- end of the query console
  // ---- weekly risk report (issue 13; schemas in ./api-report.ts)
  ...reportCalls,
  // ---- end of the weekly risk report
  // ---- graph exports (issue 13 §2; schemas in ./api-export.ts)
  ...exportCalls,
  // ---- end of the graph exports
} as const

/** Every event pushed from the engine to the UI. */
export const events = {
  'job.progress': z.object({
    id: z.string(),
    kind: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
    /** What done/total count ('bytes' for imports). */
    unit: z.string().optional(),
    /** Imports: weeks written so far, and the last one. */
    weeksDone: z.number().int().optional(),
    week: z.string().optional(),
  }),
  'job.done': JobDoneSchema,
  /** Another archive was opened, or an import changed this one: reload what is shown. */
  'archive.changed': z.object({
    info: ArchiveInfoSchema,
    reason: z.enum(['opened', 'imported']),
  }),
} as const

export * from './api-analysis'
export * from './api-query'
export * from './api-report'

export type CallName = keyof typeof calls
export type CallRequest<K extends CallName> = z.input<(typeof calls)[K]['request']>
export type CallResponse<K extends CallName> = z.output<(typeof calls)[K]['response']>
export type EventName = keyof typeof events
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>

export const isCallName = (s: string): s is CallName => Object.hasOwn(calls, s)

/** What `window.api` offers the renderer, identical in Electron and in browser mode. */
export interface WorkbenchApi {
  call<K extends CallName>(name: K, request: CallRequest<K>): Promise<CallResponse<K>>
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void
  /** 'electron' or 'browser'. */
  readonly mode: string
  /** Browser mode: streams a file the user picked to the server (`PUT /upload`) for `import.run`. */
  upload?(
    file: File,
    onProgress?: (sent: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<{ uploadId: string; bytes: number }>
  /** Electron: a native file dialog; the chosen path, or null when cancelled. */
  pickFile?(purpose: 'import' | 'archive'): Promise<string | null>
  /** Browser mode: whether the engine (the loopback server) is reachable, as it changes. */
  onConnection?(listener: (connected: boolean) => void): () => void
}

/** Errors crossing the boundary keep their code and location. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    location: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
})
