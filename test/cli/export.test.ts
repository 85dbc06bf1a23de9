// Story: an analyst takes the archive's networks to other tools with `dexposure export` — a week
// as GEXF for Gephi and GraphML for yEd (both read back by networkx with the same nodes, edges and
// weights), a range of weeks as a dynamic GEXF whose spells Gephi's timeline plays, ten weeks as
// DeXposure JSON that re-import into a fresh archive with identical week hashes, node and edge
// tables as Parquet that hyparquet and DuckDB read (DuckDB querying one week of a range), a
// forecast graph at a threshold, result tables through the console's exporter — and gets the
// documented exit codes with the option named when the input is wrong.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { runCli, runCliJson, withDemoArchive } from './run-cli'

let dir = ''
let archive = ''
withDemoArchive('dx-cli-export-', (d, a) => {
  dir = d
  archive = a
})

const WEEK = '2025-08-18'
const dx = (...args: string[]) => runCli(['--archive', archive, ...args])
const dxJson = <T>(...args: string[]) => runCliJson<T>(['--archive', archive, ...args])

interface Edge {
  week?: string
  source: string
  target: string
  weight: number
}

/** Rows of a SQL statement over the archive, through `dexposure query --format json`. */
function sql<T>(statement: string): T[] {
  const r = dx('query', statement, '--format', 'json')
  if (r.code !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as T[]
}

/** Runs Python with networkx on a file; the script prints JSON. */
function python<T>(script: string, file: string): T {
  const r = spawnSync(
    'python3',
    ['-c', `import json, sys\nimport networkx as nx\n${script}`, file],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  )
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

const byPair = (edges: Edge[]) =>
  new Map(edges.map((e) => [`${e.week ?? ''} ${e.source} ${e.target}`, e.weight]))

interface Summary {
  format: string
  kind: string
  weeks: string[]
  nodes: number
  edges: number
  files: { path: string; role: string; bytes: number }[]
  synthetic: boolean
}

describe('dexposure export', () => {
  it('writes a week as GEXF 1.3 that networkx reads with the same nodes, edges and weights', () => {
    const out = join(dir, 'week.gexf')
    const s = dxJson<Summary>('export', '--week', WEEK, '--format', 'gexf', '--out', out)
    expect(s).toMatchObject({ format: 'gexf', kind: 'week', weeks: [WEEK], synthetic: true })
    expect(readFileSync(out, 'utf8')).toMatch(/<gexf [^>]*version="1\.3"/)
    const read = python<{ nodes: number; edges: Edge[]; node: Record<string, unknown> }>(
      `g = nx.read_gexf(sys.argv[1])
print(json.dumps({"nodes": g.number_of_nodes(),
  "edges": [{"source": u, "target": v, "weight": d["weight"]} for u, v, d in g.edges(data=True)],
  "node": g.nodes["WETH"]}))`,
      out,
    )
    const [{ n_nodes, n_edges }] = sql<{ n_nodes: number; n_edges: number }>(
      `SELECT n_nodes, n_edges FROM weeks WHERE week = '${WEEK}'`,
    )
    expect(read.nodes).toBe(n_nodes)
    expect(read.edges).toHaveLength(n_edges)
    expect(s).toMatchObject({ nodes: n_nodes, edges: n_edges })
    const archived = sql<Edge>(`SELECT source, target, weight FROM edges WHERE week = '${WEEK}'`)
    expect(byPair(read.edges)).toEqual(byPair(archived))
    // the attributes Gephi shows: TVL, category, sector, kind (and SIS where a stats run is stored)
    expect(read.node).toMatchObject({
      label: 'WETH',
      kind: 'token',
      category: expect.any(String),
      sector: expect.any(String),
      tvl: expect.any(Number),
    })
    // once the week's statistics are stored, every node carries its SIS
    expect(dx('--quiet', 'stats', '--week', WEEK).code).toBe(0)
    const withSis = join(dir, 'week-sis.gexf')
    expect(dx('export', '--week', WEEK, '--format', 'gexf', '--out', withSis).code).toBe(0)
    const sis = python<Record<string, number | null>>(
      `g = nx.read_gexf(sys.argv[1])
print(json.dumps({n: d.get("sis") for n, d in g.nodes(data=True)}))`,
      withSis,
    )
    const stored = sql<{ node_id: string; score: number }>(
      `SELECT node_id, score FROM sis('${WEEK}')`,
    )
    expect(stored).toHaveLength(read.nodes)
    for (const r of stored) expect(sis[r.node_id], r.node_id).toBeCloseTo(r.score, 12)
  })

  it('writes GraphML that networkx reads with the same nodes, edges and weights', () => {
    const out = join(dir, 'week.graphml')
    expect(dx('export', '--week', WEEK, '--format', 'graphml', '--out', out).code).toBe(0)
    const read = python<{ nodes: number; edges: Edge[] }>(
      `g = nx.read_graphml(sys.argv[1])
print(json.dumps({"nodes": g.number_of_nodes(),
  "edges": [{"source": u, "target": v, "weight": d["weight"]} for u, v, d in g.edges(data=True)]}))`,
      out,
    )
    const archived = sql<Edge>(`SELECT source, target, weight FROM edges WHERE week = '${WEEK}'`)
    expect(byPair(read.edges)).toEqual(byPair(archived))
    expect(read.nodes).toBe(
      sql<{ n: number }>(`SELECT n_nodes AS n FROM weeks WHERE week = '${WEEK}'`)[0].n,
    )
  })

  it('writes a range as a dynamic GEXF whose spells and weekly values follow the archive', () => {
    const from = '2025-07-28'
    const out = join(dir, 'range.gexf')
    const s = dxJson<Summary>(
      'export',
      '--week',
      from,
      '--to',
      WEEK,
      '--format',
      'gexf',
      '--out',
      out,
    )
    expect(s.weeks).toEqual(['2025-07-28', '2025-08-04', '2025-08-11', '2025-08-18'])
    const read = python<{
      graph: Record<string, string>
      nodes: number
      spells: Record<string, [string, string][]>
      tvl: Record<string, [number, string, string][]>
      edges: number
    }>(
      `g = nx.read_gexf(sys.argv[1])
print(json.dumps({"graph": {k: g.graph[k] for k in ("mode", "start", "end")}, "nodes": g.number_of_nodes(),
  "spells": {n: d["spells"] for n, d in g.nodes(data=True)},
  "tvl": {n: d["tvl"] for n, d in g.nodes(data=True)},
  "edges": g.number_of_edges()}))`,
      out,
    )
    expect(read.graph).toEqual({ mode: 'dynamic', start: from, end: '2025-08-24' })
    const present = sql<{ node_id: string; weeks: string }>(
      `SELECT node_id, group_concat(week) AS weeks FROM (SELECT node_id, week FROM nodes
       WHERE week BETWEEN '${from}' AND '${WEEK}' ORDER BY week) GROUP BY node_id`,
    )
    expect(read.nodes).toBe(present.length)
    // a node of every week has one spell over the whole range; its TVL week by week
    const always = present.find((p) => p.weeks.split(',').length === 4)!
    expect(read.spells[always.node_id]).toEqual([[from, '2025-08-24']])
    const tvl = sql<{ week: string; size: number }>(
      `SELECT week, size FROM nodes WHERE node_id = '${always.node_id}'
       AND week BETWEEN '${from}' AND '${WEEK}' ORDER BY week`,
    )
    expect(read.tvl[always.node_id].map(([v, start]) => [start, v])).toEqual(
      tvl.map((t) => [t.week, t.size]),
    )
    // a node missing in some week has a spell per run of consecutive weeks
    const gappy = present.find((p) => {
      const w = p.weeks.split(',')
      return w.length >= 2 && w.length < 4
    })
    if (gappy) {
      const spells = read.spells[gappy.node_id]
      expect(spells.length).toBeGreaterThanOrEqual(1)
      expect(spells[0][0]).toBe(gappy.weeks.split(',')[0])
    }
    const pairs = sql<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT DISTINCT source, target FROM edges
       WHERE week BETWEEN '${from}' AND '${WEEK}')`,
    )[0].n
    expect(read.edges).toBe(pairs)
  })

  it('writes ten weeks as DeXposure JSON that re-import into a fresh archive with identical week hashes', () => {
    const weeks = sql<{ week: string; content_sha256: string }>(
      'SELECT week, content_sha256 FROM weeks ORDER BY week DESC LIMIT 10',
    ).reverse()
    const out = join(dir, 'ten.json')
    const s = dxJson<Summary>(
      'export',
      '--week',
      weeks[0].week,
      '--to',
      weeks[9].week,
      '--format',
      'dexposure-json',
      '--out',
      out,
    )
    expect(s.weeks).toEqual(weeks.map((w) => w.week))
    const fresh = join(dir, 'fresh.sqlite')
    const imported = runCli(['--quiet', '--json', '--archive', fresh, 'import', out])
    expect(imported.code, imported.stderr).toBe(0)
    const again = runCli([
      '--archive',
      fresh,
      'query',
      'SELECT week, content_sha256 FROM weeks ORDER BY week',
      '--format',
      'json',
    ])
    expect(JSON.parse(again.stdout)).toEqual(weeks)
    // the demo archive's synthetic label comes along: the export's mark says so
    expect((JSON.parse(imported.stdout) as { notes?: string[] }).notes).toEqual([
      'labelled SYNTHETIC: the file is a DeXposure Workbench export of synthetic weeks',
    ])
    const labels = runCli([
      '--archive',
      fresh,
      'query',
      'SELECT DISTINCT synthetic FROM weeks',
      '--format',
      'json',
    ])
    expect(JSON.parse(labels.stdout)).toEqual([{ synthetic: 1 }])
    const listed = runCli(['--archive', fresh, 'weeks'])
    expect(listed.stdout + listed.stderr).toMatch(/SYNTHETIC demo data/)
    // and a re-export from the fresh archive is the same file, byte for byte, but for its time
    const back = join(dir, 'ten-again.json')
    const s2 = runCliJson<Summary>([
      '--archive',
      fresh,
      'export',
      '--week',
      weeks[0].week,
      '--to',
      weeks[9].week,
      '--format',
      'dexposure-json',
      '--out',
      back,
    ])
    expect(s2.synthetic).toBe(true)
    const timeless = (f: string) => readFileSync(f, 'utf8').replace(/"created":"[^"]*"/, '')
    expect(timeless(back)).toBe(timeless(out))
    expect(timeless(back).length).toBeGreaterThan(10_000)
  })

  it('a DeXposure JSON without the synthetic mark imports as observed data', () => {
    const out = join(dir, 'one.json')
    expect(dx('export', '--week', WEEK, '--format', 'dexposure-json', '--out', out).code).toBe(0)
    // the same weeks with the mark saying they are not synthetic, and with no mark at all
    const text = readFileSync(out, 'utf8')
    const observed = join(dir, 'one-observed.json')
    writeFileSync(observed, text.replace('"synthetic":true', '"synthetic":false'))
    const bare = join(dir, 'one-bare.json')
    writeFileSync(bare, text.replace(/, "exported": \{[^\n]*\}\}\n$/, '}\n'))
    expect(readFileSync(bare, 'utf8')).not.toContain('"exported"')
    for (const [file, name] of [
      [observed, 'observed.sqlite'],
      [bare, 'bare.sqlite'],
    ]) {
      const a = join(dir, name)
      const r = runCli(['--quiet', '--archive', a, 'import', file])
      expect(r.code, r.stderr).toBe(0)
      const q = runCli([
        '--archive',
        a,
        'query',
        'SELECT week, synthetic FROM weeks',
        '--format',
        'json',
      ])
      expect(JSON.parse(q.stdout)).toEqual([{ week: WEEK, synthetic: 0 }])
    }
  })

  it('writes node and edge tables as Parquet that hyparquet and DuckDB read back, a week column for ranges', async () => {
    const from = '2025-08-04'
    const out = join(dir, 'net.parquet')
    const s = dxJson<Summary>(
      'export',
      '--week',
      from,
      '--to',
      WEEK,
      '--format',
      'parquet',
      '--out',
      out,
    )
    const edgesFile = join(dir, 'net_edges.parquet')
    const nodesFile = join(dir, 'net_nodes.parquet')
    expect(s.files.map((f) => f.path).sort()).toEqual([edgesFile, nodesFile])
    const edges = (await parquetReadObjects({
      file: await asyncBufferFromFile(edgesFile),
    })) as unknown as Edge[]
    const archived = sql<Edge>(
      `SELECT week, source, target, weight FROM edges WHERE week BETWEEN '${from}' AND '${WEEK}'`,
    )
    expect(edges).toHaveLength(archived.length)
    expect(byPair(edges)).toEqual(byPair(archived))
    const nodes = await parquetReadObjects({ file: await asyncBufferFromFile(nodesFile) })
    expect(nodes).toHaveLength(
      sql<{ n: number }>(
        `SELECT sum(n_nodes) AS n FROM weeks WHERE week BETWEEN '${from}' AND '${WEEK}'`,
      )[0].n,
    )
    expect(Object.keys(nodes[0])).toEqual([
      'week',
      'id',
      'label',
      'tvl',
      'category',
      'sector',
      'kind',
      'sis',
    ])
    // an analyst's query over the export, without the app
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    const r = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, sum(weight) AS usd FROM read_parquet('${edgesFile}') WHERE week = '${WEEK}'`,
    )
    const [row] = r.getRowObjects() as { n: number; usd: number }[]
    const [week] = sql<{ n: number; usd: number }>(
      `SELECT n_edges AS n, total_exposure AS usd FROM weeks WHERE week = '${WEEK}'`,
    )
    expect(row.n).toBe(week.n)
    expect(row.usd).toBeCloseTo(week.usd, 0)
    duck.closeSync()
  })

  it('writes CSV node and edge lists beside the name given', () => {
    const s = dxJson<Summary>(
      'export',
      '--week',
      WEEK,
      '--format',
      'csv',
      '--out',
      join(dir, 'lists.csv'),
    )
    expect(s.files.map((f) => f.role).sort()).toEqual(['edges', 'nodes'])
    const edges = readFileSync(join(dir, 'lists_edges.csv'), 'utf8').trimEnd().split('\n')
    expect(edges[0]).toBe('week,source,target,weight')
    expect(edges).toHaveLength(s.edges + 1)
    const nodes = readFileSync(join(dir, 'lists_nodes.csv'), 'utf8').trimEnd().split('\n')
    expect(nodes[0]).toBe('week,id,label,tvl,category,sector,kind,sis')
    expect(nodes).toHaveLength(s.nodes + 1)
  })

  it('writes the forecast graph at a probability threshold from the stored run', () => {
    const anchor = '2025-08-11'
    expect(dx('--quiet', 'forecast', '--week', anchor, '--horizon', '1').code).toBe(0)
    const out = join(dir, 'forecast.gexf')
    const s = dxJson<Summary & { forecastRun: number }>(
      'export',
      '--week',
      anchor,
      '--forecast',
      '1',
      '--threshold',
      '0.5',
      '--format',
      'gexf',
      '--out',
      out,
    )
    expect(s.kind).toBe('forecast')
    expect(s.weeks).toEqual(['2025-08-18'])
    const pairs = sql<Edge & { probability: number }>(
      `SELECT source, target, predicted_usd AS weight, probability FROM forecast_edges('${anchor}', 1) WHERE probability >= 0.5`,
    )
    const read = python<Edge[]>(
      `g = nx.read_gexf(sys.argv[1])
print(json.dumps([{"source": u, "target": v, "weight": d["weight"]} for u, v, d in g.edges(data=True)]))`,
      out,
    )
    expect(read.length).toBe(pairs.length)
    expect(byPair(read)).toEqual(byPair(pairs))
  })

  it('exports result tables through the console exporter, Parquet included', async () => {
    const out = join(dir, 'sis.parquet')
    const r = dx('export', '--table', 'sis', '--week', WEEK, '--format', 'parquet', '--out', out)
    expect(r.code, r.stderr).toBe(0)
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(out) })
    const expected = sql<{ node_id: string; rank: number }>(`SELECT * FROM sis('${WEEK}')`)
    expect(rows).toHaveLength(expected.length)
    expect(rows.map((x) => x.node_id)).toEqual(expected.map((x) => x.node_id))
    // the same writer serves `dexposure query --format parquet`
    const q = join(dir, 'weeks.parquet')
    expect(
      dx('query', 'SELECT week, n_nodes, total_tvl FROM weeks', '--format', 'parquet', '--out', q)
        .code,
    ).toBe(0)
    const weeks = await parquetReadObjects({ file: await asyncBufferFromFile(q) })
    expect(weeks.map((w) => ({ ...w, n_nodes: Number(w.n_nodes) }))).toEqual(
      sql('SELECT week, n_nodes, total_tvl FROM weeks'),
    )
  })

  it('exits 5 on an unknown week or a missing forecast run and 2 on bad options, naming them', () => {
    const out = join(dir, 'bad.gexf')
    const unknown = dx('export', '--week', '2019-01-07', '--format', 'gexf', '--out', out)
    expect(unknown.code).toBe(5)
    expect(unknown.stderr).toMatch(/week 2019-01-07 is not in the archive/)
    const noRun = dx(
      'export',
      '--week',
      '2024-01-01',
      '--forecast',
      '4',
      '--format',
      'gexf',
      '--out',
      out,
    )
    expect(noRun.code).toBe(5)
    expect(noRun.stderr).toMatch(/dexposure forecast --week 2024-01-01 --horizon 4/)
    const cases: [string[], RegExp][] = [
      [['--week', WEEK, '--format', 'xml', '--out', out], /--format/],
      [['--week', WEEK, '--format', 'gexf'], /--out/],
      [['--format', 'gexf', '--out', out], /--week/],
      [['--week', '2025-08-19', '--format', 'gexf', '--out', out], /--week.*Monday/],
      [['--week', WEEK, '--threshold', '0.5', '--format', 'gexf', '--out', out], /--threshold/],
      [['--week', WEEK, '--forecast', '0', '--format', 'gexf', '--out', out], /--forecast/],
      [['--week', '2025-08-11', '--to', WEEK, '--format', 'graphml', '--out', out], /GraphML/],
      [['--week', WEEK, '--to', '2025-08-11', '--format', 'gexf', '--out', out], /--to/],
      [['--table', 'sis', '--format', 'csv'], /--week/],
      [['--table', 'nope', '--week', WEEK], /unknown table/],
      [
        ['--week', WEEK, '--format', 'gexf', '--out', join(dir, 'no', 'such', 'x.gexf')],
        /does not exist/,
      ],
    ]
    for (const [args, message] of cases) {
      const r = dx('export', ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
    // nothing half-written is left behind
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([])
  })
})

