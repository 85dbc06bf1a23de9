// Importer for the DeXposure weekly network JSON (reference-spec §1.1). Weeks are streamed one at a
// time (json-weeks.ts), validated strictly, normalised by the shared policy (normalize.ts) and
// written as they come, so memory is bounded by the largest week.
import type { Composition, ImportCounts, NodeInput } from '../../shared/domain'
import { weekProblem } from '../../shared/dates'
import { DexposureError, type ErrorLocation } from '../../shared/errors'
import type { ImportSession } from '../store/archive'
import { isUtf8 } from 'node:buffer'
import { splitCompositions } from './composition-split'
import {
  badInput,
  decodeUtf8,
  findJsonSyntaxError,
  locateJsonValue,
  pathName,
  type JsonPath,
} from './json-text'
import { scanWeeks, type WeekSlice } from './json-weeks'
import { normalizeWeek, type RawLink } from './normalize'
import type { ImportProgress } from './types'

export interface DexposureImportOptions {
  file: string
  strict?: boolean
  chunkSize?: number
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
}

export function cancelled(file: string, week?: string): DexposureError {
  return new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', {
    file,
    week,
  })
}

export async function importDexposure(
  session: ImportSession,
  opts: DexposureImportOptions,
): Promise<void> {
  const { file } = opts
  let prev: string | null = null
  let weeksDone = 0
  if (opts.signal?.aborted) throw cancelled(file)
  for await (const slice of scanWeeks(file, { chunkSize: opts.chunkSize })) {
    const week = slice.key
    const problem = weekProblem(week)
    if (problem)
      throw badInput(`week key ${problem}; weeks are Mondays written YYYY-MM-DD`, {
        file,
        week,
        field: 'data',
        offset: slice.keyOffset,
      })
    if (prev !== null && week <= prev)
      throw badInput(
        week === prev
          ? `week ${week} appears twice in "data"`
          : `weeks are not in order: ${week} comes after ${prev}`,
        { file, week, field: 'data', offset: slice.keyOffset },
      )
    prev = week

    const { nodes, links, counts: own, nodeIndex } = readWeek(slice, file)
    const where = (path: JsonPath): ErrorLocation => locate(slice, path)
    const { input, counts } = normalizeWeek(week, nodes, links, {
      file,
      strict: opts.strict,
      nodeLocation: (i) => where(['nodes', nodeIndex ? nodeIndex[i] : i, 'id']),
      // Only the offset of the link: normalize names the endpoint (source or target) at fault.
      linkLocation: (i) => ({ offset: where(['links', i]).offset }),
    })
    for (const [k, v] of Object.entries(own) as [keyof ImportCounts, number][]) counts[k] = v
    session.putWeek(input, counts)
    session.addCounts(counts)
    weeksDone++
    opts.onProgress?.({ bytesDone: slice.end, bytesTotal: slice.fileSize, week, weeksDone })
    // Cancellation is checked between weeks; throwing rolls the whole import back.
    if (opts.signal?.aborted) throw cancelled(file, week)
  }
  if (weeksDone === 0) throw badInput('"data" holds no weeks', { file, field: 'data' })
}

/** Byte offset and field name of a value inside a week slice (error path only). */
function locate(slice: WeekSlice, path: JsonPath): ErrorLocation {
  return {
    offset: slice.start + locateJsonValue(slice.bytes, path),
    field: pathName(path),
  }
}

