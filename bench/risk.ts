// Risk analytics on a real-scale week (11k nodes, 75k edges by default): every statistic + SIS +
// the eight scenarios × three contagion methods, plus our PageRank beside graphology-metrics'.
// Graph: the largest week of an archive (`--archive FILE`) or the seeded real-shaped generator of
// test/shared/risk/synthetic-graph.ts. Writes the graph and the scenario shock sets to OUT.json for
// the Python peer (bench/risk-peer.py) and prints one JSON line of timings (ms).
import { writeFileSync } from 'node:fs'
import Graph from 'graphology'
import graphologyPagerank from 'graphology-metrics/centrality/pagerank'
import { Archive } from '../src/engine/store/archive'
import { runScenarios } from '../src/shared/risk/contagion/run'
import { buildRiskGraph, type GraphInput } from '../src/shared/risk/graph'
import { pagerank } from '../src/shared/risk/pagerank'
import { SCENARIOS, selectShock } from '../src/shared/risk/scenarios'
import { computeNetworkStats } from '../src/shared/risk/stats'
import { syntheticGraph } from '../test/shared/risk/synthetic-graph'

const args = process.argv.slice(2)
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const runs = Number(opt('runs', '15'))
const out = opt('out', '.tmp/bench/risk-graph.json')
const archiveFile = opt('archive', '')

let input: GraphInput
let source: string
if (archiveFile) {
  const a = Archive.open(archiveFile, { readonly: true })
  const largest = a.listWeeks().reduce((x, y) => (y.edges > x.edges ? y : x))
  input = a.loadWeek(largest.week)
  source = `${archiveFile} week ${largest.week}`
  a.close()
} else {
  const nodes = Number(opt('nodes', '11000'))
  const edges = Number(opt('edges', '75000'))
  input = syntheticGraph({ nodes, edges, seed: 42 })
  source = `synthetic seed 42 (${nodes} nodes, ${edges} edges)`
}

function timeIt(fn: () => unknown): { median: number; min: number } {
  const t: number[] = []
  for (let i = 0; i < runs; i++) {
    const s = performance.now()
    fn()
    t.push(performance.now() - s)
  }
  t.sort((a, b) => a - b)
  return { median: t[Math.floor(t.length / 2)], min: t[0] }
}

const methods = ['reference', 'debtrank', 'eisenberg-noe'] as const
const scenarios = SCENARIOS.map((s) => ({ name: s.name, spec: s.spec }))
const all = () => {
  const g = buildRiskGraph(input)
  const stats = computeNetworkStats(g)
  return runScenarios(g, scenarios, [...methods], {}, { sis: stats.sis.scores })
}
const g = buildRiskGraph(input)
const stats = computeNetworkStats(g)

// graphology: the same PageRank on a graphology Graph (construction timed separately).
const buildGraphology = () => {
  const G = new Graph({ type: 'directed' })
  for (const id of g.nodeIds) G.addNode(id)
  for (let j = 0; j < g.e; j++)
    G.addEdge(g.nodeIds[g.src[j]], g.nodeIds[g.dst[j]], { weight: g.weight[j] })
  return G
}
const G = buildGraphology()
const gPr = graphologyPagerank(G, { getEdgeWeight: 'weight' })
const ours = pagerank(g)
let maxDiff = 0
g.nodeIds.forEach((id, i) => (maxDiff = Math.max(maxDiff, Math.abs(gPr[id] - ours.scores[i]))))

const shockSets = SCENARIOS.map((s) => {
  const sel = selectShock(g, s.spec, { sis: stats.sis.scores })
  return { nodes: sel.nodes.map((i) => g.nodeIds[i]), fraction: sel.fraction }
})
writeFileSync(
  out,
  JSON.stringify({
    nodes: g.nodeIds,
    sizes: Array.from(g.sizes),
    src: Array.from(g.src),
    dst: Array.from(g.dst),
    w: Array.from(g.weight),
    shocks: shockSets,
  }),
)

const result = {
  source,
  nodes: g.n,
  edges: g.e,
  runs,
  pagerankIterations: ours.iterations,
  total: timeIt(all),
  buildGraph: timeIt(() => buildRiskGraph(input)),
  allStatsAndSis: timeIt(() => computeNetworkStats(g)),
  scenarios8x3: timeIt(() =>
    runScenarios(g, scenarios, [...methods], {}, { sis: stats.sis.scores }),
  ),
  perMethod: Object.fromEntries(
    methods.map((m) => [
      m,
      timeIt(() => runScenarios(g, scenarios, [m], {}, { sis: stats.sis.scores })),
    ]),
  ),
  pagerank: timeIt(() => pagerank(g)),
  graphologyBuild: timeIt(buildGraphology),
  graphologyPagerank: timeIt(() => graphologyPagerank(G, { getEdgeWeight: 'weight' })),
  graphologyMaxAbsDiff: maxDiff,
  referenceCascades: timeIt(() =>
    runScenarios(g, scenarios, ['reference'], {}, { sis: stats.sis.scores }),
  ),
}
console.log(JSON.stringify(result))