describe('dexposure export --table with a stored run (--run)', () => {
  const losses = ['export', '--table', 'contagion-losses', '--scenario', 'top5-protocols']
  let run = 0

  it('names the stored runs to pick from when --run is missing, and exports the one picked', () => {
    // no run stored yet: the error says which command stores one
    const none = dx(...losses, '--week', WEEK)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/needs --run ID, and no contagion run of 2025-08-18/)
    expect(none.stderr).toContain('dexposure risk --week W')
    const risk = dxJson<{ graphs: { contagionRunId: number }[] }>(
      '--quiet',
      'risk',
      '--week',
      WEEK,
      '--scenario',
      'top5-protocols',
    )
    run = risk.graphs[0].contagionRunId
    const missing = dx(...losses)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(
      new RegExp(
        `needs --run ID: stored contagion runs with scenario top5-protocols: (\\d+, )*${run}\\b`,
      ),
    )
    // the command that lists them runs as printed
    const listing = /`dexposure (query "[^"]+")`/.exec(missing.stderr)
    expect(listing).not.toBeNull()
    const sqlText = listing![1].slice('query "'.length, -1)
    expect(sql<{ run_id: number }>(sqlText).map((r) => r.run_id)).toContain(run)
    // of another week: none
    const other = dx(...losses, '--week', '2025-08-11')
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/no contagion run of 2025-08-11, with scenario top5-protocols/)

    const out = join(dir, 'losses.csv')
    const r = dxJson<{ rows: number }>(...losses, '--run', String(run), '--out', out)
    const stored = sql<{ n: number }>(
      `SELECT count(*) AS n FROM contagion_node_losses WHERE run_id = ${run} AND scenario = 'top5-protocols'`,
    )[0].n
    expect(stored).toBeGreaterThan(0)
    expect(r.rows).toBe(stored)
    const lines = readFileSync(out, 'utf8').trimEnd().split(/\r?\n/)
    expect(lines[0]).toBe('method,node_id,name,category,loss,relative_loss,distress_round,run_id')
    expect(lines).toHaveLength(stored + 1)
    const totals = dx(
      'export',
      '--table',
      'contagion-totals',
      '--run',
      String(run),
      '--scenario',
      'top5-protocols',
      '--format',
      'json',
    )
    expect(totals.code, totals.stderr).toBe(0)
    expect((JSON.parse(totals.stdout) as { method: string }[]).map((t) => t.method).sort()).toEqual(
      ['debtrank', 'eisenberg-noe', 'reference'],
    )
  })

  it('exits 5 for a run that is not stored and 2 for --run where it does not belong', () => {
    const unknown = dx(...losses, '--run', '9999')
    expect(unknown.code).toBe(5)
    expect(unknown.stderr).toMatch(
      /contagion run 9999 with scenario top5-protocols is not stored; stored contagion runs/,
    )
    // a risk run of another kind: the statistics `risk` stored beside the contagion run
    const stats = sql<{ run_id: number }>(
      `SELECT run_id FROM risk_runs WHERE kind = 'stats' ORDER BY run_id LIMIT 1`,
    )
    expect(stats).toHaveLength(1)
    const wrongKind = dx(...losses, '--run', String(stats[0].run_id))
    expect(wrongKind.code).toBe(5)
    expect(wrongKind.stderr).toContain(
      `run ${stats[0].run_id} is a stats run, not a contagion run; stored contagion runs with scenario top5-protocols: `,
    )
    // the run is stored, but of another week than the one asked
    const otherWeek = dx(...losses, '--run', String(run), '--week', '2025-08-11')
    expect(otherWeek.code).toBe(5)
    expect(otherWeek.stderr).toContain(
      `contagion run ${run} is stored, but it is not one of 2025-08-11, with scenario top5-protocols, ` +
        'and no contagion run of 2025-08-11, with scenario top5-protocols is stored',
    )
    const backtest = dx('export', '--table', 'backtest')
    expect(backtest.code).toBe(2)
    expect(backtest.stderr).toMatch(/no backtest run is stored: `dexposure backtest --horizon H`/)
    const cases: [string[], RegExp][] = [
      [['--table', 'sis', '--week', WEEK, '--run', '1'], /--run does not go with --table sis/],
      [['--table', 'stress', '--run', 'x'], /--run must be/],
      [
        ['--week', WEEK, '--format', 'gexf', '--out', join(dir, 'r.gexf'), '--run', '1'],
        /--run goes with --table/,
      ],
    ]
    for (const [args, message] of cases) {
      const r = dx('export', ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(message)
    }
    // the help names the option and the tables that take it
    const help = runCli(['export', '--help']).stdout.replace(/\s+/g, ' ')
    expect(help).toContain(
      '--run <id> with --table contagion-totals, contagion-losses, backtest, stress, stress-nodes: the stored run',
    )
    expect(help).toContain('dexposure export --table stress --run 3 --format json')
  })

  it('exports a stored stress run: the loss distribution per scenario and method, and its distressed nodes', async () => {
    const anchor = '2025-08-11'
    expect(dx('--quiet', 'forecast', '--week', anchor, '--horizon', '1').code).toBe(0)
    const missing = dx('export', '--table', 'stress', '--week', anchor)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(
      /no stress run of 2025-08-11 is stored: `dexposure risk --week W --forecast H --monte-carlo N`/,
    )
    interface Dist {
      mean: number
      var95: number
      cvar99: number
    }
    const report = dxJson<{
      runId: number
      scenarios: {
        scenario: string
        results: {
          method: string
          loss: Dist
          lossPct: Dist
          exceedance: { thresholdPct: number; probability: number }[]
          distressedNodes: { count: number; top: { node: string; share: number }[] }
        }[]
      }[]
    }>('--quiet', 'risk', '--week', anchor, '--forecast', '1', '--monte-carlo', '20', '--seed', '3')
    const out = join(dir, 'stress.parquet')
    const r = dx(
      'export',
      '--table',
      'stress',
      '--run',
      String(report.runId),
      '--format',
      'parquet',
      '--out',
      out,
    )
    expect(r.code, r.stderr).toBe(0)
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(out) })) as Record<
      string,
      unknown
    >[]
    const expected = report.scenarios.flatMap((sc) =>
      sc.results.map((m) => ({
        scenario: sc.scenario,
        method: m.method,
        loss_mean: m.loss.mean,
        var95: m.loss.var95,
        cvar99: m.loss.cvar99,
        var95_pct: m.lossPct.var95,
        exceedance: m.exceedance,
        distressed_nodes: m.distressedNodes.count,
      })),
    )
    expect(rows).toHaveLength(expected.length)
    expect(
      rows.map((x) => ({
        scenario: x.scenario,
        method: x.method,
        loss_mean: x.loss_mean,
        var95: x.var95,
        cvar99: x.cvar99,
        var95_pct: x.var95_pct,
        exceedance: JSON.parse(x.exceedance as string) as unknown,
        distressed_nodes: Number(x.distressed_nodes),
      })),
    ).toEqual(expected)
    expect(rows.every((x) => x.run_id !== undefined && Number(x.run_id) === report.runId)).toBe(
      true,
    )
    // the distressed nodes the view lists, every scenario and method
    const nodes = dx(
      'export',
      '--table',
      'stress-nodes',
      '--run',
      String(report.runId),
      '--format',
      'json',
    )
    expect(nodes.code, nodes.stderr).toBe(0)
    const listed = JSON.parse(nodes.stdout) as {
      scenario: string
      method: string
      node_id: string
      share_of_draws: number
    }[]
    expect(listed.map((n) => [n.scenario, n.method, n.node_id, n.share_of_draws])).toEqual(
      report.scenarios.flatMap((sc) =>
        sc.results.flatMap((m) =>
          m.distressedNodes.top.map((n) => [sc.scenario, m.method, n.node, n.share]),
        ),
      ),
    )
  })
})
