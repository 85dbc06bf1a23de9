// What an export reads: a week, a range of weeks, a forecast graph Ĝ from a stored forecast run,
// or an explicit subset of a week (the explorer's filtered view), each as one GraphSlice per week
// with the attributes every format writes (name, TVL, category, sector, kind, SIS when stored).
// Slices are loaded one week at a time, so a range streams.
import type { GraphExportTarget } from '../../shared/api-export'
import type { WeekId } from '../../shared/domain'
import { weekProblem } from '../../shared/dates'
import { DexposureError } from '../../shared/errors'
import {
  findForecastRun,
  labelsOf,
  loadForecastNodes,
  loadForecastPairs,
  requireForecastRun,
  type ForecastRunRow,
} from '../forecast/stored-run'
import { resolveModelChoice } from '../model-choice'
import { statsParams } from '../risk/stats-runs'
import { canonicalJson } from '../risk/store'
import type { Archive } from '../store/archive'

export interface GraphSlice {
  /** The observed week, or the forecast's target week. */
  week: WeekId
  nodeIds: string[]
  names: (string | null)[]
  /** USD size (TVL); the predicted TVL for a forecast graph. */
  sizes: Float64Array
  categories: string[]
  sectors: string[]
  kinds: ('protocol' | 'token')[]
  /** Systemic importance score when a stats run of the week is stored (NaN for a node without). */
  sis: Float64Array | null
  edgeSrc: Int32Array
  edgeDst: Int32Array
  /** USD exposure holder → issuer (predicted for a forecast graph). */
  edgeWeight: Float64Array
  /** Forecast graphs: the calibrated probability of each edge. */
  probability: Float64Array | null
  /** Positions of the nodes and edges in the archived week (for compositions); null for Ĝ. */
  nodePos: Int32Array | null
  edgePos: Int32Array | null
}

export interface ExportSource {
  kind: GraphExportTarget['kind']
  weeks: WeekId[]
  synthetic: boolean
  /** One line for the file's description. */
  description: string
  forecastRun: ForecastRunRow | null
  warnings: string[]
  slice(week: WeekId): GraphSlice
}

const checkedWeek = (week: string, field: string): WeekId => {
  const problem = weekProblem(week)
  if (problem) throw new DexposureError('USAGE', problem, { field })
  return week
}

function requireWeek(archive: Archive, week: string, field: string): WeekId {
  checkedWeek(week, field)
  if (!archive.hasWeek(week))
    throw new DexposureError(
      'NOT_FOUND',
      `week ${week} is not in the archive (see \`dexposure weeks\`)`,
      { week, field, file: archive.file },
    )
  return week
}

/** SIS scores of a week's default stats run when stored (never computed by an export). */
function storedSis(archive: Archive, week: WeekId): Map<string, number> | null {
  const hasRisk = archive.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sis_scores'").get()
  if (!hasRisk) return null
  const run = archive.db
    .prepare(
      `SELECT run_id FROM risk_runs WHERE week = ? AND target_week = ? AND kind = 'stats'
       AND graph = 'observed' AND params = ? ORDER BY run_id DESC LIMIT 1`,
    )
    .get(week, week, canonicalJson(statsParams())) as { run_id: number } | undefined
  if (!run) return null
  const rows = archive.db
    .prepare('SELECT node_id, score FROM sis_scores WHERE run_id = ?')
    .raw()
    .all(run.run_id) as [string, number][]
  return new Map(rows)
}

function sisArray(ids: string[], sis: Map<string, number> | null): Float64Array | null {
  if (!sis) return null
  return Float64Array.from(ids, (id) => sis.get(id) ?? NaN)
}

function attributes(archive: Archive, ids: string[]) {
  const protocols = archive.protocols()
  const { categories, sectors } = labelsOf(archive, ids)
  return {
    names: ids.map((id) => protocols.get(id)?.name ?? null),
    kinds: ids.map((id) => (protocols.has(id) ? 'protocol' : 'token') as 'protocol' | 'token'),
    categories,
    sectors,
  }
}

/** The whole archived week. */
function weekSlice(archive: Archive, week: WeekId): GraphSlice {
  const f = archive.loadWeek(week)
  const n = f.nodeIds.length
  const e = f.edgeSrc.length
  return {
    week,
    nodeIds: f.nodeIds,
    sizes: f.sizes,
    ...attributes(archive, f.nodeIds),
    sis: sisArray(f.nodeIds, storedSis(archive, week)),
    edgeSrc: f.edgeSrc,
    edgeDst: f.edgeDst,
    edgeWeight: f.edgeWeight,
    probability: null,
    nodePos: Int32Array.from({ length: n }, (_, i) => i),
    edgePos: Int32Array.from({ length: e }, (_, j) => j),
  }
}

