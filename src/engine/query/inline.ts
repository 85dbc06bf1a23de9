// A call whose run the engine has prepared (literal or bound arguments) is replaced by a subquery
// over the stored tables before SQLite sees it: `forecast_edges('2025-05-26', 4)` becomes
// `(SELECT … FROM forecast_edges WHERE run_id = 7 ORDER BY probability DESC) AS forecast_edges`.
// SQLite then plans the whole query itself — `ORDER BY probability DESC LIMIT 1000` walks the
// run's (run_id, probability) index and stops (12 ms at real scale where the virtual table, which
// SQLite must read whole and sort, took seconds), a filter or a join uses indexes. The rows and
// columns are the table function's (query/functions.ts), which still serves calls whose arguments
// come from other tables. Names come from correlated subqueries so the subquery stays flattenable.
import { isWord, type Token } from '../../shared/sql/tokens'
import {
  inFromClause,
  type CheckedStatement,
  type FunctionCall,
  type Replacement,
  type RunRequirement,
} from './guard'
import { NODE_ROWIDS_FUNCTION } from './catalog'

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`
const nameOf = (col: string) => `(SELECT name FROM main.protocols WHERE id = ${col})`

function subquery(need: RunRequirement, runId: number): string | null {
  const call = need.at
  switch (call.spec.name) {
    case 'forecast_edges':
      return `SELECT e.source AS source, ${nameOf('e.source')} AS source_name, e.target AS target,
  ${nameOf('e.target')} AS target_name, e.probability AS probability,
  e.predicted_weight_usd AS predicted_usd, e.exists_at_t AS exists_at_t, e.in_graph AS in_graph,
  e.run_id AS run_id
FROM main.forecast_edges e WHERE e.run_id = ${runId} ORDER BY e.probability DESC, e.rowid`
    case 'forecast_nodes':
      return `SELECT f.node_id AS node_id, ${nameOf('f.node_id')} AS name, f.tvl_t AS tvl_t,
  f.predicted_tvl AS predicted_tvl, f.predicted_log_change AS predicted_log_change, f.run_id AS run_id
FROM main.forecast_nodes f WHERE f.run_id = ${runId} ORDER BY f.rowid`
    case 'network_stats':
      return `SELECT s.metric AS metric, s.value AS value, s.run_id AS run_id
FROM main.network_stats s WHERE s.run_id = ${runId} ORDER BY s.metric`
    case 'sis':
      return `SELECT s.rank AS rank, s.node_id AS node_id, ${nameOf('s.node_id')} AS name,
  coalesce((SELECT category FROM main.protocols WHERE id = s.node_id), 'Unknown') AS category,
  s.score AS score, s.pagerank AS pagerank, s.pagerank_scaled AS pagerank_scaled,
  s.tail_exposure AS tail_exposure, s.log_tvl_scaled AS log_tvl_scaled, s.run_id AS run_id
FROM main.sis_scores s WHERE s.run_id = ${runId} ORDER BY s.rank`
    case 'spillover': {
      const a = call.args[1]
      if (a && a.kind !== 'value') return null
      const level =
        a?.value === undefined || a.value === null ? 'category' : String(a.value).toLowerCase()
      // a wrong level is the table function's error to raise
      if (level !== 'category' && level !== 'sector') return null
      return `SELECT c.from_sector AS from_sector, c.to_sector AS to_sector, c.exposure AS exposure,
  c.run_id AS run_id
FROM main.spillover_cells c WHERE c.run_id = ${runId} AND c.level = '${level}'
ORDER BY c.exposure DESC, c.from_sector, c.to_sector`
    }
    case 'contagion':
      if (need.kind !== 'contagion') return null
      return `SELECT l.method AS method, l.node_id AS node_id, ${nameOf('l.node_id')} AS name,
  l.loss AS loss, l.relative_loss AS relative_loss, l.distress_round AS distress_round,
  l.run_id AS run_id
FROM main.contagion_node_losses l WHERE l.run_id = ${runId} AND l.scenario = ${quote(need.scenario)}${
        need.method ? ` AND l.method = ${quote(need.method)}` : ''
      }
