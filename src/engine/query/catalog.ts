// What the query console's SQL offers beyond the archive's own tables: the table-valued functions
// and the scalar over stored forecast and risk runs, and the views made for people. One catalog
// feeds the query process (registration), the statement analysis (which runs a query needs), the
// `query.schema` call (completion, hover docs) and docs/query-functions.md.

export type SqlType = 'TEXT' | 'INTEGER' | 'REAL'

export interface FunctionParam {
  name: string
  type: SqlType
  optional: boolean
  doc: string
}

export interface FunctionColumn {
  name: string
  type: SqlType
  doc: string
}

/** Which stored run a function reads (and the engine prepares before the query runs). */
export type RunNeed = 'forecast' | 'stats' | 'contagion' | null

export interface QueryFunctionSpec {
  /** The name analysts write. */
  name: string
  /**
   * The name registered in SQLite. It differs where the archive has a table of the same name
   * (`forecast_edges`, `forecast_nodes`, `network_stats`): a table shadows an eponymous virtual
   * table, so a call `name(…)` is rewritten to this name before SQLite sees it (query/guard.ts).
   */
  registered: string
  kind: 'table' | 'scalar'
  params: FunctionParam[]
  /** Table functions: the rows' columns. */
  columns: FunctionColumn[]
  /** Scalar functions: the result type. */
  returns?: SqlType
  needs: RunNeed
  doc: string
  cost: string
}

const p = (name: string, type: SqlType, doc: string, optional = false): FunctionParam => ({
  name,
  type,
  optional,
  doc,
})
const c = (name: string, type: SqlType, doc: string): FunctionColumn => ({ name, type, doc })

const WEEK = p('week', 'TEXT', "the anchor week t, 'YYYY-MM-DD' (archived)")

