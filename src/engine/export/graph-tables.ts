// A graph as two tables — nodes and edges, one row per item per week with a `week` column — in
// CSV or Parquet, through the query console's export backends (src/engine/query/export.ts), so a
// graph export and a console export share one CSV writer (spreadsheet-safe) and one Parquet writer.
// Rows are in week order, so Parquet's row-group statistics on `week` let DuckDB and others skip
// the weeks a query does not ask for.
import { exportBackend, type ExportColumn, type ExportWriter, type RawCell } from '../query/export'
import { betweenWeeks, type WriteContext, type WriteCounts } from './gexf'
import type { ExportSource } from './source'

const col = (name: string, declaredType: string): ExportColumn => ({ name, declaredType })

export const NODE_COLUMNS = [
  col('week', 'TEXT'),
  col('id', 'TEXT'),
  col('label', 'TEXT'),
  col('tvl', 'REAL'),
  col('category', 'TEXT'),
  col('sector', 'TEXT'),
  col('kind', 'TEXT'),
  col('sis', 'REAL'),
]

export const EDGE_COLUMNS = [
  col('week', 'TEXT'),
  col('source', 'TEXT'),
  col('target', 'TEXT'),
  col('weight', 'REAL'),
]

const BATCH = 4096

export async function graphTables(
  source: ExportSource,
  format: 'csv' | 'parquet',
  out: { nodes: (chunk: string | Uint8Array) => void; edges: (chunk: string | Uint8Array) => void },
  ctx: WriteContext = {},
): Promise<WriteCounts> {
  const backend = exportBackend(format)
  const forecast = source.kind === 'forecast'
  const nodesOut: ExportWriter = backend.open(NODE_COLUMNS, out.nodes)
  const edgesOut: ExportWriter = backend.open(
    forecast ? [...EDGE_COLUMNS, col('probability', 'REAL')] : EDGE_COLUMNS,
    out.edges,
  )
  let nodes = 0
  let edges = 0
  for (let w = 0; w < source.weeks.length; w++) {
    await betweenWeeks(ctx.signal)
    const week = source.weeks[w]
    const s = source.slice(week)
    let batch: RawCell[][] = []
    for (let i = 0; i < s.nodeIds.length; i++) {
      const sis = s.sis ? s.sis[i] : NaN
      batch.push([
        s.week,
        s.nodeIds[i],
        s.names[i] ?? s.nodeIds[i],
        s.sizes[i],
        s.categories[i],
        s.sectors[i],
        s.kinds[i],
        Number.isFinite(sis) ? sis : null,
      ])
      if (batch.length === BATCH) {
        nodesOut.rows(batch)
        batch = []
      }
    }
    if (batch.length) nodesOut.rows(batch)
    batch = []
    for (let j = 0; j < s.edgeSrc.length; j++) {
      const row: RawCell[] = [
        s.week,
        s.nodeIds[s.edgeSrc[j]],
        s.nodeIds[s.edgeDst[j]],
        s.edgeWeight[j],
      ]
      if (forecast) row.push(s.probability![j])
      batch.push(row)
      if (batch.length === BATCH) {
        edgesOut.rows(batch)
        batch = []
      }
    }
    if (batch.length) edgesOut.rows(batch)
    nodes += s.nodeIds.length
    edges += s.edgeSrc.length
    ctx.progress?.(w + 1, source.weeks.length, week)
  }
  nodesOut.close()
  edgesOut.close()
  return { nodes, edges }
}