ORDER BY l.loss DESC, l.method, l.node_id`
    default:
      return null
  }
}

// words that may follow a table in FROM without being its alias
const NOT_ALIAS = new Set([
  'where',
  'join',
  'left',
  'right',
  'full',
  'inner',
  'cross',
  'natural',
  'outer',
  'on',
  'using',
  'group',
  'order',
  'limit',
  'union',
  'except',
  'intersect',
  'window',
  'having',
  'indexed',
  'not',
])

/**
 * node_history and node_edges need no run: a literal node is inlined too. node_edges becomes a
 * lookup of the node's edges by rowid that SQLite does itself — the query process reads the node's
 * edge lists (nodes.out_edges/in_edges) in one call, so the statement stays small whatever the
 * node's degree — the week found by the rowid's week number (rowKey in store/archive.ts: the
 * week's number since 1970-01-05 times 2^24, plus the position); no call into JavaScript per row.
 */
function nodeSubquery(call: FunctionCall): string | null {
  const [node, direction] = call.args
  if (!node || node.kind !== 'value' || node.value === null) return null
  if (direction && (direction.kind !== 'value' || direction.value === null)) return null
  const id = String(node.value)
  if (call.spec.name === 'node_history')
    return direction
      ? null
      : `SELECT week, size, log_tvl, tvl_change, in_degree, out_degree, n_token_types,
  max_token_share, token_entropy FROM main.nodes WHERE node_id = ${quote(id)} ORDER BY week`
  if (call.spec.name !== 'node_edges') return null
  const dir = direction ? String(direction.value).toLowerCase() : null
  // a wrong direction is the table function's error to raise
  if (dir !== null && dir !== 'out' && dir !== 'in') return null
  // the rowids come from the query process (dx_node_edge_rowids: one call, the node's lists read
  // there); the week is joined by week number, with the index SQLite builds on the 283 weeks
  // (MATERIALIZED: flattened, the join scanned every week for every edge, 450 ms for node 111)
  return `WITH wk(n, week) AS MATERIALIZED (SELECT row_base >> 24, week FROM main.weeks)
SELECT wk.week AS week, e.rowid & 16777215 AS idx,
  CASE WHEN e.source = ${quote(id)} THEN 'out' ELSE 'in' END AS direction,
  e.source AS source, e.target AS target, e.weight AS weight
FROM json_each(${NODE_ROWIDS_FUNCTION}(${quote(id)}, ${dir === null ? 'NULL' : quote(dir)})) AS j
CROSS JOIN main.edge_rows AS e ON e.rowid = j.value
CROSS JOIN wk ON wk.n = e.rowid >> 24
ORDER BY j.key`
}

/**
 * The replacements of a statement's calls whose runs are prepared (`runOf` gives their ids) and
 * of its node_history/node_edges calls on a literal node.
 */
export function inlineCalls(
  st: CheckedStatement,
  runOf: (need: RunRequirement) => number | undefined,
): Replacement[] {
  const out: Replacement[] = []
  const place = (call: FunctionCall, body: string | null) => {
    const at = st.sig.findIndex((t) => t.start === call.start)
    // only where a table stands (`x IN sis(…)` keeps the function)
    if (!body || at < 0 || !inFromClause(st.sig, at)) return
    const next: Token | undefined = st.sig.find((t) => t.start >= call.end)
    const aliased =
      next !== undefined &&
      (isWord(next, 'as') ||
        next.kind === 'qident' ||
        (next.kind === 'ident' && !NOT_ALIAS.has(next.text.toLowerCase())))
    out.push({ call, text: `(${body})${aliased ? '' : ` AS ${call.spec.name}`}` })
  }
  for (const need of st.needs) {
    const runId = runOf(need)
    if (runId !== undefined) place(need.at, subquery(need, runId))
  }
  for (const call of st.calls)
    if (call.spec.name === 'node_history' || call.spec.name === 'node_edges')
      if (call.args.length <= call.spec.params.length) place(call, nodeSubquery(call))
  return out
}
