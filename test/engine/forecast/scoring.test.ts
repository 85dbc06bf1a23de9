// Which head serves a pair, on a real demo archive and the shipped h=1 model: the pair head every
// pair with history in either direction, the fresh head the rest; a forecast's sum over all pairs
// (fresh pairs in blocks) equals the sum of the same pairs scored one by one, and its predicted
// graph is their top round(Σp); the model's top fresh
// pairs are the most probable ones by brute force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pairMemoryAt } from '../../../src/engine/forecast/memory'
import { ForecastModel, type Encoded } from '../../../src/engine/forecast/model'
import { runBacktest } from '../../../src/engine/forecast/backtest'
import { runForecast } from '../../../src/engine/forecast/run'
import { existenceOf, freshProbability, topFreshPairs } from '../../../src/engine/forecast/scoring'
import { knownPairs } from '../../../src/engine/forecast/pair-history'
import { Archive } from '../../../src/engine/store/archive'
import { withDemoArchive } from '../../cli/run-cli'

let file = ''
withDemoArchive('dx-scoring-', (_, a) => (file = a))

const WEEK = '2025-03-03'
let archive: Archive
let model: ForecastModel
let enc: Encoded
let ctx: { week: number; n: number; memory: ReturnType<typeof pairMemoryAt>['memory'] }
let src: Int32Array
let dst: Int32Array

beforeAll(async () => {
  archive = Archive.open(file)
  model = await ForecastModel.load('resources/models/h1')
  const frame = archive.loadWeek(WEEK)
  const { memory, position } = pairMemoryAt(archive, WEEK, frame.nodeIds)
  ctx = { week: position, n: frame.nodeIds.length, memory }
  enc = await model.encode(frame)
  const n = ctx.n
  src = new Int32Array(n * (n - 1))
  dst = new Int32Array(n * (n - 1))
  let k = 0
  for (let u = 0; u < n; u++)
    for (let v = 0; v < n; v++)
      if (u !== v) {
        src[k] = u
        dst[k++] = v
      }
})
afterAll(async () => {
  await model?.release()
  archive?.close()
})

describe('scoring: pair head for pairs with history, fresh head for the rest', () => {
  it('routes each pair to its head', async () => {
    const known = knownPairs(ctx)
    expect(known.size).toBeGreaterThan(ctx.memory.size) // the reverses count too
    const prob = await existenceOf(model, enc, ctx, src, dst)
    let fresh = 0
    for (let i = 0; i < src.length; i++) {
      const key = src[i] * ctx.n + dst[i]
      const reverse = dst[i] * ctx.n + src[i]
      expect(known.has(key)).toBe(ctx.memory.has(key) || ctx.memory.has(reverse))
      if (!known.has(key) && fresh++ < 500)
        expect(prob[i]).toBeCloseTo(freshProbability(enc.fresh!, src[i], dst[i]), 12)
    }
    expect(fresh).toBeGreaterThan(0.8 * src.length)
  })

  it('a forecast sums every pair exactly: fresh pairs in blocks agree with pairs one by one', async () => {
    const prob = await existenceOf(model, enc, ctx, src, dst)
    const sum = prob.reduce((a, b) => a + b, 0)
    const run = await runForecast(archive, {
      week: WEEK,
      horizon: 1,
      modelDir: 'resources/models/h1',
      recalibrate: false, // the model's own probabilities, pair by pair
    })
    expect(run.exhaustive).toBe(true)
    expect(run.pairs_scored).toBe(src.length)
    expect(run.non_candidate_probability).toBeNull()
    expect(Math.abs(run.expected_edges - sum) / sum).toBeLessThan(1e-5)
    // Ĝ is the round(Σp) most probable pairs of the one-by-one ranking (up to float ties at the cut)
    const ids = archive.loadWeek(WEEK).nodeIds
    const inGraph = new Set(
      (
        archive.db
          .prepare('SELECT source, target FROM forecast_edges WHERE run_id = ? AND in_graph = 1')
          .all(run.run_id) as { source: string; target: string }[]
      ).map((e) => `${e.source}>${e.target}`),
    )
    expect(inGraph.size).toBe(run.graph_edges)
    const order = [...prob.keys()].sort((a, b) => prob[b] - prob[a])
    const cut = prob[order[run.graph_edges - 1]]
    expect(run.graph_edges).toBeGreaterThan(0)
    for (const i of order.slice(0, run.graph_edges + 200)) {
      const member = inGraph.has(`${ids[src[i]]}>${ids[dst[i]]}`)
      if (prob[i] > cut * (1 + 1e-5)) expect(member).toBe(true)
      else if (prob[i] < cut * (1 - 1e-5)) expect(member).toBe(false)
    }
  })

  it('the top fresh pairs are the most probable fresh pairs', async () => {
    const known = knownPairs(ctx)
    const n = ctx.n
    // the same float32 probabilities the ranking reads
    const block = await model.freshBlock(
      enc,
      Int32Array.from({ length: n }, (_, u) => u),
    )
    const fresh: { key: number; p: number }[] = []
    for (let key = 0; key < n * n; key++)
      if (Math.floor(key / n) !== key % n && !known.has(key)) fresh.push({ key, p: block[key] })
    fresh.sort((a, b) => b.p - a.p)
    const budget = 2000
    const top = await topFreshPairs(model, enc, ctx, budget)
    // whole buckets of nearly equal probability: never more than the budget, a little less at most
    expect(top.size).toBeLessThanOrEqual(budget)
    expect(top.size).toBeGreaterThan(budget / 2)
    for (let i = 0; i < top.size; i++) expect(top.has(fresh[i].key)).toBe(true)
    // no fresh pair left out is more probable than one taken (the brute-force ranking, not the
    // ranking compared with itself)
    const probability = new Map(fresh.map((f) => [f.key, f.p]))
    const leastTaken = [...top].reduce((m, k) => Math.min(m, probability.get(k) ?? NaN), Infinity)
    const mostLeft = fresh.reduce((m, f) => (top.has(f.key) ? m : Math.max(m, f.p)), -Infinity)
    expect(Number.isFinite(leastTaken) && Number.isFinite(mostLeft)).toBe(true)
    expect(leastTaken).toBeGreaterThanOrEqual(mostLeft)
  })

  it("a backtest's candidate set is the known pairs plus the model's most probable fresh pairs", async () => {
    const opts = { horizon: 1, model, from: '2025-03-03', to: '2025-03-10' }
    const cand = await runBacktest(archive, { ...opts, realistic: 'candidates' })
    const exact = await runBacktest(archive, { ...opts, realistic: 'exact' })
    expect(cand.candidate_recall.generator).toMatch(/most probable fresh pairs/)
    // a small week has fewer fresh pairs than the budget: every pair is a candidate, so the
    // candidates mode scores what the exact mode scores, and recall is 1
    expect(cand.realistic_weeks).toHaveLength(2)
    expect(cand.candidate_recall.weeks).toHaveLength(2)
    for (const w of cand.realistic_weeks) expect(w.scored).toBe(w.pairs)
    for (const r of cand.candidate_recall.weeks) expect(r.recall).toBe(1)
    expect(cand.protocols.realistic.model!.auprc).toBeCloseTo(
      exact.protocols.realistic.model!.auprc,
      12,
    )
  })
})
