// Eisenberg–Noe counts (issue 14 §5): distressed as docs/risk.md defines it, one default test for
// the unshocked and the shocked clearing, `affected` relative to TVL; and a cross-check of losses
// and counts against a brute-force clearing written here from the documented definitions (dense
// Jacobi iteration to the greatest fixed point, nothing shared with the engine's worklist solver).
import { describe, expect, it } from 'vitest'
import { eisenbergNoe } from '../../../src/shared/risk/contagion/eisenberg-noe'
import { buildRiskGraph } from '../../../src/shared/risk/graph'

type Edge = [holder: number, issuer: number, weight: number]

function graph(tvl: number[], edges: Edge[]) {
  return buildRiskGraph({
    nodeIds: tvl.map((_, i) => `n${i}`),
    sizes: tvl,
    categories: tvl.map(() => 'Unknown'),
    sectors: tvl.map(() => 'Unknown'),
    edgeSrc: edges.map((e) => e[0]),
    edgeDst: edges.map((e) => e[1]),
    edgeWeight: edges.map((e) => e[2]),
  })
}

describe('Eisenberg–Noe counts', () => {
  it('does not count an old default whose payment fell a little as distressed', () => {
    // T (TVL 20) owes H 50 and holds 1 of S: baseline p_T = 19 + 1 = 20 < 50, a default before any
    // shock. S (TVL 10) is shocked 100 %: it pays T nothing, T pays 19. T loses 1 (5 % of its TVL),
    // H loses 50·(20 − 19)/50 = 1 (1 %): neither is distressed; only S (shocked) is.
    const g = graph(
      [20, 100, 10],
      [
        [1, 0, 50], // H holds 50 of T
        [0, 2, 1], // T holds 1 of S
      ],
    )
    const r = eisenbergNoe(g, { nodes: [2], fraction: 1 })
    expect(r.nodeLoss[0]).toBeCloseTo(1, 12)
    expect(r.nodeLoss[1]).toBeCloseTo(1, 12)
    expect(r.outputs.baseline_defaults).toBe(1)
    expect(r.outputs.defaults_total).toBe(2) // T (old) and S (new)
    expect(r.outputs.additional_defaults).toBe(1)
    expect(r.distressedCount).toBe(1)
    expect([...r.distressRound]).toEqual([-1, -1, 0])
    expect(r.path[r.path.length - 1].distressed).toBe(1)
  })

  it('uses one default test for the unshocked and the shocked clearing', () => {
    // T (TVL 0.3) owes 0.1 + 0.2 = 0.30000000000000004 and pays 0.3: within 1e-9 of in full, so no
    // default before or after an unrelated shock (X). The exact test said baseline_defaults 1.
    const g = graph(
      [0.3, 5, 5, 7],
      [
        [1, 0, 0.1],
        [2, 0, 0.2],
      ],
    )
    const r = eisenbergNoe(g, { nodes: [3], fraction: 0.5 })
    expect(r.outputs.baseline_defaults).toBe(0)
    expect(r.outputs.defaults_total).toBe(0)
    expect(r.outputs.additional_defaults).toBe(0)
    expect(r.defaultCount).toBe(0)
  })

  it('counts as affected only losses above 1e-9 of the TVL', () => {
    // H (TVL 1000) holds 1e-13 of S; S (TVL 10) shocked 100 % pays nothing: H loses 1e-13 USD,
    // 1e-16 of its TVL, which is noise. Z (TVL 0) holds 1e-13 of S and loses all of it: with no
    // TVL the loss is measured against its holdings, so it is affected.
    const g = graph(
      [1000, 10, 0],
      [
        [0, 1, 1e-13],
        [2, 1, 1e-13],
      ],
    )
    const r = eisenbergNoe(g, { nodes: [1], fraction: 1 })
    expect(r.nodeLoss[0]).toBeCloseTo(1e-13, 20)
    expect(r.affectedCount).toBe(2) // S and Z
  })
})

// ── the cross-check ─────────────────────────────────────────────────────────────────────────────

interface Brute {
  loss: number[]
  /** TVL + holdings: what a node can lose at most. */
  scale: number[]
  affected: number
  distressed: number
  baselineDefaults: number
  defaultsTotal: number
  additionalDefaults: number
}

