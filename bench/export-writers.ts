// Why the GEXF writer is our own (src/engine/export/gexf.ts): the same week written by it and by
// graphology-gexf 0.13 (graphology graph built, then write(), version 1.3), in one process, median
// of 3. Run by bench/export.mjs (bundled with esbuild); prints JSON.
// Usage: node .tmp/bench/export-writers.mjs ARCHIVE WEEK
import Graph from 'graphology'
import { write as writeGexf } from 'graphology-gexf'
import { Archive } from '../src/engine/store/archive'
import { exportSource } from '../src/engine/export/source'
import { staticGexf } from '../src/engine/export/gexf'
const a = Archive.open(process.argv[2], { readonly: true })
const src = exportSource(a, { kind: 'week', week: process.argv[3] })
const s = src.slice(process.argv[3])
const med = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]
const ours: number[] = []
const theirs: number[] = []
for (let r = 0; r < 3; r++) {
  let t = performance.now()
  let bytes = 0
  staticGexf(src, s, (x) => (bytes += x.length))
  ours.push(performance.now() - t)
  t = performance.now()
  const g = new Graph({ type: 'directed' })
  s.nodeIds.forEach((id, i) =>
    g.addNode(id, {
      label: s.names[i] ?? id,
      tvl: s.sizes[i],
      category: s.categories[i],
      sector: s.sectors[i],
      kind: s.kinds[i],
    }),
  )
  for (let j = 0; j < s.edgeSrc.length; j++)
    g.addDirectedEdgeWithKey(`e${j}`, s.nodeIds[s.edgeSrc[j]], s.nodeIds[s.edgeDst[j]], {
      weight: s.edgeWeight[j],
    })
  const text = writeGexf(g, {
    version: '1.3',
    pretty: false,
    formatNode: (_k, x) => {
      const { label, ...attributes } = x
      return { label, attributes }
    },
  })
  theirs.push(performance.now() - t)
  void text
}
console.log(JSON.stringify({ oursMs: med(ours), graphologyGexfMs: med(theirs) }))
