// The contract's risk, forecast, backtest and training calls (issue 11) on the small demo archive:
// every call's response passes its schema (EngineService.handle checks it), agrees with the engine
// code the CLI runs, and bad requests are USAGE naming the field; jobs report progress, store their
// results, refuse a second job of their kind (CONFLICT) and cancel.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { pairMemoryAt } from '../../src/engine/forecast/memory'
import { pairHistory, PAIR_HISTORY_FEATURES } from '../../src/engine/forecast/pair-history'
import { runForecast } from '../../src/engine/forecast/run'
import { alertsRun, riskRun, weekStats } from '../../src/engine/risk'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import type { CallResponse, EventPayload } from '../../src/shared/api'
import { DexposureError } from '../../src/shared/errors'
import { decodeFloat32, decodeFloat64, decodeInt32 } from '../../src/shared/packed'
import { carriersOfSteps } from '../../src/shared/risk/carriers'
import { STAT_KEYS } from '../../src/shared/risk/stats'

const dir = mkdtempSync(join(tmpdir(), 'dx-analysis-'))
let archive: Archive
let service: EngineService
const WEEK = '2022-05-09'
const FWEEK = '2025-06-02'
let done: Map<string, EventPayload<'job.done'>>
let progress: EventPayload<'job.progress'>[]

