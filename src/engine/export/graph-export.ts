// Graph exports (issue 13 §2): one entry point for the CLI (`dexposure export`) and the contract
// (`export.graph`). It reads the target (source.ts), writes the format through its writer, and
// makes the files appear only when complete (files.ts).
import { basename } from 'node:path'
import type {
  GraphExportFormat,
  GraphExportResult,
  GraphExportTarget,
} from '../../shared/api-export'
import { DexposureError } from '../../shared/errors'
import type { Archive } from '../store/archive'
import { dexposureJson } from './dexposure-json'
import { ExportFiles, tablePaths } from './files'
import { betweenWeeks, dynamicGexf, staticGexf, type WriteContext, type WriteCounts } from './gexf'
import { graphml } from './graphml'
import { graphTables } from './graph-tables'
import { exportSource } from './source'

export const EXTENSION: Record<GraphExportFormat, string> = {
  gexf: 'gexf',
  graphml: 'graphml',
  csv: 'csv',
  'dexposure-json': 'json',
  parquet: 'parquet',
}

export const MIME: Record<GraphExportFormat, string> = {
  gexf: 'application/gexf+xml',
  graphml: 'application/graphml+xml',
  csv: 'text/csv',
  'dexposure-json': 'application/json',
  parquet: 'application/vnd.apache.parquet',
}

/** A file name for a target (downloads, and the CLI's default). */
export function defaultName(target: GraphExportTarget, format: GraphExportFormat): string {
  const stem =
    target.kind === 'week'
      ? `dexposure-${target.week}`
      : target.kind === 'range'
        ? `dexposure-${target.from}-to-${target.to}`
        : target.kind === 'forecast'
          ? `dexposure-forecast-${target.week}-h${target.horizon}` +
            (target.threshold !== undefined ? `-p${target.threshold}` : '')
          : `dexposure-${target.week}-view`
  return `${stem}.${EXTENSION[format]}`
}

export interface GraphExportRequest {
  target: GraphExportTarget
  format: GraphExportFormat
  /** The file (CSV/Parquet: the stem of `<stem>_nodes.<ext>` and `<stem>_edges.<ext>`). */
  path: string
}

export type GraphExportWritten = Omit<GraphExportResult, 'files'> & {
  files: { path: string; name: string; role: 'graph' | 'nodes' | 'edges'; bytes: number }[]
}

export async function exportGraph(
  archive: Archive,
  req: GraphExportRequest,
  ctx: WriteContext = {},
): Promise<GraphExportWritten> {
  const t0 = performance.now()
  const source = exportSource(archive, req.target)
  if (source.weeks.length === 0)
    throw new DexposureError('NOT_FOUND', 'no archived week in that range', { field: 'to' })
  if (req.format === 'graphml' && source.kind === 'range')
    throw new DexposureError(
      'USAGE',
      'GraphML has no time model: export one week, or a range as gexf, csv, dexposure-json or parquet',
      { field: 'format' },
    )
  if (req.format === 'dexposure-json' && source.kind === 'forecast')
    throw new DexposureError(
      'USAGE',
      'a forecast graph cannot be written as DeXposure JSON (it would import as an observed week); export it as gexf, graphml, csv or parquet',
      { field: 'format' },
    )
  const files = new ExportFiles(archive.file)
  let counts: WriteCounts
  try {
    if (req.format === 'csv' || req.format === 'parquet') {
      const paths = tablePaths(req.path, EXTENSION[req.format])
      const nodes = files.open(paths.nodes, 'nodes')
      const edges = files.open(paths.edges, 'edges')
      counts = await graphTables(
        source,
        req.format,
        { nodes: nodes.writer.write, edges: edges.writer.write },
        ctx,
      )
    } else {
      const file = files.open(req.path, 'graph')
      const out = file.writer.write
      if (req.format === 'dexposure-json') counts = await dexposureJson(archive, source, out, ctx)
      else if (req.format === 'gexf' && source.kind === 'range')
        counts = await dynamicGexf(source, out, ctx)
      else {
        await betweenWeeks(ctx.signal)
        const slice = source.slice(source.weeks[0])
        ctx.progress?.(1, 1, source.weeks[0])
        counts =
          req.format === 'gexf' ? staticGexf(source, slice, out) : graphml(source, slice, out)
      }
    }
    if (ctx.signal?.aborted)
      throw new DexposureError('CANCELLED', 'export cancelled; no file was written')
    const written = files.commit()
    return {
      format: req.format,
      kind: source.kind,
      weeks: source.weeks,
      nodes: counts.nodes,
      edges: counts.edges,
      files: written.map((f) => ({ ...f, name: basename(f.path) })),
      synthetic: source.synthetic,
      forecastRun: source.forecastRun?.run_id ?? null,
      elapsedMs: performance.now() - t0,
      warnings: source.warnings,
    }
  } catch (e) {
    files.abort()
    throw e
  }
}