/** Greatest clearing vector by plain Jacobi iteration from p = L̄ (docs/risk.md, Eisenberg–Noe). */
function clearDense(tvl: number[], edges: Edge[], shock: Map<number, number>, a = 1, b = 1) {
  const n = tvl.length
  const L = new Array<number>(n).fill(0)
  const held = new Array<number>(n).fill(0)
  for (const [h, i, w] of edges) {
    L[i] += w
    held[h] += w
  }
  const x = tvl.map((t, j) => Math.max(0, t - held[j]) - (shock.get(j) ?? 0))
  let p = L.slice()
  for (let it = 0; it < 200_000; it++) {
    const receipts = new Array<number>(n).fill(0)
    for (const [h, i, w] of edges) receipts[h] += (w * p[i]) / L[i]
    const next = p.map((_, j) => {
      if (L[j] <= x[j] + receipts[j]) return L[j]
      const v = a * Math.max(x[j], 0) + b * receipts[j] + Math.min(x[j], 0)
      return Math.max(0, Math.min(L[j], v))
    })
    const delta = Math.max(0, ...next.map((v, j) => Math.abs(v - p[j])))
    p = next
    if (delta < 1e-15) break
  }
  return { p, L, r: p.map((v, j) => (L[j] > 0 ? v / L[j] : 1)) }
}

function bruteForce(tvl: number[], edges: Edge[], shocked: number[], f: number, thr = 0.1): Brute {
  const shock = new Map(shocked.map((i) => [i, f * tvl[i]]))
  const base = clearDense(tvl, edges, new Map())
  const now = clearDense(tvl, edges, shock)
  const isDefault = (p: number, L: number) => L > 0 && p < L * (1 - 1e-9)
  const held = new Array<number>(tvl.length).fill(0)
  const loss = tvl.map((_, i) => shock.get(i) ?? 0)
  for (const [h, i, w] of edges) {
    held[h] += w
    loss[h] += w * Math.max(0, base.r[i] - now.r[i])
  }
  let affected = 0
  let distressed = 0
  let baselineDefaults = 0
  let defaultsTotal = 0
  let additionalDefaults = 0
  tvl.forEach((t, i) => {
    const b = isDefault(base.p[i], base.L[i])
    const d = isDefault(now.p[i], now.L[i])
    if (b) baselineDefaults++
    if (d) defaultsTotal++
    if (d && !b) additionalDefaults++
    if (shock.has(i) || loss[i] > 1e-9 * Math.max(t, held[i])) affected++
    if (shock.has(i) || (t > 0 && loss[i] > thr * t) || (d && !b)) distressed++
  })
  const scale = tvl.map((t, i) => t + held[i])
  return { loss, scale, affected, distressed, baselineDefaults, defaultsTotal, additionalDefaults }
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('Eisenberg–Noe against a brute-force clearing', () => {
  it('agrees on losses and every count over 200 random small graphs', () => {
    let checked = 0
    let withBaselineDefaults = 0
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed)
      const n = 4 + Math.floor(rand() * 9)
      const tvl = Array.from({ length: n }, () => (rand() < 0.1 ? 0 : 10 ** (rand() * 4)))
      const edges: Edge[] = []
      for (let h = 0; h < n; h++)
        for (let i = 0; i < n; i++)
          if (h !== i && rand() < 0.3) edges.push([h, i, 10 ** (rand() * 3.5)])
      const shocked = [0, 1, 2, 3].filter(() => rand() < 0.5).filter((i) => tvl[i] > 0)
      if (shocked.length === 0) continue
      const f = 0.1 + 0.9 * rand()
      const g = graph(tvl, edges)
      const r = eisenbergNoe(
        g,
        { nodes: shocked, fraction: f },
        { tol: 1e-13, maxSweeps: 1_000_000 },
      )
      const want = bruteForce(tvl, edges, shocked, f)
      expect(r.converged).toBe(true)
      // Both solvers stop within their tolerances of the fixed point: agree to 1e-8 of the scale.
      for (let i = 0; i < n; i++)
        expect(Math.abs(r.nodeLoss[i] - want.loss[i])).toBeLessThanOrEqual(
          1e-8 * (1 + want.scale[i]),
        )
      expect(r.outputs.baseline_defaults).toBe(want.baselineDefaults)
      expect(r.outputs.defaults_total).toBe(want.defaultsTotal)
      expect(r.outputs.additional_defaults).toBe(want.additionalDefaults)
      expect(r.affectedCount).toBe(want.affected)
      expect(r.distressedCount).toBe(want.distressed)
      checked++
      if (want.baselineDefaults > 0) withBaselineDefaults++
    }
    // The draw must exercise what the counts are about: many graphs, old defaults among them.
    expect(checked).toBeGreaterThan(150)
    expect(withBaselineDefaults).toBeGreaterThan(50)
  })
})
