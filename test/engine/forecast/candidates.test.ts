// The forecast's candidate set on large weeks: history, reverses, two-hop pairs, top issuers, and
// the propensity pairs (holder × issuer partner counts), checked against a brute-force ranking.
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import type { PairMemory } from '../../../src/engine/forecast/baselines'
import { candidatePairs, TOP_ISSUERS } from '../../../src/engine/forecast/stages/candidates'
import type { WeekFrame } from '../../../src/shared/domain'

const n = 400
const rng = new Rng(3)
// edges of week t and a memory of pairs seen before, with skewed partner counts
const edges: [number, number][] = []
for (let i = 0; i < 600; i++) {
  const s = Math.floor(n * rng.next() ** 3)
  const d = Math.floor(n * rng.next() ** 2)
  if (s !== d) edges.push([s, d])
}
const frame = {
  nodeIds: Array.from({ length: n }, (_, i) => `n${i}`),
  edgeSrc: Int32Array.from(edges, (e) => e[0]),
  edgeDst: Int32Array.from(edges, (e) => e[1]),
} as unknown as WeekFrame
const memory = new Map<number, PairMemory>()
for (const [s, d] of edges)
  memory.set(s * n + d, { lastWeek: 9, lastLogWeight: 1, firstWeek: 9, count: 1, weeks: [9] })
for (let i = 0; i < 900; i++) {
  const s = Math.floor(n * rng.next() ** 2)
  const d = Math.floor(n * rng.next() ** 4)
  if (s !== d)
    memory.set(s * n + d, { lastWeek: 3, lastLogWeight: 1, firstWeek: 1, count: 2, weeks: [1, 3] })
}

describe('candidatePairs', () => {
  it('holds every pair with history, the reverses and two-hop pairs of t, and the top issuers', () => {
    const c = candidatePairs(frame, memory, 0)
    for (const key of memory.keys()) expect(c.has(key)).toBe(true)
    for (const [s, d] of edges) expect(c.has(d * n + s)).toBe(true)
    const outs = new Map<number, number[]>()
    for (const [s, d] of edges) outs.set(s, [...(outs.get(s) ?? []), d])
    for (const [u, ws] of outs)
      for (const w of ws)
        for (const v of outs.get(w) ?? []) if (v !== u) expect(c.has(u * n + v)).toBe(true)
    expect(c.size).toBeGreaterThan(memory.size + TOP_ISSUERS * (n - TOP_ISSUERS))
  })

  it('adds the pairs with the largest holder × issuer propensity, within the budget', () => {
    const base = candidatePairs(frame, memory, 0)
    const budget = 5000
    const full = candidatePairs(frame, memory, budget)
    const added = [...full].filter((k) => !base.has(k))
    expect(added.length).toBeGreaterThan(budget * 0.9)
    expect(added.length).toBeLessThanOrEqual(budget)
    // brute force: (1 + issuers u has held) · (1 + holders v has had), from the memory
    const out = new Int32Array(n)
    const inn = new Int32Array(n)
    for (const key of memory.keys()) {
      out[Math.floor(key / n)]++
      inn[key % n]++
    }
    const score = (k: number) => (1 + out[Math.floor(k / n)]) * (1 + inn[k % n])
    const addedSet = new Set(added)
    let minAdded = Infinity
    for (const k of added) minAdded = Math.min(minAdded, score(k))
    let maxLeft = -Infinity
    for (let s = 0; s < n; s++)
      for (let d = 0; d < n; d++) {
        const k = s * n + d
        if (s !== d && !base.has(k) && !addedSet.has(k)) maxLeft = Math.max(maxLeft, score(k))
      }
    expect(minAdded).toBeGreaterThanOrEqual(maxLeft)
  })
})
