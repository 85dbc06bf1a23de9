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

/** What a step sends about its carriers. */
export interface CarrierChanges extends Carriers {
  /** Positions in the previous step's carriers of the edges that stop carrying. */
  stopped: Int32Array
}

/**
 * The changes from `before` (the previous step's carriers as the receiver holds them: the
 * `rebuilt` of the previous call) to `after`; `rebuilt`, `after` in the order the receiver
 * rebuilds it; and `order`, where each of those is in `after` (a carrier's data in step order,
 * e.g. the loss it passes, goes out in that order). `key` names a pair uniquely (e.g.
 * holder · count + issuer).
 */
export function carrierChanges(
  before: Carriers,
  after: Carriers,
  key: (source: number, target: number) => number,
): { changes: CarrierChanges; rebuilt: Carriers; order: Int32Array } {
  const at = new Map<number, number>()
  for (let c = 0; c < after.source.length; c++) at.set(key(after.source[c], after.target[c]), c)
  const stopped: number[] = []
  const order: number[] = []
  const kept = new Set<number>()
  for (let c = 0; c < before.source.length; c++) {
    const k = key(before.source[c], before.target[c])
    const a = at.get(k)
    if (a === undefined || kept.has(a)) stopped.push(c)
    else {
      kept.add(a)
      order.push(a)
    }
  }
  const added: number[] = []
  for (let c = 0; c < after.source.length; c++)
    if (!kept.has(c)) {
      added.push(c)
      order.push(c)
    }
  return {
    changes: {
      source: Int32Array.from(added, (c) => after.source[c]),
      target: Int32Array.from(added, (c) => after.target[c]),
      stopped: Int32Array.from(stopped),
    },
    rebuilt: {
      source: Int32Array.from(order, (c) => after.source[c]),
      target: Int32Array.from(order, (c) => after.target[c]),
    },
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
