// Hand-checked SIS, spillover, statistics of tiny graphs, shock specs and the alert monitor.
import { describe, expect, it } from 'vitest'
import { DexposureError } from '../../../src/shared/errors'
import { buildRiskGraph } from '../../../src/shared/risk/graph'
import { evaluateAlerts, monitor, type MonitorWeek } from '../../../src/shared/risk/monitor'
import { formatShockSpec, parseShockSpec, selectShock } from '../../../src/shared/risk/scenarios'
import { computeSis } from '../../../src/shared/risk/sis'
import { spillover } from '../../../src/shared/risk/spillover'
import { computeNetworkStats } from '../../../src/shared/risk/stats'
import { errorSummary } from '../../../src/shared/risk/compare'

// A(100, Lending) holds B (60) and C (20); B(50, Dexes) holds C (10); C(0, Unknown); D(10, Lending) isolated.
const g = buildRiskGraph({
  nodeIds: ['A', 'B', 'C', 'D'],
  sizes: [100, 50, 0, 10],
  categories: ['Lending', 'Dexes', 'Unknown', 'Lending'],
  sectors: ['Lend', 'Trade', 'Unknown', 'Lend'],
  edgeSrc: [0, 0, 1],
  edgeDst: [1, 2, 2],
  edgeWeight: [60, 20, 10],
})

describe('SIS', () => {
  it('combines scaled PageRank, tail exposure and scaled log-TVL', () => {
    const s = computeSis(g)
    // Tail: A and B have ≤ 5 out-edges → 1; C, D none → 0.
    expect(Array.from(s.tail)).toEqual([1, 1, 0, 0])
    expect(s.logTvlScaled[0]).toBe(1)
    expect(s.logTvlScaled[1]).toBeCloseTo(Math.log1p(50) / Math.log1p(100), 15)
    expect(s.logTvlScaled[2]).toBe(0)
    for (let i = 0; i < 4; i++)
      expect(s.scores[i]).toBeCloseTo((s.pagerankScaled[i] + s.tail[i] + s.logTvlScaled[i]) / 3, 15)
    expect(s.warnings).toEqual([])
  })
  it('reports a PageRank that does not converge instead of zeroing it', () => {
    const s = computeSis(g, { pagerank: { maxIter: 1 } })
    expect(s.pagerankRun.converged).toBe(false)
    expect(s.warnings[0]).toMatch(/did not converge/)
    expect(Math.max(...s.pagerankScaled)).toBe(1)
    expect(() => computeSis(g, { pagerank: { maxIter: 1 }, strict: true })).toThrow(
      /did not converge/,
    )
  })
})

describe('spillover and statistics', () => {
  it('builds the sector matrix, its total and HHI', () => {
    const sp = spillover(g, 'category')
    // Lending→Dexes 60, Lending→Unknown 20, Dexes→Unknown 10: all cross-category.
    expect(sp.total).toBe(90)
    expect(sp.index).toBeCloseTo((60 / 90) ** 2 + (20 / 90) ** 2 + (10 / 90) ** 2, 15)
    expect(sp.labels).toEqual(['Dexes', 'Lending', 'Unknown'])
    expect(sp.connectivityDensity).toBeCloseTo(3 / 9, 15)
    expect(sp.crossExposureRatio).toBeCloseTo(1, 9)
  })
  it('computes the §7.3 and §7.8 metrics', () => {
    const v = computeNetworkStats(g).values
    expect(v.n_nodes).toBe(4)
    expect(v.density).toBeCloseTo(3 / 12, 15)
    expect(v.tvl_hhi).toBeCloseTo((100 / 160) ** 2 + (50 / 160) ** 2 + (10 / 160) ** 2, 15)
    // Positive-only Gini over [10, 50, 100]: (2(10 + 100 + 300) − 4·160) / (3·160) = 180/480.
    expect(v.tvl_gini).toBeCloseTo(180 / 480, 15)
    // With zeros over [0, 10, 50, 100]: (2(0 + 20 + 150 + 400) − 5·160) / (4·160) = 340/640.
    expect(v.tvl_gini_with_zeros).toBeCloseTo(340 / 640, 9)
    // Degrees: A 2, B 2, C 2, D 0.
    expect(v.degree_gini).toBe(0)
    expect(v.degree_entropy).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 9)
    expect(v.top10_edge_share).toBe(1)
  })
})