export const QUERY_FUNCTIONS: QueryFunctionSpec[] = [
  {
    name: 'forecast_edges',
    registered: 'dx_forecast_edges',
    kind: 'table',
    params: [
      WEEK,
      p('horizon', 'INTEGER', 'weeks ahead (1, 4, 8 or 12 with the shipped models)'),
      p(
        'model',
        'TEXT',
        'model name (forecast_runs.model) or model folder; default: the latest run of any model, else the default model',
        true,
      ),
    ],
    columns: [
      c('source', 'TEXT', 'holder node id'),
      c('source_name', 'TEXT', 'holder name (NULL for tokens and unknown ids)'),
      c('target', 'TEXT', 'issuer node id'),
      c('target_name', 'TEXT', 'issuer name'),
      c('probability', 'REAL', 'calibrated probability that the edge exists at t + horizon'),
      c('predicted_usd', 'REAL', 'predicted USD weight of the edge at t + horizon'),
      c('exists_at_t', 'INTEGER', '1 when the edge exists in week t'),
      c('in_graph', 'INTEGER', '1 when the pair is in the predicted graph Ĝ(t + h)'),
      c('run_id', 'INTEGER', 'the forecast run read (forecast_runs.run_id)'),
    ],
    needs: 'forecast',
    doc: 'The stored pairs of the latest forecast run for (week, horizon[, model]): every pair of the predicted graph and every pair with probability ≥ 0.01, most probable first. Pairs below 0.01 are not stored. Without a model: the model chosen for the horizon in the workbench (name and sha256), else the latest run of any model.',
    cost: 'A literal call is a subquery over the stored run: the top 1,000 pairs of a real-scale run (332k pairs) in about 10 ms, sorted or not. A missing run is computed first (a forecast: about 1 s on the small demo, 15–30 s on a real-scale week).',
  },
  {
    name: 'forecast_nodes',
    registered: 'dx_forecast_nodes',
    kind: 'table',
    params: [WEEK, p('horizon', 'INTEGER', 'weeks ahead')],
    columns: [
      c('node_id', 'TEXT', 'node id'),
      c('name', 'TEXT', 'node name'),
      c('tvl_t', 'REAL', 'TVL (USD) in week t'),
      c('predicted_tvl', 'REAL', 'predicted TVL (USD) at t + horizon'),
      c('predicted_log_change', 'REAL', 'predicted ln(1+TVL) change'),
      c('run_id', 'INTEGER', 'the forecast run read'),
    ],
    needs: 'forecast',
    doc: 'Every node of week t with its predicted TVL at t + horizon, from the latest forecast run for (week, horizon).',
    cost: 'One row per node of the week (11k at real scale). A missing run is computed first.',
  },
  {
    name: 'link_prob',
    registered: 'link_prob',
    kind: 'scalar',
    params: [
      p('source', 'TEXT', 'holder node id'),
      p('target', 'TEXT', 'issuer node id'),
      WEEK,
      p('horizon', 'INTEGER', 'weeks ahead'),
    ],
    columns: [],
    returns: 'REAL',
    needs: 'forecast',
    doc: 'The forecast probability that source → target exists at week + horizon (latest run for week and horizon). NULL when the pair is not stored (probability < 0.01 and not in the predicted graph) or an argument is NULL.',
    cost: "The run's stored pairs are loaded into a map on the first call in a query process (1–2 s for a real-scale run), then each call is a lookup. A missing run is computed first.",
  },
  {
    name: 'network_stats',
    registered: 'dx_network_stats',
    kind: 'table',
    params: [WEEK],
    columns: [
      c('metric', 'TEXT', 'metric name (docs/risk.md, "Network statistics")'),
      c('value', 'REAL', 'its value (NULL when undefined)'),
      c('run_id', 'INTEGER', 'the stats run read (risk_runs.run_id)'),
    ],
    needs: 'stats',
    doc: 'Every network statistic of the observed week (docs/risk.md), from the latest stats run with default parameters (what `dexposure stats --week W` stores).',
    cost: 'About 40 rows. A missing run is computed and stored first (0.1 s at real scale).',
  },
  {
    name: 'sis',
    registered: 'sis',
    kind: 'table',
    params: [WEEK],
    columns: [
      c('rank', 'INTEGER', '1 = most systemically important'),
      c('node_id', 'TEXT', 'node id'),
      c('name', 'TEXT', 'node name'),
      c('category', 'TEXT', "fine category ('Unknown' when not known)"),
      c('score', 'REAL', 'SIS = (PageRank + tail exposure + log TVL) / 3, each scaled'),
      c('pagerank', 'REAL', 'weighted PageRank (sums to 1)'),
      c('pagerank_scaled', 'REAL', 'PageRank / max PageRank'),
      c('tail_exposure', 'REAL', 'share of the 5 largest out-weights in all out-weights'),
      c('log_tvl_scaled', 'REAL', 'ln(1+TVL) / max ln(1+TVL)'),
      c('run_id', 'INTEGER', 'the stats run read'),
    ],
    needs: 'stats',
    doc: 'Systemic importance of every node of the observed week, by rank (docs/risk.md, "Systemic importance").',
    cost: 'One row per node. A missing stats run is computed and stored first.',
  },
  {
    name: 'spillover',
    registered: 'spillover',
    kind: 'table',
    params: [WEEK, p('level', 'TEXT', "'category' (default) or 'sector'", true)],
    columns: [
      c('from_sector', 'TEXT', 'holder-side category or sector'),
      c('to_sector', 'TEXT', 'issuer-side category or sector'),
      c('exposure', 'REAL', 'USD exposure from one to the other (diagonal included)'),
      c('run_id', 'INTEGER', 'the stats run read'),
    ],
    needs: 'stats',
    doc: 'The non-zero cells of the week\'s sector spillover matrix S[a][b] = Σ w over edges from a to b (docs/risk.md, "Sector spillover"), largest first.',
    cost: 'At most C² rows (C categories). A missing stats run is computed first.',
  },
  {
    name: 'contagion',
    registered: 'contagion',
    kind: 'table',
    params: [
      WEEK,
      p(
        'scenario',
        'TEXT',
        "a named scenario (top-protocol, top5-protocols, bridge-sector, S1…S5) or a shock spec such as 'top:5:sis@30%'",
      ),
      p('method', 'TEXT', "'reference', 'debtrank' or 'eisenberg-noe'; default: all three", true),
    ],
    columns: [
      c('method', 'TEXT', 'contagion method'),
      c('node_id', 'TEXT', 'node id'),
      c('name', 'TEXT', 'node name'),
      c('loss', 'REAL', 'USD loss of the node'),
      c('relative_loss', 'REAL', 'loss / TVL (NULL for TVL 0)'),
      c('distress_round', 'INTEGER', 'round the node became distressed (NULL if never)'),
      c('run_id', 'INTEGER', 'the contagion run read (risk_runs.run_id)'),
    ],
    needs: 'contagion',
    doc: 'Per-node losses of a stress scenario on the observed week (docs/risk.md, "Contagion"), largest loss first; only nodes with a loss or distress. The scenario summary is in contagion_results (same run_id).',
    cost: 'At most one row per node and method. A missing run is computed and stored first, with default parameters (0.3 s per scenario and method at real scale).',
  },
  {
    name: 'node_history',
    registered: 'node_history',
    kind: 'table',
    params: [p('node', 'TEXT', 'node id')],
    columns: [
      c('week', 'TEXT', 'archived week'),
      c('size', 'REAL', 'TVL (USD)'),
      c('log_tvl', 'REAL', 'ln(1 + TVL)'),
      c('tvl_change', 'REAL', 'ln(1+TVL) − ln(1+TVL of the previous archived week)'),
      c('in_degree', 'INTEGER', 'edges into the node (as issuer)'),
      c('out_degree', 'INTEGER', 'edges out of it (as holder)'),
      c('n_token_types', 'INTEGER', 'tokens held'),
      c('max_token_share', 'REAL', 'largest token share of its holdings'),
      c('token_entropy', 'REAL', 'entropy of its holdings (nats)'),
    ],
    needs: null,
    doc: 'One node in every archived week where it appears, oldest first.',
    cost: 'One index range of nodes: under 1 ms for 283 weeks.',
  },
  {
    name: 'node_edges',
    registered: 'node_edges',
    kind: 'table',
    params: [
      p('node', 'TEXT', 'node id'),
      p('direction', 'TEXT', "'out' (node is the holder), 'in' (the issuer); default both", true),
    ],
    columns: [
      c('week', 'TEXT', 'archived week'),
      c('idx', 'INTEGER', 'position of the edge in the week (edges.idx)'),
      c('direction', 'TEXT', "'out' or 'in' as seen from the node"),
      c('source', 'TEXT', 'holder node id'),
      c('target', 'TEXT', 'issuer node id'),
      c('weight', 'REAL', 'USD exposure'),
    ],
    needs: null,
    doc: "Every edge touching a node, in every archived week, oldest first: the same rows as `edges WHERE source = node OR target = node`, found through the node's edge lists (nodes.out_edges / in_edges) instead of a scan of every edge.",
    cost: 'One lookup per edge instead of a scan of the whole edges table (which has no index on source or target): BENCHMARKS.md.',
  },
]

