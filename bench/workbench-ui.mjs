// The graph explorer's targets (issue 10), in headless Chromium against browser mode on the
// real-scale archive: first render of the largest week, week switches, the longest main-thread
// task while hovering and panning, and the renderer's JS heap; beside the old ring view (the
// 300 largest nodes of a week, the renderer before the shell, rebuilt from git) in the same run.
//
//   node bench/workbench-ui.mjs [--archive bench/data/real-scale.sqlite] [--old-ref 78d2d86]
//
// Prints a JSON summary; BENCHMARKS.md records it. Needs `npm run build` first. The archive's
// layout is computed on its first open (and stored); the bench waits for it, outside the timings.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    'old-ref': { type: 'string', default: '78d2d86' },
    switches: { type: 'string', default: '12' },
  },
})
const archive = resolve(values.archive)
if (!existsSync(archive)) {
  console.error(`${archive} is missing: dexposure --archive ${values.archive} demo --scale real`)
  process.exit(2)
}
const userDir = mkdtempSync(join(tmpdir(), 'dx-bench-user-'))
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--no-first-run',
  '--enable-precise-memory-info',
]

async function serve(rendererDir) {
  const server = spawn(
    process.execPath,
    [
      'out/node/server.js',
      '--archive',
      archive,
      ...(rendererDir ? ['--renderer', rendererDir] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DEXPOSURE_USER_DIR: userDir } },
  )
  const line = await new Promise((res, rej) => {
    createInterface({ input: server.stdout }).once('line', res)
    server.once('exit', (c) => rej(new Error(`server exited ${c}`)))
  })
  return { url: JSON.parse(line).url, stop: () => server.kill('SIGTERM') }
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)]
const p95 = (a) => [...a].sort((x, y) => x - y)[Math.ceil(0.95 * a.length) - 1]
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })

/** Polls `fn(arg)` in the page from here until it is truthy: Playwright's in-page polling
 * (waitForFunction) was seen to stall for minutes on this machine while the page answered
 * evaluate() at once. */