describe('shock specs', () => {
  it('parses the grammar and prints it canonically', () => {
    const s = parseShockSpec(' top:3:sis + category:Lending, CDP + nodes:A @ 30% ')
    expect(s.fraction).toBeCloseTo(0.3, 15)
    expect(s.terms).toEqual([
      { kind: 'top', k: 3, by: 'sis' },
      { kind: 'category', names: ['Lending', 'CDP'] },
      { kind: 'nodes', ids: ['A'] },
    ])
    expect(formatShockSpec(s)).toBe('top:3:sis+category:Lending,CDP+nodes:A@0.3')
    expect(parseShockSpec('category~:bridge').fraction).toBe(1)
  })
  it.each([
    ['', /empty/],
    ['top:0', /positive integer/],
    ['top:2:size', /tvl, sis or exposure/],
    ['nodes:', /lists nothing/],
    ['color:red', /unknown term kind/],
    ['A,B', /has no kind/],
    ['top:1@0', /outside/],
    ['top:1@1.5', /outside/],
    ['top:1@x', /not a number/],
  ])('refuses %j', (spec, msg) => {
    try {
      parseShockSpec(spec)
      throw new Error('no error')
    } catch (e) {
      expect(e).toBeInstanceOf(DexposureError)
      expect((e as DexposureError).code).toBe('BAD_INPUT')
      expect((e as DexposureError).message).toMatch(msg)
    }
  })
  it('selects nodes, unions terms once and refuses unknown ids', () => {
    const sel = selectShock(g, parseShockSpec('category:lending+top:2+nodes:C@0.5'))
    expect(sel.nodes.map((i) => g.nodeIds[i])).toEqual(['A', 'D', 'B', 'C'])
    expect(sel.warnings[0]).toMatch(/TVL 0/)
    expect(selectShock(g, parseShockSpec('top:1:exposure')).nodes).toEqual([0])
    expect(() => selectShock(g, parseShockSpec('nodes:A,Z'))).toThrow(/not in the graph: Z/)
  })
})

describe('monitor', () => {
  const week = (k: number) => new Date(Date.UTC(2024, 0, 1 + 7 * k)).toISOString().slice(0, 10)
  const series = (values: number[]): MonitorWeek[] =>
    values.map((x, k) => ({ week: week(k), values: { density: x } }))
  it('alerts when a value leaves its rolling band', () => {
    const v = Array.from({ length: 20 }, (_, k) => 0.01 + 0.0001 * (k % 3))
    v[15] = 0.02
    const a = monitor(series(v), { metrics: [{ key: 'density', transform: 'level', label: 'N3' }] })
    expect(a.map((x) => x.week)).toEqual([week(15)])
    expect(a[0].z!).toBeGreaterThan(2)
    expect(a[0].reason).toMatch(/N3 .* above its 15-week mean/)
  })
  it('evaluates lead time and precision against events', () => {
    const alerts = [week(3), week(10), week(12)].map((w) => ({
      week: w,
      kind: 'zscore' as const,
      metric: 'density',
      value: 1,
      mean: 0,
      std: 1,
      z: 3,
      reason: 'x',
    }))
    const ev = evaluateAlerts(alerts, { from: week(0), to: week(20) }, [
      { name: 'E', week: week(12) },
    ])
    // Window: weeks 4 … 14. The alert in week 3 is outside; the first inside is week 10.
    expect(ev.events[0].firstAlertWeek).toBe(week(10))
    expect(ev.events[0].leadWeeks).toBe(2)
    expect(ev.precision).toBeCloseTo(2 / 3, 15)
    expect(ev.recall).toBe(1)
  })
})

describe('error summary', () => {
  it('computes MAE, RMSE, relative error and correlation', () => {
    const e = errorSummary([
      [1, 2],
      [2, 4],
      [null, 5],
      [3, 6],
    ])
    expect(e.n).toBe(3)
    expect(e.mae).toBeCloseTo(2, 15)
    expect(e.rmse).toBeCloseTo(Math.sqrt((1 + 4 + 9) / 3), 15)
    expect(e.relativeError).toBeCloseTo(0.5, 15)
    expect(e.correlation).toBeCloseTo(1, 15)
  })
})
