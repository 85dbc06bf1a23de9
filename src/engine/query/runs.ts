// Which stored run a query function reads: one rule, used by the engine (is the run there, or
// must it be computed first?) and by the query process (read it). Forecasts: the latest run for
// (week, horizon[, model name]); without a model name, the latest run of the model the console
// chose for the horizon (name and sha256, `query.run` `models`) when it chose one. Statistics: the latest stats run of the observed week with the
// default parameters (what `dexposure stats --week W` stores). Contagion: the latest contagion run
// of the observed week with default parameters that holds the scenario (and the method, or all
// three when none is named).
import type Database from 'better-sqlite3'
import { statsParams } from '../risk/stats-runs'
import { canonicalJson } from '../risk/store'
import { CONTAGION_METHODS, type ContagionMethodName } from './guard'

const DEFAULT_STATS = canonicalJson(statsParams())

export function latestForecastRun(
  db: Database.Database,
  week: string,
  horizon: number,
  model: string | null,
  /** With `model`: only runs whose pair-head sha256 is this (the chosen model, not a namesake). */
  sha256: string | null = null,
): number | null {
  const row = (
    model === null
      ? db
          .prepare(
            'SELECT run_id FROM forecast_runs WHERE week = ? AND horizon = ? ORDER BY run_id DESC LIMIT 1',
          )
          .get(week, horizon)
      : db
          .prepare(
            `SELECT run_id FROM forecast_runs WHERE week = ? AND horizon = ? AND model = ?
             AND (? IS NULL OR model_sha256 = ?) ORDER BY run_id DESC LIMIT 1`,
          )
          .get(week, horizon, model, sha256, sha256)
  ) as { run_id: number } | undefined
  return row?.run_id ?? null
}

export function defaultStatsRun(db: Database.Database, week: string): number | null {
  const row = db
    .prepare(
      `SELECT run_id FROM risk_runs WHERE week = ? AND target_week = ? AND kind = 'stats'
       AND graph = 'observed' AND horizon = 0 AND forecast_run IS NULL AND params = ?
       ORDER BY run_id DESC LIMIT 1`,
    )
    .get(week, week, DEFAULT_STATS) as { run_id: number } | undefined
  return row?.run_id ?? null
}

interface ContagionParamsStored {
  distressThreshold?: unknown
  maxRounds?: unknown
  debtRankVariant?: unknown
  alpha?: unknown
  beta?: unknown
  stats?: unknown
}

const hasDefaults = (p: ContagionParamsStored): boolean =>
  p.distressThreshold === 0.1 &&
  p.maxRounds === 10 &&
  p.debtRankVariant === 'linear' &&
  p.alpha === 1 &&
  p.beta === 1 &&
  canonicalJson(p.stats) === DEFAULT_STATS

export function defaultContagionRun(
  db: Database.Database,
  week: string,
  scenario: string,
  method: ContagionMethodName | null,
): number | null {
  const runs = db
    .prepare(
      `SELECT run_id, params FROM risk_runs WHERE week = ? AND target_week = ? AND kind = 'contagion'
       AND graph = 'observed' AND horizon = 0 ORDER BY run_id DESC`,
    )
    .all(week, week) as { run_id: number; params: string }[]
  const methods = db.prepare(
    'SELECT DISTINCT method FROM contagion_results WHERE run_id = ? AND scenario = ?',
  )
  for (const r of runs) {
    let params: ContagionParamsStored
    try {
      params = JSON.parse(r.params) as ContagionParamsStored
    } catch {
      continue
    }
    if (!params || !hasDefaults(params)) continue
    const have = new Set(
      (methods.all(r.run_id, scenario) as { method: string }[]).map((m) => m.method),
    )
    if (method ? have.has(method) : CONTAGION_METHODS.every((m) => have.has(m))) return r.run_id
  }
  return null
}
