// The query console's engine on the small demo archive: results and their types, limits, runs
// prepared before a query (computed once, then reused), the functions against the engine's own
// numbers, errors with their positions, the time limit and Cancel (the query process recycled),
// exports, the schema, and every example of docs/query-functions.md and resources/queries.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueryEngine, type QueryResult } from '../../../src/engine/query/engine'
import { runForecast } from '../../../src/engine/forecast/run'
import { weekStats } from '../../../src/engine/risk/stats-runs'
import { riskRun } from '../../../src/engine/risk/contagion-runs'
import { Archive } from '../../../src/engine/store/archive'
import { DexposureError } from '../../../src/shared/errors'
import { splitStatements } from '../../../src/shared/sql/tokens'
import { demoArchiveCopy } from './demo-fixture'

const WEEK = '2022-05-09'
let dir: string
let archive: Archive
let q: QueryEngine

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-query-engine-'))
  archive = Archive.open(await demoArchiveCopy(dir))
  q = new QueryEngine(archive)
})
afterAll(() => {
  q.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const rows = (r: QueryResult, i = 0) => {
  const s = r.statements[i]
  return Array.from({ length: s.rowCount }, (_, k) =>
    Object.fromEntries(s.columns.map((c, j) => [c.name, s.data[j][k]])),
  )
}

async function failure(p: Promise<unknown>): Promise<DexposureError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}

describe('results', () => {
  it('returns every statement with columns, declared types and column-major cells', async () => {
    const sql =
      "SELECT week, n_nodes, total_tvl FROM weeks ORDER BY week LIMIT 2;\nSELECT NULL AS nul, x'00ff' AS b, 1e999 AS inf, 'text' AS t"
    const r = await q.run({ sql })
    expect(r.statements).toHaveLength(2)
    const [a, b] = r.statements
    expect(a.columns.map((c) => [c.name, c.declaredType, c.kind, c.table])).toEqual([
      ['week', 'TEXT', 'text', 'weeks'],
      ['n_nodes', 'INTEGER', 'number', 'weeks'],
      ['total_tvl', 'REAL', 'number', 'weeks'],
    ])
    expect(a.data[0]).toEqual(['2020-03-23', '2020-03-30'])
    expect(a).toMatchObject({ rowCount: 2, truncated: false, total: 2, from: 0 })
    expect(sql.slice(b.from, b.to)).toMatch(/^SELECT NULL/)
    expect(b.data.map((c) => c[0])).toEqual([
      null,
      { type: 'blob', bytes: 2, hex: '00ff' },
      'Infinity',
      'text',
    ])
    expect(b.columns.map((c) => c.kind)).toEqual(['null', 'blob', 'number', 'text'])
    expect(r.synthetic).toBe(true)
  })

  it('caps rows with a truncation flag and the total when counting is cheap', async () => {
    const r = await q.run({ sql: 'SELECT week FROM weeks', maxRows: 100 })
    expect(r.statements[0]).toMatchObject({
      rowCount: 100,
      truncated: true,
      truncatedBy: 'rows',
      total: 283,
    })
    // a count that would take longer than 200 ms is left out
    const endless = await q.run({
      sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000) SELECT x FROM c',
      maxRows: 10,
    })
    expect(endless.statements[0]).toMatchObject({ rowCount: 10, truncated: true, total: null })
    const none = await q.run({ sql: 'SELECT * FROM weeks', maxRows: 0 })
    expect(none.statements[0]).toMatchObject({ rowCount: 0, truncated: true })
  })

  it('cuts huge text cells and stops at 64 MB of values', async () => {
    const r = await q.run({ sql: "SELECT printf('%.*c', 3000000, 'x') AS big" })
    expect(r.statements[0].cutCells).toBe(1)
    expect((r.statements[0].data[0][0] as string).length).toBe(1_000_000)
    const many = await q.run({
      sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT printf('%.*c', 900000, 'y') FROM c",
      maxRows: 1000,
    })
    expect(many.statements[0].truncatedBy).toBe('bytes')
    expect(many.statements[0].rowCount).toBeLessThan(200)
  })

  it('binds parameters (integers as integers, so text ids and LIMIT compare as written)', async () => {
    const r = await q.run({
      sql: 'SELECT node_id FROM nodes WHERE node_id = :node AND week = :week LIMIT :n',
      params: { node: '182', week: WEEK, n: 1 },
    })
    expect(rows(r)).toEqual([{ node_id: '182' }])
    const p = await q.run({ sql: 'SELECT typeof(?) AS a, typeof(?) AS b', params: [4, 4.5] })
    expect(rows(p)).toEqual([{ a: 'integer', b: 'real' }])
  })

  it('reads through the views for people', async () => {
    const r = rows(
      await q.run({
        sql: `SELECT source, holder_name, target, issuer_name, issuer_category FROM edges_named
              WHERE week = '${WEEK}' AND target = '182' LIMIT 1`,
      }),
    )
    expect(r[0]).toMatchObject({
      target: '182',
      issuer_name: 'Lido',
      issuer_category: 'Liquid Staking',
    })
    const n = rows(
      await q.run({
        sql: `SELECT kind, count(*) AS n FROM nodes_named WHERE week = '${WEEK}' GROUP BY kind ORDER BY kind`,
      }),
    )
    expect(n.map((x) => x.kind)).toEqual(['protocol', 'token'])
  })
})

