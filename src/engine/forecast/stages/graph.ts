// Ĝ(t+h) stage: the round(Σp) most probable kept pairs, the K most probable to report, the pairs to
// store (in Ĝ or p ≥ STORE_FLOOR), and the pair head's predicted weights of the stored and
// reported pairs only.
import type { ScoringContext } from '../baselines'
import type { Encoded, ForecastModel } from '../model'
import { pairScoresOf } from '../scoring'
import type { KeptPairs } from './kept-pairs'

/** Pairs below this probability are not stored (they stay counted in Σ p and the run's totals). */
export const STORE_FLOOR = 0.01
export const GRAPH_RULE = 'expected-count cut: the round(Σp) most probable pairs'

export interface PredictedGraph {
  /** Pairs in Ĝ: min(kept, round(Σ p)). */
  graphSize: number
  /** 1 for each kept pair in Ĝ. */
  inGraph: Uint8Array
  /** Kept positions of the K most probable pairs (among Ĝ's members when Ĝ holds at least K). */
  order: number[]
  /** Kept positions of the pairs to store, in kept order. */
  stored: number[]
}

/** Marks the `size` most probable pairs (ties at the cut in pair order): a typed sort of the
 * probabilities finds the cut, where sorting an index array with a comparator took seconds. */
function graphMembers(p: Float64Array, size: number): Uint8Array {
  const inGraph = new Uint8Array(p.length)
  if (size <= 0) return inGraph
  const cut = Float64Array.from(p).sort()[p.length - size]
  let room = size
  for (let i = 0; i < p.length; i++)
    if (p[i] > cut) {
      inGraph[i] = 1
      room--
    }
  for (let i = 0; i < p.length && room > 0; i++)
    if (p[i] === cut) {
      inGraph[i] = 1
      room--
    }
  return inGraph
}

export function predictedGraph(kept: KeptPairs, expected: number, top: number): PredictedGraph {
  const graphSize = Math.min(kept.size, Math.round(expected))
  const inGraph = graphMembers(kept.p.subarray(0, kept.size), graphSize)
  const pool: number[] = []
  for (let i = 0; i < kept.size; i++) if (graphSize < top || inGraph[i] === 1) pool.push(i)
  const order = pool.sort((a, b) => kept.p[b] - kept.p[a] || a - b).slice(0, top)
  const stored: number[] = []
  for (let i = 0; i < kept.size; i++) if (inGraph[i] || kept.p[i] >= STORE_FLOOR) stored.push(i)
  return { graphSize, inGraph, order, stored }
}

/** Predicted log1p USD weights by kept position (0 for pairs neither stored nor reported). */
export async function predictedLogWeights(
  model: ForecastModel,
  enc: Encoded,
  ctx: Pick<ScoringContext, 'week' | 'n' | 'memory'>,
  kept: KeptPairs,
  graph: PredictedGraph,
): Promise<Float64Array> {
  const weighed = [...new Set([...graph.stored, ...graph.order])]
  const ws = Int32Array.from(weighed, (i) => kept.src[i])
  const wd = Int32Array.from(weighed, (i) => kept.dst[i])
  const logWeights = (await pairScoresOf(model, enc, ctx, ws, wd)).logWeight
  const lw = new Float64Array(kept.size)
  weighed.forEach((i, j) => (lw[i] = logWeights[j]))
  return lw
}
