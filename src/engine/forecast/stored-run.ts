// Stored forecast runs read back (forecast_runs, forecast_edges, forecast_nodes; docs/forecasting.md):
// a run by id or the latest for (week, horizon), its pairs as typed arrays, and its predicted graph
// Ĝ(t+h) for the risk tools. Pairs are read in one fixed order (probability descending, then
// insertion) so that Ĝ, a playback of a forecast-graph run and every Monte Carlo draw list their
// edges alike.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DexposureError } from '../../shared/errors'
import type { PredictedGraphRun } from '../risk/predicted-graph'
import type { Archive } from '../store/archive'
import { UNKNOWN } from '../store/archive'
import { unpackPairs } from './packed-pairs'
import { defaultModelDir, readManifest, type ModelManifest } from './model'

export interface ForecastRunRow {
  run_id: number
  week: string
  horizon: number
  target_week: string
  model: string
  model_sha256: string
  provider: string
  fallbacks: string
  created: string
  duration_ms: number
  nodes: number
  pairs_scored: number
  exhaustive: number
  expected_edges: number
  graph_rule: string
  graph_edges: number
  warnings: string
  /** JSON of the forecast's `calibration` (migration 9); NULL for runs stored before it. */
  calibration: string | null
}

const hasForecastTables = (archive: Archive): boolean =>
  !!archive.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'forecast_runs'").get()

/** A model as a stored run records it: manifest name and pair-head sha256. */
export interface RunModel {
  name: string
  sha256: string
  /** Its folder, when known: error messages name the command that forecasts with it. */
  dir?: string
}

/** What a run lookup names: a run id, or (week, horizon) and optionally the model that made it. */
export interface ForecastRunQuery {
  runId?: number
  week?: string
  horizon?: number
  /** Only runs of this model (name and sha256 both match: a retrained model is another model). */
  model?: RunModel
}

/**
 * A run by id, else the latest for (week, horizon) — of `model` when one is given; null when
 * there is none.
 */
export function findForecastRun(archive: Archive, q: ForecastRunQuery): ForecastRunRow | null {
  if (!hasForecastTables(archive)) return null
  const columns = runColumns(archive)
  const row =
    q.runId !== undefined
      ? archive.db.prepare(`SELECT ${columns} FROM forecast_runs WHERE run_id = ?`).get(q.runId)
      : q.model
        ? archive.db
            .prepare(
              `SELECT ${columns} FROM forecast_runs WHERE week = ? AND horizon = ? AND model = ? AND model_sha256 = ?
               ORDER BY run_id DESC LIMIT 1`,
            )
            .get(q.week, q.horizon, q.model.name, q.model.sha256)
        : archive.db
            .prepare(
              `SELECT ${columns} FROM forecast_runs WHERE week = ? AND horizon = ? ORDER BY run_id DESC LIMIT 1`,
            )
            .get(q.week, q.horizon)
  return (row as ForecastRunRow | undefined) ?? null
}

/** The columns of forecast_runs but its packed pairs: `SELECT *` read a real-scale run's 9 MB
 * blob on every call that looks a run up (and kept it with the row). Read from the table, so an
 * archive opened read-only before a migration added a column reads what it has. */
function runColumns(archive: Archive): string {
  const names = (archive.db.pragma('table_info(forecast_runs)') as { name: string }[])
    .map((c) => c.name)
    .filter((n) => n !== 'pairs_packed')
  return names.join(', ')
}

/**
 * As findForecastRun, or NOT_FOUND saying what to run. With a `model`, a stored run of another
 * model is not taken: CONFLICT naming both models (the analyst chose one; silently reading
 * another's forecast would be a wrong answer, not a fallback).
 */