/** The subset of a week named by node ids and edge pairs (positions in `nodes`). */
function viewSlice(
  archive: Archive,
  target: Extract<GraphExportTarget, { kind: 'view' }>,
): GraphSlice {
  const all = weekSlice(archive, target.week)
  const index = new Map(all.nodeIds.map((id, i) => [id, i]))
  const nodePos = new Int32Array(target.nodes.length)
  const keep = new Map<number, number>() // week position → position in the view
  target.nodes.forEach((id, k) => {
    const i = index.get(id)
    if (i === undefined)
      throw new DexposureError('USAGE', `node "${id}" is not in week ${target.week}`, {
        week: target.week,
        field: 'target.nodes',
      })
    if (keep.has(i))
      throw new DexposureError('USAGE', `node "${id}" is listed twice`, {
        field: 'target.nodes',
      })
    nodePos[k] = i
    keep.set(i, k)
  })
  if (target.edges.length % 2 !== 0)
    throw new DexposureError('USAGE', 'edges are pairs of node positions: an even count', {
      field: 'target.edges',
    })
  const edgeOf = new Map<number, number>()
  for (let j = 0; j < all.edgeSrc.length; j++)
    edgeOf.set(all.edgeSrc[j] * all.nodeIds.length + all.edgeDst[j], j)
  const m = target.edges.length / 2
  const edgePos = new Int32Array(m)
  const edgeSrc = new Int32Array(m)
  const edgeDst = new Int32Array(m)
  for (let k = 0; k < m; k++) {
    const s = target.edges[2 * k]
    const t = target.edges[2 * k + 1]
    if (s >= nodePos.length || t >= nodePos.length)
      throw new DexposureError(
        'USAGE',
        `edge ${k} names node position ${Math.max(s, t)}, past the ${nodePos.length} nodes`,
        {
          field: 'target.edges',
        },
      )
    const j = edgeOf.get(nodePos[s] * all.nodeIds.length + nodePos[t])
    if (j === undefined)
      throw new DexposureError(
        'USAGE',
        `edge ${target.nodes[s]} → ${target.nodes[t]} is not in week ${target.week}`,
        { week: target.week, field: 'target.edges' },
      )
    edgePos[k] = j
    edgeSrc[k] = s
    edgeDst[k] = t
  }
  const pick = <T>(a: T[]): T[] => Array.from(nodePos, (i) => a[i])
  return {
    week: target.week,
    nodeIds: pick(all.nodeIds),
    names: pick(all.names),
    sizes: Float64Array.from(nodePos, (i) => all.sizes[i]),
    categories: pick(all.categories),
    sectors: pick(all.sectors),
    kinds: pick(all.kinds),
    sis: all.sis ? Float64Array.from(nodePos, (i) => all.sis![i]) : null,
    edgeSrc,
    edgeDst,
    edgeWeight: Float64Array.from(edgePos, (j) => all.edgeWeight[j]),
    probability: null,
    nodePos,
    edgePos,
  }
}

/** Ĝ(t+h): the run's in-graph pairs, or every stored pair with probability ≥ threshold. */
function forecastSlice(
  archive: Archive,
  run: ForecastRunRow,
  threshold: number | undefined,
): GraphSlice {
  const nodes = loadForecastNodes(archive, run.run_id)
  const pairs = loadForecastPairs(archive, run.run_id, nodes, 'all')
  const keep: number[] = []
  for (let k = 0; k < pairs.src.length; k++)
    if (threshold === undefined ? pairs.inGraph[k] === 1 : pairs.probability[k] >= threshold)
      keep.push(k)
  return {
    week: run.target_week,
    nodeIds: nodes.nodeIds,
    sizes: nodes.predictedTvl,
    ...attributes(archive, nodes.nodeIds),
    sis: null,
    edgeSrc: Int32Array.from(keep, (k) => pairs.src[k]),
    edgeDst: Int32Array.from(keep, (k) => pairs.dst[k]),
    edgeWeight: Float64Array.from(keep, (k) => pairs.weight[k]),
    probability: Float64Array.from(keep, (k) => pairs.probability[k]),
    nodePos: null,
    edgePos: null,
  }
}

