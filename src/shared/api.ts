// The one API contract between the UI and the engine: every call with its request and response
// schema, and every event. The Electron preload, the loopback server and the browser client all
// validate payloads against these schemas at their boundary.
import { z } from 'zod'

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

export const ForecastSummarySchema = z.object({
  run_id: z.number().int(),
  week,
  horizon: z.number().int(),
  target_week: week,
  model: z.string(),
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
    }),
    response: z.object({ jobId: z.string() }),
  },
  /** The latest stored forecast run for a week and horizon, or null. */
  'forecast.latest': {
    request: z.object({ week, horizon: z.number().int().positive() }),
    response: ForecastSummarySchema.nullable(),
  },
} as const

/** Every event pushed from the engine to the UI. */
export const events = {
  'job.progress': z.object({
    id: z.string(),
    kind: z.string(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
  }),
  'job.done': JobSchema,
} as const

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
}

/** Errors crossing the boundary keep their code and location. */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    location: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
})
