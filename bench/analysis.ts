// Times the contract's risk, forecast and backtest calls (issue 11) through EngineService.handle,
// on a copy of an archive: each read cold (computing what is missing) and warm (stored), each job
// from its call to its job.done. Bundled and run by bench/analysis.mjs; prints JSON.
// Usage: node .tmp/bench/analysis.mjs ARCHIVE WEEK FORECAST_WEEK
import { EngineService } from '../src/engine/service'
import { Archive } from '../src/engine/store/archive'
import type { EventPayload } from '../src/shared/api'

const [file, week, fweek, , drawsArg] = process.argv.slice(2)
const draws = Number(drawsArg || 200)
const archive = Archive.open(file)
const service = new EngineService(archive)
const done = new Map<string, EventPayload<'job.done'>>()
service.on('job.done', (p) => {
  const d = p as EventPayload<'job.done'>
  done.set(d.id, d)
})

const timings: Record<string, number> = {}
async function time<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const v = await f()
  timings[name] = Math.round((performance.now() - t0) * 10) / 10
  return v
}
const call = (name: string, req: unknown) => service.handle(name, req)
async function job(name: string, req: unknown): Promise<EventPayload<'job.done'>> {
  const { jobId } = (await call(name, req)) as { jobId: string }
  while (!done.has(jobId)) await new Promise((r) => setTimeout(r, 5))
  const d = done.get(jobId)!
  if (d.state !== 'done') throw new Error(`${name}: ${d.state} ${d.message}`)
  return d
}

await time('week.stats (cold: computes the week and the previous one)', () =>
  call('week.stats', { week }),
)
await time('week.stats (stored)', () => call('week.stats', { week }))
await time('stats.fill job (every week without statistics)', async () => {
  const r = (await call('stats.fill', {})) as { jobId: string | null }
  if (r.jobId) while (!done.has(r.jobId)) await new Promise((x) => setTimeout(x, 5))
})
await time('stats.series (every metric, every week)', () => call('stats.series', {}))
await time('week.sis (page of 100)', () => call('week.sis', { week }))
await time('week.sis (sorted by rank change, filtered)', () =>
  call('week.sis', { week, sort: 'rankChange', filter: 'a' }),
)
await time('week.spillover (category)', () => call('week.spillover', { week, level: 'category' }))
await time('alerts.list (cold: monitor + store)', () => call('alerts.list', {}))
await time('alerts.list (stored)', () => call('alerts.list', {}))
const risk = await time('risk.run job (top5-protocols, three methods)', () =>
  job('risk.run', { week, scenarios: ['top5-protocols'] }),
)
const runId = (risk.result!.graphs as { contagionRunId: number }[])[0].contagionRunId
await time('risk.run job (eight scenarios, three methods)', () => job('risk.run', { week }))
await time('risk.result (one run, top 20 losses)', () => call('risk.result', { runId }))
await time('risk.result (again)', () => call('risk.result', { runId }))
service.layout.view() // the universe, built once per revision (graph.universe does it first)
for (const method of ['reference', 'debtrank', 'eisenberg-noe'])
  await time(`risk.playback (${method})`, () =>
    call('risk.playback', { runId, scenario: 'top5-protocols', method }),
  )
if (!(await call('forecast.latest', { week: fweek, horizon: 4 })))
  await time('forecast.run job (h=4)', () => job('forecast.run', { week: fweek, horizon: 4 }))
await time(`risk.stress job (${draws} draws, 8 scenarios × 3 methods)`, () =>
  job('risk.stress', { week: fweek, horizon: 4, draws }),
)
await time(`risk.stress job (${draws} draws, top5-protocols × 3 methods)`, () =>
  job('risk.stress', { week: fweek, horizon: 4, draws, scenarios: ['top5-protocols'] }),
)
await time('risk.stress.result', () => call('risk.stress.result', { week: fweek, horizon: 4 }))
await time('forecast.edges (cold: loads the run)', () =>
  call('forecast.edges', { week: fweek, horizon: 4, kind: 'new' }),
)
await time('forecast.edges (vanishing)', () =>
  call('forecast.edges', { week: fweek, horizon: 4, kind: 'vanishing' }),
)
await time('forecast.nodes', () => call('forecast.nodes', { week: fweek, horizon: 4 }))
await time('forecast.frame (every stored pair)', () =>
  call('forecast.frame', { week: fweek, horizon: 4 }),
)
const top = (await call('forecast.edges', { week: fweek, horizon: 4, limit: 1 })) as {
  rows: { source: string; target: string }[]
}
await time('forecast.explain', () =>
  call('forecast.explain', { week: fweek, horizon: 4, ...top.rows[0] }),
)
const bt = process.argv[5]
if (bt) {
  const [from, to] = bt.split(':')
  const r = await time(`backtest.run job (h=1, ${from} … ${to})`, () =>
    job('backtest.run', { horizon: 1, from, to }),
  )
  await time('backtest.result', () => call('backtest.result', { runId: r.result!.runId }))
}
service.close()
archive.close()
console.log(JSON.stringify(timings, null, 2))
