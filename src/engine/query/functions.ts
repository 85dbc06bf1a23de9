// The query functions as SQLite sees them, registered on the query process's connection (not the
// engine's): table-valued functions through better-sqlite3's `db.table()` and the scalar
// `link_prob`. They only read stored runs — the engine has computed what a query names before it
// runs (query/prepare.ts) — and they read through a second read-only connection, because
// better-sqlite3 refuses a statement on a connection that is busy with the query calling them.
// A generator never keeps a statement open across a `yield`: SQLite drops a cursor without telling
// the generator (a LIMIT, a join), which would leave the second connection busy. Large results
// (forecast pairs) are read in pages instead.
import type Database from 'better-sqlite3'
import type { ErrorCode } from '../../shared/errors'
import { int32Of } from '../store/frames'
import { NODE_ROWIDS_FUNCTION, QUERY_FUNCTIONS, type QueryFunctionSpec } from './catalog'
import { canonicalScenario, checkMethod } from './guard'
import type { ForecastModelRef } from './protocol'
import { defaultContagionRun, defaultStatsRun, latestForecastRun } from './runs'

/** An error a query function raises: SQL error text plus the code the engine reports. */
export class QueryFunctionError extends Error {
  constructor(
    readonly fn: string,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

type Cell = string | number | bigint | null | Buffer
type Row = Cell[]

/** An argument as an error message shows it (BLOBs and control characters stay readable). */
function shown(v: unknown): string {
  if (Buffer.isBuffer(v))
    return `x'${v.subarray(0, 16).toString('hex')}${v.length > 16 ? '…' : ''}'`
  const text = String(v)
  // eslint-disable-next-line no-control-regex
  return text.length > 60 || /[\u0000-\u001f]/.test(text) ? JSON.stringify(text.slice(0, 60)) : text
}

const spec = (name: string): QueryFunctionSpec => QUERY_FUNCTIONS.find((f) => f.name === name)!
const big = (x: number | null): bigint | null => (x === null ? null : BigInt(x))

/**
 * Registers every query function on `db`; they read through `data` (read-only, same file). The
 * returned setter gives the models the next statements' forecast functions default to (horizon →
 * model), set by the query process before each run.
 */
export function registerQueryFunctions(
  db: Database.Database,
  data: Database.Database,
): (models: Record<string, ForecastModelRef>) => void {
  let chosen: Record<string, ForecastModelRef> = {}
  const stmt = (sql: string) => data.prepare(sql).raw()
  const q = {
    hasWeek: data.prepare('SELECT 1 FROM weeks WHERE week = ?').pluck(),
    forecastPage: stmt(
      `SELECT e.rowid, e.source, ps.name, e.target, pt.name, e.probability, e.predicted_weight_usd,
         e.exists_at_t, e.in_graph
       FROM forecast_edges e
       LEFT JOIN protocols ps ON ps.id = e.source LEFT JOIN protocols pt ON pt.id = e.target
       WHERE e.run_id = ? AND (e.probability < ? OR (e.probability = ? AND e.rowid > ?))
       ORDER BY e.probability DESC, e.rowid LIMIT ?`,
    ),
    forecastFirst: stmt(
      `SELECT e.rowid, e.source, ps.name, e.target, pt.name, e.probability, e.predicted_weight_usd,
         e.exists_at_t, e.in_graph
       FROM forecast_edges e
       LEFT JOIN protocols ps ON ps.id = e.source LEFT JOIN protocols pt ON pt.id = e.target
       WHERE e.run_id = ? ORDER BY e.probability DESC, e.rowid LIMIT ?`,
    ),
    forecastPairs: stmt('SELECT source, target, probability FROM forecast_edges WHERE run_id = ?'),
    forecastNodes: stmt(
      `SELECT f.node_id, p.name, f.tvl_t, f.predicted_tvl, f.predicted_log_change
       FROM forecast_nodes f LEFT JOIN protocols p ON p.id = f.node_id
       WHERE f.run_id = ? ORDER BY f.rowid`,
    ),
    stats: stmt('SELECT metric, value FROM network_stats WHERE run_id = ? ORDER BY metric'),
    sis: stmt(
      `SELECT s.rank, s.node_id, p.name, coalesce(p.category, 'Unknown'), s.score, s.pagerank,
         s.pagerank_scaled, s.tail_exposure, s.log_tvl_scaled
       FROM sis_scores s LEFT JOIN protocols p ON p.id = s.node_id
       WHERE s.run_id = ? ORDER BY s.rank`,
    ),
    spillover: stmt(
      `SELECT from_sector, to_sector, exposure FROM spillover_cells
       WHERE run_id = ? AND level = ? ORDER BY exposure DESC, from_sector, to_sector`,
    ),
    contagion: stmt(
      `SELECT l.method, l.node_id, p.name, l.loss, l.relative_loss, l.distress_round
       FROM contagion_node_losses l LEFT JOIN protocols p ON p.id = l.node_id
       WHERE l.run_id = @run AND l.scenario = @scenario AND (@method IS NULL OR l.method = @method)
       ORDER BY l.loss DESC, l.method, l.node_id`,
    ),
    history: stmt(
      `SELECT week, size, log_tvl, tvl_change, in_degree, out_degree, n_token_types,
         max_token_share, token_entropy FROM nodes WHERE node_id = ? ORDER BY week`,
    ),
    nodeWeeks: stmt(
      `SELECT n.week, w.row_base, n.out_edges, n.in_edges FROM nodes n JOIN weeks w ON w.week = n.week
       WHERE n.node_id = ? ORDER BY n.week`,
    ),
    weekBases: stmt('SELECT week, row_base FROM weeks'),
    edgesByRowid: stmt(
      `SELECT e.rowid, e.source, e.target, e.weight FROM edge_rows e
       WHERE e.rowid IN (SELECT value FROM json_each(?))`,
    ),
  }

  const missingWeek = (fn: string, week: string, raw: unknown = week) =>
    q.hasWeek.get(week) === undefined
      ? new QueryFunctionError(fn, 'NOT_FOUND', `${fn}: week ${shown(raw)} is not in the archive`)
      : null

  const forecastRun = (fn: string, week: unknown, horizon: unknown, model: unknown): number => {
    const w = String(week)
    const h = Number(horizon)
    const m = model === undefined || model === null ? null : String(model)
    // no model named: the chosen model's runs for the horizon, when the console chose one
    const c = m === null && Number.isInteger(h) ? chosen[String(h)] : undefined
    const run = c
      ? latestForecastRun(data, w, h, c.name, c.sha256)
      : latestForecastRun(data, w, h, m)
    if (run !== null) return run
    throw (
      missingWeek(fn, w, week) ??
      new QueryFunctionError(
        fn,
        'NOT_FOUND',
        `${fn}: no forecast run for week ${shown(week)} horizon ${shown(horizon)}${m ? ` with model ${shown(model)}` : c ? ` of the chosen model ${c.name} (sha256 ${c.sha256.slice(0, 12)}…)` : ''}; ` +
          `write the week and horizon as literals or :parameters so the query computes it, or run \`dexposure forecast --week ${shown(week)} --horizon ${shown(horizon)}\``,
      )
    )
  }

  const statsRun = (fn: string, week: unknown): number => {
    const w = String(week)
    const run = defaultStatsRun(data, w)
    if (run !== null) return run
    throw (
      missingWeek(fn, w, week) ??
      new QueryFunctionError(
        fn,
        'NOT_FOUND',
        `${fn}: no statistics stored for week ${shown(week)}; write the week as a literal or :parameter so the query computes them, or run \`dexposure stats --week ${w}\``,
      )
    )
  }

  const table = (name: string, rows: (...args: unknown[]) => Generator<Row>): void => {
    const s = spec(name)
    db.table(s.registered, {
      columns: s.columns.map((x) => x.name),
      // a parameter named like a column (contagion's method, node_edges' direction) is a hidden
      // column of its own: `_arg` keeps the two apart
      parameters: s.params.map((x) =>
        s.columns.some((col) => col.name === x.name) ? `${x.name}_arg` : x.name,
      ),
      rows: rows as (...args: unknown[]) => Generator<Row>,
    })
  }

  table('forecast_edges', function* (week, horizon, model) {
    const run = forecastRun('forecast_edges', week, horizon, model)
    // pages grow ×4 from 256 rows: a LIMIT 1000 reads 1,280 rows, a whole run few pages
    let size = 256
    let page = q.forecastFirst.all(run, size) as Row[]
    const runId = BigInt(run)
    for (;;) {
      for (const r of page)
        yield [r[1], r[2], r[3], r[4], r[5], r[6], big(r[7] as number), big(r[8] as number), runId]
      if (page.length < size) return
      const last = page[page.length - 1]
      size = Math.min(size * 4, 65_536)
      page = q.forecastPage.all(run, last[5], last[5], last[0], size) as Row[]
    }
  })

  table('forecast_nodes', function* (week, horizon) {
    const run = forecastRun('forecast_nodes', week, horizon, null)
    const runId = BigInt(run)
    for (const r of q.forecastNodes.all(run) as Row[]) yield [...r, runId]
  })

  // the stored pairs of a few runs as maps, for link_prob's lookups
  const pairMaps = new Map<number, Map<string, number>>()
  db.function('link_prob', { deterministic: false }, (source, target, week, horizon) => {
    if ([source, target, week, horizon].some((x) => x === null || x === undefined)) return null
    const run = forecastRun('link_prob', week, horizon, null)
    let map = pairMaps.get(run)
    if (!map) {
      map = new Map()
      for (const [s, t, p] of q.forecastPairs.all(run) as [string, string, number][])
        map.set(`${s}\u0000${t}`, p)
      if (pairMaps.size >= 4) pairMaps.delete(pairMaps.keys().next().value!)
      pairMaps.set(run, map)
    }
    return map.get(`${String(source)}\u0000${String(target)}`) ?? null
  })

  table('network_stats', function* (week) {
    const run = statsRun('network_stats', week)
    const runId = BigInt(run)
    for (const r of q.stats.all(run) as Row[]) yield [...r, runId]
  })

  table('sis', function* (week) {
    const run = statsRun('sis', week)
    const runId = BigInt(run)
    for (const r of q.sis.all(run) as Row[]) yield [big(r[0] as number), ...r.slice(1), runId]
  })

  table('spillover', function* (week, level) {
    const lv = level === undefined || level === null ? 'category' : String(level).toLowerCase()
    if (lv !== 'category' && lv !== 'sector')
      throw new QueryFunctionError(
        'spillover',
        'BAD_INPUT',
        `spillover: level must be 'category' or 'sector', not '${String(level)}'`,
      )
    const run = statsRun('spillover', week)
    const runId = BigInt(run)
    for (const r of q.spillover.all(run, lv) as Row[]) yield [...r, runId]
  })

  table('contagion', function* (week, scenario, method) {
    const w = String(week)
    const scen = canonicalScenario(String(scenario))
    if (scen instanceof Error)
      throw new QueryFunctionError('contagion', 'BAD_INPUT', `contagion: ${scen.message}`)
    let m: string | null = null
    if (method !== undefined && method !== null) {
      m = checkMethod(String(method))
      if (!m)
        throw new QueryFunctionError(
          'contagion',
          'BAD_INPUT',
          `contagion: unknown method '${String(method)}' (reference, debtrank, eisenberg-noe)`,
        )
    }
    const run = defaultContagionRun(data, w, scen, m as Parameters<typeof defaultContagionRun>[3])
    if (run === null)
      throw (
        missingWeek('contagion', w) ??
        new QueryFunctionError(
          'contagion',
          'NOT_FOUND',
          `contagion: no stored run of scenario ${scen}${m ? ` (${m})` : ''} for week ${w}; write its arguments as literals or :parameters so the query computes it, or run \`dexposure risk --week ${w} --scenario …\``,
        )
      )
    const runId = BigInt(run)
    for (const r of q.contagion.all({ run, scenario: scen, method: m }) as Row[])
      yield [r[0], r[1], r[2], r[3], r[4], big(r[5] as number | null), runId]
  })

  table('node_history', function* (node) {
    for (const r of q.history.all(String(node)) as Row[])
      yield [
        r[0],
        r[1],
        r[2],
        r[3],
        big(r[4] as number),
        big(r[5] as number),
        big(r[6] as number),
        r[7],
        r[8],
      ]
  })

  // A node's edges as edge_rows rowids (weeks.row_base + position), ascending — week, then
  // position — from its edge lists (nodes.out_edges / in_edges), the same pages SQLite then reads
  // in file order. The last few nodes' lists are kept while the archive is unchanged
  // (data_version), so a query asked again skips the 283 `nodes` rows.
  const rowidCache = new Map<string, Float64Array>()
  const dataVersion = data.prepare('PRAGMA data_version').pluck()
  let cachedVersion = -1
  // week number (rowid >> 24) → week, for the table function's rows
  const weekNames = new Map<number, string>()
  const rowidsOf = (node: string, dir: 'out' | 'in' | null): Float64Array => {
    const version = dataVersion.get() as number
    if (version !== cachedVersion) {
      rowidCache.clear()
      weekNames.clear()
      cachedVersion = version
    }
    const key = `${dir ?? ''}\u0000${node}`
    const hit = rowidCache.get(key)
    if (hit) {
      // most recently used last
      rowidCache.delete(key)
      rowidCache.set(key, hit)
      return hit
    }
    const lists = q.nodeWeeks.all(node) as [string, number, Buffer, Buffer][]
    let n = 0
    for (const [, , out, inn] of lists)
      n += (dir !== 'in' ? out.length : 0) + (dir !== 'out' ? inn.length : 0)
    const rowids = new Float64Array(n / 4)
    let at = 0
    for (const [, base, out, inn] of lists) {
      if (dir !== 'in') for (const pos of int32Of(out)) rowids[at++] = base + pos
      if (dir !== 'out') for (const pos of int32Of(inn)) rowids[at++] = base + pos
    }
    // numeric sort (typed array): a week's out and in positions interleave
    rowids.sort()
    if (rowidCache.size >= 16) rowidCache.delete(rowidCache.keys().next().value!)
    rowidCache.set(key, rowids)
    return rowids
  }
  const directionOf = (fn: string, direction: unknown): 'out' | 'in' | null => {
    const dir =
      direction === undefined || direction === null ? null : String(direction).toLowerCase()
    if (dir !== null && dir !== 'out' && dir !== 'in')
      throw new QueryFunctionError(
        fn,
        'BAD_INPUT',
        `node_edges: direction must be 'out' or 'in', not '${String(direction)}'`,
      )
    return dir
  }

  // The rowids as a JSON array for json_each: what a node_edges call on a literal node becomes
  // (query/inline.ts) — one call into JavaScript per statement, then SQLite's own lookups.
  db.function(NODE_ROWIDS_FUNCTION, { deterministic: false }, (node, direction) => {
    if (node === null || node === undefined) return '[]'
    const rowids = rowidsOf(String(node), directionOf('node_edges', direction))
    return rowids.length === 0 ? '[]' : `[${rowids.join(',')}]`
  })

  table('node_edges', function* (node, direction) {
    const dir = directionOf('node_edges', direction)
    const rowids = rowidsOf(String(node), dir)
    if (rowids.length === 0) return
    if (weekNames.size === 0)
      for (const [week, base] of q.weekBases.all() as [string, number][])
        weekNames.set(Math.floor(base / 2 ** 24), week)
    // one statement for every edge: SQLite's lookups, in rowid order (= week, then position)
    for (const [rowid, source, target, weight] of q.edgesByRowid.all(`[${rowids.join(',')}]`) as [
      number,
      string,
      string,
      number,
    ][]) {
      const pos = rowid % 2 ** 24
      const d = dir ?? (source === String(node) ? 'out' : 'in')
      yield [
        weekNames.get(Math.floor(rowid / 2 ** 24)) ?? null,
        BigInt(pos),
        d,
        source,
        target,
        weight,
      ]
    }
  })

  return (models) => {
    chosen = models
  }
}