beforeAll(async () => {
  archive = Archive.open(join(dir, 'a.sqlite'))
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  await runForecast(archive, { week: FWEEK, horizon: 4, top: 0 })
  service = new EngineService(archive)
  done = new Map()
  progress = []
  service.on('job.done', (p) => {
    const d = p as EventPayload<'job.done'>
    done.set(d.id, d)
  })
  service.on('job.progress', (p) => progress.push(p as EventPayload<'job.progress'>))
}, 120_000)
afterAll(() => {
  service.close()
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const call = <K extends Parameters<typeof service.handle>[0]>(name: K, req: unknown) =>
  service.handle(name, req)
const rejection = async (p: Promise<unknown>): Promise<DexposureError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DexposureError)
  return e as DexposureError
}
/** The job.done of a job (events are collected from the start, so none is missed). */
const finished = async (id: string, timeoutMs = 120_000): Promise<EventPayload<'job.done'>> => {
  const t0 = Date.now()
  while (!done.has(id)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} did not finish`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return done.get(id)!
}

describe('week dashboard', () => {
  it('week.stats: the figures `stats --json` gives, stored, with deltas to the previous week', async () => {
    const first = (await call('week.stats', { week: WEEK })) as CallResponse<'week.stats'>
    expect(first.cached).toBe(false)
    const cli = weekStats(archive, WEEK)
    for (const k of STAT_KEYS) expect(first.values[k]).toBe(cli.values[k])
    expect(first.previousWeek).toBe(cli.previousWeek)
    expect(first.deltas).toEqual(cli.deltas)
    expect(Object.keys(first.values)).toEqual(STAT_KEYS)
    expect(first.definitions.map((d) => d.key)).toEqual(STAT_KEYS)
    expect(first.synthetic).toBe(true)
    const f = archive.loadWeek(WEEK)
    expect(first.largestExposure!.weight).toBe(Math.max(...f.edgeWeight))
    const again = (await call('week.stats', { week: WEEK })) as CallResponse<'week.stats'>
    expect(again.cached).toBe(true)
    expect(again.values).toEqual(first.values)
  })

  it('stats.series reports stored weeks only and fills the rest as one joined stats job', async () => {
    const before = (await call('stats.series', {
      metrics: ['tvl_hhi', 'density'],
    })) as CallResponse<'stats.series'>
    expect(before.weeks).toHaveLength(283)
    expect(before.missing).toBeGreaterThan(200)
    expect(before.jobId).toBeTypeOf('string')
    // a second request joins the running job instead of starting another
    const fill = (await call('stats.fill', {})) as CallResponse<'stats.fill'>
    expect(fill.jobId).toBe(before.jobId)
    const d = await finished(before.jobId!)
    expect(d.state).toBe('done')
    expect(progress.some((p) => p.id === before.jobId && p.kind === 'stats')).toBe(true)
    const after = (await call('stats.series', {})) as CallResponse<'stats.series'>
    expect(after).toMatchObject({ missing: 0, stored: 283, jobId: null })
    expect(Object.keys(after.metrics)).toEqual(STAT_KEYS)
    const at = after.weeks.indexOf(WEEK)
    const tvlHhi = decodeFloat64(after.metrics.tvl_hhi)
    expect(tvlHhi).toHaveLength(283)
    const w = (await call('week.stats', { week: WEEK })) as CallResponse<'week.stats'>
    expect(tvlHhi[at]).toBe(w.values.tvl_hhi)
    expect([...decodeInt32(after.present)].every((x) => x === 1)).toBe(true)
    expect(await call('stats.fill', {})).toEqual({ jobId: null, missing: 0 })
  })

  it('week.sis pages, sorts and filters the ranking with rank changes', async () => {
    const p = (await call('week.sis', { week: WEEK, limit: 10 })) as CallResponse<'week.sis'>
    expect(p.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(p.total).toBe(p.nodes)
    expect(p.previousWeek).toBe('2022-05-02')
    for (const r of p.rows)
      if (r.previousRank !== null) expect(r.rankChange).toBe(r.previousRank - r.rank)
    const w = p.weights
    const r0 = p.rows[0]
    expect(r0.score).toBeCloseTo(
      w.pagerank * r0.pagerankScaled + w.tail * r0.tail + w.tvl * r0.logTvlScaled,
      12,
    )
    const byTail = (await call('week.sis', {
      week: WEEK,
      sort: 'tail',
      order: 'asc',
      offset: 5,
      limit: 5,
    })) as CallResponse<'week.sis'>
    expect(byTail.offset).toBe(5)
    const tails = byTail.rows.map((r) => r.tail)
    expect(tails).toEqual([...tails].sort((a, b) => a - b))
    const moves = (await call('week.sis', {
      week: WEEK,
      sort: 'rankChange',
    })) as CallResponse<'week.sis'>
    expect(moves.rows[0].rankChange).toBe(
      Math.max(...moves.rows.map((r) => r.rankChange ?? -Infinity)),
    )
    const named = p.rows.find((r) => r.name)!
    const f = (await call('week.sis', {
      week: WEEK,
      filter: named.name!.toUpperCase(),
    })) as CallResponse<'week.sis'>
    expect(f.rows.map((r) => r.node)).toContain(named.node)
    expect(f.total).toBeLessThan(p.total)
    expect((await rejection(call('week.sis', { week: WEEK, sort: 'size' }))).message).toMatch(
      /sort/,
    )
    expect((await rejection(call('week.sis', { week: WEEK, limit: 5000 }))).message).toMatch(
      /limit/,
    )
  })

  it('week.spillover gives the matrix with totals and its HHI at both levels', async () => {
    for (const level of ['category', 'sector'] as const) {
      const s = (await call('week.spillover', {
        week: WEEK,
        level,
      })) as CallResponse<'week.spillover'>
      const k = s.labels.length
      const m = decodeFloat64(s.matrix)
      expect(m).toHaveLength(k * k)
      const sum = m.reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(s.total, 0)
      let trace = 0
      for (let i = 0; i < k; i++) trace += m[i * k + i]
      expect(s.crossTotal!).toBeCloseTo(s.total - trace, -1)
      let hhi = 0
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) if (i !== j) hhi += (m[i * k + j] / (s.total - trace)) ** 2
      expect(s.index!).toBeCloseTo(hhi, 9)
      expect(s.rowTotals.reduce((a, b) => a + b, 0)).toBeCloseTo(s.total, 0)
    }
    const bad = await rejection(call('week.spillover', { week: WEEK, level: 'chain' }))
    expect(bad.code).toBe('USAGE')
    expect(bad.message).toMatch(/level/)
  })

  it('alerts.list gives the alerts engine’s alerts, stored and read back', async () => {
    const q = { from: '2022-01-03', to: '2022-12-26' }
    const a = (await call('alerts.list', q)) as CallResponse<'alerts.list'>
    expect(a.state).toBe('ready')
    const cli = alertsRun(archive, q)
    expect(a.alerts).toEqual(
      cli.alerts.map((x) => ({
        ...x,
        value: x.value ?? null,
        mean: x.mean ?? null,
        std: x.std ?? null,
        z: x.z ?? null,
      })),
    )
    expect(a.alerts.length).toBeGreaterThan(10)
    expect(a.alerts.every((x) => x.week >= q.from && x.week <= q.to)).toBe(true)
    expect(a.evaluation!.events.map((e) => e.name).length).toBe(2)
    const again = (await call('alerts.list', q)) as CallResponse<'alerts.list'>
    expect(again.runId).toBe(cli.runId)
    expect(again.alerts).toEqual(a.alerts)
    expect(await rejection(call('alerts.list', { from: '2022-13-01' }))).toMatchObject({
      code: 'USAGE',
      location: { field: 'from' },
    })
  })
})

describe('scenario runs and playback', () => {
  let runId: number

  it('risk.run runs scenarios as a job and risk.result reads the stored run', async () => {
    const { jobId } = (await call('risk.run', {
      week: WEEK,
      scenarios: ['top5-protocols'],
      shocks: ['top:3:sis@40%'],
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const graphs = d.result!.graphs as { graph: string; contagionRunId: number }[]
    expect(graphs.map((g) => g.graph)).toEqual(['observed'])
    runId = graphs[0].contagionRunId
    const r = (await call('risk.result', { runId, top: 5 })) as NonNullable<
      CallResponse<'risk.result'>
    >
    expect(r.results.map((x) => `${x.scenario}/${x.method}`)).toEqual([
      'top5-protocols/reference',
      'top5-protocols/debtrank',
      'top5-protocols/eisenberg-noe',
      'custom/reference',
      'custom/debtrank',
      'custom/eisenberg-noe',
    ])
    const cli = riskRun(archive, WEEK, {
      scenarios: [
        {
          name: 'top5-protocols',
          spec: { terms: [{ kind: 'top', k: 5, by: 'tvl' }], fraction: 0.3 },
        },
      ],
      nodeLosses: false,
    })
    const same = cli.graphs[0].scenarios[0].results
    for (const [j, m] of same.entries()) {
      expect(r.results[j].totalLoss).toBe(m.totalLoss)
      expect(r.results[j].distressed).toBe(m.distressed)
      expect(r.results[j].lossPath).toEqual(m.path)
    }
    for (const x of r.results) {
      expect(x.topLosses.length).toBeLessThanOrEqual(5)
      const l = x.topLosses.map((t) => t.loss)
      expect(l).toEqual([...l].sort((a, b) => b - a))
    }
    const byWeek = (await call('risk.result', {
      week: WEEK,
      scenario: 'custom',
      method: 'debtrank',
    })) as NonNullable<CallResponse<'risk.result'>>
    expect(byWeek.results).toHaveLength(1)
    expect(byWeek.results[0]).toMatchObject({ scenario: 'custom', method: 'debtrank' })
    expect(await call('risk.result', { week: '2020-03-23', scenario: 'S9' })).toBeNull()
    const both = await rejection(call('risk.result', { runId, week: WEEK }))
    expect(both.message).toMatch(/runId: give exactly one of runId and week/)
  })

  it('risk.run without statistics stores the same scenario results and no stats run', async () => {
    const statsRuns = (): number =>
      (
        archive.db.prepare("SELECT count(*) AS n FROM risk_runs WHERE kind = 'stats'").get() as {
          n: number
        }
      ).n
    const before = statsRuns()
    const full = (await call('risk.result', { runId, top: 5 })) as NonNullable<
      CallResponse<'risk.result'>
    >
    const { jobId } = (await call('risk.run', {
      week: WEEK,
      scenarios: ['top5-protocols'],
      shocks: ['top:3:sis@40%'],
      stats: false,
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const [g] = d.result!.graphs as { statsRunId: number | null; contagionRunId: number }[]
    expect(g.statsRunId).toBeNull()
    expect(statsRuns()).toBe(before)
    const lean = (await call('risk.result', { runId: g.contagionRunId, top: 5 })) as NonNullable<
      CallResponse<'risk.result'>
    >
    // the SIS shock ranks by the same scores, computed without the statistics
    expect(lean.results.map((x) => [x.scenario, x.method, x.shocked, x.totalLoss])).toEqual(
      full.results.map((x) => [x.scenario, x.method, x.shocked, x.totalLoss]),
    )
    expect(lean.results).toHaveLength(6)
    // the same request replaced the stored run: the stories below read the new one
    runId = g.contagionRunId
  })

  it('risk.playback replays every step in universe indices, ending at the stored node losses', async () => {
    const view = service.layout.view()
    for (const method of ['reference', 'debtrank', 'eisenberg-noe'] as const) {
      const p = (await call('risk.playback', {
        runId,
        scenario: 'top5-protocols',
        method,
        edgeLoss: true,
      })) as CallResponse<'risk.playback'>
      expect(p.matchesStored).toBe(true)
      // without `edgeLoss` the same steps, without the per-carrier losses
      const lean = (await call('risk.playback', {
        runId,
        scenario: 'top5-protocols',
        method,
      })) as CallResponse<'risk.playback'>
      expect(lean.steps).toEqual(p.steps.map(({ edgeLoss: _, ...s }) => s))
      // carriers come as changes from the step before; rebuilt, each is an edge of the week
      const carriers = carriersOfSteps(
        p.steps.map((s) => ({
          source: decodeInt32(s.edgeSource),
          target: decodeInt32(s.edgeTarget),
          stopped: decodeInt32(s.edgeStopped),
        })),
      )
      const frame = (await call('week.frame', { week: WEEK })) as CallResponse<'week.frame'>
      const count = view.universe.ids.length
      const weekPairs = new Set<number>()
      const [fs, ft] = [decodeInt32(frame.edgeSource), decodeInt32(frame.edgeTarget)]
      fs.forEach((x, e) => weekPairs.add(x * count + ft[e]))
      expect(p.revision).toBe(view.revision)
      const stored = (await call('risk.result', {
        runId,
        scenario: 'top5-protocols',
        method,
        top: 200,
      })) as NonNullable<CallResponse<'risk.result'>>
      const res = stored.results[0]
      expect(p.steps.map((s) => s.round)).toEqual(res.lossPath.map((s) => s.round))
      const nodes = decodeInt32(p.nodes)
      expect(decodeFloat64(p.tvl)).toHaveLength(p.nodeCount)
      // apply the changes in order
      const loss = new Float64Array(p.nodeCount)
      const state = new Int32Array(p.nodeCount)
      let carried = 0
      for (const s of p.steps) {
        const ch = decodeInt32(s.changed)
        const nl = decodeFloat64(s.nodeLoss)
        const ns = decodeInt32(s.nodeState)
        ch.forEach((c, k) => {
          loss[c] = nl[k]
          state[c] = ns[k]
        })
        const c = carriers[p.steps.indexOf(s)]
        expect(decodeInt32(s.edgeTarget)).toHaveLength(decodeInt32(s.edgeSource).length)
        expect(decodeFloat64(s.edgeLoss!)).toHaveLength(c.source.length)
        c.source.forEach((x, j) => expect(weekPairs.has(x * count + c.target[j])).toBe(true))
        carried += c.source.length
        let total = 0
        for (const x of loss) total += x
        expect(total).toBeCloseTo(s.loss, -1)
      }
      // loss moved along edges exactly when the cascade added loss to the shock's
      const spread = res.lossPath.at(-1)!.loss > res.lossPath[0].loss * (1 + 1e-12)
      expect(carried > 0).toBe(spread)
      // the last step is the stored result: node by node
      const ids = view.universe.ids
      const final = new Map<string, number>()
      nodes.forEach((u, k) => loss[k] > 0 && final.set(ids[u], loss[k]))
      for (const t of res.topLosses) expect(final.get(t.node)).toBeCloseTo(t.loss, 3)
      expect(state.filter((x) => x > 0).length).toBe(res.distressed)
      const shocked = [...decodeInt32(p.shocked)].map((u) => ids[u])
      expect(shocked).toEqual(res.shocked.slice(0, shocked.length))
    }
    expect(
      (await rejection(call('risk.playback', { runId, scenario: 'S9', method: 'debtrank' }))).code,
    ).toBe('NOT_FOUND')
    expect(
      (await rejection(call('risk.playback', { runId, scenario: 'custom', method: 'linear' })))
        .message,
    ).toMatch(/method/)
  })

  it('risk.run on the forecast graph stores the comparison with the realised week', async () => {
    const { jobId } = (await call('risk.run', {
      week: FWEEK,
      graph: { forecast: 4 },
      scenarios: ['S1'],
      methods: ['reference'],
    })) as { jobId: string }
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    expect((d.result!.graphs as { graph: string }[]).map((g) => g.graph)).toEqual([
      'observed',
      'forecast',
      'realised',
    ])
    const c = (await call('risk.comparison', { week: FWEEK, horizon: 4 })) as NonNullable<
      CallResponse<'risk.comparison'>
    >
    expect(c.rows.find((r) => r.item === 'loss_pct:S1:reference')).toBeDefined()
    expect(c.rows.every((r) => r.forecast !== undefined && r.persistence !== undefined)).toBe(true)
    const fg = (d.result!.graphs as { graph: string; contagionRunId: number }[])[1]
    const p = (await call('risk.playback', {
      runId: fg.contagionRunId,
      scenario: 'S1',
      method: 'reference',
    })) as CallResponse<'risk.playback'>
    expect(p).toMatchObject({ graph: 'forecast', matchesStored: true, targetWeek: '2025-06-30' })
    // no forecast for h = 8: refused when asked, not in the job
    expect((await rejection(call('risk.run', { week: FWEEK, graph: { forecast: 8 } }))).code).toBe(
      'NOT_FOUND',
    )
    expect(await call('risk.comparison', { week: FWEEK, horizon: 8 })).toBeNull()
  })

  it('refuses bad scenario requests, naming the field', async () => {
    const m = await rejection(call('risk.run', { week: WEEK, methods: ['cascade'] }))
    expect(m.code).toBe('USAGE')
    expect(m.message).toMatch(/methods\.0/)
    const s = await rejection(call('risk.run', { week: WEEK, scenarios: ['S9'] }))
    expect(s).toMatchObject({ code: 'USAGE', location: { field: 'scenario' } })
    const spec = await rejection(call('risk.run', { week: WEEK, shocks: ['top:x'] }))
    expect(spec).toMatchObject({ code: 'BAD_INPUT', location: { field: 'shocks.0' } })
    const t = await rejection(call('risk.run', { week: WEEK, threshold: 2 }))
    expect(t.message).toMatch(/threshold/)
    expect((await rejection(call('risk.run', { week: '2031-01-06' }))).code).toBe('NOT_FOUND')
  })
})

describe('stress under forecast uncertainty (contract)', () => {
  it('risk.stress runs as a job, refuses a second one, and stores its report', async () => {
    const { jobId } = (await call('risk.stress', {
      week: FWEEK,
      horizon: 4,
      draws: 30,
      seed: 5,
      scenarios: ['top5-protocols'],
      methods: ['reference', 'eisenberg-noe'],
    })) as { jobId: string }
    const second = await rejection(
      call('risk.stress', { week: FWEEK, horizon: 4, scenarios: ['S1'] }),
    )
    expect(second.code).toBe('CONFLICT')
    expect(second.message).toContain(`job ${jobId}`)
    const d = await finished(jobId)
    expect(d.state).toBe('done')
    const r = (await call('risk.stress.result', { runId: d.result!.runId })) as NonNullable<
      CallResponse<'risk.stress.result'>
    >
    expect(r).toMatchObject({ draws: 30, seed: 5, week: FWEEK, horizon: 4 })
    expect(r.scenarios[0].results.map((x) => x.method)).toEqual(['reference', 'eisenberg-noe'])
    expect(r.weightSigma).toBeGreaterThan(0)
    expect(r.weightSigmaSource).toMatch(/validation weight MAE/)
    expect(progress.some((p) => p.id === jobId && p.message === 'draws')).toBe(true)
    const latest = (await call('risk.stress.result', { week: FWEEK, horizon: 4 })) as NonNullable<
      CallResponse<'risk.stress.result'>
    >
    expect(latest.runId).toBe(r.runId)
    expect(await call('risk.stress.result', { week: FWEEK, horizon: 12 })).toBeNull()
    expect((await rejection(call('risk.stress.result', { week: FWEEK }))).message).toMatch(
      /runId: give runId, or week and horizon/,
    )
  })

  it('cancels a stress run', async () => {
    const { jobId } = (await call('risk.stress', {
      week: FWEEK,
      horizon: 4,
      draws: 5000,
    })) as { jobId: string }
    while (!progress.some((p) => p.id === jobId)) await new Promise((r) => setTimeout(r, 10))
    expect(await call('jobs.cancel', { id: jobId })).toEqual({ ok: true })
    const d = await finished(jobId)
    expect(d.state).toBe('cancelled')
    expect(d.error?.code).toBe('CANCELLED')
    expect(
      (await rejection(call('risk.stress', { week: FWEEK, horizon: 4, draws: 0 }))).message,
    ).toMatch(/draws/)
  })
})

describe('forecast views', () => {
  it('forecast.edges pages all pairs, new ones, weight changes and vanishing edges', async () => {
    const all = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      limit: 50,
    })) as CallResponse<'forecast.edges'>
    const stored = archive.db
      .prepare(
        'SELECT count(*) AS c FROM forecast_edges WHERE run_id = (SELECT max(run_id) FROM forecast_runs WHERE week = ? AND horizon = 4)',
      )
      .get(FWEEK) as { c: number }
    expect(all.total).toBe(stored.c)
    expect(all.rows).toHaveLength(50)
    const ps = all.rows.map((r) => r.probability!)
    expect(ps).toEqual([...ps].sort((a, b) => b - a))
    const fresh = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      kind: 'new',
      limit: 20,
    })) as CallResponse<'forecast.edges'>
    expect(fresh.rows.every((r) => !r.existsAtT && r.weightAtT === null)).toBe(true)
    const changes = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      kind: 'changes',
      limit: 20,
    })) as CallResponse<'forecast.edges'>
    const c = changes.rows.map((r) => Math.abs(r.logChange!))
    expect(c).toEqual([...c].sort((a, b) => b - a))
    expect(changes.rows.every((r) => r.existsAtT && r.inGraph)).toBe(true)
    const gone = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      kind: 'vanishing',
      limit: 1000,
    })) as CallResponse<'forecast.edges'>
    expect(gone.rows.every((r) => r.existsAtT && !r.inGraph)).toBe(true)
    // an edge of t is either in Ĝ (kept or changed) or vanishing
    const frame = archive.loadWeek(FWEEK)
    const kept = archive.db
      .prepare(
        'SELECT count(*) AS c FROM forecast_edges WHERE run_id = ? AND exists_at_t = 1 AND in_graph = 1',
      )
      .get(all.runId) as { c: number }
    expect(gone.total + kept.c).toBe(frame.edgeSrc.length)
    const node = all.rows[0].source
    const one = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      node,
      limit: 1000,
    })) as CallResponse<'forecast.edges'>
    expect(one.rows.every((r) => r.source === node || r.target === node)).toBe(true)
    expect(
      (await rejection(call('forecast.edges', { week: FWEEK, horizon: 4, kind: 'gone' }))).message,
    ).toMatch(/kind/)
    expect((await rejection(call('forecast.edges', { week: FWEEK, horizon: 8 }))).code).toBe(
      'NOT_FOUND',
    )
  })

  it('forecast.nodes and forecast.frame give the node predictions and the whole run, packed', async () => {
    const nodes = (await call('forecast.nodes', {
      week: FWEEK,
      horizon: 4,
      sort: 'change',
      limit: 10,
    })) as CallResponse<'forecast.nodes'>
    const ch = nodes.rows.map((r) => r.predictedLogChange)
    expect(ch).toEqual([...ch].sort((a, b) => b - a))
    expect(nodes.total).toBe(archive.loadWeek(FWEEK).nodeIds.length)
    const f = (await call('forecast.frame', {
      week: FWEEK,
      horizon: 4,
      minProbability: 0.05,
    })) as CallResponse<'forecast.frame'>
    expect(decodeInt32(f.nodes)).toHaveLength(f.nodeCount)
    const p = decodeFloat32(f.probability)
    expect(p).toHaveLength(f.pairCount)
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0.05 - 1e-7)
    const flags = decodeInt32(f.flags)
    expect(flags.filter((x) => x & 2).length).toBe(f.graphEdges)
    const ids = service.layout.view().universe.ids
    const src = decodeInt32(f.pairSource)
    const top = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      limit: 1,
    })) as CallResponse<'forecast.edges'>
    expect(ids[src[0]]).toBe(top.rows[0].source)
    // pairs in descending probability; the new pairs' probabilities all travel in newProbability
    expect([...p]).toEqual([...p].sort((a, b) => b - a))
    const isNew = [...flags].map((x) => !(x & 1))
    expect([...decodeFloat32(f.newProbability)]).toEqual([...p].filter((_, k) => isNew[k]))
    expect(f.newCount).toBe(isNew.filter(Boolean).length)
    // the Ĝ cut is the smallest p in Ĝ, whatever minProbability leaves out
    const all = (await call('forecast.frame', {
      week: FWEEK,
      horizon: 4,
    })) as CallResponse<'forecast.frame'>
    const pAll = decodeFloat32(all.probability)
    const inG = [...decodeInt32(all.flags)].map((x) => (x & 2) !== 0)
    expect(f.cut).toBe(all.cut)
    expect(Math.fround(all.cut)).toBe(Math.min(...pAll.filter((_, k) => inG[k])))
  })

  it('forecast.frame with topNew carries every edge of t and only the most probable new pairs', async () => {
    const all = (await call('forecast.frame', {
      week: FWEEK,
      horizon: 4,
    })) as CallResponse<'forecast.frame'>
    const top = (await call('forecast.frame', {
      week: FWEEK,
      horizon: 4,
      topNew: 5,
    })) as CallResponse<'forecast.frame'>
    const rows = (f: CallResponse<'forecast.frame'>) => {
      const [s, t, p, w, g] = [
        decodeInt32(f.pairSource),
        decodeInt32(f.pairTarget),
        decodeFloat32(f.probability),
        decodeFloat64(f.predictedWeight),
        decodeInt32(f.flags),
      ]
      return [...s].map((_, k) => ({ s: s[k], t: t[k], p: p[k], w: w[k], g: g[k] }))
    }
    const full = rows(all)
    const fresh = full.filter((r) => !(r.g & 1))
    expect(fresh.length).toBeGreaterThan(5)
    expect(rows(top)).toEqual(full.filter((r) => r.g & 1 || fresh.indexOf(r) < 5))
    expect(top.pairCount).toBe(full.length - fresh.length + 5)
    expect(top.newCount).toBe(all.newCount)
    expect(top.newProbability).toBe(all.newProbability)
    expect(top.cut).toBe(all.cut)
  })

  it('forecast.explain gives the pair-history features the model saw', async () => {
    const top = (await call('forecast.edges', {
      week: FWEEK,
      horizon: 4,
      limit: 1,
    })) as CallResponse<'forecast.edges'>
    const { source, target } = top.rows[0]
    const x = (await call('forecast.explain', {
      week: FWEEK,
      horizon: 4,
      source,
      target,
    })) as CallResponse<'forecast.explain'>
    const frame = archive.loadWeek(FWEEK)
    const { memory, position } = pairMemoryAt(archive, FWEEK, frame.nodeIds)
    const direct = pairHistory(
      { week: position, n: frame.nodeIds.length, memory },
      Int32Array.of(frame.nodeIds.indexOf(source)),
      Int32Array.of(frame.nodeIds.indexOf(target)),
      PAIR_HISTORY_FEATURES,
    )
    expect(x.features.map((f) => f.value)).toEqual([...direct])
    expect(x.features.filter((f) => f.used).length).toBe(10)
    expect(x.head).toBe(x.features.find((f) => f.name === 'seen_before')!.value ? 'pair' : x.head)
    expect(x.stored!.probability).toBe(top.rows[0].probability)
    const missing = await rejection(
      call('forecast.explain', { week: FWEEK, horizon: 4, source, target: 'no-such-node' }),
    )
    expect(missing).toMatchObject({ code: 'NOT_FOUND', location: { field: 'target' } })
    expect(
      (await rejection(call('forecast.explain', { week: FWEEK, horizon: 4, source }))).message,
    ).toMatch(/target/)
  })
})

describe('backtests and training (contract)', () => {
  it('backtest.run stores a backtest; backtest.result gives its tables and curves', async () => {
    const { jobId } = (await call('backtest.run', {
      horizon: 1,
      from: '2025-01-06',
      to: '2025-01-20',
    })) as { jobId: string }
    const second = await rejection(call('backtest.run', { horizon: 4, model: null }))
    expect(second.code).toBe('CONFLICT')
    const d = await finished(jobId)
    expect(d.state, d.message ?? '').toBe('done')
    const r = (await call('backtest.result', { runId: d.result!.runId })) as NonNullable<
      CallResponse<'backtest.result'>
    >
    expect(r.weeks).toEqual(['2025-01-06', '2025-01-13', '2025-01-20'])
    expect(r.stale).toBe(false)
    expect(r.paper.model!.auprc).toBeGreaterThan(r.paper.persistence.auprc!)
    expect(r.realistic.model!.ece).toBeLessThan(0.05)
    expect(Object.keys(r.curves)).toContain('model')
    const rec = decodeFloat64(r.curves.model.prRecall)
    expect(decodeFloat64(r.curves.model.prPrecision)).toHaveLength(rec.length)
    expect(rec.length).toBeGreaterThan(10)
    expect(rec.length).toBeLessThanOrEqual(1001)
    expect(r.curves.model.reliability).toHaveLength(15)
    const list = (await call('backtest.list', { horizon: 1 })) as CallResponse<'backtest.list'>
    expect(list[0].runId).toBe(r.runId)
    expect(((await call('backtest.result', { horizon: 1 })) as { runId: number }).runId).toBe(
      r.runId,
    )
    expect(await call('backtest.result', { horizon: 12 })).toBeNull()
    // a stored backtest gives the stress runs of that model their weight spread
    const s = (await call('risk.stress', {
      week: FWEEK,
      horizon: 4,
      draws: 2,
      scenarios: ['S1'],
      methods: ['reference'],
    })) as { jobId: string }
    expect((await finished(s.jobId)).state).toBe('done')
  })

  it('refuses bad backtest and training requests at once', async () => {
    const m = await rejection(call('backtest.run', { horizon: 1, model: join(dir, 'nope') }))
    expect(m.code).toBe('NOT_FOUND')
    expect((await rejection(call('backtest.run', { horizon: 0 }))).message).toMatch(/horizon/)
    expect(await rejection(call('backtest.run', { horizon: 1, from: '2025-01-07' }))).toMatchObject(
      {
        code: 'USAGE',
        location: { field: 'from' },
      },
    )
    const split = await rejection(call('train.run', { horizon: 1, split: 'random' }))
    expect(split.message).toMatch(/split/)
    const until = await rejection(call('train.run', { horizon: 1, until: '2031-01-06' }))
    expect(until.code).toBe('USAGE')
  })

  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, sklearn']).status === 0
  it.skipIf(!torch)('train.run runs the trainer as a job and cancel stops Python', async () => {
    const { jobId } = (await call('train.run', { horizon: 1, epochs: 1 })) as { jobId: string }
    expect((await rejection(call('train.run', { horizon: 4 }))).code).toBe('CONFLICT')
    // cancel once train.py itself has logged (its lines arrive as progress messages)
    while (!progress.some((p) => p.id === jobId && p.message?.startsWith('train:')))
      await new Promise((r) => setTimeout(r, 20))
    expect(await call('jobs.cancel', { id: jobId })).toEqual({ ok: true })
    const d = await finished(jobId, 30_000)
    expect(d.state).toBe('cancelled')
    // the job ends once the child has exited: no train.py on this archive is left
    expect(spawnSync('pgrep', ['-f', `train.py --archive ${archive.file}`]).status).toBe(1)
    // nothing of a half-trained model is picked up
    const models = (await call('models.list', {})) as CallResponse<'models.list'>
    expect(models.filter((x) => x.source === 'archive')).toEqual([])
  })
})