/**
 * The query process's internal scalar behind node_edges on a literal node (query/inline.ts): the
 * node's edge_rows rowids as a JSON array. Not in QUERY_FUNCTIONS: not offered to the analyst, and
 * harmless if called (it only reads the node's edge lists).
 */
export const NODE_ROWIDS_FUNCTION = 'dx_node_edge_rowids'

export const functionByName = (name: string): QueryFunctionSpec | undefined => {
  const n = name.toLowerCase()
  return QUERY_FUNCTIONS.find((f) => f.name === n || f.registered === n)
}

/** `forecast_edges(week, horizon [, model])` */
export function signatureOf(f: QueryFunctionSpec): string {
  const required = f.params.filter((x) => !x.optional).map((x) => x.name)
  const optional = f.params.filter((x) => x.optional).map((x) => ` [, ${x.name}`)
  return `${f.name}(${required.join(', ')}${optional.join('')}${']'.repeat(optional.length)})`
}

export interface ViewSpec {
  name: string
  doc: string
  sql: string
}

/**
 * Views for people, created as TEMP views on the query connection only (never written into the
 * archive). Names and categories come from `protocols`; ids missing there (tokens) keep a NULL
 * name and the category 'Unknown', as every other tool of the workbench does.
 */
export const QUERY_VIEWS: ViewSpec[] = [
  {
    name: 'edges_named',
    doc: 'edges with the holder and issuer names, categories and sectors',
    sql: `CREATE TEMP VIEW edges_named AS
SELECT e.week AS week, e.idx AS idx,
  e.source AS source, hp.name AS holder_name,
  coalesce(hp.category, 'Unknown') AS holder_category, coalesce(hp.sector, 'Unknown') AS holder_sector,
  e.target AS target, ip.name AS issuer_name,
  coalesce(ip.category, 'Unknown') AS issuer_category, coalesce(ip.sector, 'Unknown') AS issuer_sector,
  e.weight AS weight
FROM main.edges e
LEFT JOIN main.protocols hp ON hp.id = e.source
LEFT JOIN main.protocols ip ON ip.id = e.target`,
  },
  {
    name: 'nodes_named',
    doc: 'nodes with name, category, sector and kind (protocol or token)',
    sql: `CREATE TEMP VIEW nodes_named AS
SELECT n.week AS week, n.idx AS idx, n.node_id AS node_id, p.name AS name,
  coalesce(p.category, 'Unknown') AS category, coalesce(p.sector, 'Unknown') AS sector,
  CASE WHEN p.id IS NULL THEN 'token' ELSE 'protocol' END AS kind,
  n.size AS size, n.log_tvl AS log_tvl, n.tvl_change AS tvl_change,
  n.in_degree AS in_degree, n.out_degree AS out_degree, n.n_token_types AS n_token_types,
  n.max_token_share AS max_token_share, n.token_entropy AS token_entropy
FROM main.nodes n
LEFT JOIN main.protocols p ON p.id = n.node_id`,
  },
  {
    name: 'latest_forecast_runs',
    doc: 'the latest forecast run per week, horizon and model (what forecast_edges reads)',
    sql: `CREATE TEMP VIEW latest_forecast_runs AS
SELECT r.* FROM main.forecast_runs r
WHERE r.run_id = (SELECT max(r2.run_id) FROM main.forecast_runs r2
  WHERE r2.week = r.week AND r2.horizon = r.horizon AND r2.model = r.model)`,
  },
]

