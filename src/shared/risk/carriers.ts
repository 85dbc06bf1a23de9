// The edges that carry loss at each step of a contagion playback, sent as changes: a step lists
// the edges that start carrying loss and the positions (in the previous step's list) of those that
// stop. DebtRank keeps most of a week's edges carrying from step to step (74k of a real-scale
// week's 75k, over 30 steps): sent whole, a run's playback was 46 MiB of JSON; as changes, the
// carriers of a step are the previous step's without those that stopped, in order, then the new.

/** A step's carriers: holder and issuer of each (e.g. universe indices). */
export interface Carriers {
  source: Int32Array
  target: Int32Array
}

/** What a step sends about its carriers (the engine computes it with `idChanges` over its
 * graph's edge ids: engine/risk/playback.ts). */
export interface CarrierChanges extends Carriers {
  /** Positions in the previous step's carriers of the edges that stop carrying. */
  stopped: Int32Array
}

/** What changed between two lists of distinct ids: positions in `after` of the ids not in
 * `before` (`added`), positions in `before` of the ids not in `after` (`stopped`), and `order`:
 * `after` as the receiver rebuilds it (kept ids in `before`'s order, then the added), as positions
 * in `after`. `scratch` is −1 at every id (length: the id space) and is left so. O(|before| +
 * |after|) with no hashing: a DebtRank step keeps 74k carriers, over 30 steps. */
export function idChanges(
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  scratch: Int32Array,
): { added: Int32Array; stopped: Int32Array; order: Int32Array } {
  for (let c = 0; c < after.length; c++) scratch[after[c]] = c
  const stopped: number[] = []
  const order: number[] = []
  for (let p = 0; p < before.length; p++) {
    const c = scratch[before[p]]
    if (c < 0) stopped.push(p)
    else {
      order.push(c)
      scratch[before[p]] = -2 // kept
    }
  }
  const added: number[] = []
  for (let c = 0; c < after.length; c++) {
    if (scratch[after[c]] !== -2) {
      added.push(c)
      order.push(c)
    }
    scratch[after[c]] = -1
  }
  return {
    added: Int32Array.from(added),
    stopped: Int32Array.from(stopped),
    order: Int32Array.from(order),
  }
}

/** Each step's carriers, rebuilt from the steps' changes in order. */
export function carriersOfSteps(steps: readonly CarrierChanges[]): Carriers[] {
  const out: Carriers[] = []
  let prev: Carriers = { source: new Int32Array(0), target: new Int32Array(0) }
  for (const s of steps) {
    const stop = new Uint8Array(prev.source.length)
    for (const p of s.stopped) {
      if (!(p >= 0 && p < stop.length) || stop[p])
        throw new Error(`carrier changes do not apply to the previous step (position ${p})`)
      stop[p] = 1
    }
    const n = prev.source.length - s.stopped.length + s.source.length
    const source = new Int32Array(n)
    const target = new Int32Array(n)
    let k = 0
    for (let c = 0; c < prev.source.length; c++)
      if (!stop[c]) {
        source[k] = prev.source[c]
        target[k++] = prev.target[c]
      }
    source.set(s.source, k)
    target.set(s.target, k)
    prev = { source, target }
    out.push(prev)
  }
  return out
}