export interface WeekContent {
  nodes: NodeInput[]
  links: RawLink[]
  counts: ImportCounts
  /** Position in the file's nodes array of each kept node, when null ids were dropped. */
  nodeIndex: number[] | null
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const typeName = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : typeof v

/** Decodes, parses and type-checks one week. Field errors name the week, path and byte offset. */
export function readWeek(slice: WeekSlice, file: string): WeekContent {
  const week = slice.key
  const loc = { file, week, base: slice.start }
  // isUtf8 is a SIMD check (GB/s); the decoder only runs to find the offset of a bad byte.
  if (!isUtf8(slice.bytes)) decodeUtf8(slice.bytes, loc)
  // Compositions are cut out first (composition-split.ts: ~2x faster than parsing them as
  // objects) and come back as RawComposition, validated, in `split.compositions`.
  const split = splitCompositions(slice.bytes, loc)
  let value: Record<string, unknown>
  try {
    value = JSON.parse(split.skeleton) as Record<string, unknown>
  } catch (e) {
    const found = findJsonSyntaxError(split.skeleton)
    throw badInput(`invalid JSON: ${found?.message ?? (e as Error).message}`, {
      file,
      week,
      offset: split.toFileOffset(found?.pos ?? 0),
    })
  }
  const compositionOf = (v: unknown, onBad: (message: string, key?: string) => never) =>
    typeof v === 'number' ? split.compositions[v] : composition(v, onBad)
  const fail = (message: string, path: JsonPath): never => {
    throw badInput(message, { file, week, ...locate(slice, path) })
  }

  const rawNodes = value.nodes
  if (!Array.isArray(rawNodes))
    fail(`"nodes" must be an array (found ${typeName(rawNodes)})`, ['nodes'])
  const rawLinks = value.links
  if (!Array.isArray(rawLinks))
    fail(`"links" must be an array (found ${typeName(rawLinks)})`, ['links'])

  const nodesIn = rawNodes as unknown[]
  const nodes: NodeInput[] = []
  let nodeIndex: number[] | null = null
  let nullIds = 0
  for (let i = 0; i < nodesIn.length; i++) {
    const n = nodesIn[i]
    if (!isObject(n)) fail(`node ${i} is not an object (found ${typeName(n)})`, ['nodes', i])
    const node = n as Record<string, unknown>
    const id = nodeId(node.id, () => fail(badId(`node ${i}: id`, node.id), ['nodes', i, 'id']))
    if (id === null) {
      // Reference rule: nodes with a JSON null id are skipped; we count them.
      if (!nodeIndex) nodeIndex = Array.from({ length: nodes.length }, (_, k) => k)
      nullIds++
      continue
    }
    nodeIndex?.push(i)
    const size = node.size
    if (typeof size !== 'number')
      fail(`node "${id}": size must be a number (found ${typeName(size)})`, ['nodes', i, 'size'])
    if (!Number.isFinite(size))
      fail(`node "${id}": size is not finite (${size})`, ['nodes', i, 'size'])
    nodes.push({
      id,
      size: size as number,
      composition: compositionOf(node.composition, (msg, key) =>
        fail(
          `node "${id}": ${msg}`,
          key === undefined ? ['nodes', i, 'composition'] : ['nodes', i, 'composition', key],
        ),
      ),
    })
  }

  const linksIn = rawLinks as unknown[]
  const links: RawLink[] = new Array(linksIn.length)
  for (let i = 0; i < linksIn.length; i++) {
    const l = linksIn[i]
    if (!isObject(l)) fail(`link ${i} is not an object (found ${typeName(l)})`, ['links', i])
    const link = l as Record<string, unknown>
    const source = nodeId(link.source, () =>
      fail(badId(`link ${i}: source`, link.source), ['links', i, 'source']),
    )
    const target = nodeId(link.target, () =>
      fail(badId(`link ${i}: target`, link.target), ['links', i, 'target']),
    )
    const size = link.size
    const label = `link ${source} → ${target}`
    if (typeof size !== 'number')
      fail(`${label}: size must be a number (found ${typeName(size)})`, ['links', i, 'size'])
    if (!Number.isFinite(size)) fail(`${label}: size is not finite (${size})`, ['links', i, 'size'])
    links[i] = {
      source,
      target,
      weight: size as number,
      composition: compositionOf(link.composition, (msg, key) =>
        fail(
          `${label}: ${msg}`,
          key === undefined ? ['links', i, 'composition'] : ['links', i, 'composition', key],
        ),
      ),
    }
  }
  const counts: ImportCounts = {}
  if (nullIds) counts.nodes_null_id_dropped = nullIds
  return { nodes, links, counts, nodeIndex }
}

function badId(what: string, v: unknown): string {
  if (v === undefined) return `${what} is missing`
  if (v === '') return `${what} is an empty string`
  return `${what} must be a string or a number (found ${typeName(v)})`
}

/**
 * Node ids are opaque strings. Numbers are coerced like the reference's str() (integers only
 * differ from Python for floats such as 2269.0, which JSON cannot tell apart from 2269). JSON null
 * means "no id" and returns null.
 */
function nodeId(v: unknown, bad: () => never): string | null {
  if (typeof v === 'string') return v === '' ? bad() : v
  if (v === null) return null
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return bad()
}

/**
 * A composition the splitter did not cut out (absent, or a key it could not see, such as one
 * written with escapes) is null or an object of finite numbers.
 */
function composition(
  v: unknown,
  fail: (message: string, key?: string) => never,
): Composition | null {
  if (v === undefined || v === null) return null
  if (!isObject(v))
    return fail(`composition must be an object of token → USD (found ${typeName(v)})`)
  for (const k in v) {
    const x = v[k]
    if (typeof x !== 'number')
      fail(`composition value of "${k}" must be a number (found ${typeName(x)})`, k)
    if (!Number.isFinite(x)) fail(`composition value of "${k}" is not finite (${x})`, k)
  }
  return v as Composition
}
