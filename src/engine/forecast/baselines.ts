// The memory baselines every forecast is measured against, on identical pairs:
// - persistence (reference-spec §5.1): an edge exists at t+h iff it exists at t; weight = today's;
// - EdgeBank (Poursafaei et al. 2022): an edge exists iff it was seen in any of the last W weeks
//   (W = 4, 12 or all); weight = the last seen one.
// Both predict no change in node TVL.
import type { WeekFrame } from '../../shared/domain'

/** What is known about one ordered pair up to week t (ids of week t as positions). */
export interface PairMemory {
  /** Archive position of the last week the edge was seen (≤ t). */
  lastWeek: number
  /** log1p of the last seen USD weight. */
  lastLogWeight: number
  /** Archive position of the first week the edge was seen. */
  firstWeek: number
  /** Number of weeks ≤ t with the edge. */
  count: number
  /** Archive positions of the weeks the edge was seen, oldest first (at least the last 12 weeks'). */
  weeks: number[]
}

export interface PairScores {
  /** Probability-like score in [0, 1]. */
  prob: Float64Array
  /** Predicted log1p USD weight. */
  logWeight: Float64Array
}

export interface ScoringContext {
  /** Week t itself (the model encodes it). */
  frame: WeekFrame
  /** Archive position of week t. */
  week: number
  /** Number of nodes of week t (pair key = src · n + dst). */
  n: number
  /** Memory of pairs among the nodes of t, keyed by src · n + dst. */
  memory: Map<number, PairMemory>
}

export interface PairScorer {
  readonly name: string
  /** Called once per anchor week before any score() for it. */
  prepare?(ctx: ScoringContext): Promise<void>
  /** `weights: false` when only probabilities are needed (logWeight may then be all zeros). */
  score(
    ctx: ScoringContext,
    src: Int32Array,
    dst: Int32Array,
    weights?: boolean,
  ): PairScores | Promise<PairScores>
  /** Predicted ln-TVL change per node of t; null = no change (the baselines). */
  nodeChange?(ctx: ScoringContext): Float32Array | null
}

/** EdgeBank with a window of `window` weeks (Infinity = all history); window 1 is persistence. */
export function edgeBank(
  window: number,
  name = `edgebank_${Number.isFinite(window) ? window : 'all'}`,
): PairScorer {
  return {
    name,
    score(ctx, src, dst) {
      const prob = new Float64Array(src.length)
      const logWeight = new Float64Array(src.length)
      for (let i = 0; i < src.length; i++) {
        const m = ctx.memory.get(src[i] * ctx.n + dst[i])
        if (m && ctx.week - m.lastWeek < window) {
          prob[i] = 1
          logWeight[i] = m.lastLogWeight
        }
      }
      return { prob, logWeight }
    },
  }
}

export const persistence = (): PairScorer => edgeBank(1, 'persistence')