export function requireForecastRun(archive: Archive, q: ForecastRunQuery): ForecastRunRow {
  const run = findForecastRun(archive, q)
  if (run) return run
  if (q.runId !== undefined)
    throw new DexposureError('NOT_FOUND', `no forecast run ${q.runId}`, { field: 'runId' })
  if (q.model) {
    const other = findForecastRun(archive, { week: q.week, horizon: q.horizon })
    const wanted = `${q.model.name} (sha256 ${q.model.sha256.slice(0, 12)}…)`
    const todo = q.model.dir
      ? `run \`dexposure forecast --week ${q.week} --horizon ${q.horizon} --model ${q.model.dir}\` first`
      : 'forecast with that model first'
    if (other)
      throw new DexposureError(
        'CONFLICT',
        `the stored forecast for week ${q.week} horizon ${q.horizon} (run ${other.run_id}) is of model ${other.model} (sha256 ${other.model_sha256.slice(0, 12)}…), not of the chosen model ${wanted}; ${todo}`,
        { week: q.week, field: 'model' },
      )
    throw new DexposureError(
      'NOT_FOUND',
      `no forecast run of model ${wanted} for week ${q.week} horizon ${q.horizon}; ${todo}`,
      { week: q.week, field: 'model' },
    )
  }
  throw new DexposureError(
    'NOT_FOUND',
    `no forecast run for week ${q.week} horizon ${q.horizon}; run \`dexposure forecast --week ${q.week} --horizon ${q.horizon}\` first`,
    { week: q.week, field: 'horizon' },
  )
}

export interface ForecastNodes {
  nodeIds: string[]
  index: Map<string, number>
  tvlT: Float64Array
  predictedLogChange: Float64Array
  predictedTvl: Float64Array
}

export function loadForecastNodes(archive: Archive, runId: number): ForecastNodes {
  const rows = archive.db
    .prepare(
      'SELECT node_id, tvl_t, predicted_log_change, predicted_tvl FROM forecast_nodes WHERE run_id = ? ORDER BY rowid',
    )
    .raw()
    .all(runId) as [string, number, number, number][]
  const n = rows.length
  const out: ForecastNodes = {
    nodeIds: new Array<string>(n),
    index: new Map(),
    tvlT: new Float64Array(n),
    predictedLogChange: new Float64Array(n),
    predictedTvl: new Float64Array(n),
  }
  rows.forEach(([id, t, c, p], i) => {
    out.nodeIds[i] = id
    out.index.set(id, i)
    out.tvlT[i] = t
    out.predictedLogChange[i] = c
    out.predictedTvl[i] = p
  })
  return out
}

/** The stored pairs of a run (every pair of Ĝ and every pair with p ≥ 0.01), in node positions. */
export interface ForecastPairs {
  src: Int32Array
  dst: Int32Array
  probability: Float64Array
  weight: Float64Array
  existsAtT: Uint8Array
  inGraph: Uint8Array
}

/** Room for `m` pairs. */
export function forecastPairs(m: number): ForecastPairs {
  return {
    src: new Int32Array(m),
    dst: new Int32Array(m),
    probability: new Float64Array(m),
    weight: new Float64Array(m),
    existsAtT: new Uint8Array(m),
    inGraph: new Uint8Array(m),
  }
}

export function loadForecastPairs(
  archive: Archive,
  runId: number,
  nodes: ForecastNodes,
  where: 'all' | 'graph' = 'all',
): ForecastPairs {
  const packed = packedPairs(archive, runId, nodes)
  if (packed) return where === 'all' ? packed : onlyInGraph(packed)
  const rows = archive.db
    .prepare(
      `SELECT source, target, probability, predicted_weight_usd, exists_at_t, in_graph
       FROM forecast_edges WHERE run_id = ?${where === 'graph' ? ' AND in_graph = 1' : ''}
       ORDER BY probability DESC, rowid`,
    )
    .raw()
    .all(runId) as [string, string, number, number, number, number][]
  const p = forecastPairs(rows.length)
  rows.forEach(([s, t, prob, w, at, g], k) => {
    const a = nodes.index.get(s)
    const b = nodes.index.get(t)
    if (a === undefined || b === undefined)
      throw new DexposureError(
        'ARCHIVE',
        `forecast run ${runId} has a pair ${s} → ${t} outside its nodes`,
        { file: archive.file },
      )
    p.src[k] = a
    p.dst[k] = b
    p.probability[k] = prob
    p.weight[k] = w
    p.existsAtT[k] = at
    p.inGraph[k] = g
  })
  return p
}

