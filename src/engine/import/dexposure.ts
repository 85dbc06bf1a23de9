// Importer for the DeXposure weekly network JSON (reference-spec §1.1). Weeks are streamed one at a
// time (json-weeks.ts), validated strictly, normalised by the shared policy (normalize.ts) and
// written as they come, so memory is bounded by the largest week.
import { stat } from 'node:fs/promises'
import type { Composition, ImportCounts, NodeInput, WeekInput } from '../../shared/domain'
import { weekProblem } from '../../shared/dates'
import { DexposureError, type ErrorLocation } from '../../shared/errors'
import type { ImportSession } from '../store/archive'
import { packWeek, type PackedWeek } from '../store/packed-week'
import { isUtf8 } from 'node:buffer'
import { splitCompositions } from './composition-split'
import { fastWeek } from './dexposure-fast'
import {
  badInput,
  decodeUtf8,
  findJsonSyntaxError,
  locateJsonValue,
  pathName,
  type JsonPath,
  typeName,
  isObject,
} from './json-text'
import { scanWeeks, type WeekSlice } from './json-weeks'
import { idProblem, MAX_ID_LENGTH } from './limits'
import { normalizeWeek, type RawLink } from './normalize'
import {
  autoWorkers,
  defaultWorkerScript,
  WeekWorkerPool,
  type WorkerResult,
} from './dexposure-pool'
import type { ImportProgress } from './types'

export interface DexposureImportOptions {
  file: string
  strict?: boolean
  chunkSize?: number
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
  /**
   * Parse weeks in this many worker threads while this thread writes the archive (0: parse here).
   * Default: automatic (workers for files over 64 MB when the worker script is built).
   */
  workers?: number
  /** The built worker script (default: dexposure-worker.js next to the running bundle). */
  workerScript?: string | URL
}

export function cancelled(file: string, week?: string): DexposureError {
  return new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', {
    file,
    week,
  })
}

/** Checks week keys in file order: real Monday dates, strictly increasing. */
function weekOrder(file: string) {
  let prev: string | null = null
  return (slice: WeekSlice): void => {
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
  }
}

/**
 * One week from its bytes to the packed week the archive writes: the fast reader for weeks in the
 * usual shape (dexposure-fast.ts), the general one (processWeek) for the rest and for every error.
 */
export function packSlice(
  slice: WeekSlice,
  file: string,
  strict: boolean | undefined,
): { packed: PackedWeek; counts: ImportCounts } {
  const fast = fastWeek(slice.bytes, slice.key, strict)
  if (fast) return fast
  const { input, counts } = processWeek(slice, file, strict)
  return { packed: packWeek(input, file), counts }
}

/** One week from its bytes to a normalised WeekInput (decode, validate, apply the policy). */
export function processWeek(
  slice: WeekSlice,
  file: string,
  strict: boolean | undefined,
): { input: WeekInput; counts: ImportCounts } {
  const { nodes, links, counts: own, nodeIndex } = readWeek(slice, file)
  const where = (path: JsonPath): ErrorLocation => locate(slice, path)
  const { input, counts } = normalizeWeek(slice.key, nodes, links, {
    file,
    strict,
    nodeLocation: (i) => where(['nodes', nodeIndex ? nodeIndex[i] : i, 'id']),
    // Only the offset of the link: normalize names the endpoint (source or target) at fault.
    linkLocation: (i) => ({ offset: where(['links', i]).offset }),
  })
  for (const [k, v] of Object.entries(own) as [keyof ImportCounts, number][]) counts[k] = v
  return { input, counts }
}

const WORKER_MIN_BYTES = 64 * 1024 * 1024

export async function importDexposure(
  session: ImportSession,
  opts: DexposureImportOptions,
): Promise<void> {
  const { file } = opts
  if (opts.signal?.aborted) throw cancelled(file)
  const size = (await stat(file)).size
  let workers = opts.workers
  const script = opts.workerScript ?? defaultWorkerScript()
  if (workers === undefined) workers = script && size >= WORKER_MIN_BYTES ? autoWorkers() : 0
  if (workers > 0 && !script)
    throw new DexposureError(
      'INTERNAL',
      'the import worker script is not built (npm run build:node)',
    )
  const weeksDone =
    workers > 0
      ? await importWithWorkers(session, opts, script as string | URL, workers)
      : await importInThread(session, opts)
  if (weeksDone === 0) throw badInput('"data" holds no weeks', { file, field: 'data' })
}

