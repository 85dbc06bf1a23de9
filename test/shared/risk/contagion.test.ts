// Hand-checked contagion on small graphs: the reference cascade (reference-spec §7.4), DebtRank
// (linear and single-hit) and Eisenberg–Noe / Rogers–Veraart clearing. Each expected number is
// worked out by hand in the comment above it.
import { describe, expect, it } from 'vitest'
import { debtRank } from '../../../src/shared/risk/contagion/debtrank'
import { eisenbergNoe } from '../../../src/shared/risk/contagion/eisenberg-noe'
import { referenceCascade } from '../../../src/shared/risk/contagion/reference'
import { buildRiskGraph } from '../../../src/shared/risk/graph'

/** Nodes as [id, tvl]; edges as [holder, issuer, weight]. */
function graph(nodes: [string, number][], edges: [string, string, number][]) {
  const ids = nodes.map((n) => n[0])
  const at = (id: string) => ids.indexOf(id)
  return buildRiskGraph({
    nodeIds: ids,
    sizes: nodes.map((n) => n[1]),
    categories: ids.map(() => 'Unknown'),
    sectors: ids.map(() => 'Unknown'),
    edgeSrc: edges.map((e) => at(e[0])),
    edgeDst: edges.map((e) => at(e[1])),
    edgeWeight: edges.map((e) => e[2]),
  })
}

describe('reference cascade (§7.4)', () => {
  // A(100) is held by B (30) and C (10); B(50) is held by D (20) and C (5); C(10), D(200).
  const g = graph(
    [
      ['A', 100],
      ['B', 50],
      ['C', 10],
      ['D', 200],
    ],
    [
      ['B', 'A', 30],
      ['C', 'A', 10],
      ['D', 'B', 20],
      ['C', 'B', 5],
    ],
  )
  it('passes the whole loss on, capped at TVL, counting shocked nodes', () => {
    // Shock A 50 %: loss_A = 50. Round 1: B += 50·30/40 = 37.5 (> 5, distressed),
    // C += 50·10/40 = 12.5 → capped at 10 (> 1, distressed). Round 2: B passes its 37.5:
    // D += 37.5·20/25 = 30 (> 20, distressed), C += 7.5 → stays 10; C has no creditors.
    // Round 3: D has no creditors; nobody new. Total 50 + 37.5 + 10 + 30 = 127.5 of 360.
    const r = referenceCascade(g, { nodes: [0], fraction: 0.5 })
    expect(Array.from(r.nodeLoss)).toEqual([50, 37.5, 10, 30])
    expect(r.totalLoss).toBe(127.5)
    expect(r.totalLossPct).toBeCloseTo((100 * 127.5) / 360, 12)
    expect(r.distressedCount).toBe(4)
    expect(r.rounds).toBe(3)
    expect(r.path.map((p) => p.distressed)).toEqual([1, 3, 4, 4])
    expect(Array.from(r.distressRound)).toEqual([0, 1, 1, 2])
  })

  it('keeps a creditor below the threshold out of distress', () => {
    // Shock A 5 %: loss 5 → B += 3.75 (≤ 0.1·50 = 5: not distressed), C += 1.25 (> 1: distressed).
    // Round 2: C has no creditors. Total 5 + 3.75 + 1.25 = 10.
    const r = referenceCascade(g, { nodes: [0], fraction: 0.05 })
    expect(Array.from(r.nodeLoss)).toEqual([5, 3.75, 1.25, 0])
    expect(r.distressedCount).toBe(2)
    expect(r.rounds).toBe(2)
  })

  it('ignores shocked nodes with zero TVL and a node with no creditors loses only its shock', () => {
    const z = graph(
      [
        ['Z', 0],
        ['D', 200],
      ],
      [['Z', 'D', 5]],
    )
    const r = referenceCascade(z, { nodes: [0], fraction: 1 })
    expect(r.shocked).toEqual([])
    expect(r.totalLoss).toBe(0)
    expect(r.rounds).toBe(0)
    expect(r.warnings.join()).toMatch(/TVL ≤ 0/)
  })

  it('stops after 10 rounds on a long chain and says so', () => {
    // n0 is held by n1, n1 by n2, …: the full 100 passes down one link per round.
    const nodes: [string, number][] = Array.from({ length: 14 }, (_, i) => [`n${i}`, 100])
    const edges: [string, string, number][] = Array.from({ length: 13 }, (_, i) => [
      `n${i + 1}`,
      `n${i}`,
      1,
    ])
    const r = referenceCascade(graph(nodes, edges), { nodes: [0], fraction: 1 })
    expect(r.rounds).toBe(10)
    expect(r.distressedCount).toBe(11)
    expect(r.totalLoss).toBe(1100)
    expect(r.converged).toBe(false)
    expect(r.warnings.join()).toMatch(/10 rounds/)
  })
})

