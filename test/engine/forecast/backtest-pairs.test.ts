// Pair sampling and enumeration of the backtest protocols.
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import {
  allPairs,
  keyPairs,
  PAIR_CHUNK,
  pairsOutside,
  sampleOutside,
  samplePaperNegatives,
} from '../../../src/engine/forecast/pairs'

describe('paper-protocol negatives', () => {
  it('are distinct ordered pairs u ≠ v that are not positives, the same for a seed', () => {
    const n = 50
    const positives = new Set([1 * n + 2, 3 * n + 4, 7 * n + 1])
    const a = samplePaperNegatives(n, positives, 500, new Rng(4))
    expect(a).toHaveLength(500)
    expect(new Set(a).size).toBe(500)
    for (const k of a) {
      expect(Math.floor(k / n)).not.toBe(k % n)
      expect(positives.has(k)).toBe(false)
    }
    expect(samplePaperNegatives(n, positives, 500, new Rng(4))).toEqual(a)
    expect(samplePaperNegatives(n, positives, 500, new Rng(5))).not.toEqual(a)
  })

  it('stop short on a graph with too few non-edges instead of looping', () => {
    const n = 3
    const positives = new Set([1, 2, 3, 5, 6]) // 5 of the 6 ordered pairs
    expect(samplePaperNegatives(n, positives, 10, new Rng(1))).toEqual([7])
  })
})

describe('pair enumeration', () => {
  it('lists every ordered pair once, in bounded chunks', () => {
    const n = 600 // 359,400 pairs: two chunks
    let count = 0
    let checksum = 0
    let selfLoops = 0
    let biggest = 0
    for (const { src, dst } of allPairs(n)) {
      biggest = Math.max(biggest, src.length)
      for (let i = 0; i < src.length; i++) {
        if (src[i] === dst[i]) selfLoops++
        checksum += src[i] * n + dst[i]
      }
      count += src.length
    }
    expect(biggest).toBe(PAIR_CHUNK)
    expect(selfLoops).toBe(0)
    expect(count).toBe(n * (n - 1))
    const all = (n * n * (n * n - 1)) / 2
    const diagonal = (n * (n - 1) * (n + 1)) / 2 // Σ s·(n+1)
    expect(checksum).toBe(all - diagonal)
    const keys = [5, 17, 2 * n + 3]
    const chunks = [...keyPairs(n, keys)]
    expect(chunks).toHaveLength(1)
    expect([...chunks[0].src]).toEqual([0, 0, 2])
    expect([...chunks[0].dst]).toEqual([5, 17, 3])
  })

  it('samples and lists the pairs outside a set', () => {
    const n = 20
    const inside = new Set<number>()
    for (let k = 0; k < n * n; k += 2) inside.add(k)
    const out = pairsOutside(n, inside)
    expect(out.every((k) => k % 2 === 1 && Math.floor(k / n) !== k % n)).toBe(true)
    expect(out.length).toBe(
      n * (n - 1) - [...inside].filter((k) => Math.floor(k / n) !== k % n).length,
    )
    const s = sampleOutside(n, inside, 5000, new Rng(2))
    expect(s).toHaveLength(5000)
    expect(s.every((k) => !inside.has(k) && Math.floor(k / n) !== k % n)).toBe(true)
    // uniform over the outside pairs: every one of the 190 is drawn in 5000 draws
    expect(new Set(s).size).toBe(out.length)
  })
})
