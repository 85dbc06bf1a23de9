// Tests' sender of playback carriers by pair (the engine diffs its graph's edge ids directly with
// `idChanges`): the changes from one step's carriers to the next, as `risk.playback` sends them.
import { idChanges, type CarrierChanges, type Carriers } from '../../../src/shared/risk/carriers'

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
  // pairs → dense ids
  const ids = new Map<number, number>()
  const idsOf = (c: Carriers): Int32Array =>
    Int32Array.from(c.source, (s, i) => {
      const k = key(s, c.target[i])
      let id = ids.get(k)
      if (id === undefined) ids.set(k, (id = ids.size))
      return id
    })
  const b = idsOf(before)
  const a = idsOf(after)
  const { added, stopped, order } = idChanges(b, a, new Int32Array(ids.size).fill(-1))
  return {
    changes: {
      source: Int32Array.from(added, (c) => after.source[c]),
      target: Int32Array.from(added, (c) => after.target[c]),
      stopped,
    },
    rebuilt: {
      source: Int32Array.from(order, (c) => after.source[c]),
      target: Int32Array.from(order, (c) => after.target[c]),
    },
    order,
  }
}
