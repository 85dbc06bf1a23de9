// A week in the compact form the archive writes: typed arrays plus composition text. Importers
// may build it in a worker thread and transfer it (typed arrays move without copying; strings clone
// cheaply), so the thread that writes SQLite does no parsing.
import { createHash } from 'node:crypto'
import { compositionJson, type WeekId, type WeekInput } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { compositionStats } from '../../shared/features'

export interface PackedWeek {
  week: WeekId
  nodeIds: string[]
  sizes: Float64Array
  /** Composition JSON text per node (null when absent). */
  nodeComps: (string | null)[]
  /** Composition statistics per node (reference-spec §3). */
  nTokens: Int32Array
  maxShare: Float64Array
  entropy: Float64Array
  edgeSrc: Int32Array
  edgeDst: Int32Array
  edgeWeight: Float64Array
  edgeComps: (string | null)[]
  /**
   * JSON.stringify(nodeIds) and weekContentHash of the week, when the thread that packed it
   * computed them (withContentHash): the importing thread, which writes SQLite, then skips both.
   */
  nodeIdsJson?: string
  contentHash?: string
}

/** Validates the archive's invariants and packs a normalised week. `file` names errors. */
export function packWeek(input: WeekInput, file: string): PackedWeek {
  const { week, nodes, edges } = input
  const n = nodes.length
  const index = new Map<string, number>()
  const nodeIds = new Array<string>(n)
  const sizes = new Float64Array(n)
  const nodeComps = new Array<string | null>(n)
  const nTokens = new Int32Array(n)
  const maxShare = new Float64Array(n)
  const entropy = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const node = nodes[i]
    if (index.has(node.id))
      throw new DexposureError('BAD_INPUT', `duplicate node id "${node.id}"`, {
        file,
        week,
        field: 'nodes[].id',
      })
    if (!Number.isFinite(node.size))
      throw new DexposureError('BAD_INPUT', `node "${node.id}" has a non-finite size`, {
        file,
        week,
        field: 'nodes[].size',
      })
    index.set(node.id, i)
    nodeIds[i] = node.id
    sizes[i] = node.size
    nodeComps[i] = node.composition ? compositionJson(node.composition) : null
    const st = compositionStats(node.size, node.composition)
    nTokens[i] = st.nTokenTypes
    maxShare[i] = st.maxShare
    entropy[i] = st.entropy
  }
  const e = edges.length
  const edgeSrc = new Int32Array(e)
  const edgeDst = new Int32Array(e)
  const edgeWeight = new Float64Array(e)
  const edgeComps = new Array<string | null>(e)
  for (let j = 0; j < e; j++) {
    const ed = edges[j]
    const s = index.get(ed.source)
    const t = index.get(ed.target)
    if (s === undefined || t === undefined)
      throw new DexposureError(
        'BAD_INPUT',
        `edge ${ed.source} → ${ed.target} names a node that is not in this week`,
        { file, week, field: s === undefined ? 'links[].source' : 'links[].target' },
      )
    if (!Number.isFinite(ed.weight))
      throw new DexposureError(
        'BAD_INPUT',
        `edge ${ed.source} → ${ed.target} has a non-finite size`,
        {
          file,
          week,
          field: 'links[].size',
        },
      )
    edgeSrc[j] = s
    edgeDst[j] = t
    edgeWeight[j] = ed.weight
    edgeComps[j] = ed.composition ? compositionJson(ed.composition) : null
  }
  return {
    week,
    nodeIds,
    sizes,
    nodeComps,
    nTokens,
    maxShare,
    entropy,
    edgeSrc,
    edgeDst,
    edgeWeight,
    edgeComps,
  }
}

/** The buffers of a packed week, for postMessage's transfer list. */
export const transferablesOf = (p: PackedWeek): ArrayBuffer[] =>
  [p.sizes, p.nTokens, p.maxShare, p.entropy, p.edgeSrc, p.edgeDst, p.edgeWeight].map(
    (a) => a.buffer as ArrayBuffer,
  )

/**
 * SHA-256 of exactly what is stored for a week (ids in order, sizes, edges, compositions): an
 * identical re-import is recognised by it. Typed arrays are hashed as bytes, so the cost is a few
 * native calls plus one per 4096 compositions.
 */
export function weekContentHash(p: PackedWeek, nodeIdsJson: string): string {
  const h = createHash('sha256')
  h.update(nodeIdsJson)
  for (const a of [p.sizes, p.edgeSrc, p.edgeDst, p.edgeWeight])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
  // Compositions go in batches: one native call per 4096 strings instead of one per string.
  for (const comps of [p.nodeComps, p.edgeComps]) {
    h.update('\x1d')
    for (let i = 0; i < comps.length; i += 4096)
      h.update(
        comps
          .slice(i, i + 4096)
          .map((c) => (c === null ? '\x1f' : c + '\x1e'))
          .join(''),
      )
  }
  return h.digest('hex')
}

/** The week with its id list's JSON and content hash computed (in a worker, before transfer). */
export function withContentHash(p: PackedWeek): PackedWeek {
  const nodeIdsJson = JSON.stringify(p.nodeIds)
  return { ...p, nodeIdsJson, contentHash: weekContentHash(p, nodeIdsJson) }
}
