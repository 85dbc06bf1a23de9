// A small universe and week for the graph view's pure modules: five nodes, one absent this week.
import type { Universe, WeekData } from '../../../../src/renderer/src/views/graph/filters'

export function smallUniverse(): Universe {
  return {
    count: 5,
    ids: ['A', 'B', 'C', 'D', 'T'],
    names: ['Aave', 'Binance', 'Curve', 'Dormant', null],
    categories: ['Lending', 'CEX', 'Dexes', 'Unknown'],
    category: Int32Array.from([0, 1, 2, 0, 3]),
    sectors: ['Lending & Credit', 'Trading & Exchanges', 'Unknown'],
    sector: Int32Array.from([0, 1, 1, 0, 2]),
    kind: Int32Array.from([0, 0, 0, 0, 1]),
    x: Float32Array.from([0, 1, 2, 3, 4]),
    y: Float32Array.from([0, 1, 0, 1, 0]),
    maxSize: Float64Array.from([1e9, 5e9, 2e8, 1e6, 3e9]),
  }
}

/** A → B (1e6), B → C (1e8), C → A (1e3), A → T (5e7); D is not in the week. */
export function smallWeek(): WeekData {
  return {
    week: '2024-01-01',
    nodes: Int32Array.from([0, 1, 2, 4]),
    size: Float64Array.from([1e9, 5e9, 2e8, 3e9]),
    tvlChange: Float32Array.from([0.2, -0.3, 0, 0.01]),
    edgeSource: Int32Array.from([0, 1, 2, 0]),
    edgeTarget: Int32Array.from([1, 2, 0, 4]),
    edgeWeight: Float64Array.from([1e6, 1e8, 1e3, 5e7]),
  }
}
