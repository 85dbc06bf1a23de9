// A week in the compact form the archive writes: typed arrays plus composition text. Importers
// may build it in a worker thread and transfer it (typed arrays move without copying; strings clone
// cheaply), so the thread that writes SQLite does no parsing.
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
