// The forecast overlay builder: a stored forecast and a probability threshold → the graph overlay
// (edges that vanish, grow, shrink or persist; pairs predicted to appear; nodes by TVL change).
import { describe, expect, it } from 'vitest'
import type { GraphOverlay } from '../../../../src/renderer/src/views/graph/overlay'
import {
  buildForecastOverlay,
  prepareForecast,
  tvlBin,
  TVL_BINS,
  type ForecastColors,
  type ForecastData,
  type WeekEdges,
} from '../../../../src/renderer/src/views/forecast/overlay-builder'

const ids = ['a', 'b', 'c', 'd', 'e']
const [A, B, C, D] = [0, 1, 2, 3]
const colors: ForecastColors = {
  appear: '#9d2fd6',
  vanish: '#d73027',
  grew: '#2c7bb6',
  shrank: '#f28e2b',
  edge: '#6b7c93',
}

// week t: a→b, b→c, c→d and d→c, each $100 (e is in the universe but not in the week)
const week: WeekEdges = {
  edgeSource: Int32Array.of(A, B, C, D),
  edgeTarget: Int32Array.of(B, C, D, C),
  edgeWeight: Float64Array.of(100, 100, 100, 100),
}

// stored pairs, in descending probability as the frame sends them: a→b grows to $200 (p .9),
// d→c shrinks to $50 (p .7), a→c (p .6) and d→a (p .05) are new, b→c is about unchanged (p .3);
// c→d is not stored (p < 0.01). Ĝ keeps a→b, d→c, a→c.
function forecast(): ForecastData {
  return {
    week: '2025-05-26',
    horizon: 4,
    targetWeek: '2025-06-23',
    expectedEdges: 2.55,
    graphEdges: 3,
    nodes: Int32Array.of(A, B, C, D),
    // +50 %, −30 %, ±0, +3 %
    predictedLogChange: Float32Array.of(Math.log(1.5), Math.log(0.7), 0, Math.log(1.03)),
    pairSource: Int32Array.of(A, D, A, B, D),
    pairTarget: Int32Array.of(B, C, C, C, A),
    probability: Float32Array.of(0.9, 0.7, 0.6, 0.3, 0.05),
    predictedWeight: Float64Array.of(200, 50, 30, 104, 5),
    flags: Int32Array.of(1 | 2, 1 | 2, 2, 1, 0),
    newProbability: Float32Array.of(0.6, 0.05),
    cut: Math.fround(0.6),
  }
}

/** The same run as a frame asked with `topNew: 1`: d→a travels only as a probability. */
function topNewOnly(): ForecastData {
  const f = forecast()
  const k = [0, 1, 2, 3]
  return {
    ...f,
    pairSource: Int32Array.from(k, (i) => f.pairSource[i]),
    pairTarget: Int32Array.from(k, (i) => f.pairTarget[i]),
    probability: Float32Array.from(k, (i) => f.probability[i]),
    predictedWeight: Float64Array.from(k, (i) => f.predictedWeight[i]),
    flags: Int32Array.from(k, (i) => f.flags[i]),
  }
}

/** The colour the overlay gives the week's edge x→y (its last set that names it), if any. */
function colorOf(o: GraphOverlay, x: string, y: string): string | undefined {
  const [s, t] = [ids.indexOf(x), ids.indexOf(y)]
  let color: string | undefined
  for (const set of o.edgePairs ?? [])
    for (let k = 0; k < set.source.length; k++)
      if (set.source[k] === s && set.target[k] === t) color = set.color
  return color
}

/** The overlay's edges not in the week, as "xy". */
const extras = (o: GraphOverlay): string[] =>
  Array.from(o.extraPairs?.source ?? [], (s, k) => ids[s] + ids[o.extraPairs!.target[k]])