async function importInThread(
  session: ImportSession,
  opts: DexposureImportOptions,
): Promise<number> {
  const { file } = opts
  const checkOrder = weekOrder(file)
  let weeksDone = 0
  for await (const slice of scanWeeks(file, { chunkSize: opts.chunkSize })) {
    checkOrder(slice)
    const { packed, counts } = packSlice(slice, file, opts.strict)
    session.putPacked(packed, counts)
    session.addCounts(counts)
    weeksDone++
    opts.onProgress?.({
      bytesDone: slice.end,
      bytesTotal: slice.fileSize,
      week: slice.key,
      weeksDone,
    })
    // Cancellation is checked between weeks; throwing rolls the whole import back.
    if (opts.signal?.aborted) throw cancelled(file, slice.key)
  }
  return weeksDone
}

/**
 * Pipelined import: this thread scans weeks and writes the archive, worker threads decode and
 * validate them (the CPU-heavy part) and hand back packed weeks (typed arrays, transferred without
 * copying). Results are written strictly in file order, so errors and the archive are exactly
 * those of the in-thread path.
 */
async function importWithWorkers(
  session: ImportSession,
  opts: DexposureImportOptions,
  script: string | URL,
  n: number,
): Promise<number> {
  const { file } = opts
  const pool = new WeekWorkerPool(script, n)
  const checkOrder = weekOrder(file)
  const pending: { slice: Omit<WeekSlice, 'bytes'>; result: Promise<WorkerResult> }[] = []
  let weeksDone = 0
  const writeNext = async () => {
    const next = pending.shift() as (typeof pending)[number]
    const r = await next.result
    session.putPacked(r.packed, r.counts)
    session.addCounts(r.counts)
    weeksDone++
    const { key: week, end, fileSize } = next.slice
    opts.onProgress?.({ bytesDone: end, bytesTotal: fileSize, week, weeksDone })
    if (opts.signal?.aborted) throw cancelled(file, week)
  }
  try {
    let scanError: unknown = null
    try {
      for await (const slice of scanWeeks(file, { chunkSize: opts.chunkSize })) {
        checkOrder(slice)
        // The slice views a reused read buffer: copy it into memory the worker can own.
        const bytes = new Uint8Array(slice.bytes.length)
        bytes.set(slice.bytes)
        const { bytes: _view, ...meta } = slice
        const result = pool.run({ meta, bytes, file, strict: opts.strict })
        result.catch(() => undefined) // awaited in order below; avoid an unhandled rejection
        pending.push({ slice: meta, result })
        // At most one week waits per worker beyond the ones being parsed: memory stays bounded.
        while (pending.length > n) await writeNext()
      }
    } catch (e) {
      scanError = e
    }
    // Weeks before the point where scanning failed come first: their errors win (file order).
    while (pending.length) await writeNext()
    if (scanError) throw scanError
    return weeksDone
  } finally {
    await pool.close()
  }
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

  for (const key of ['nodes', 'links'])
    if (!(key in value))
      fail(
        `the week has no "${key}" key (a week is {"nodes": [...], "links": [...]}; empty arrays are fine)`,
        [key],
      )
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
    if (id.length > MAX_ID_LENGTH)
      fail(idProblem(`node ${i}: id`, id) as string, ['nodes', i, 'id'])
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
          `node ${i} (id "${id}"): ${msg}`,
          key === undefined || key.length > 64
            ? ['nodes', i, 'composition']
            : ['nodes', i, 'composition', key],
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
    if (source !== null && source.length > MAX_ID_LENGTH)
      fail(idProblem(`link ${i}: source`, source) as string, ['links', i, 'source'])
    if (target !== null && target.length > MAX_ID_LENGTH)
      fail(idProblem(`link ${i}: target`, target) as string, ['links', i, 'target'])
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
          `link ${i} (${source} → ${target}): ${msg}`,
          key === undefined || key.length > 64
            ? ['links', i, 'composition']
            : ['links', i, 'composition', key],
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
    // Checked first: later messages quote the key.
    if (k.length > MAX_ID_LENGTH) fail(idProblem('a composition key (token symbol)', k) as string)
    const x = v[k]
    if (typeof x !== 'number')
      fail(`composition value of "${k}" must be a number (found ${typeName(x)})`, k)
    if (!Number.isFinite(x)) fail(`composition value of "${k}" is not finite (${x})`, k)
  }
  return v as Composition
}
