// The engine side of the API contract (src/shared/api.ts): validates every request and response
// against the contract's schemas and dispatches to the archive. The loopback server and the
// Electron engine host both wrap this one class.
import { EventEmitter } from 'node:events'
import { calls, isCallName, type CallName, type CallResponse, type EventName } from '../shared/api'
import { DexposureError } from '../shared/errors'
import { listModels, listRuns } from './explorer'
import { readManifest } from './forecast/model'
import { runForecast } from './forecast/run'
import { edgeHistory } from './graph/edge-history'
import { nodeDetail } from './graph/node-detail'
import { universeResponse } from './graph/universe-response'
import { weekFrame } from './graph/week-frame'
import { JobRegistry } from './jobs'
import { resolveModelChoice } from './model-choice'
import { AnalysisCalls } from './analysis'
import { QueryService } from './query/calls'
import { ExportService } from './export/calls'
import { reportHandlers } from './report/calls'
import { GraphLayout } from './layout/graph-layout'
import type { SessionCallName } from './session'
import { Archive } from './store/archive'

type Handler<K extends CallName> = (request: never) => Promise<CallResponse<K>> | CallResponse<K>

/** The request as the contract parses it; a bad one is a USAGE error naming each field. */
export function parsedRequest(name: CallName, request: unknown): unknown {
  const parsed = calls[name].request.safeParse(request ?? {})
  if (!parsed.success)
    throw new DexposureError(
      'USAGE',
      `invalid request for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`,
    )
  return parsed.data
}

/** The response as the contract parses it; one that breaks the contract is an INTERNAL error. */
export function checkedResponse(name: CallName, response: unknown): unknown {
  const checked = calls[name].response.safeParse(response)
  if (!checked.success)
    throw new DexposureError(
      'INTERNAL',
      `response of ${name} breaks the contract: ${checked.error.message}`,
    )
  return checked.data
}

export class EngineService {
  readonly archive: Archive
  readonly jobs = new JobRegistry()
  /** The universe's stored layout and the job that places nodes (graph explorer). */
  readonly layout: GraphLayout
  private readonly events = new EventEmitter()
  // calls above one archive (opening archives, user state, imports) are the session's
  private readonly handlers: { [K in Exclude<CallName, SessionCallName>]: Handler<K> }
  private ownsArchive = false
  /** The query console: SQL in a read-only query process, exports, history (src/engine/query/). */
  readonly query: QueryService
  /** Graph exports and their downloads (src/engine/export/). */
  readonly exports: ExportService

  /** A service on an archive the caller opened (and closes). */
  constructor(archive: Archive) {
    this.archive = archive
    this.layout = new GraphLayout(archive, this.jobs)
    this.query = new QueryService(archive, this.jobs)
    this.exports = new ExportService(archive, this.jobs, this.query)
    for (const e of ['job.progress', 'job.done'] as const)
      this.jobs.on(e, (payload) => this.events.emit(e, payload))
    this.handlers = {
      'archive.info': () => this.info(),
      'weeks.list': () => this.archive.listWeeks(),
      // the whole week unless a preview asks for the `limit` largest nodes
      'week.graph': (r: { week: string; limit?: number }) =>
        this.weekGraph(r.week, r.limit ?? Infinity),
      'node.history': (r: { nodeId: string }) => this.nodeHistory(r.nodeId),
      'jobs.cancel': (r: { id: string }) => ({ ok: this.jobs.cancel(r.id) }),
      'jobs.list': () => this.jobs.snapshot(),
      'forecast.run': (r: { week: string; horizon: number; provider?: string; model?: string }) => {
        // a missing or unreadable model folder is refused now, naming it, not inside the job
        if (r.model !== undefined) readManifest(r.model)
        return {
          jobId: this.jobs.start('forecast', (ctx) =>
            runForecast(this.archive, {
              week: r.week,
              horizon: r.horizon,
              provider: r.provider,
              modelDir: r.model,
              top: 0,
              signal: ctx.signal,
              onProgress: (done, total) => ctx.progress(done, total, 'pairs scored'),
            }),
          ),
        }
      },
      'forecast.latest': (r: { week: string; horizon: number; model?: string }) =>
        this.latestForecast(r.week, r.horizon, r.model),
      'runs.list': (r: { limit?: number }) => listRuns(this.archive, r.limit),
      'models.list': () => listModels(this.archive.file),
      // ---- graph explorer (src/engine/graph/, src/engine/layout/)
      'graph.universe': async (r: { wait?: boolean }) => {
        const { view, status } = await this.layout.universe(r.wait ?? false)
        return universeResponse(view, status)
      },
      'week.frame': (r: { week: string }) => weekFrame(this.archive, this.layout.view(), r.week),
      'layout.run': (r: { iterations?: number; reseed?: boolean }) => ({
        jobId: this.layout.run(r),
      }),
      'node.detail': (r: { nodeId: string; week: string }) =>
        nodeDetail(this.archive, r.nodeId, r.week),
      'edge.history': (r: { source: string; target: string }) =>
        edgeHistory(this.archive, r.source, r.target),
      // ---- end of the graph explorer
      // ---- risk, forecast, backtest and training views (src/engine/analysis.ts)
      ...new AnalysisCalls(archive, this.jobs, () => this.layout.view()).handlers(),
      // ---- end of the risk, forecast, backtest and training views
      // ---- query console (src/engine/query/calls.ts)
      ...this.query.handlers(),
      // ---- end of the query console
      // ---- graph exports (src/engine/export/calls.ts)
      ...this.exports.handlers(),
      // ---- end of the graph exports
      // ---- weekly risk report (src/engine/report/)
      ...reportHandlers(archive, this.jobs, this.layout),
      // ---- end of the weekly risk report
    }
  }

