// What the workbench's Explorer lists besides weeks and nodes: the stored forecast and risk runs,
// and the models a forecast on this archive can use (the archive's own models/hH, then the
// shipped defaults), with the manifest facts an analyst chooses by. Read-only.
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { CallResponse } from '../shared/api'
import { defaultModelDir, modelDirFor, readManifest } from './forecast/model'
import type { Archive } from './store/archive'

type Runs = CallResponse<'runs.list'>
type ModelEntry = CallResponse<'models.list'>[number]

const HEADLINE_METRICS = [
  'validation_auprc_all_pairs',
  'validation_ece_all_pairs',
  'validation_node_mae',
  'validation_weight_mae',
]

const parse = <T>(text: string | null, fallback: T): T => {
  try {
    return text ? (JSON.parse(text) as T) : fallback
  } catch {
    return fallback
  }
}

/** Stored runs, newest first. */
export function listRuns(archive: Archive, limit = 200): Runs {
  const forecasts = archive.db
    .prepare(
      `SELECT run_id, week, horizon, target_week, model, provider, created, expected_edges,
         graph_edges, warnings FROM forecast_runs ORDER BY run_id DESC LIMIT ?`,
    )
    .all(limit) as {
    run_id: number
    week: string
    horizon: number
    target_week: string
    model: string
    provider: string
    created: string
    expected_edges: number
    graph_edges: number
    warnings: string | null
  }[]
  const risk = archive.db
    .prepare(
      `SELECT run_id, week, target_week, kind, graph, horizon, params, created_at
         FROM risk_runs ORDER BY run_id DESC LIMIT ?`,
    )
    .all(limit) as {
    run_id: number
    week: string
    target_week: string
    kind: string
    graph: string
    horizon: number
    params: string
    created_at: string
  }[]
  return {
    forecasts: forecasts.map((r) => ({
      runId: r.run_id,
      week: r.week,
      horizon: r.horizon,
      targetWeek: r.target_week,
      model: r.model,
      provider: r.provider,
      created: r.created,
      expectedEdges: r.expected_edges,
      graphEdges: r.graph_edges,
      warnings: parse<string[]>(r.warnings, []),
    })),
    risk: risk.map((r) => ({
      runId: r.run_id,
      week: r.week,
      targetWeek: r.target_week,
      kind: r.kind,
      graph: r.graph,
      horizon: r.horizon,
      params: parse<Record<string, unknown>>(r.params, {}),
      created: r.created_at,
    })),
  }
}

/** Model folders: the archive's own (models/h*) and the shipped ones for the usual horizons. */
export function listModels(archiveFile: string): ModelEntry[] {
  const dirs = new Map<string, 'archive' | 'shipped'>()
  const local = join(dirname(archiveFile), 'models')
  if (existsSync(local))
    for (const d of readdirSync(local, { withFileTypes: true }))
      if (d.isDirectory() && /^h\d+$/.test(d.name) && existsSync(join(local, d.name, 'model.json')))
        dirs.set(join(local, d.name), 'archive')
  for (const h of [1, 4, 8, 12]) {
    const shipped = defaultModelDir(h)
    if (shipped) dirs.set(shipped, 'shipped')
  }
  const entries: ModelEntry[] = []
  for (const [dir, source] of dirs) {
    try {
      const m = readManifest(dir)
      const metrics: Record<string, number> = {}
      for (const k of HEADLINE_METRICS)
        if (typeof m.metrics?.[k] === 'number') metrics[k] = m.metrics[k]
      entries.push({
        dir,
        source,
        isDefault: modelDirFor(m.horizon, archiveFile) === dir,
        name: m.name,
        sha256: m.graphs.pair_head.sha256,
        horizon: m.horizon,
        trainingWindow: Object.fromEntries(
          Object.entries(m.training_window ?? {}).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>,
        synthetic: m.training_data?.synthetic ?? null,
        maxNodes: m.training_data?.max_nodes ?? null,
        metrics,
        problem: null,
      })
    } catch (e) {
      entries.push({
        dir,
        source,
        isDefault: false,
        name: dir.split(/[\\/]/).pop() ?? dir,
        sha256: null,
        horizon: Number(/h(\d+)$/.exec(dir)?.[1] ?? 0),
        trainingWindow: {},
        synthetic: null,
        maxNodes: null,
        metrics: {},
        problem: (e as Error).message,
      })
    }
  }
  return entries.sort((a, b) => a.horizon - b.horizon || (a.source === 'archive' ? -1 : 1))
}