describe('query functions and the runs they read', () => {
  it('computes a missing forecast run once, reports progress, then reuses it', async () => {
    const progress: string[] = []
    const sql = `SELECT * FROM forecast_edges('${WEEK}', 1) LIMIT 5`
    const first = await q.run({ sql }, { progress: (_d, _t, m) => progress.push(m) })
    expect(first.runs).toEqual([
      expect.objectContaining({ kind: 'forecast', week: WEEK, horizon: 1, computed: true }),
    ])
    expect(progress.some((m) => m.startsWith(`forecast ${WEEK} h=1`))).toBe(true)
    const again = await q.run({ sql })
    expect(again.runs[0]).toMatchObject({ computed: false, runId: first.runs[0].runId })
    expect(
      again.statements[0].columns.map((c) => [c.name, c.table, c.declaredType]),
    ).toContainEqual(['probability', 'forecast_edges', 'REAL'])
  })

  it('forecast_edges, forecast_nodes and link_prob read the same run the forecast engine stored', async () => {
    const f = await runForecast(archive, { week: WEEK, horizon: 4, top: 25 })
    const r = rows(
      await q.run({
        sql: `SELECT source, target, probability, predicted_usd, exists_at_t, run_id FROM forecast_edges('${WEEK}', 4) LIMIT 25`,
      }),
    )
    expect(r.every((x) => x.run_id === f.run_id)).toBe(true)
    // the same 25 most probable pairs (ties may be ordered differently)
    const key = (s: unknown, t: unknown) => `${String(s)}→${String(t)}`
    expect(new Set(r.map((x) => key(x.source, x.target)))).toEqual(
      new Set(f.top.map((x) => key(x.source, x.target))),
    )
    for (const t of f.top) {
      const row = r.find((x) => x.source === t.source && x.target === t.target)!
      expect(row.probability).toBeCloseTo(t.probability, 12)
      expect(row.predicted_usd).toBeCloseTo(t.predicted_weight_usd, 4)
      expect(row.exists_at_t).toBe(t.exists_at_t ? 1 : 0)
    }
    const top = f.top[0]
    const lp = rows(
      await q.run({
        sql: `SELECT link_prob(:s, :t, '${WEEK}', 4) AS p, link_prob('nope', 'none', '${WEEK}', 4) AS q`,
        params: { s: top.source, t: top.target },
      }),
    )[0]
    expect(lp.p).toBeCloseTo(top.probability, 12)
    expect(lp.q).toBeNull()
    const nodes = rows(
      await q.run({
        sql: `SELECT count(*) AS n, count(DISTINCT run_id) AS runs FROM forecast_nodes('${WEEK}', 4)`,
      }),
    )[0]
    expect(nodes).toEqual({ n: f.nodes, runs: 1 })
  })

  it('network_stats, sis and spillover match the statistics the risk engine stores', async () => {
    const s = weekStats(archive, WEEK, { topK: 10 })
    const stats = rows(await q.run({ sql: `SELECT metric, value FROM network_stats('${WEEK}')` }))
    for (const [k, v] of Object.entries(s.values)) {
      const row = stats.find((x) => x.metric === k)
      expect(row, k).toBeDefined()
      if (v === null) expect(row!.value).toBeNull()
      else expect(row!.value as number).toBeCloseTo(v, 9)
    }
    const sis = rows(
      await q.run({ sql: `SELECT rank, node_id, score FROM sis('${WEEK}') LIMIT 10` }),
    )
    expect(sis.map((x) => x.node_id)).toEqual(s.sisTop.map((x) => x.node))
    sis.forEach((x, i) => expect(x.score as number).toBeCloseTo(s.sisTop[i].score, 12))
    const cat = s.spillover.find((x) => x.level === 'category')!
    const cells = rows(
      await q.run({
        sql: `SELECT from_sector, to_sector, exposure FROM spillover('${WEEK}') WHERE from_sector <> to_sector LIMIT 10`,
      }),
    )
    expect(cells.map((c) => [c.from_sector, c.to_sector])).toEqual(
      cat.top.map((c) => [c.from, c.to]),
    )
    const sector = rows(
      await q.run({ sql: `SELECT DISTINCT run_id FROM spillover('${WEEK}', 'sector')` }),
    )
    expect(sector).toHaveLength(1)
  })

  it('contagion matches the losses of the same scenario run by the risk engine', async () => {
    const report = riskRun(archive, WEEK, {
      scenarios: [
        { name: 'S1', spec: { terms: [{ kind: 'top', k: 1, by: 'exposure' }], fraction: 1 } },
      ],
      methods: ['debtrank'],
    })
    const expected = report.graphs[0].scenarios[0].results[0].topLosses
    const r = await q.run({
      sql: `SELECT node_id, loss, relative_loss, distress_round FROM contagion('${WEEK}', 's1', 'debtrank') LIMIT 10`,
    })
    expect(r.runs[0]).toMatchObject({
      kind: 'contagion',
      computed: false,
      runId: report.graphs[0].contagionRunId,
    })
    const got = rows(r)
    expect(got.map((x) => x.node_id)).toEqual(expected.map((x) => x.node))
    got.forEach((x, i) => expect(x.loss as number).toBeCloseTo(expected[i].loss, 6))
    // a shock spec is run when missing, stored under its canonical text
    const spec = await q.run({
      sql: `SELECT DISTINCT method FROM contagion('${WEEK}', 'top:2:tvl@40%') ORDER BY 1`,
    })
    expect(spec.runs[0]).toMatchObject({ computed: true, scenario: 'top:2:tvl@0.4' })
    expect(spec.statements[0].data[0]).toEqual(['debtrank', 'eisenberg-noe', 'reference'])
  })

  it('a call with arguments from another table (the table function) gives what a literal call (inlined) gives', async () => {
    const pairs: [string, string][] = [
      [`forecast_edges('${WEEK}', 4)`, 'forecast_edges(a.w, a.h)'],
      [`forecast_nodes('${WEEK}', 4)`, 'forecast_nodes(a.w, a.h)'],
      [`network_stats('${WEEK}')`, 'network_stats(a.w)'],
      [`sis('${WEEK}')`, 'sis(a.w)'],
      [`spillover('${WEEK}')`, 'spillover(a.w)'],
      [`spillover('${WEEK}', 'sector')`, "spillover(a.w, 'sector')"],
      [`contagion('${WEEK}', 'S1')`, "contagion(a.w, 'S1')"],
      [`contagion('${WEEK}', 'S1', 'debtrank')`, "contagion(a.w, 'S1', 'debtrank')"],
      ["node_history('182')", 'node_history(a.n)'],
      ["node_edges('182')", 'node_edges(a.n)'],
      ["node_edges('182', 'IN')", "node_edges(a.n, 'in')"],
      ["node_edges('no such node')", "node_edges(a.n || ' no such node')"],
    ]
    for (const [literal, dynamic] of pairs) {
      const lit = await q.run({ sql: `SELECT * FROM ${literal}`, maxRows: 100_000 })
      if (!literal.startsWith('node_')) expect(lit.runs.length, literal).toBe(1)
      const dyn = await q.run({
        sql: `SELECT f.* FROM (SELECT '${WEEK}' AS w, 4 AS h, '182' AS n) AS a, ${dynamic} AS f`,
        maxRows: 100_000,
      })
      expect(dyn.runs, dynamic).toEqual([])
      expect(dyn.statements[0].columns.map((c) => c.name)).toEqual(
        lit.statements[0].columns.map((c) => c.name),
      )
      expect(rows(dyn), literal).toEqual(rows(lit))
    }
  })

  it('node_history and node_edges return what nodes and edges hold', async () => {
    const h = rows(await q.run({ sql: "SELECT week, size, in_degree FROM node_history('182')" }))
    const hist = archive.nodeHistory('182')
    expect(h.map((x) => x.week)).toEqual(hist.map((x) => x.week))
    expect(h.map((x) => x.in_degree)).toEqual(hist.map((x) => x.in_degree))
    const viaFunction = rows(
      await q.run({
        sql: "SELECT week, source, target, weight FROM node_edges('182') ORDER BY week, source, target",
        maxRows: 100_000,
      }),
    )
    const viaScan = rows(
      await q.run({
        sql: "SELECT week, source, target, weight FROM edges WHERE source = '182' OR target = '182' ORDER BY week, source, target",
        maxRows: 100_000,
      }),
    )
    expect(viaFunction.length).toBeGreaterThan(100)
    expect(viaFunction).toEqual(viaScan)
    const out = rows(
      await q.run({
        sql: "SELECT DISTINCT direction, source = '182' AS holder FROM node_edges('182', 'out')",
      }),
    )
    expect(out).toEqual([{ direction: 'out', holder: 1 }])
  })

  it("node_edges' rowids kept by the query process follow a change of the archive", async () => {
    const count = async () =>
      (await q.run({ sql: "SELECT count(*) AS n FROM node_edges('182')" })).statements[0]
        .data[0][0] as number
    const before = await count()
    // the first week in which 182 has edges loses them (written by another connection, as an
    // import would), then gets them back
    const [week, outEdges, inEdges] = archive.db
      .prepare(
        `SELECT week, out_edges, in_edges FROM nodes
         WHERE node_id = '182' AND length(out_edges) + length(in_edges) > 0 ORDER BY week LIMIT 1`,
      )
      .raw()
      .get() as [string, Buffer, Buffer]
    const lost = (outEdges.length + inEdges.length) / 4
    expect(lost).toBeGreaterThan(0)
    const set = archive.db.prepare(
      "UPDATE nodes SET out_edges = ?, in_edges = ? WHERE node_id = '182' AND week = ?",
    )
    set.run(Buffer.alloc(0), Buffer.alloc(0), week)
    try {
      expect(await count()).toBe(before - lost)
    } finally {
      set.run(outEdges, inEdges, week)
    }
    expect(await count()).toBe(before)
  })
})