  /** Opens the archive file for the service; close() closes it. */
  static open(file: string): EngineService {
    const service = new EngineService(Archive.open(file))
    service.ownsArchive = true
    return service
  }

  /** Cancels the running jobs and closes the archive when the service opened it. */
  close(): void {
    for (const { id } of this.jobs.list()) this.jobs.cancel(id)
    this.query.close() // stops the query processes
    this.exports.close() // deletes downloads not read
    this.events.removeAllListeners()
    if (this.ownsArchive) this.archive.close()
  }

  /** Validates, dispatches and validates the answer. Bad requests are USAGE errors. */
  async handle(name: string, request: unknown): Promise<unknown> {
    if (!isCallName(name)) throw new DexposureError('USAGE', `unknown call "${name}"`)
    const handler = (this.handlers as Partial<Record<CallName, (r: unknown) => unknown>>)[name]
    if (!handler) {
      parsedRequest(name, request) // a bad request is still reported as one
      throw new DexposureError(
        'USAGE',
        `${name} is answered by the workbench session (src/engine/session.ts), not by one archive's service`,
      )
    }
    return checkedResponse(name, await handler(parsedRequest(name, request)))
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    this.events.on(event, listener)
    return () => this.events.off(event, listener)
  }

  private info(): CallResponse<'archive.info'> {
    const weeks = this.archive.listWeeks()
    return {
      file: this.archive.file,
      schemaVersion: this.archive.schemaVersion(),
      weeks: weeks.length,
      firstWeek: weeks[0]?.week ?? null,
      lastWeek: weeks.at(-1)?.week ?? null,
      synthetic: weeks.some((w) => w.synthetic),
      protocols: this.archive.protocols().size,
    }
  }

  /** The `limit` largest nodes of a week (every node without one) and the edges among them. */
  private weekGraph(week: string, limit: number): CallResponse<'week.graph'> {
    const f = this.archive.loadWeek(week)
    const n = f.nodeIds.length
    const inDeg = new Int32Array(n)
    const outDeg = new Int32Array(n)
    for (let j = 0; j < f.edgeSrc.length; j++) {
      outDeg[f.edgeSrc[j]]++
      inDeg[f.edgeDst[j]]++
    }
    const order = [...f.sizes.keys()].sort((a, b) => f.sizes[b] - f.sizes[a]).slice(0, limit)
    const kept = new Set(order)
    const protocols = this.archive.protocols()
    const nodes = order.map((i) => ({
      id: f.nodeIds[i],
      name: protocols.get(f.nodeIds[i])?.name ?? null,
      size: f.sizes[i],
      category: f.categories[i],
      sector: f.sectors[i],
      inDegree: inDeg[i],
      outDegree: outDeg[i],
    }))
    const edges = []
    for (let j = 0; j < f.edgeSrc.length; j++)
      if (kept.has(f.edgeSrc[j]) && kept.has(f.edgeDst[j]))
        edges.push({
          source: f.nodeIds[f.edgeSrc[j]],
          target: f.nodeIds[f.edgeDst[j]],
          weight: f.edgeWeight[j],
        })
    return {
      week,
      synthetic: f.synthetic,
      totalNodes: n,
      totalEdges: f.edgeSrc.length,
      nodes,
      edges,
    }
  }

  /**
   * The latest run of (week, horizon); with a model choice, that model's latest (name and sha256,
   * as stored-run.ts matches a run to its model): the views ask for the model they use, so another
   * model's newer run neither hides the chosen one's stored run nor makes them forecast again.
   */
  private latestForecast(
    week: string,
    horizon: number,
    choice: string | undefined,
  ): CallResponse<'forecast.latest'> {
    // a folder or name that is not there, or of another horizon, is the request's error (field model)
    const model =
      choice === undefined ? null : resolveModelChoice(this.archive.file, choice, horizon, 'model')
    const columns = `run_id, week, horizon, target_week, model, model_sha256, provider, fallbacks, created,
           duration_ms, nodes, expected_edges, graph_edges, warnings`
    const row = (
      model
        ? this.archive.db
            .prepare(
              `SELECT ${columns} FROM forecast_runs
               WHERE week = ? AND horizon = ? AND model = ? AND model_sha256 = ?
               ORDER BY run_id DESC LIMIT 1`,
            )
            .get(week, horizon, model.name, model.sha256)
        : this.archive.db
            .prepare(
              `SELECT ${columns} FROM forecast_runs WHERE week = ? AND horizon = ?
               ORDER BY run_id DESC LIMIT 1`,
            )
            .get(week, horizon)
    ) as
      | (Omit<CallResponse<'forecast.latest'> & object, 'fallbacks' | 'warnings'> & {
          fallbacks: string
          warnings: string
        })
      | undefined
    return row
      ? { ...row, fallbacks: JSON.parse(row.fallbacks), warnings: JSON.parse(row.warnings) }
      : null
  }

  private nodeHistory(nodeId: string): CallResponse<'node.history'> {
    const rows = this.archive.nodeHistory(nodeId)
    if (rows.length === 0)
      throw new DexposureError('NOT_FOUND', `node "${nodeId}" is in no archived week`, {
        field: 'nodeId',
      })
    return rows.map((r) => ({
      week: r.week,
      size: r.size,
      inDegree: r.in_degree,
      outDegree: r.out_degree,
    }))
  }
}
