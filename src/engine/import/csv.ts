// Importer for CSV node and edge lists (Gephi-style) of any weekly exposure network.
// Input shapes (docs/import-formats.md): a directory with nodes.csv (+ edges.csv), or a nodes file
// `<stem>nodes.csv` whose sibling `<stem>edges.csv` is picked up, or an edges file whose nodes
// sibling must exist. Rows of a week may appear anywhere in the file, so both files are read whole
// into per-week groups (CSV networks are small next to the DeXposure JSON).
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { NodeInput, ProtocolInfo } from '../../shared/domain'
import { weekProblem } from '../../shared/dates'
import type { ImportSession } from '../store/archive'
import { columnIndex, csvNumber, readCsv } from './csv-read'
import type { InputKind } from './detect'
import { cancelled } from './dexposure'
import { badInput } from './json-text'
import { idProblem, nameProblem } from './limits'
import { normalizeWeek, type RawLink } from './normalize'
import type { ImportProgress } from './types'

export interface CsvInputs {
  nodes: string
  edges: string | null
}

/** Sibling of `file` with `from` (at the end of its name, any case) replaced by `to`, if it exists. */
async function sibling(file: string, from: string, to: string): Promise<string | null> {
  const name = basename(file)
  if (!name.toLowerCase().endsWith(from)) return null
  const want = (name.slice(0, name.length - from.length) + to).toLowerCase()
  const hit = (await readdir(dirname(file))).find((n) => n.toLowerCase() === want)
  return hit ? join(dirname(file), hit) : null
}

/** Which files make up a CSV input. */
export async function csvInputs(path: string, kind: InputKind): Promise<CsvInputs> {
  if (kind === 'csv_dir') {
    const names = await readdir(path)
    const find = (n: string) => names.find((x) => x.toLowerCase() === n)
    const nodes = find('nodes.csv')
    if (!nodes) throw badInput('the directory has no nodes.csv', { file: path })
    const edges = find('edges.csv')
    return { nodes: join(path, nodes), edges: edges ? join(path, edges) : null }
  }
  if (kind === 'csv_edges') {
    const nodes = await sibling(path, 'edges.csv', 'nodes.csv')
    if (!nodes)
      throw badInput(
        'an edge list needs its node list: put <name>nodes.csv next to <name>edges.csv, or import a directory holding nodes.csv and edges.csv',
        { file: path },
      )
    return { nodes, edges: path }
  }
  return { nodes: path, edges: await sibling(path, 'nodes.csv', 'edges.csv') }
}

interface WeekRows {
  nodes: NodeInput[]
  nodeLines: number[]
  links: RawLink[]
}

export interface CsvImportOptions {
  /** Unknown endpoints are errors (default true for CSV). */
  strict: boolean
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
}

/** A cell that must fit a length limit (`problem` is idProblem or nameProblem). */
function bounded(
  cell: string,
  problem: (what: string, v: string) => string | null,
  file: string,
  line: number,
  column: string,
): string {
  const p = problem(column, cell)
  if (p) throw badInput(p, { file, line, field: column })
  return cell
}

function weekOf(cell: string, file: string, line: number, column: string): string {
  const problem = weekProblem(cell)
  if (problem)
    throw badInput(`${column} ${problem}; weeks are Mondays written YYYY-MM-DD`, {
      file,
      line,
      field: column,
    })
  return cell
}

