// Cross-checks against networkx and numpy on real-shaped graphs: a seeded generator writes the
// graph to a temp file, Debian's Python (networkx, numpy) computes PageRank, assortativity, Gini,
// HHI, entropy and the reference cascade written literally in Python (bench/risk-peer.py).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { degreeAssortativity } from '../../../src/shared/risk/assortativity'
import { referenceCascade } from '../../../src/shared/risk/contagion/reference'
import { buildRiskGraph, rankDescending, type GraphInput } from '../../../src/shared/risk/graph'
import { giniPositive, giniWithZeros, hhi, valueEntropy } from '../../../src/shared/risk/inequality'
import { pagerank } from '../../../src/shared/risk/pagerank'
import { syntheticGraph } from './synthetic-graph'

interface PeerOut {
  pagerank: number[]
  pagerank_unweighted: number[]
  assortativity: number | null
  tvl_gini: number
  tvl_gini_with_zeros: number
  degree_gini_with_zeros: number
  tvl_hhi: number
  edge_hhi: number
  degree_entropy: number
  cascades: {
    total_loss: number
    total_loss_pct: number
    distressed_count: number
    propagation_rounds: number
    affected_history: number[]
  }[]
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-risk-nx-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function peer(
  name: string,
  g: GraphInput,
  shocks: { nodes: string[]; fraction: number }[],
): PeerOut {
  const gp = join(dir, `${name}.json`)
  const op = join(dir, `${name}.out.json`)
  writeFileSync(
    gp,
    JSON.stringify({
      nodes: g.nodeIds,
      sizes: Array.from(g.sizes),
      src: Array.from(g.edgeSrc),
      dst: Array.from(g.edgeDst),
      w: Array.from(g.edgeWeight),
      shocks,
    }),
  )
  execFileSync('/usr/bin/python3', ['bench/risk-peer.py', 'check', gp, op], { stdio: 'pipe' })
  return JSON.parse(readFileSync(op, 'utf8')) as PeerOut
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe.each([
  { name: 'g3000', nodes: 3000, edges: 15000, seed: 11 },
  { name: 'g5000', nodes: 5000, edges: 30000, seed: 12 },
  { name: 'sparse', nodes: 2000, edges: 2500, seed: 13 },
])('networkx parity on $name', ({ name, nodes, edges, seed }) => {
  const input = syntheticGraph({ nodes, edges, seed })
  const g = buildRiskGraph(input)
  const byTvl = rankDescending(g.sizes)
  const ids = (xs: ArrayLike<number>) => Array.from(xs, (i) => g.nodeIds[i])
  const bridges = g.nodeIds.filter((_, i) => g.categories[i].toLowerCase().includes('bridge'))
  // Largest issuers (most creditors) make the cascade propagate for several rounds.
  const byIn = rankDescending(g.inStrength)
  const shocks = [
    { nodes: ids(byTvl.slice(0, 1)), fraction: 0.5 },
    { nodes: ids(byTvl.slice(0, 5)), fraction: 0.3 },
    { nodes: bridges, fraction: 1 },
    { nodes: ids(byIn.slice(0, 20)), fraction: 1 },
    { nodes: ids(byIn.slice(0, 3)), fraction: 0.05 },
  ]
  let out: PeerOut
  beforeAll(() => {
    out = peer(name, input, shocks)
  })

  it('weighted PageRank matches nx.pagerank', () => {
    const pr = pagerank(g)
    expect(pr.converged).toBe(true)
    expect(maxAbsDiff(pr.scores, out.pagerank)).toBeLessThan(1e-9)
  })

  it('unweighted PageRank matches nx.pagerank(weight=None)', () => {
    const pr = pagerank(g, { weighted: false })
    expect(maxAbsDiff(pr.scores, out.pagerank_unweighted)).toBeLessThan(1e-9)
  })

  it('degree assortativity matches nx.degree_assortativity_coefficient', () => {
    const a = degreeAssortativity(g)
    expect(out.assortativity).not.toBeNull()
    expect(Math.abs(a! - out.assortativity!)).toBeLessThan(1e-9)
  })

  it('Gini, HHI and entropy match numpy', () => {
    const degree = Array.from({ length: g.n }, (_, i) => g.inDegree[i] + g.outDegree[i])
    expect(giniPositive(g.sizes)).toBeCloseTo(out.tvl_gini, 12)
    expect(giniWithZeros(g.sizes)).toBeCloseTo(out.tvl_gini_with_zeros, 12)
    expect(giniWithZeros(degree)).toBeCloseTo(out.degree_gini_with_zeros, 12)
    expect(hhi(g.sizes)).toBeCloseTo(out.tvl_hhi, 12)
    expect(hhi(g.weight)).toBeCloseTo(out.edge_hhi, 12)
    expect(valueEntropy(degree)).toBeCloseTo(out.degree_entropy, 12)
  })

  it('reference cascade matches the literal Python transcription of §7.4', () => {
    let propagated = 0
    shocks.forEach((s, k) => {
      const r = referenceCascade(g, {
        nodes: s.nodes.map((id) => g.index.get(id)!),
        fraction: s.fraction,
      })
      const p = out.cascades[k]
      expect(Math.abs(r.totalLoss - p.total_loss)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, p.total_loss),
      )
      expect(r.totalLossPct).toBeCloseTo(p.total_loss_pct, 9)
      expect(r.distressedCount).toBe(p.distressed_count)
      expect(r.rounds).toBe(p.propagation_rounds)
      expect(r.path.map((x) => x.distressed)).toEqual(p.affected_history)
      if (r.rounds > 1) propagated++
    })
    // The check is only meaningful if some shock propagated beyond the first round.
    expect(propagated).toBeGreaterThan(0)
  })
})