describe('errors', () => {
  it('places syntax errors at the token SQLite stopped at, names at the name', async () => {
    const cases: [string, string, string][] = [
      ['SELECT week FROM weeks ORDER weight', 'weight', 'near "weight": syntax error'],
      ['SELECT week FROM weeks WHERE (week = 1', '', 'incomplete input'],
      ['SELECT * FROM edges WHERE wek = 1', 'wek', 'no such column: wek'],
      ['SELECT * FROM nothing_here', 'nothing_here', 'no such table: nothing_here'],
      ['SELECT nosuchfn(1)', 'nosuchfn', 'no such function: nosuchfn'],
      [
        "SELECT * FROM forecast_edges('2022-05-09', 1, 'x', 'extra')",
        'forecast_edges',
        'too many arguments on forecast_edges',
      ],
    ]
    for (const [sql, at, message] of cases) {
      const e = await failure(q.run({ sql: `SELECT 1;\n${sql}` }))
      expect(e.code, sql).toBe('BAD_INPUT')
      expect(e.message).toContain(message)
      expect(e.message).toMatch(/^statement 2: /)
      expect(e.location.line).toBe(2)
      const offset = e.location.offset!
      if (at) expect(`SELECT 1;\n${sql}`.slice(offset, offset + at.length)).toBe(at)
      else expect(offset).toBe(`SELECT 1;\n${sql}`.length)
    }
  })

  it('a function over a run that is not stored and cannot be prepared is an SQL error at the call', async () => {
    const e = await failure(
      q.run({ sql: "SELECT * FROM weeks w, sis(w.week) WHERE w.week = '2021-01-04'" }),
    )
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/sis: no statistics stored for week 2021-01-04/)
    expect(e.location.offset).toBe(23)
    const week = await failure(q.run({ sql: "SELECT * FROM sis('2099-01-05')" }))
    expect(week).toMatchObject({ code: 'NOT_FOUND', location: { offset: 14 } })
    const model = await failure(q.run({ sql: "SELECT * FROM forecast_edges('2022-05-09', 3)" }))
    expect(model.code).toBe('NOT_FOUND')
    expect(model.message).toMatch(/no model for h=3/)
  })

  it('a query past its time limit is stopped; the process is recycled and answers the next query', async () => {
    await q.run({ sql: 'SELECT 1' })
    const pid = q.process.pid
    const t0 = performance.now()
    const e = await failure(
      q.run({
        sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
        timeoutMs: 500,
      }),
    )
    expect(e.code).toBe('LIMIT')
    expect(performance.now() - t0).toBeLessThan(5_000)
    const next = await q.run({ sql: 'SELECT 42 AS answer' })
    expect(rows(next)).toEqual([{ answer: 42 }])
    expect(q.process.pid).not.toBe(pid)
  })

  it('Cancel stops a running query', async () => {
    const controller = new AbortController()
    const p = q.run(
      {
        sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
        timeoutMs: 60_000,
      },
      { signal: controller.signal },
    )
    setTimeout(() => controller.abort(), 300)
    expect((await failure(p)).code).toBe('CANCELLED')
    expect(rows(await q.run({ sql: 'SELECT 1 AS ok' }))).toEqual([{ ok: 1 }])
  })

  it('runs in a worker thread too (where a child process cannot be started)', async () => {
    const t = new QueryEngine(archive, { isolation: 'thread' })
    try {
      const r = await t.run({ sql: `SELECT count(*) AS n FROM sis('${WEEK}')` })
      expect((rows(r)[0].n as number) > 0).toBe(true)
      expect(t.process.isolation).toBe('thread')
    } finally {
      t.close()
    }
  })
})

