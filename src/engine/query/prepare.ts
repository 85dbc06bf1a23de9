// Before a query runs: the forecast and risk runs it names are reused when stored and computed
// (and stored) when not, on the engine's read-write connection, with progress and cancellation.
// SQLite's callbacks are synchronous and a forecast is not, so this cannot happen inside the
// query; the query process then only reads (query/runs.ts has the one rule both sides use).
import type { Archive } from '../store/archive'
import { DexposureError, isDexposureError } from '../../shared/errors'
import { parseShockSpec, scenarioByName, SCENARIOS } from '../../shared/risk/scenarios'
import { listModels } from '../explorer'
import { runForecast } from '../forecast/run'
import { riskRun } from '../risk/contagion-runs'
import { ensureWeekStats } from '../risk/stats-runs'
import { RiskStore } from '../risk/store'
import { CONTAGION_METHODS, sqlLocation, type RunRequirement } from './guard'
import { defaultContagionRun, defaultStatsRun, latestForecastRun } from './runs'

/** A run a query read, as its result reports it. */
export interface PreparedRun {
  kind: 'forecast' | 'stats' | 'contagion'
  week: string
  horizon: number | null
  model: string | null
  scenario: string | null
  method: string | null
  runId: number
  /** True when this query computed it (false: it was stored already). */
  computed: boolean
}

export interface PrepareContext {
  signal?: AbortSignal
  progress?: (done: number, total: number | null, message: string) => void
}

/** What identifies the run a requirement names (equal keys: one run). */
export const keyOf = (r: RunRequirement): string =>
  r.kind === 'forecast'
    ? `forecast|${r.week}|${r.horizon}|${r.model ?? ''}|${r.model === null && r.chosen ? `${r.chosen.name}@${r.chosen.sha256}` : ''}`
    : r.kind === 'stats'
      ? `stats|${r.week}`
      : `contagion|${r.week}|${r.scenario}|${r.method ?? '*'}`

/**
 * Prepares the runs `needs` name, one after the other (dedupes them; `inflight` shares a run
 * that a concurrent query is already computing), by keyOf. Errors carry the position of the call
 * that named the run.
 */
export async function prepareRuns(
  archive: Archive,
  sql: string,
  needs: RunRequirement[],
  ctx: PrepareContext = {},
  inflight: Map<string, Promise<PreparedRun>> = new Map(),
): Promise<Map<string, PreparedRun>> {
  const unique = new Map<string, RunRequirement>()
  for (const n of needs) if (!unique.has(keyOf(n))) unique.set(keyOf(n), n)
  const out = new Map<string, PreparedRun>()
  for (const [key, need] of unique) {
    ctx.signal?.throwIfAborted()
    let p = inflight.get(key)
    if (!p) {
      p = prepareOne(archive, need, ctx).finally(() => inflight.delete(key))
      inflight.set(key, p)
    }
    try {
      out.set(key, await p)
    } catch (e) {
      throw located(sql, need, e)
    }
  }
  return out
}

function located(sql: string, need: RunRequirement, e: unknown): unknown {
  if (!isDexposureError(e) || e.code === 'CANCELLED') return e
  if (e.location.offset !== undefined && e.location.field === 'sql') return e
  const call = need.at
  const err = new DexposureError(
    e.code,
    `${call.spec.name}: ${e.message}`,
    sqlLocation(sql, call.start, call.end - call.start),
  )
  err.stack = e.stack
  return err
}

async function prepareOne(
  archive: Archive,
  need: RunRequirement,
  ctx: PrepareContext,
): Promise<PreparedRun> {
  const base = {
    week: need.week,
    horizon: null,
    model: null,
    scenario: null,
    method: null,
  }
  if (!archive.hasWeek(need.week))
    throw new DexposureError('NOT_FOUND', `week ${need.week} is not in the archive`, {
      week: need.week,
    })
  if (need.kind === 'forecast') {
    // no model named in the SQL: the console's chosen model for the horizon, when it chose one
    const chosen = need.model === null ? (need.chosen ?? null) : null
    const stored = chosen
      ? latestForecastRun(archive.db, need.week, need.horizon, chosen.name, chosen.sha256)
      : latestForecastRun(archive.db, need.week, need.horizon, need.model)
    const run = {
      ...base,
      kind: 'forecast' as const,
      horizon: need.horizon,
      model: chosen ? chosen.name : need.model,
    }
    if (stored !== null) return { ...run, runId: stored, computed: false }
    const label = `forecast ${need.week} h=${need.horizon}`
    ctx.progress?.(0, null, label)
    const r = await runForecast(archive, {
      week: need.week,
      horizon: need.horizon,
      modelDir: chosen
        ? chosen.dir
        : need.model === null
          ? undefined
          : modelDirNamed(archive, need.model, need.horizon),
      top: 0,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress?.(done, total, `${label}: pairs scored`),
    })
    return { ...run, model: r.model, runId: r.run_id, computed: true }
  }
  if (need.kind === 'stats') {
    const stored = defaultStatsRun(archive.db, need.week)
    if (stored !== null) return { ...base, kind: 'stats', runId: stored, computed: false }
    ctx.progress?.(0, 1, `statistics ${need.week}`)
    ensureWeekStats(archive, new RiskStore(archive), need.week)
    const runId = defaultStatsRun(archive.db, need.week)
    if (runId === null)
      throw new DexposureError('INTERNAL', `statistics of ${need.week} were not stored`)
    ctx.progress?.(1, 1, `statistics ${need.week}`)
    return { ...base, kind: 'stats', runId, computed: true }
  }
  const run = { ...base, kind: 'contagion' as const, scenario: need.scenario, method: need.method }
  const stored = defaultContagionRun(archive.db, need.week, need.scenario, need.method)
  if (stored !== null) return { ...run, runId: stored, computed: false }
  const label = `contagion ${need.week} ${need.scenario}`
  ctx.progress?.(0, 1, label)
  const named = SCENARIOS.some((s) => s.name === need.scenario)
  riskRun(archive, need.week, {
    scenarios: [
      {
        name: need.scenario,
        spec: named ? scenarioByName(need.scenario).spec : parseShockSpec(need.scenario),
      },
    ],
    methods: need.method ? [need.method] : [...CONTAGION_METHODS],
    // a spec the analyst wrote must hit something (riskRun refuses it otherwise, as the CLI does)
    customNames: named ? [] : [need.scenario],
  })
  ctx.progress?.(1, 1, label)
  const runId = defaultContagionRun(archive.db, need.week, need.scenario, need.method)
  if (runId === null)
    throw new DexposureError('INTERNAL', `the contagion run for ${label} was not stored`)
  return { ...run, runId, computed: true }
}

/** The folder of the model named `name` for `horizon` (the archive's own first, then shipped). */
function modelDirNamed(archive: Archive, name: string, horizon: number): string {
  const models = listModels(archive.file).filter((m) => m.horizon === horizon && !m.problem)
  const found = models.find((m) => m.name === name)
  if (found) return found.dir
  throw new DexposureError(
    'NOT_FOUND',
    `no model named "${name}" for h=${horizon} (models: ${models.map((m) => m.name).join(', ') || 'none'})`,
  )
}
