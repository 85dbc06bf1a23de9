// The DeXposure weekly network JSON (docs/import-formats.md), streamed week by week, written so
// that `dexposure import` of the file stores every week exactly as archived: the same week
// content hashes (archive.ts weekContentHash: node ids in order, sizes, edges in order, weights,
// composition texts). So nodes and links keep their archived order, numbers are written as the
// shortest text that reads back as the same double (JSON.stringify; -0 kept), and compositions are
// copied verbatim from the archive, where the importer stored their source text.
// A forecast graph is refused (graph-export.ts): it would import as an observed week.
import { EXPORTED_BY, EXPORTED_KEY } from '../import/exported-marker'
import type { Archive } from '../store/archive'
import { rowKey } from '../store/archive'
import { betweenWeeks, type WriteContext, type WriteCounts } from './gexf'
import type { ExportSource } from './source'

const num = (v: number): string => (Object.is(v, -0) ? '-0' : JSON.stringify(v))

export async function dexposureJson(
  archive: Archive,
  source: ExportSource,
  out: (text: string) => void,
  ctx: WriteContext = {},
): Promise<WriteCounts> {
  const nodeComps = archive.db.prepare(
    'SELECT composition FROM nodes WHERE rowid BETWEEN ? AND ? ORDER BY rowid',
  )
  const edgeComps = archive.db.prepare(
    'SELECT composition FROM edge_rows WHERE rowid BETWEEN ? AND ? ORDER BY rowid',
  )
  let nodes = 0
  let edges = 0
  out('{"data": {')
  for (let w = 0; w < source.weeks.length; w++) {
    await betweenWeeks(ctx.signal)
    const week = source.weeks[w]
    const s = source.slice(week)
    const base = rowKey(week, 0)
    const nc = nodeComps.pluck().all(base, base + (1 << 24) - 1) as (string | null)[]
    const ec = edgeComps.pluck().all(base, base + (1 << 24) - 1) as (string | null)[]
    let text = `${w ? ',' : ''}\n${JSON.stringify(week)}: {"nodes": [`
    for (let i = 0; i < s.nodeIds.length; i++) {
      const c = nc[s.nodePos![i]]
      text +=
        `${i ? ',' : ''}\n{"id": ${JSON.stringify(s.nodeIds[i])}, "size": ${num(s.sizes[i])}, ` +
        `"composition": ${c ?? 'null'}}`
    }
    text += '], "links": ['
    for (let j = 0; j < s.edgeSrc.length; j++) {
      const c = ec[s.edgePos![j]]
      text +=
        `${j ? ',' : ''}\n{"source": ${JSON.stringify(s.nodeIds[s.edgeSrc[j]])}, ` +
        `"target": ${JSON.stringify(s.nodeIds[s.edgeDst[j]])}, "size": ${num(s.edgeWeight[j])}, ` +
        `"composition": ${c ?? 'null'}}`
    }
    out(text + ']}')
    nodes += s.nodeIds.length
    edges += s.edgeSrc.length
    ctx.progress?.(w + 1, source.weeks.length, week)
  }
  // After "data", which the reference loaders read (they skip other top-level keys). The importer
  // reads this mark's `synthetic` from the file's tail (import/exported-marker.ts), so weeks
  // exported from a demo archive import as synthetic again.
  out(
    `\n}, ${JSON.stringify(EXPORTED_KEY)}: ` +
      JSON.stringify({
        by: EXPORTED_BY,
        description: source.description,
        synthetic: source.synthetic,
        weeks: source.weeks.length,
        created: new Date().toISOString(),
      }) +
      '}\n',
  )
  return { nodes, edges }
}
