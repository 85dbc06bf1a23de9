// The query console's UI targets (issue 12), in headless Chromium against browser mode on the
// real-scale archive:
//   1. first result in the UI ≤ 100 ms after the engine answers: the console marks the moment the
//      query.run call resolves and the first frame with the result drawn (performance marks,
//      window.__console[id].lastShowMs), for a top-20 query, a 10,000-row page and a 100,000-row
//      result;
//   2. scrolling the 100,000-row grid: long tasks (PerformanceObserver 'longtask', > 50 ms) and
//      frame times while the grid is scrolled from top to bottom in 200 wheel-sized steps.
//
//   node bench/console-ui.mjs [--archive bench/data/real-scale.sqlite]
//
// Prints a JSON summary; BENCHMARKS.md records it. Needs `npm run build` first. Queries are
// read-only; opening the workbench stores the archive's layout once (as every UI bench does).
import { parseArgs } from 'node:util'
import { rmSync } from 'node:fs'
import * as ui from './ui-harness.mjs'

const { values } = parseArgs({
  options: { archive: { type: 'string', default: 'bench/data/real-scale.sqlite' } },
})
const archive = ui.requireArchive(values.archive)
const userDir = ui.tempDir('console')

let server = null
let browser = null
const result = { archive: values.archive }
try {
  server = await ui.startServer({ archive, userDir })
  browser = await ui.launchBrowser()
  const page = await ui.newPage(browser)
  await page.goto(server.url)
  await ui.waitForWorkbench(page, 3_600_000)
  await ui.waitForGraph(page)
  const lastWeek = await page.evaluate(() =>
    document.querySelector('.tree.weeks li[data-week]')?.getAttribute('data-week'),
  )
  result.week = lastWeek

  // a console tab, as the side view's "New console" opens it
  await page.locator('.activitybar .activity[data-view="console"]').click()
  await page.locator('button[data-action="new-console"]').click()
  const id = await ui.waitUntil(
    page,
    () => Object.entries(window.__console ?? {}).find(([, s]) => s.ready)?.[0],
  )
  const tab = page.locator(`.console-view[data-editor="${id}"]`)

  /** Types SQL into the editor, sets the row limit, runs it, answers the console's timings. */
  const run = async (sql, maxRows) => {
    await tab.locator('select[aria-label="Rows shown"]').selectOption(String(maxRows))
    await tab.locator('.monaco-editor').click()
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Delete')
    await page.keyboard.insertText(sql)
    await page.keyboard.press('Escape')
    const runs = await page.evaluate((i) => window.__console[i].runs, id)
    await page.keyboard.press('Control+Enter')
    await ui.waitUntil(
      page,
      ([i, n]) => window.__console[i].runs > n && !window.__console[i].running,
      [id, runs],
      600_000,
    )
    const s = await page.evaluate((i) => ({ ...window.__console[i] }), id)
    if (s.error) throw new Error(`${sql}: ${s.error.message}`)
    return { rows: s.rows, callMs: round(s.lastCallMs), showMs: round(s.lastShowMs) }
  }
  const round = (x) => Math.round(x * 10) / 10

  const queries = [
    [
      'top-20 exposures of the week',
      `SELECT source, target, weight FROM edges WHERE week = '${lastWeek}' ORDER BY weight DESC LIMIT 20`,
      10_000,
    ],
    [
      '10,000 edges of the week (the default row limit)',
      `SELECT * FROM edges WHERE week = '${lastWeek}'`,
      10_000,
    ],
    [
      '100,000 edges (the largest row limit)',
      `SELECT week, source, target, weight FROM edges LIMIT 100000`,
      100_000,
    ],
  ]
  result.firstResult = []
  for (const [label, sql, maxRows] of queries) {
    const times = []
    for (let i = 0; i < 3; i++) times.push(await run(sql, maxRows))
    result.firstResult.push({ label, runs: times })
    console.error(`${label}: ${JSON.stringify(times)}`)
  }

  // scroll the 100,000-row grid top to bottom: long tasks and frame gaps
  result.scroll = await page.evaluate(async (i) => {
    const view = document.querySelector(`.console-view[data-editor="${i}"]`)
    const scroller = view.querySelector('.grid-scroll')
    const long = []
    const g0 = { ...window.__console[i].grid }
    const obs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) long.push(Math.round(e.duration))
    })
    obs.observe({ type: 'longtask' })
    const frames = []
    const steps = 200
    const max = scroller.scrollHeight - scroller.clientHeight
    let last = performance.now()
    for (let s = 1; s <= steps; s++) {
      scroller.scrollTop = Math.round((max * s) / steps)
      scroller.dispatchEvent(new Event('scroll'))
      await new Promise((r) => requestAnimationFrame(() => r()))
      const now = performance.now()
      frames.push(now - last)
      last = now
    }
    // also 300 small steps (a wheel: 3 rows at a time) in the middle
    scroller.scrollTop = Math.round(max / 2)
    for (let s = 0; s < 300; s++) {
      scroller.scrollTop += 66
      await new Promise((r) => requestAnimationFrame(() => r()))
      const now = performance.now()
      frames.push(now - last)
      last = now
    }
    await new Promise((r) => setTimeout(r, 200))
    obs.disconnect()
    const g1 = window.__console[i].grid
    const renders = g1.renders - g0.renders
    const renderMeanMs = Math.round(((g1.renderMs - g0.renderMs) / renders) * 100) / 100
    frames.sort((a, b) => a - b)
    const rows = view.querySelectorAll('.grid-row').length
    const lastRow = [...view.querySelectorAll('.grid-row .grid-num')].map((n) =>
      Number(n.textContent),
    )
    return {
      scrollHeightPx: scroller.scrollHeight,
      rowsInDom: rows,
      maxRowNumberDrawn: Math.max(...lastRow),
      frames: frames.length,
      frameMedianMs: Math.round(frames[frames.length >> 1] * 10) / 10,
      frameP95Ms: Math.round(frames[Math.floor(frames.length * 0.95)] * 10) / 10,
      frameMaxMs: Math.round(frames[frames.length - 1] * 10) / 10,
      longTasks: long.length,
      longTaskMaxMs: long.length ? Math.max(...long) : 0,
      gridRenders: renders,
      gridRenderMeanMs: renderMeanMs,
    }
  }, id)
  console.log(JSON.stringify(result, null, 2))
} finally {
  await browser?.close()
  await server?.stop()
  rmSync(userDir, { recursive: true, force: true })
}
