import { describe, expect, it } from 'vitest'
import { carriersOfSteps, type Carriers } from '../../../src/shared/risk/carriers'
import { carrierChanges } from './carrier-changes'

const N = 40
const key = (s: number, t: number): number => s * N + t

/** A deterministic generator (mulberry32): an integer below n. */
function random(seed: number): (n: number) => number {
  let a = seed
  return (n) => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

/** Random carrier lists, each keeping part of the one before (as a cascade's steps do). */
function steps(seed: number, count: number): Carriers[] {
  const r = random(seed)
  const out: Carriers[] = []
  let pairs: [number, number][] = []
  for (let k = 0; k < count; k++) {
    const kept = pairs.filter(() => r(10) > 0)
    const seen = new Set(kept.map(([s, t]) => key(s, t)))
    for (let i = r(8); i > 0; i--) {
      const p: [number, number] = [r(N), r(N)]
      if (!seen.has(key(...p))) {
        seen.add(key(...p))
        kept.splice(r(kept.length + 1), 0, p)
      }
    }
    pairs = kept
    out.push({
      source: Int32Array.from(pairs, (p) => p[0]),
      target: Int32Array.from(pairs, (p) => p[1]),
    })
  }
  return out
}

const asSet = (c: Carriers): Set<number> =>
  new Set([...c.source].map((s, i) => key(s, c.target[i])))

describe('carrier changes', () => {
  it('rebuild every step’s carriers, and `order` says where each of them is in the step', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const whole = steps(seed, 25)
      let before: Carriers = { source: new Int32Array(0), target: new Int32Array(0) }
      const sent = whole.map((after) => {
        const { changes, rebuilt, order } = carrierChanges(before, after, key)
        before = rebuilt
        return { changes, order }
      })
      const rebuilt = carriersOfSteps(sent.map((s) => s.changes))
      expect(rebuilt).toHaveLength(whole.length)
      rebuilt.forEach((c, k) => {
        expect(asSet(c)).toEqual(asSet(whole[k]))
        expect(c.source).toHaveLength(whole[k].source.length)
        // the k-th rebuilt carrier is the order[k]-th of the step: its data goes out in this order
        const { order } = sent[k]
        c.source.forEach((s, j) => {
          expect(s).toBe(whole[k].source[order[j]])
          expect(c.target[j]).toBe(whole[k].target[order[j]])
        })
      })
      // only what changed is sent
      const total = sent.reduce((n, s) => n + s.changes.source.length + s.changes.stopped.length, 0)
      const whole_ = whole.reduce((n, c) => n + c.source.length, 0)
      expect(total).toBeLessThan(whole_)
    }
  })

  it('sends nothing for a step whose carriers are the same', () => {
    const c: Carriers = { source: Int32Array.from([1, 2, 3]), target: Int32Array.from([4, 5, 6]) }
    const { changes, order } = carrierChanges(c, c, key)
    expect([changes.source.length, changes.target.length, changes.stopped.length]).toEqual([
      0, 0, 0,
    ])
    expect([...order]).toEqual([0, 1, 2])
  })

  it('refuses changes that do not fit the step before', () => {
    const one = {
      source: Int32Array.from([1]),
      target: Int32Array.from([2]),
      stopped: new Int32Array(0),
    }
    expect(() => carriersOfSteps([one, { ...one, stopped: Int32Array.from([3]) }])).toThrow(
      /position 3/,
    )
    expect(() => carriersOfSteps([one, { ...one, stopped: Int32Array.from([0, 0]) }])).toThrow(
      /position 0/,
    )
  })
})
