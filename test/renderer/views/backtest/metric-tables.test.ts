// The backtest view's metric lookup: a `backtest --json` path (`paper.auprc`,
// `realistic.precision_at.1000`, `realistic.new_edges.auprc`) finds the scorer's value in a
// `backtest.result` response, an undefined metric (null) stays null, and the model row exists only
// when the run had a model.
import { describe, expect, it } from 'vitest'
import {
  CLI_COLUMNS,
  metricValue,
  NODE_COLUMNS,
  PAPER_COLUMNS,
  REALISTIC_COLUMNS,
  scorersOf,
} from '../../../../src/renderer/src/views/backtest/metric-tables'
import { BacktestResultSchema } from '../../../../src/shared/api'

const paper = (x: number) => ({
  auprc: x,
  auroc: x + 0.01,
  weight_mae: x + 0.02,
  weight_rmse: x + 0.03,
  weighted_mae: x + 0.04,
  node_mae: x + 0.05,
  node_rmse: null,
})
const core = (x: number) => ({
  auprc: x,
  ece: x / 10,
  precision_at: { '100': x + 0.1, '1000': x + 0.2, '10000': x + 0.3 },
  recall_at: { '100': x / 2, '1000': x / 3, '10000': x / 4 },
})
const realistic = (x: number) => ({ ...core(x), new_edges: core(x / 5) })

function result(withModel: boolean) {
  // parsed by the contract's schema, so the fixture has the shape the engine sends
  return BacktestResultSchema.parse({
    runId: 1,
    horizon: 1,
    model: withModel ? 'm' : null,
    modelDir: withModel ? '/m' : null,
    provider: withModel ? 'cpu' : null,
    firstWeek: '2025-07-28',
    lastWeek: '2025-08-11',
    anchors: 3,
    created: '2026-12-02T21:00:00.000Z',
    durationMs: 1,
    stale: false,
    params: {},
    weeks: ['2025-07-28', '2025-08-04', '2025-08-11'],
    paper: { model: withModel ? paper(0.9) : null, persistence: paper(0.5), edgebank: paper(0.7) },
    realistic: {
      model: withModel ? realistic(0.6) : null,
      persistence: realistic(0.3),
      edgebank: realistic(0.2),
    },
    edgebankWindows: {},
    historicalNegatives: {},
    candidateRecall: { generator: 'g', target: 0.99, mean: 1, min: 1, newEdgeMean: 1 },
    pairs: { paper: 6, paperPositives: 1, realistic: 10, realisticPositives: 1 },
    negRatio: 5,
    curves: {},
    synthetic: true,
  })
}

describe('backtest metric tables', () => {
  it('finds each column of each table by its --json path', () => {
    const r = result(true)
    expect(metricValue(r, 'model', 'paper.auprc')).toBe(0.9)
    expect(metricValue(r, 'persistence', 'paper.weighted_mae')).toBeCloseTo(0.54, 12)
    expect(metricValue(r, 'edgebank', 'realistic.precision_at.1000')).toBeCloseTo(0.4, 12)
    expect(metricValue(r, 'model', 'realistic.recall_at.10000')).toBeCloseTo(0.15, 12)
    expect(metricValue(r, 'model', 'realistic.new_edges.auprc')).toBeCloseTo(0.12, 12)
    expect(metricValue(r, 'model', 'paper.node_rmse')).toBeNull()
    for (const c of [...CLI_COLUMNS, ...PAPER_COLUMNS, ...REALISTIC_COLUMNS, ...NODE_COLUMNS])
      if (c.metric !== 'paper.node_rmse')
        expect(metricValue(r, 'persistence', c.metric), c.metric).not.toBeNull()
  })

  it('lists the model only when the run had one, in the CLI order', () => {
    expect(scorersOf(result(true))).toEqual(['model', 'persistence', 'edgebank'])
    expect(scorersOf(result(false))).toEqual(['persistence', 'edgebank'])
    expect(metricValue(result(false), 'model', 'paper.auprc')).toBeNull()
  })
})