const syntheticAmong = (archive: Archive, from: WeekId, to: WeekId): boolean =>
  archive.db
    .prepare('SELECT 1 FROM weeks WHERE week BETWEEN ? AND ? AND synthetic = 1 LIMIT 1')
    .get(from, to) !== undefined

/**
 * The forecast run of the chosen model (name and pair-head sha256, as stored-run.ts matches them):
 * `runId` when given and that model's, else its latest of (week, horizon). Another model's run is
 * refused (CONFLICT naming both), never exported in its place. Errors name `target.model`.
 */
function chosenModelRun(
  archive: Archive,
  week: WeekId,
  horizon: number,
  runId: number | undefined,
  choice: string,
): ForecastRunRow {
  const field = 'target.model'
  const m = resolveModelChoice(archive.file, choice, horizon, field)
  const model = { name: m.name, sha256: m.sha256, dir: m.dir }
  let run: ForecastRunRow
  try {
    run =
      runId === undefined
        ? requireForecastRun(archive, { week, horizon, model })
        : requireForecastRun(archive, { runId })
  } catch (e) {
    if (e instanceof DexposureError && e.location.field === 'model')
      throw new DexposureError(e.code, e.message, { ...e.location, field })
    throw e
  }
  if (run.model !== model.name || run.model_sha256 !== model.sha256)
    throw new DexposureError(
      'CONFLICT',
      `forecast run ${run.run_id} is of model ${run.model} (sha256 ${run.model_sha256.slice(0, 12)}…), not of the chosen model ${model.name} (sha256 ${model.sha256.slice(0, 12)}…)`,
      { week, field },
    )
  return run
}

/** Checks the target against the archive and answers how to read it. */
export function exportSource(archive: Archive, target: GraphExportTarget): ExportSource {
  const base = { forecastRun: null, warnings: [] as string[] }
  switch (target.kind) {
    case 'week': {
      const week = requireWeek(archive, target.week, 'week')
      return {
        ...base,
        kind: 'week',
        weeks: [week],
        synthetic: syntheticAmong(archive, week, week),
        description: `DeXposure exposure network, week ${week}`,
        slice: (w) => weekSlice(archive, w),
      }
    }
    case 'range': {
      const from = requireWeek(archive, target.from, 'week')
      const to = requireWeek(archive, target.to, 'to')
      if (to < from)
        throw new DexposureError('USAGE', `--to ${to} is before --week ${from}`, { field: 'to' })
      const weeks = archive.db
        .prepare('SELECT week FROM weeks WHERE week BETWEEN ? AND ? ORDER BY week')
        .pluck()
        .all(from, to) as string[]
      return {
        ...base,
        kind: 'range',
        weeks,
        synthetic: syntheticAmong(archive, from, to),
        description: `DeXposure exposure networks, ${weeks.length} weeks ${from} … ${to}`,
        slice: (w) => weekSlice(archive, w),
      }
    }
    case 'forecast': {
      const week = requireWeek(archive, target.week, 'week')
      const run =
        target.model === undefined
          ? findForecastRun(archive, { runId: target.runId, week, horizon: target.horizon })
          : chosenModelRun(archive, week, target.horizon, target.runId, target.model)
      if (!run)
        throw new DexposureError(
          'NOT_FOUND',
          `no forecast run for week ${week} horizon ${target.horizon}; run \`dexposure forecast --week ${week} --horizon ${target.horizon}\` first`,
          { week, field: 'forecast' },
        )
      const rule =
        target.threshold === undefined
          ? `the run's predicted graph (${run.graph_rule})`
          : `every pair with probability ≥ ${target.threshold}`
      const warnings = JSON.parse(run.warnings) as string[]
      return {
        ...base,
        kind: 'forecast',
        weeks: [run.target_week],
        synthetic: syntheticAmong(archive, week, week),
        forecastRun: run,
        warnings,
        description:
          `DeXposure forecast graph for ${run.target_week} from week ${run.week} (h=${run.horizon}, ` +
          `run ${run.run_id}, model ${run.model}): ${rule}`,
        slice: () => forecastSlice(archive, run, target.threshold),
      }
    }
    case 'view': {
      const week = requireWeek(archive, target.week, 'week')
      return {
        ...base,
        kind: 'view',
        weeks: [week],
        synthetic: syntheticAmong(archive, week, week),
        description:
          `DeXposure exposure network, week ${week}, filtered view` +
          (target.description ? ` (${target.description})` : ''),
        slice: () => viewSlice(archive, target),
      }
    }
  }
}
