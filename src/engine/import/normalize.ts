// The one import policy for weekly networks, shared by every network importer (DeXposure JSON,
// CSV, DefiLlama). Decisions (documented in docs/archive-schema.md#import-policy):
// - link with a null target: dropped, counted (reference rule);
// - link whose endpoint is not a node of the week: dropped and counted (reference rule), or an
//   error in strict mode;
// - self-loop (source = target): dropped, counted: holding your own token is not an exposure to
//   another protocol;
// - link weight ≤ 0: dropped, counted (a non-positive exposure carries no risk; claw loader rule);
// - repeated (source, target) in one week: merged into one edge, weights and compositions summed,
//   counted — exposure is additive and one pair means one edge in every downstream tool;
// - node size < 0: clipped to 0, counted; node with a null id: dropped, counted;
// - non-finite numbers, wrong types, duplicate node ids: errors (never silently fixed).
import {
  compositionObject,
  type Composition,
  type CompositionInput,
  type EdgeInput,
  type ImportCounts,
  type NodeInput,
  type WeekInput,
} from '../../shared/domain'
import { DexposureError, type ErrorLocation } from '../../shared/errors'
import { idProblem, MAX_ID_LENGTH } from './limits'

export interface RawLink {
  source: string | null
  target: string | null
  weight: number
  composition: CompositionInput | null
  /** Where the link came from, for error messages (byte offset or line). */
  location?: ErrorLocation
}

export interface NormalizeOptions {
  file: string
  /** Unknown endpoints become errors instead of being dropped. */
  strict?: boolean
  /** Where nodes[index] came from (byte offset or line), computed only when an error needs it. */
  nodeLocation?: (index: number) => ErrorLocation
  /** Where links[index] came from, when the link carries no `location` of its own. */
  linkLocation?: (index: number) => ErrorLocation
}

export function normalizeWeek(
  week: string,
  nodes: NodeInput[],
  links: RawLink[],
  opts: NormalizeOptions,
): { input: WeekInput; counts: ImportCounts } {
  const counts: Required<Pick<ImportCounts, 'nodes_kept' | 'edges_kept'>> & ImportCounts = {
    nodes_kept: 0,
    edges_kept: 0,
  }
  const bump = (k: keyof ImportCounts) => (counts[k] = (counts[k] ?? 0) + 1)
  const ids = new Set<string>()
  const outNodes: NodeInput[] = []
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]
    // The readers check lengths where they know the line or offset; this is the backstop.
    if (n.id.length > MAX_ID_LENGTH)
      throw new DexposureError('BAD_INPUT', idProblem(`node ${i}: id`, n.id) as string, {
        file: opts.file,
        week,
        field: 'nodes[].id',
        ...opts.nodeLocation?.(i),
      })
    if (ids.has(n.id))
      throw new DexposureError('BAD_INPUT', `duplicate node id "${n.id}"`, {
        file: opts.file,
        week,
        field: 'nodes[].id',
        ...opts.nodeLocation?.(i),
      })
    ids.add(n.id)
    if (n.size < 0) {
      bump('nodes_negative_size_clipped')
      outNodes.push({ ...n, size: 0 })
    } else outNodes.push(n)
  }
  counts.nodes_kept = outNodes.length

  const merged = new Map<string, EdgeInput>()
  for (let li = 0; li < links.length; li++) {
    const l = links[li]
    if (l.target === null || l.source === null) {
      bump('edges_target_null_dropped')
      continue
    }
    if (l.source.length > MAX_ID_LENGTH || l.target.length > MAX_ID_LENGTH) {
      const end = l.source.length > MAX_ID_LENGTH ? 'source' : 'target'
      throw new DexposureError(
        'BAD_INPUT',
        idProblem(`link ${li}: ${end}`, l[end] as string) as string,
        {
          file: opts.file,
          week,
          field: end,
          ...(l.location ?? opts.linkLocation?.(li)),
        },
      )
    }
    if (!ids.has(l.source) || !ids.has(l.target)) {
      if (opts.strict)
        throw new DexposureError(
          'BAD_INPUT',
          `link ${l.source} → ${l.target} names a node that is not in this week`,
          {
            file: opts.file,
            week,
            field: ids.has(l.source) ? 'target' : 'source',
            ...(l.location ?? opts.linkLocation?.(li)),
          },
        )
      bump('edges_endpoint_missing_dropped')
      continue
    }
    if (l.source === l.target) {
      bump('edges_self_loop_dropped')
      continue
    }
    if (!(l.weight > 0)) {
      bump('edges_nonpositive_dropped')
      continue
    }
    const key = `${l.source}\u0000${l.target}`
    const prev = merged.get(key)
    if (prev) {
      bump('edges_duplicate_merged')
      prev.weight += l.weight
      if (l.composition) {
        const c: Composition = { ...(prev.composition ? compositionObject(prev.composition) : {}) }
        for (const [tok, v] of Object.entries(compositionObject(l.composition)))
          c[tok] = (c[tok] ?? 0) + v
        prev.composition = c
      }
    } else
      merged.set(key, {
        source: l.source,
        target: l.target,
        weight: l.weight,
        composition: l.composition,
      })
  }
  const edges = [...merged.values()]
  counts.edges_kept = edges.length
  return { input: { week, nodes: outNodes, edges }, counts }
}