/** One-line descriptions of the archive's tables and views for the schema call. */
export const TABLE_DOCS: Record<string, string> = {
  weeks: 'one row per archived week: counts, totals, synthetic flag (docs/archive-schema.md)',
  nodes: 'one row per node per week: size (TVL) and features',
  edges:
    'view: one row per holder → issuer exposure per week (no index on source/target: see node_edges())',
  edge_rows: 'the storage behind the edges view (rowid = weeks.row_base + idx)',
  week_frames: 'one packed row per week (typed arrays, for programs)',
  protocols: 'protocol metadata: name, category, sector',
  token_issuers: 'token → issuing node',
  imports: 'the import log',
  archive_info: 'key/value settings of the file',
  risk_runs: 'one risk computation on one graph (docs/risk.md)',
  network_stats:
    'stored statistics (run_id, metric, value); the function network_stats(week) reads them by week',
  sis_scores: 'stored systemic importance per node of a stats run',
  spillover_cells: 'stored sector spillover cells of a stats run',
  contagion_results: 'one row per scenario and method of a contagion run',
  contagion_node_losses: 'per-node losses of a contagion run',
  risk_comparisons: 'forecast and persistence against the realised graph',
  alerts: 'early-warning alerts',
  latest_network_stats: 'view: the latest stats run per week, graph and horizon',
  forecast_runs: 'one row per forecast run (docs/forecasting.md)',
  forecast_edges:
    'stored predicted pairs of every forecast run (run_id, …); the function forecast_edges(week, horizon) reads one run by week',
  forecast_nodes: 'stored predicted node TVL of every forecast run',
  pair_memory_checkpoints: 'derived: pair histories that speed up forecasts',
  node_positions: 'derived: the graph explorer layout',
  layout_runs: 'derived: the layout runs that wrote node_positions',
}