describe('exports', () => {
  it('streams every row to CSV through the spreadsheet-safe writer', async () => {
    const path = join(dir, 'edges.csv')
    const r = await q.export({
      sql: "SELECT week, source, target, weight, '=cmd|'' /C calc''!A0' AS evil, x'00ff' AS blob FROM edges WHERE week >= '2025-01-06'",
      format: 'csv',
      target: { path },
    })
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toBe('week,source,target,weight,evil,blob')
    expect(lines).toHaveLength(r.rows + 1)
    const n = rows(
      await q.run({ sql: "SELECT count(*) AS n FROM edges WHERE week >= '2025-01-06'" }),
    )[0].n
    expect(r.rows).toBe(n)
    expect(r.rows).toBeGreaterThan(10_000) // more than a query's default cap
    expect(lines[1]).toContain(",'=cmd|' /C calc'!A0,AP8=")
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([])
  })

  it('writes JSON as an array of objects', async () => {
    const path = join(dir, 'weeks.json')
    await q.export({
      sql: 'SELECT week, n_nodes AS n, n_edges AS n FROM weeks ORDER BY week LIMIT 3',
      format: 'json',
      target: { path },
    })
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[]
    expect(data).toHaveLength(3)
    expect(Object.keys(data[0])).toEqual(['week', 'n', 'n_2'])
  })

  it('writes Parquet that an independent reader (hyparquet) reads back with the same rows', async () => {
    const path = join(dir, 'weeks.parquet')
    const sql =
      'SELECT week, n_nodes AS n, n_edges AS n, total_tvl, NULL AS empty_col, 1.5 AS x FROM weeks ORDER BY week LIMIT 3'
    const r = await q.export({ sql, format: 'parquet', target: { path } })
    expect(r.rows).toBe(3)
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(path) })
    const expected = (await q.run({ sql })).statements[0]
    expect(rows.map((x) => Object.keys(x))[0]).toEqual([
      'week',
      'n',
      'n_2',
      'total_tvl',
      'empty_col',
      'x',
    ])
    expect(
      rows.map((x) => [x.week, Number(x.n), Number(x.n_2), x.total_tvl, x.empty_col, x.x]),
    ).toEqual(Array.from({ length: 3 }, (_, k) => expected.data.map((c) => c[k])))
  })

  it('refuses a Parquet column whose values change type past the first row group, naming it', async () => {
    const path = join(dir, 'mixed.parquet')
    const e = await failure(
      q.export({
        sql: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 70000)
              SELECT CASE WHEN x = 70000 THEN 'text' ELSE x END AS v FROM c`,
        format: 'parquet',
        target: { path },
      }),
    )
    expect(e.code).toBe('BAD_INPUT')
    expect(e.message).toMatch(/column "v" is INT64 .* row 70000 holds text/)
    expect(existsSync(path)).toBe(false)
  })

  it('refuses the archive as a target, and several statements', async () => {
    expect(
      (await failure(q.export({ sql: 'SELECT 1', format: 'csv', target: { path: archive.file } })))
        .code,
    ).toBe('USAGE')
    expect(
      (
        await failure(
          q.export({
            sql: 'SELECT 1; SELECT 2',
            format: 'csv',
            target: { path: join(dir, 'two.csv') },
          }),
        )
      ).code,
    ).toBe('USAGE')
  })

  it('leaves no file behind when an export fails or is stopped', async () => {
    const path = join(dir, 'stopped.csv')
    const e = await failure(
      q.export({
        sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c',
        format: 'csv',
        target: { path },
        timeoutMs: 700,
      }),
    )
    expect(e.code).toBe('LIMIT')
    expect(existsSync(path)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('stopped'))).toEqual([])
  })
})

describe('schema', () => {
  it('lists tables, views for people, typed columns, functions, weeks and pragmas', async () => {
    const s = await q.schema()
    const edges = s.tables.find((t) => t.name === 'edges')!
    expect(edges).toMatchObject({ kind: 'view', schema: 'main' })
    expect(edges.columns.map((c) => [c.name, c.type])).toContainEqual(['weight', 'REAL'])
    expect(s.tables.find((t) => t.name === 'edges_named')).toMatchObject({
      schema: 'temp',
      kind: 'view',
    })
    const f = s.functions.find((x) => x.name === 'forecast_edges')!
    expect(f.signature).toBe('forecast_edges(week, horizon [, model])')
    expect(f.columns.map((c) => c.name)).toContain('probability')
    expect(s.functions.find((x) => x.name === 'link_prob')).toMatchObject({
      kind: 'scalar',
      returns: 'REAL',
    })
    expect(s.weeks).toHaveLength(283)
    expect(s.pragmas).toContain('table_info')
  })
})

describe('documented examples', () => {
  const blocks = (text: string) => [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1])

  it('runs every example of docs/query-functions.md and each returns rows', async () => {
    const examples = blocks(readFileSync('docs/query-functions.md', 'utf8'))
    expect(examples.length).toBeGreaterThanOrEqual(18)
    for (const sql of examples) {
      const r = await q.run({ sql, timeoutMs: 30_000 }).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}\nin:\n${sql}`)
      })
      expect(r.statements.at(-1)!.rowCount, sql).toBeGreaterThan(0)
    }
  }, 180_000)

  it('runs the example queries shipped in resources/queries', async () => {
    const files = readdirSync('resources/queries').filter((f) => f.endsWith('.sql'))
    expect(files.length).toBeGreaterThanOrEqual(5)
    for (const f of files) {
      const sql = readFileSync(join('resources/queries', f), 'utf8')
      expect(sql).toMatch(/^-- title: /)
      expect(splitStatements(sql)).toHaveLength(1)
      const r = await q.run({ sql, params: { week: '2025-08-18', node: '182' }, timeoutMs: 30_000 })
      expect(r.statements[0].rowCount, f).toBeGreaterThan(0)
    }
  }, 180_000)
})
