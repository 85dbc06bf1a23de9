// The pairs a forecast keeps for Ĝ and storage, and the running totals of the scoring stages.
import type { ScoringContext } from '../baselines'
import type { Encoded, ForecastModel } from '../model'

/** Pairs kept in memory for Ĝ and storage (the rest count only in Σ p). */
export const KEEP_FLOOR = 1e-4

/** Pairs kept for Ĝ and storage, in growable typed arrays (millions of pushes into JS arrays of
 * numbers cost most of a second on a real-scale week). */
export class KeptPairs {
  src = new Int32Array(1 << 16)
  dst = new Int32Array(1 << 16)
  p = new Float64Array(1 << 16)
  size = 0

  push(s: number, d: number, p: number): void {
    if (this.size === this.p.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2)
        b.set(a)
        return b
      }
      this.src = grow(this.src)
      this.dst = grow(this.dst)
      this.p = grow(this.p)
    }
    this.src[this.size] = s
    this.dst[this.size] = d
    this.p[this.size++] = p
  }
}

/** What every scoring stage reads: the model, the encoded week and the pair memory. */
export interface ScoringInput {
  model: ForecastModel
  enc: Encoded
  ctx: Pick<ScoringContext, 'week' | 'n' | 'memory'>
  /** n · (n − 1): every ordered pair of the week. */
  total: number
  /** Whether every pair is scored (a fresh head, or a week small enough). */
  exhaustive: boolean
  /** Pairs at least this probable are kept (default KEEP_FLOOR; 0 while recalibrating, which
   * reads and shifts every pair with history). */
  keepFloor?: number
  onProgress?: (done: number, total: number) => void
  /** Throws CANCELLED when the run was cancelled. */
  cancelled: () => void
}

/** What the scoring stages accumulate, in the order they run (Σ p's additions stay in order). */
export interface ScoreTally {
  kept: KeptPairs
  /** Σ p over every ordered pair: the expected number of edges at t + h. */
  sumP: number
  /** Pairs scored so far (every pair once a fresh scan is done). */
  scored: number
  /** Mean probability of the pairs outside the candidate set (models without a fresh head on a
   * large week), else null. */
  nonCandidateP: number | null
}

export const emptyTally = (): ScoreTally => ({
  kept: new KeptPairs(),
  sumP: 0,
  scored: 0,
  nonCandidateP: null,
})
