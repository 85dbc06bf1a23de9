// Loads a stored forecast for the overlay: the run (stored, or computed as an engine job first),
// its packed `forecast.frame` decoded over the universe, and the week's edges, prepared once per
// run so the threshold slider rebuilds the overlay without asking the engine again.
import type { CallResponse } from '../../../../shared/api'
import { decodeFloat32, decodeFloat64, decodeInt32 } from '../../../../shared/packed'
import { FORECAST_SHOWN_EVENT, modelForForecast, runMadeBy } from '../../services/model-choice'
import type { Workbench } from '../context'
import {
  MAX_APPEAR,
  prepareForecast,
  type ForecastData,
  type PreparedForecast,
} from './overlay-builder'

export type ForecastRun = NonNullable<CallResponse<'forecast.latest'>>

export interface LoadedForecast {
  run: ForecastRun
  prepared: PreparedForecast
  ids: string[]
  model: string
  provider: string
  warnings: string[]
  /** ms spent: the frame call and decode, and the preparation. */
  timings: { frame: number; prepare: number }
}

export function decodeFrame(f: CallResponse<'forecast.frame'>): ForecastData {
  return {
    week: f.week,
    horizon: f.horizon,
    targetWeek: f.targetWeek,
    expectedEdges: f.expectedEdges,
    graphEdges: f.graphEdges,
    nodes: decodeInt32(f.nodes),
    predictedLogChange: decodeFloat32(f.predictedLogChange),
    pairSource: decodeInt32(f.pairSource),
    pairTarget: decodeInt32(f.pairTarget),
    probability: decodeFloat32(f.probability),
    predictedWeight: decodeFloat64(f.predictedWeight),
    flags: decodeInt32(f.flags),
    newProbability: decodeFloat32(f.newProbability),
    cut: f.cut,
  }
}

/**
 * The stored forecast of (week, horizon) made by the model the views use (chosen in the model
 * manager, else the engine's default), or null when none is stored and `compute` is false: a
 * stored run of another model does not count, so choosing a model changes the next forecast.
 * With `compute`, a missing run is computed first as a `forecast` job (progress and cancel in the
 * Jobs panel); null too when that job fails or is cancelled.
 */
export async function loadForecast(
  wb: Workbench,
  week: string,
  horizon: number,
  compute: boolean,
  previous: LoadedForecast | null = null,
): Promise<LoadedForecast | null> {
  let run = await storedForecast(wb, week, horizon)
  if (!run) {
    if (!compute) return null
    run = await runForecastJob(wb, week, horizon)
    if (!run) return null
  }
  return loadStoredRun(wb, week, horizon, run, previous)
}

/**
 * A stored run's frame over the universe, decoded and prepared; `previous` is reused when it is
 * that run (a stored run never changes once stored).
 */
export async function loadStoredRun(
  wb: Workbench,
  week: string,
  horizon: number,
  run: ForecastRun,
  previous: LoadedForecast | null = null,
): Promise<LoadedForecast> {
  if (previous && sameRun(previous.run, run))
    return { ...previous, timings: { frame: 0, prepare: 0 } }
  const t0 = performance.now()
  const [frame, universe, weekData] = await Promise.all([
    wb.api.call('forecast.frame', { week, horizon, runId: run.run_id, topNew: MAX_APPEAR }),
    wb.data.loadUniverse(),
    wb.data.loadWeek(week),
  ])
  if (frame.revision !== universe.revision)
    throw new Error(
      `the archive's nodes changed since the graph loaded them (revision ${universe.revision}, ` +
        `the forecast uses ${frame.revision}): reload the archive (Archive: Reload the Archive)`,
    )
  const data = decodeFrame(frame)
  const t1 = performance.now()
  const prepared = prepareForecast(data, universe.ids, weekData)
  const t2 = performance.now()
  return {
    run,
    prepared,
    ids: universe.ids,
    model: frame.model,
    provider: frame.provider,
    warnings: frame.warnings,
    timings: { frame: t1 - t0, prepare: t2 - t1 },
  }
}

/** Whether two rows are the same stored run (an id is reused only after its run was deleted). */
export function sameRun(a: ForecastRun, b: ForecastRun): boolean {
  return a.run_id === b.run_id && a.created === b.created
}

/**
 * The latest stored run of (week, horizon) of the model the views use, else null. The engine is
 * asked for that model's latest run (`forecast.latest` `model`), so a newer run of another model
 * does not hide it; the views then read that run by id (frame, edges, nodes, risk on Ĝ).
 */
export async function storedForecast(
  wb: Workbench,
  week: string,
  horizon: number,
): Promise<ForecastRun | null> {
  const use = await modelForForecast(wb, horizon)
  const run = await latestRunOf(wb, week, horizon, use.model)
  return run && runMadeBy(run, use.model) ? run : null
}

/**
 * `forecast.latest` for a model's runs (by its folder); with no model listed, the latest of any.
 * Exported for the side view, which also names another model's newer run.
 */
export function latestRunOf(
  wb: Workbench,
  week: string,
  horizon: number,
  model: { dir: string } | null,
): Promise<ForecastRun | null> {
  return wb.api.call('forecast.latest', { week, horizon, ...(model ? { model: model.dir } : {}) })
}

/** Runs `forecast.run` as a job and returns the run it stored; logs what ran and its warnings.
 * Null when the job failed or was cancelled (the Jobs panel and the Log say why already). */
export async function runForecastJob(
  wb: Workbench,
  week: string,
  horizon: number,
): Promise<ForecastRun | null> {
  const label = `Forecast h=${horizon} from ${week}`
  // the model chosen for this horizon in the model manager, else the engine's default
  const use = await modelForForecast(wb, horizon)
  const model = use.dir
  if (use.stale)
    wb.log.add(
      'warning',
      'forecast',
      `the model chosen for h=${horizon} (${use.stale}) is no longer usable: the default is used`,
    )
  const done = await wb.jobs.run('forecast', label, () =>
    wb.api.call('forecast.run', { week, horizon, ...(model ? { model } : {}) }),
  )
  if (done.state !== 'done') return null
  // the run this job stored: the latest of the model it ran (another may have forecast since)
  const run = await latestRunOf(wb, week, horizon, use.model)
  if (!run) throw new Error(`${label} finished but stored no run`)
  const skipped = run.fallbacks.map((f) => `${f.provider} unavailable: ${f.error}`).join('; ')
  wb.log.info(
    'forecast',
    `${run.target_week}: ${Math.round(run.expected_edges).toLocaleString('en')} expected edges, ` +
      `predicted graph ${run.graph_edges.toLocaleString('en')} edges · model ${run.model} on ` +
      `${run.provider}${skipped ? ` (${skipped})` : ''} · ${(run.duration_ms / 1000).toFixed(1)} s`,
  )
  for (const w of run.warnings) wb.log.add('warning', 'forecast', w)
  if (run.warnings.length) wb.flash(`Forecast ${run.target_week}: ${run.warnings[0]}`, 'warning')
  return run
}

/** Tells the status bar's model item (workbench/model-status.ts) which run a view shows: its
 * model, provider, the providers that could not run and why, and the model's warnings. */
export function showModelStatus(_wb: Workbench, run: ForecastRun): void {
  window.dispatchEvent(new CustomEvent(FORECAST_SHOWN_EVENT, { detail: run }))
}
