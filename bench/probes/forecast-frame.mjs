// A probe of the stored forecast's first read (BENCHMARKS.md, forecast overlay): a server on a copy
// of ARCHIVE, a forecast of its largest week stored through the API, then `forecast.frame` called
// four times as the overlay asks it (`topNew` 25,000) — the first pays the engine's read of the
// run, the others its cache.
//   node bench/probes/forecast-frame.mjs [ARCHIVE] [HORIZON]
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import * as ui from '../ui-harness.mjs'

const archive = process.argv[2] ?? 'bench/data/real-scale.sqlite'
const horizon = Number(process.argv[3] ?? 4)
const work = ui.tempDir('forecast-frame')
const copy = ui.copyArchive(ui.requireArchive(archive), work)
const server = await ui.startServer({ archive: copy.path, userDir: join(work, 'user') })
try {
  const weeks = await server.call('weeks.list')
  const week = weeks.reduce((a, b) => (b.edges > a.edges ? b : a)).week
  // the universe is loaded first, as the graph view does (the frame is over it)
  await server.call('graph.universe', { wait: true })
  const t0 = Date.now()
  await server.call('forecast.run', { week, horizon })
  let run = null
  while (!(run = await server.call('forecast.latest', { week, horizon })))
    await new Promise((r) => setTimeout(r, 250))
  console.log(
    `forecast of ${week}, h = ${horizon}, stored as run ${run.run_id} in ${Date.now() - t0} ms`,
  )
  for (let i = 0; i < 4; i++) {
    const t = performance.now()
    const f = await server.call('forecast.frame', {
      week,
      horizon,
      runId: run.run_id,
      topNew: 25_000,
    })
    const ms = performance.now() - t
    const chars = JSON.stringify(f).length
    console.log(`forecast.frame ${ms.toFixed(0)} ms, ${(chars / 1e6).toFixed(1)} MB of JSON`)
  }
} finally {
  await server.stop()
  rmSync(work, { recursive: true, force: true })
}
