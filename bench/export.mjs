// `node bench/export.mjs [--archive FILE] [--runs N]`: graph exports (issue 13 §2) of the largest
// week of the real-scale archive (read-only): `dexposure export` as GEXF, GraphML and Parquet —
// end to end as a user runs it (wall time of the process) and the export itself (its elapsedMs) —
// beside peers in the same run on the same week: networkx write_gexf / write_graphml (Debian
// /usr/bin/python3, bench/export-peer.py) and DuckDB's Parquet writer (COPY … TO of the same edge
// rows, loaded first). Also a dynamic GEXF of the last four weeks. Prints JSON on stdout.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, statSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { build } from 'esbuild'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const archive = resolve(opt('--archive', 'bench/data/real-scale.sqlite'))
const runs = Number(opt('--runs', '5'))
const out = resolve('.tmp/bench/export')
mkdirSync(out, { recursive: true })
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const log = (m) => process.stderr.write(`bench: ${m}\n`)

const sql = (q) => execFileSync('sqlite3', ['-readonly', '-json', archive, q], { encoding: 'utf8' })
const [largest] = JSON.parse(
  sql('SELECT week, n_nodes, n_edges FROM weeks ORDER BY n_edges DESC LIMIT 1'),
)
const last4 = JSON.parse(sql('SELECT week FROM weeks ORDER BY week DESC LIMIT 4')).map(
  (r) => r.week,
)
log(`largest week ${largest.week}: ${largest.n_nodes} nodes, ${largest.n_edges} edges`)

function cli(format, extra = []) {
  const wall = []
  const inner = []
  let summary = null
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const r = spawnSync(
      process.execPath,
      [
        'bin/dexposure.js',
        '--json',
        '--quiet',
        '--archive',
        archive,
        'export',
        ...extra,
        '--format',
        format,
        '--out',
        `${out}/dx.${format}`,
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    )
    wall.push(performance.now() - t)
    if (r.status !== 0) throw new Error(r.stderr)
    summary = JSON.parse(r.stdout)
    inner.push(summary.elapsedMs)
  }
  const bytes = summary.files.reduce((s, f) => s + f.bytes, 0)
  return {
    wallMs: median(wall),
    exportMs: median(inner),
    bytes,
    nodes: summary.nodes,
    edges: summary.edges,
  }
}

const week = ['--week', largest.week]
const gexf = cli('gexf', week)
const graphml = cli('graphml', week)
const parquet = cli('parquet', week)
const csv = cli('csv', week)
const dynamic = cli('gexf', ['--week', last4.at(-1), '--to', last4[0]])
log('dexposure done; peers…')

const peer = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    ['bench/export-peer.py', archive, largest.week, out, String(runs)],
    {
      encoding: 'utf8',
    },
  ),
)
// DuckDB's Parquet writer on the same edge rows (loaded from our CSV export, untimed)
const duck = await (await DuckDBInstance.create(':memory:')).connect()
await duck.run(`CREATE TABLE e AS SELECT * FROM read_csv('${out}/dx_edges.csv')`)
await duck.run(`CREATE TABLE n AS SELECT * FROM read_csv('${out}/dx_nodes.csv')`)
const duckMs = []
for (let i = 0; i < runs; i++) {
  const t = performance.now()
  await duck.run(`COPY e TO '${out}/duck_edges.parquet' (FORMAT parquet)`)
  await duck.run(`COPY n TO '${out}/duck_nodes.parquet' (FORMAT parquet)`)
  duckMs.push(performance.now() - t)
}
duck.closeSync()

// our streamed GEXF writer beside graphology-gexf's, in one process on the same slice
await build({
  entryPoints: ['bench/export-writers.ts'],
  outfile: '.tmp/bench/export-writers.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['better-sqlite3', 'onnxruntime-node'],
  logLevel: 'warning',
})
const writers = JSON.parse(
  execFileSync(process.execPath, ['.tmp/bench/export-writers.mjs', archive, largest.week], {
    encoding: 'utf8',
  }),
)

const result = {
  machine: `${cpus().length} × ${cpus()[0].model}, load ${loadavg()[0].toFixed(1)}`,
  runs,
  week: largest,
  dexposure: { gexf, graphml, parquet, csv, dynamicGexf4Weeks: dynamic },
  peers: {
    networkx: peer,
    duckdbParquetMs: median(duckMs),
    graphologyGexf: writers,
    duckdbParquetBytes:
      statSync(`${out}/duck_edges.parquet`).size + statSync(`${out}/duck_nodes.parquet`).size,
  },
  ratios: {
    gexfVsNetworkx: +(gexf.exportMs / peer.gexfMs).toFixed(2),
    graphmlVsNetworkx: +(graphml.exportMs / peer.graphmlMs).toFixed(2),
    gexfWriterVsGraphologyGexf: +(writers.oursMs / writers.graphologyGexfMs).toFixed(2),
    parquetVsDuckdb: +(parquet.exportMs / median(duckMs)).toFixed(2),
  },
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n')