export async function importCsv(
  session: ImportSession,
  inputs: CsvInputs,
  opts: CsvImportOptions,
): Promise<void> {
  const weeks = new Map<string, WeekRows>()
  const protocols = new Map<string, ProtocolInfo>()
  const group = (w: string) => {
    let g = weeks.get(w)
    if (!g) weeks.set(w, (g = { nodes: [], nodeLines: [], links: [] }))
    return g
  }
  const bytesTotal =
    (await stat(inputs.nodes)).size +
    (inputs.edges && existsSync(inputs.edges) ? (await stat(inputs.edges)).size : 0)

  // Nodes
  {
    const file = inputs.nodes
    let cols: Record<string, number> | null = null
    let weekName = 'week'
    let sizeName = 'size'
    let nameName = 'name'
    for await (const row of readCsv(file, opts.signal)) {
      if (!cols) {
        cols = columnIndex(row, file, {
          week: { aliases: ['week', 'date'], required: true },
          id: { aliases: ['id'], required: true },
          size: { aliases: ['size', 'tvl'], required: true },
          category: { aliases: ['category'], required: false },
          name: { aliases: ['name', 'label'], required: false },
        })
        weekName = row.values[cols.week].toLowerCase()
        sizeName = row.values[cols.size].toLowerCase()
        if (cols.name >= 0) nameName = row.values[cols.name].toLowerCase()
        continue
      }
      const v = row.values
      const week = weekOf(v[cols.week], file, row.line, weekName)
      const id = bounded(v[cols.id], idProblem, file, row.line, 'id')
      if (!id) throw badInput('empty id', { file, line: row.line, field: 'id' })
      const size = csvNumber(v[cols.size], file, row.line, sizeName)
      const g = group(week)
      g.nodes.push({ id, size, composition: null })
      g.nodeLines.push(row.line)
      const category =
        cols.category >= 0
          ? bounded(v[cols.category], nameProblem, file, row.line, 'category') || null
          : null
      const name =
        cols.name >= 0 ? bounded(v[cols.name], nameProblem, file, row.line, nameName) || null : null
      if (category || name) {
        const p = protocols.get(id)
        protocols.set(id, {
          id,
          name: name ?? p?.name ?? null,
          category: category ?? p?.category ?? null,
          sector: null,
        })
      }
    }
    if (!cols) throw badInput('the file is empty', { file, offset: 0 })
    if (weeks.size === 0) throw badInput('no node rows after the header', { file, line: 2 })
  }

  // Edges
  if (inputs.edges) {
    const file = inputs.edges
    let cols: Record<string, number> | null = null
    let weekName = 'week'
    let weightName = 'weight'
    for await (const row of readCsv(file, opts.signal)) {
      if (!cols) {
        cols = columnIndex(row, file, {
          week: { aliases: ['week', 'date'], required: true },
          source: { aliases: ['source'], required: true },
          target: { aliases: ['target'], required: true },
          weight: { aliases: ['weight', 'size'], required: true },
        })
        weekName = row.values[cols.week].toLowerCase()
        weightName = row.values[cols.weight].toLowerCase()
        continue
      }
      const v = row.values
      const week = weekOf(v[cols.week], file, row.line, weekName)
      const weight = csvNumber(v[cols.weight], file, row.line, weightName)
      // An empty endpoint is the CSV form of the reference's null target (no issuer): dropped, counted.
      group(week).links.push({
        source: bounded(v[cols.source], idProblem, file, row.line, 'source') || null,
        target: bounded(v[cols.target], idProblem, file, row.line, 'target') || null,
        weight,
        composition: null,
        location: { file, line: row.line },
      })
    }
    if (!cols) throw badInput('the file is empty', { file: inputs.edges, offset: 0 })
  }
  opts.onProgress?.({ bytesDone: bytesTotal, bytesTotal, weeksDone: 0 })

  // A week that has edges but no node rows: every endpoint is unknown.
  for (const [week, g] of weeks) {
    if (g.nodes.length > 0) continue
    if (opts.strict)
      throw badInput(`week ${week} has edges but no nodes in ${basename(inputs.nodes)}`, {
        ...g.links[0].location,
        week,
        field: 'week',
      })
    session.addCounts({ edges_endpoint_missing_dropped: g.links.length })
    weeks.delete(week)
  }

  if (protocols.size > 0) session.putProtocols([...protocols.values()])
  let weeksDone = 0
  for (const week of [...weeks.keys()].sort()) {
    if (opts.signal?.aborted) throw cancelled(inputs.nodes, week)
    const g = weeks.get(week) as WeekRows
    const { input, counts } = normalizeWeek(week, g.nodes, g.links, {
      file: inputs.nodes,
      strict: opts.strict,
      nodeLocation: (i) => ({ file: inputs.nodes, line: g.nodeLines[i], field: 'id' }),
    })
    session.putWeek(input, counts)
    session.addCounts(counts)
    weeksDone++
    opts.onProgress?.({ bytesDone: bytesTotal, bytesTotal, week, weeksDone })
  }
}