describe('forecast overlay builder', () => {
  const p = prepareForecast(forecast(), ids, week)

  it('takes the Ĝ(t+h) cut from the pairs in the predicted graph', () => {
    expect(p.cut).toBeCloseTo(0.6, 6)
    expect([...p.appearP].map((x) => +x.toFixed(2))).toEqual([0.6, 0.05])
  })

  it('at the Ĝ cut: colours vanishing and changing edges and draws the new pair', () => {
    const { overlay, counts } = buildForecastOverlay(p, p.cut, colors)
    expect(colorOf(overlay, 'a', 'b')).toBe(colors.grew)
    expect(colorOf(overlay, 'd', 'c')).toBe(colors.shrank)
    // b→c (p .3) and c→d (not stored) fall below the cut
    expect(colorOf(overlay, 'b', 'c')).toBe(colors.vanish)
    expect(colorOf(overlay, 'c', 'd')).toBe(colors.vanish)
    expect(extras(overlay)).toEqual(['ac'])
    expect(overlay.extraPairs).toMatchObject({ color: colors.appear, size: 1 })
    expect(overlay.extraPairs!.opacity[0]).toBeCloseTo(0.15 + 0.85 * 0.6, 6)
    expect(counts).toMatchObject({ appear: 1, vanish: 2, grew: 1, shrank: 1, steady: 0 })
    // the graph at the cut is Ĝ(t+h): a→b, d→c, a→c
    expect(counts.edgesAtThreshold).toBe(3)
    expect(overlay.title).toBe('Forecast h=4 → 2025-06-23 · p ≥ 0.60 · 3 edges (Σp 3 expected)')
  })

  it('at a low threshold: keeps the unchanged edge uncoloured and draws every new pair', () => {
    const { overlay, counts } = buildForecastOverlay(p, 0.01, colors)
    expect(colorOf(overlay, 'b', 'c')).toBeUndefined()
    expect(colorOf(overlay, 'c', 'd')).toBe(colors.vanish)
    expect(extras(overlay)).toEqual(['ac', 'da'])
    expect(counts).toMatchObject({ appear: 2, vanish: 1, grew: 1, shrank: 1, steady: 1 })
    expect(counts.edgesAtThreshold).toBe(5)
  })

  it('raising the threshold only removes edges (monotone counts)', () => {
    let last = Infinity
    for (const t of [0.01, 0.05, 0.2, 0.31, 0.6, 0.65, 0.8, 0.95]) {
      const { counts } = buildForecastOverlay(p, t, colors)
      expect(counts.edgesAtThreshold).toBeLessThanOrEqual(last)
      expect(counts.vanish + counts.grew + counts.shrank + counts.steady).toBe(4)
      last = counts.edgesAtThreshold
    }
    expect(last).toBe(0)
  })

  it('compares float32 probabilities with the decimal threshold as float32', () => {
    // 0.3 as float32 is 0.30000001…: a threshold typed as 0.3 must keep it
    const { counts } = buildForecastOverlay(p, 0.3, colors)
    expect(counts.vanish).toBe(1)
  })

  it('draws at most maxAppear new pairs, the most probable, and says so', () => {
    const { overlay, counts } = buildForecastOverlay(p, 0.01, colors, 1)
    expect(counts.appear).toBe(2)
    expect(counts.appearDrawn).toBe(1)
    expect(extras(overlay)).toEqual(['ac'])
    expect(overlay.legend[0].label).toContain('the 1 most probable drawn')
    expect(overlay.legend[0].count).toBe(2)
  })

  it('counts every new pair at any threshold from a frame that carries only the top ones', () => {
    const q = prepareForecast(topNewOnly(), ids, week)
    const { overlay, counts } = buildForecastOverlay(q, 0.01, colors)
    expect(counts).toMatchObject({ appear: 2, appearDrawn: 1, vanish: 1, steady: 1 })
    expect(extras(overlay)).toEqual(['ac'])
    expect(overlay.legend[0].label).toContain('the 1 most probable drawn')
    expect(buildForecastOverlay(q, 0.6, colors).counts.appear).toBe(1)
  })

  it('colours every node of t by its predicted TVL change, with a legend count per bin', () => {
    const { overlay } = buildForecastOverlay(p, 0.5, colors)
    expect([...overlay.nodeColors!.keys()].sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(tvlBin(Math.log(1.5))).toBe(TVL_BINS.length - 1)
    expect(tvlBin(Math.log(0.7))).toBe(0)
    expect(tvlBin(0)).toBe(3)
    expect(tvlBin(Math.log(1.03))).toBe(4)
    const nodeEntries = overlay.legend.filter((l) => l.label.startsWith('TVL'))
    expect(nodeEntries.map((l) => [l.label, l.count])).toEqual([
      ['TVL ≤ −20 %', 1],
      ['TVL ±1 %', 1],
      ['TVL +1 … +5 %', 1],
      ['TVL ≥ +20 %', 1],
    ])
    // gains and losses get different colours, each node its bin's
    expect(overlay.nodeColors!.get('a')).toBe(nodeEntries[3].color)
    expect(overlay.nodeColors!.get('b')).toBe(nodeEntries[0].color)
    expect(overlay.nodeColors!.get('a')).not.toBe(overlay.nodeColors!.get('b'))
  })

  it('legend counts of the edges add up to the week and the new pairs', () => {
    const { overlay, counts } = buildForecastOverlay(p, 0.2, colors)
    const edgeEntries = overlay.legend.filter((l) => !l.label.startsWith('TVL'))
    expect(edgeEntries.map((l) => l.count)).toEqual([
      counts.appear,
      counts.vanish,
      counts.grew,
      counts.shrank,
      counts.steady,
    ])
    expect(edgeEntries[0].label).toContain('not dashed')
  })
})