async function waitUntil(page, fn, arg, timeoutMs = 120_000) {
  const t0 = Date.now()
  for (;;) {
    if (await page.evaluate(fn, arg)) return
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${fn}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function heapMb(page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 2 ** 20
}

// ---- the workbench -------------------------------------------------------------------------
const result = {}
{
  const { url, stop } = await serve()
  // warm-up: the first open lays the archive's nodes out once and stores the positions
  let page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  if (process.env.BENCH_DEBUG) {
    page.on('console', (m) => console.error('console:', m.text().slice(0, 200)))
    page.on('pageerror', (e) => console.error('pageerror:', e.message))
    page.on('requestfinished', (r) => console.error('request:', r.url().slice(-40)))
  }
  const t0 = Date.now()
  await page.goto(url)
  await waitUntil(
    page,
    () => Object.values(window.__graphs ?? {}).some((g) => g.rendered),
    null,
    3_600_000,
  )
  result.firstOpenIncludingLayoutS = (Date.now() - t0) / 1000
  await page.close()

  // cold page load to the first frame of the last week (a fresh page: no caches)
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  const t1 = Date.now()
  await page.goto(url.replace('/?', '/?fresh=1&'))
  await waitUntil(page, () => Object.values(window.__graphs ?? {}).some((g) => g.rendered), null)
  result.coldLoadToFirstRenderMs = Date.now() - t1
  // the largest week: from the Explorer's data (nodes per week)
  const largest = await page.evaluate(async () => {
    const items = [...document.querySelectorAll('.tree.weeks li[data-week]')]
    let best = null
    let most = -1
    for (const li of items) {
      const n = Number(/([\d,]+) n/.exec(li.textContent ?? '')?.[1]?.replaceAll(',', '') ?? 0)
      if (n > most) {
        most = n
        best = li.dataset.week
      }
    }
    return { week: best, nodes: most }
  })
  result.largestWeek = largest
  // open the largest week in a new tab: request → first frame (universe already loaded once)
  const opened = await page.evaluate(async (week) => {
    const before = new Set(Object.keys(window.__graphs))
    const t = performance.now()
    window.dispatchEvent(new CustomEvent('dx:open-graph', { detail: { week, split: 'right' } }))
    for (;;) {
      await new Promise((r) => setTimeout(r, 5))
      const id = Object.keys(window.__graphs).find((k) => !before.has(k))
      const g = id && window.__graphs[id]
      if (g && g.rendered && g.week === week)
        return { id, ms: performance.now() - t, nodes: g.nodes, edges: g.edges }
    }
  }, largest.week)
  result.openLargestWeekMs = opened.ms
  result.largestWeekDrawn = { nodes: opened.nodes, edges: opened.edges }

  // week switches around the largest week, in the new tab (each week loaded for the first time)
  const switches = await page.evaluate(
    async ({ id, n }) => {
      const items = [...document.querySelectorAll('.tree.weeks li[data-week]')].map(
        (li) => li.dataset.week,
      )
      const g = window.__graphs[id]
      const at = items.indexOf(g.week)
      const out = []
      for (let k = 1; k <= n; k++) {
        const week = items[Math.min(items.length - 1, at + k)]
        const t = performance.now()
        document.querySelector(`[data-editor="${id}"] .timeline-slider`).value = String(
          items.length - 1 - items.indexOf(week),
        )
        document
          .querySelector(`[data-editor="${id}"] .timeline-slider`)
          .dispatchEvent(new Event('input'))
        for (;;) {
          await new Promise((r) => setTimeout(r, 2))
          if (g.week === week && g.rendered) break
        }
        out.push({
          week,
          ms: performance.now() - t,
          switchMs: g.lastSwitchMs,
          timings: g.timings,
          edges: g.edges,
        })
      }
      return out
    },
    { id: opened.id, n: Number(values.switches) },
  )
  result.switchTimings = switches.map((x) => x.timings)
  result.switchMs = {
    median: median(switches.map((s) => s.ms)),
    p95: p95(switches.map((s) => s.ms)),
    max: Math.max(...switches.map((s) => s.ms)),
    n: switches.length,
  }

  // hover and pan over the largest week: the longest main-thread task
  await page.evaluate(() => {
    window.__long = []
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => window.__long.push(e.duration)),
    ).observe({ entryTypes: ['longtask'] })
  })
  const box = await page.locator(`[data-editor="${opened.id}"] .graph-stage`).boundingBox()
  for (let i = 0; i < 60; i++) {
    await page.mouse.move(
      box.x + box.width * (0.2 + (0.6 * ((i * 37) % 60)) / 60),
      box.y + box.height * (0.2 + (0.6 * ((i * 23) % 60)) / 60),
    )
    await page.waitForTimeout(16)
  }
  for (let d = 0; d < 3; d++) {
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5)
    await page.mouse.down()
    for (let i = 0; i < 30; i++) {
      await page.mouse.move(
        box.x + box.width * (0.5 + 0.01 * i),
        box.y + box.height * (0.5 - 0.005 * i),
      )
      await page.waitForTimeout(16)
    }
    await page.mouse.up()
    await page.waitForTimeout(200)
  }
  await page.mouse.wheel(0, -400)
  await page.waitForTimeout(400)
  const long = await page.evaluate(() => window.__long)
  result.hoverPan = { longTasks: long.length, maxTaskMs: long.length ? Math.max(...long) : 0 }
  // partial results as they come (the old view's half rebuilds a renderer from git)
  console.error(JSON.stringify(result))
  result.heapMb = await heapMb(page)
  await page.close()
  stop()
}

// ---- the old ring view (the 300 largest nodes), built from git, same server, same week --------
{
  const ref = values['old-ref']
  const dir = mkdtempSync(join(tmpdir(), 'dx-old-'))
  try {
    execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' })
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
    execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
      cwd: dir,
      stdio: 'ignore',
    })
    const { url, stop } = await serve(join(dir, 'out/renderer'))
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const t = Date.now()
    await page.goto(url)
    await waitUntil(page, () => window.__status?.graphRendered, null)
    result.old = { coldLoadToFirstRenderMs: Date.now() - t }
    const ms = []
    for (const w of [result.largestWeek.week]) {
      const t2 = Date.now()
      await page.locator(`#weeks-table tr[data-week="${w}"]`).click()
      await waitUntil(
        page,
        (wk) => window.__status.graphWeek === wk && window.__status.graphRendered,
        w,
      )
      ms.push(Date.now() - t2)
    }
    // switching: the next weeks by keyboard
    const sw = []
    for (let k = 0; k < Number(values.switches); k++) {
      const before = await page.evaluate(() => window.__status.graphWeek)
      const t3 = Date.now()
      await page.keyboard.press('ArrowDown')
      await waitUntil(
        page,
        (b) => window.__status.graphWeek !== b && window.__status.graphRendered,
        before,
      )
      sw.push(Date.now() - t3)
    }
    result.old.openLargestWeekMs = ms[0]
    result.old.switchMs = { median: median(sw), p95: p95(sw), max: Math.max(...sw), n: sw.length }
    result.old.heapMb = await heapMb(page)
    result.old.drawn = await page.locator('#graph-caption').textContent()
    stop()
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
  }
}
await browser.close()
rmSync(userDir, { recursive: true, force: true })
result.machine = `${(await import('node:os')).cpus()[0].model} ×${(await import('node:os')).cpus().length}, node ${process.version}`
result.date = new Date().toISOString().slice(0, 10)
console.log(JSON.stringify(result, null, 2))