describe('DebtRank', () => {
  // A and B (equity 100 each) hold 50 of each other's tokens: Λ_AB = Λ_BA = 0.5.
  const g = graph(
    [
      ['A', 100],
      ['B', 100],
    ],
    [
      ['A', 'B', 50],
      ['B', 'A', 50],
    ],
  )
  it('linear (Bardoscia 2015) sums the feedback geometrically', () => {
    // h_A = 0.4 + 0.1 + 0.025 + … = 0.4 / 0.75; h_B = 0.2 / 0.75.
    const r = debtRank(g, { nodes: [0], fraction: 0.4 }, { variant: 'linear' })
    expect(r.nodeLoss[0]).toBeCloseTo(100 * (0.4 / 0.75), 9)
    expect(r.nodeLoss[1]).toBeCloseTo(100 * (0.2 / 0.75), 9)
    expect(r.outputs.original_stress).toBeCloseTo(0.2, 12)
    expect(r.outputs.debtrank).toBeCloseTo((80 - 40) / 200, 9)
    expect(r.outputs.original_losses).toBeCloseTo(40, 12)
    expect(r.converged).toBe(true)
  })
  it('single-hit (Battiston 2012) propagates each distress once', () => {
    // Round 1: A (0.4) hits B: h_B = 0.2. Round 2: B hits A: h_A = 0.5; both inactive.
    const r = debtRank(g, { nodes: [0], fraction: 0.4 }, { variant: 'single-hit' })
    expect(r.nodeLoss[0]).toBeCloseTo(50, 12)
    expect(r.nodeLoss[1]).toBeCloseTo(20, 12)
    expect(r.outputs.debtrank).toBeCloseTo(30 / 200, 12)
    expect(r.outputs.additional_losses).toBeCloseTo(30, 12)
    expect(r.rounds).toBe(2)
  })
  it('caps relative losses at 1 and counts defaults', () => {
    // C (equity 10) holds 40 of A: Λ = 4 (linear, uncapped) → h_C = min(1, 4·0.5) = 1.
    const c = graph(
      [
        ['A', 100],
        ['C', 10],
      ],
      [['C', 'A', 40]],
    )
    const lin = debtRank(c, { nodes: [0], fraction: 0.5 }, { variant: 'linear' })
    expect(lin.nodeLoss[1]).toBe(10)
    expect(lin.defaultCount).toBe(1)
    expect(lin.outputs.additional_defaults).toBe(1)
    // Single hit: W = min(1, 4) = 1 → h_C = 0.5.
    const sh = debtRank(c, { nodes: [0], fraction: 0.5 }, { variant: 'single-hit' })
    expect(sh.nodeLoss[1]).toBe(5)
  })
})

describe('Eisenberg–Noe clearing', () => {
  // A (TVL 100) owes B 80; B (TVL 100, holds 80 of A → external 20) owes C 90; C (TVL 300) holds 90 of B.
  const g = graph(
    [
      ['A', 100],
      ['B', 100],
      ['C', 300],
    ],
    [
      ['B', 'A', 80],
      ['C', 'B', 90],
    ],
  )
  it('clears with a shock on A', () => {
    // Baseline: everybody pays in full. Shock A 50 %: e_A = 50 < 80 → p_A = 50 (r = 0.625);
    // B receives 50 + 20 external = 70 < 90 → p_B = 70. Losses: A 50 (direct), B 80·0.375 = 30,
    // C 90 − 70 = 20. Defaults A and B; C loses 20 < 0.1·300, not distressed.
    const r = eisenbergNoe(g, { nodes: [0], fraction: 0.5 })
    expect(r.nodeLoss[0]).toBeCloseTo(50, 9)
    expect(r.nodeLoss[1]).toBeCloseTo(30, 9)
    expect(r.nodeLoss[2]).toBeCloseTo(20, 9)
    expect(r.totalLoss).toBeCloseTo(100, 9)
    expect(r.defaultCount).toBe(2)
    expect(r.outputs.defaults_total).toBe(2)
    expect(r.outputs.additional_defaults).toBe(2)
    expect(r.outputs.baseline_defaults).toBe(0)
    expect(r.distressedCount).toBe(2)
    expect(r.outputs.direct_loss).toBeCloseTo(50, 12)
    expect(r.outputs.additional_shortfall).toBeCloseTo(30 + 20, 9)
    expect(r.converged).toBe(true)
    expect(r.path[r.path.length - 1].loss).toBeCloseTo(100, 9)
  })
  it('applies Rogers–Veraart default costs', () => {
    // α = β = 0.5: p_A = 0.5·50 = 25 (r = 0.3125); B receives 25, insolvent: p_B = 0.5·20 + 0.5·25 = 22.5.
    // Losses: A 50, B 80·(1 − 0.3125) = 55, C 90 − 22.5 = 67.5.
    const r = eisenbergNoe(g, { nodes: [0], fraction: 0.5 }, { alpha: 0.5, beta: 0.5 })
    expect(r.variant).toBe('rogers-veraart')
    expect(r.nodeLoss[1]).toBeCloseTo(55, 9)
    expect(r.nodeLoss[2]).toBeCloseTo(67.5, 9)
    expect(r.totalLoss).toBeCloseTo(172.5, 9)
  })
  it('takes a shock beyond the external assets as a senior outside claim', () => {
    // Shock B 50 %: 50 against external assets of 20 → x_B = −30. B receives 80 from A:
    // p_B = 80 − 30 = 50 < 90. Losses: B 50 (direct), C 90 − 50 = 40.
    const r = eisenbergNoe(g, { nodes: [1], fraction: 0.5 })
    expect(r.nodeLoss[1]).toBeCloseTo(50, 9)
    expect(r.nodeLoss[2]).toBeCloseTo(40, 9)
    expect(r.totalLoss).toBeCloseTo(90, 9)
    expect(r.defaultCount).toBe(1)
  })
  it('measures losses against an unshocked clearing that already has shortfalls', () => {
    // T owes H 50 but holds only 20 of its own: baseline p_T = 20. Shocking H changes nothing for T.
    const b = graph(
      [
        ['T', 20],
        ['H', 100],
      ],
      [['H', 'T', 50]],
    )
    const r = eisenbergNoe(b, { nodes: [1], fraction: 0.1 })
    expect(r.outputs.baseline_defaults).toBe(1)
    expect(r.outputs.additional_defaults).toBe(0)
    expect(r.defaultCount).toBe(0)
    expect(r.rounds).toBe(0)
    // H loses 10 directly (its external assets are 100 − 50 = 50).
    expect(r.totalLoss).toBeCloseTo(10, 12)
  })
})