/** The schema version that added `forecast_runs.pairs_packed` (migrations.ts). */
const PACKED_PAIRS_SINCE = 10

/** A run's pairs from its packed columns (packed-pairs.ts), or null where it has none or they do
 * not match its rows (count, layout, node positions): the rows are read then. */
function packedPairs(archive: Archive, runId: number, nodes: ForecastNodes): ForecastPairs | null {
  // an archive opened read-only is not migrated: before migration 10 it has no such column
  if (archive.schemaVersion() < PACKED_PAIRS_SINCE) return null
  const row = archive.db
    .prepare(
      `SELECT r.pairs_packed AS blob, (SELECT count(*) FROM forecast_edges e WHERE e.run_id = r.run_id) AS rows
       FROM forecast_runs r WHERE r.run_id = ?`,
    )
    .get(runId) as { blob: Buffer | null; rows: number } | undefined
  if (!row?.blob) return null
  return unpackPairs(row.blob, row.rows, nodes.nodeIds.length)
}

/** The pairs of Ĝ among `p`, in their order. */
function onlyInGraph(p: ForecastPairs): ForecastPairs {
  const keep: number[] = []
  for (let k = 0; k < p.inGraph.length; k++) if (p.inGraph[k]) keep.push(k)
  const out = forecastPairs(keep.length)
  keep.forEach((k, j) => {
    out.src[j] = p.src[k]
    out.dst[j] = p.dst[k]
    out.probability[j] = p.probability[k]
    out.weight[j] = p.weight[k]
    out.existsAtT[j] = p.existsAtT[k]
    out.inGraph[j] = p.inGraph[k]
  })
  return out
}

/** Categories and sectors of a run's nodes from the protocols table (as the observed weeks). */
export function labelsOf(
  archive: Archive,
  nodeIds: string[],
): { categories: string[]; sectors: string[] } {
  const protocols = archive.protocols()
  return {
    categories: nodeIds.map((id) => protocols.get(id)?.category || UNKNOWN),
    sectors: nodeIds.map((id) => protocols.get(id)?.sector || UNKNOWN),
  }
}

/** The predicted graph Ĝ(t+h) of a stored run: its in-graph pairs and predicted node TVL. */
export function predictedGraphOfRun(
  archive: Archive,
  run: ForecastRunRow,
  graphRule: string,
): PredictedGraphRun {
  const nodes = loadForecastNodes(archive, run.run_id)
  const pairs = loadForecastPairs(archive, run.run_id, nodes, 'graph')
  return {
    graph: {
      nodeIds: nodes.nodeIds,
      sizes: nodes.predictedTvl,
      ...labelsOf(archive, nodes.nodeIds),
      edgeSrc: pairs.src,
      edgeDst: pairs.dst,
      edgeWeight: pairs.weight,
    },
    forecastRunId: run.run_id,
    anchorWeek: run.week,
    targetWeek: run.target_week,
    horizon: run.horizon,
    notes: [`predicted graph: ${graphRule}`],
  }
}

/**
 * The model folder and manifest a run was made with, when still on disk: the archive's own model
 * for the horizon or the shipped one, matched by name and pair-head checksum (a retrained model
 * under the same name is a different model). Null when neither matches.
 */
export function modelOfRun(
  archiveFile: string,
  run: Pick<ForecastRunRow, 'horizon' | 'model' | 'model_sha256'>,
): { dir: string; manifest: ModelManifest } | null {
  const dirs = [
    join(dirname(archiveFile), 'models', `h${run.horizon}`),
    defaultModelDir(run.horizon),
  ]
  for (const dir of dirs) {
    if (!dir || !existsSync(join(dir, 'model.json'))) continue
    try {
      const manifest = readManifest(dir)
      if (manifest.name === run.model && manifest.graphs.pair_head.sha256 === run.model_sha256)
        return { dir, manifest }
    } catch {
      // an unreadable manifest is not the run's model
    }
  }
  return null
}
