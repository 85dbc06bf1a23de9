// Scenarios and playback in the workbench (issue 11 §2), in headless Chromium against browser mode
// on the real-scale archive's largest week: the top-5 scenario with the three methods run from the
// Risk view (click → totals shown: the `risk` job and `risk.result`; → every method's playback
// data loaded, which the editor does in the background once the totals show), then each method's
// round 0 drawn on the graph from its click (`risk.playback` unless loaded, decode, overlay),
// then the playback steps, the first 12 of each method (the control's click → the overlay drawn,
// timed in the page; GraphView's lastOverlayMs; the controller's step time), and 5 again after
// going back to the first round (overlays already built).
//
//   node bench/scenario-ui.mjs [--archive bench/data/real-scale.sqlite] [--renderer DIR]
//                              [--keep-copy | --no-copy] [--profile FILE.cpuprofile]
//                              [--trace FILE.json] [--pace-ms MS]
//
// BENCH_DEBUG=1 prints each step's frame counters; BENCH_INIT_SCRIPT=FILE runs FILE in the page
// before its own scripts (ad hoc probes): where it defines `window.__glTake()`, answering rows of
// [label, calls, ms], each step prints them (bench/probes/gl-time.js: every GL call timed alone).
//
// A scenario run is stored in the archive, so the bench works on a copy in a temporary folder
// (deleted at the end). Prints a JSON summary; BENCHMARKS.md records it. Needs the renderer and
// node builds (`npm run build`).
import { rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as ui from './ui-harness.mjs'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    'keep-copy': { type: 'boolean', default: false },
    /** Bench on ARCHIVE itself: a scratch archive made for the bench (it is written to). */
    'no-copy': { type: 'boolean', default: false },
    /** A renderer build to serve instead of out/renderer (a copy no concurrent build replaces). */
    renderer: { type: 'string' },
    /** A CPU profile of the renderer during the forward steps, written to this file (.cpuprofile)
     * with the functions of most self time printed (a readable build: DEXPOSURE_MINIFY=0). */
    profile: { type: 'string' },
    /** A devtools trace (timeline and GPU categories) of the first method's forward steps, for
     * where a step's time goes outside JS (the software rasteriser's readbacks). */
    trace: { type: 'string' },
    /** Wait this long after each step is drawn before the next click, as an analyst stepping
     * by hand or Play (700 ms) does; 0: the next click at once (the figures recorded so far). */
    'pace-ms': { type: 'string', default: '0' },
  },
})
const source = ui.requireArchive(values.archive)
const dir = ui.tempDir('scenario')
const userDir = join(dir, 'user')
const METHODS = ['reference', 'debtrank', 'eisenberg-noe']
const MAX_STEPS = 12

let server = null
let browser = null
try {
  const copy = values['no-copy'] ? null : ui.copyArchive(source, dir, 'real-scale.sqlite')
  const copyS = copy ? copy.copyS : 0
  server = await ui.startServer({
    archive: copy ? copy.path : source,
    userDir,
    renderer: values.renderer ? resolve(values.renderer) : null,
  })
  const { call } = server
  const weeks = await call('weeks.list')
  const largest = weeks.reduce((a, b) => (b.edges > a.edges ? b : a))
  // the layout is stored in the archive; wait for it if this copy has none (outside the timings)
  await call('graph.universe', { wait: true })

  browser = await ui.launchBrowser()
  const page = await ui.newPage(browser)
  await page.goto(server.url)
  await ui.waitForWorkbench(page, 600_000)
  // the largest week in the graph
  await page.evaluate(
    (week) => window.dispatchEvent(new CustomEvent('dx:open-graph', { detail: { week } })),
    largest.week,
  )
  await ui.waitForGraph(page, largest.week)
  const side = page.locator('.sideview[data-view="risk"]')
  await page.locator('.activitybar .activity[data-view="risk"]').click()
  await side.locator('select.risk-week').selectOption(largest.week)
  await side.locator('select.risk-scenario').selectOption('top5-protocols')
  for (const m of METHODS) await side.locator(`.risk-methods input[value="${m}"]`).setChecked(true)

  // ---- run: click → totals of the three methods shown
  const t0 = Date.now()
  await side.locator('.risk-run').click()
  const status = await ui.waitUntil(
    page,
    () => {
      const t = document.querySelector('.sideview[data-view="risk"] .risk-runner .risk-status')
      return /done \(run \d+\)|failed|cancelled|already running/.test(t?.textContent ?? '')
        ? t.textContent
        : null
    },
    null,
    600_000,
    25,
  )
  const statusMs = Date.now() - t0
  const runId = Number(/done \(run (\d+)\)/.exec(status)?.[1])
  if (!runId) throw new Error(`the scenario did not run: ${status}`)
  const editor = page.locator(`.scenario-view[data-run="${runId}"]`)
  await ui.waitUntil(
    page,
    (id) =>
      document.querySelectorAll(`.scenario-view[data-run="${id}"] .risk-totals tbody tr`).length >=
      3,
    runId,
    60_000,
    25,
  )
  const runMs = Date.now() - t0
  // … and every method's playback data in the page (loaded in the background once the totals
  // show: the scenario editor's data-loaded; null for a build without it, which loads on click)
  // (evaluated in the page: the methods loaded, at least `n` of them)
  const loaded = ([id, n]) => {
    const v = document.querySelector(`.scenario-view[data-run="${id}"] .playback`)?.dataset.loaded
    return v !== undefined && v.split(' ').filter(Boolean).length >= n
  }
  let dataMs = null
  if (await ui.waitUntil(page, loaded, [runId, 0], 5_000, 25).then(Boolean, () => false)) {
    await ui.waitUntil(page, loaded, [runId, METHODS.length], 600_000, 25)
    dataMs = Date.now() - t0
  }
  const totals = await editor
    .locator('.risk-totals tbody tr')
    .evaluateAll((rows) => rows.map((r) => ({ ...r.dataset })))

  // BENCH_DEBUG: the engine's side of each method's playback data (server time and size)
  if (process.env.BENCH_DEBUG) {
    const t = Date.now()
    await call('risk.result', { runId, scenario: 'top5-protocols', top: 200 })
    console.error(`risk.result ${Date.now() - t} ms`)
    console.error(
      'graph after the run:',
      JSON.stringify(
        await page.evaluate(() =>
          Object.values(window.__graphs).map((g) => ({
            renders: g.renders,
            edges: g.edgeFrames,
            nodes: g.nodeFrames,
          })),
        ),
      ),
    )
  }
  if (process.env.BENCH_DEBUG)
    console.error(
      'canvases:',
      JSON.stringify(
        await page.evaluate(() =>
          [...document.querySelectorAll('canvas')].map((c) => ({
            cls: c.className,
            px: `${c.width}×${c.height}`,
            css: `${c.clientWidth}×${c.clientHeight}`,
          })),
        ),
      ),
    )
  if (process.env.BENCH_DEBUG)
    for (const method of METHODS) {
      const t = Date.now()
      const r = await call('risk.playback', { runId, scenario: 'top5-protocols', method })
      console.error(
        `${method}: risk.playback ${Date.now() - t} ms, ${r.steps.length} steps, ` +
          `${(JSON.stringify(r).length / 2 ** 20).toFixed(1)} MiB as JSON`,
      )
    }

  // ---- playback data of each method: click → round 0 drawn on the graph
  const playback = {}
  const steps = {}
  const profiler = values.profile ? await page.context().newCDPSession(page) : null
  const profiles = []
  if (profiler) {
    await profiler.send('Profiler.enable')
    await profiler.send('Profiler.setSamplingInterval', { interval: 200 })
  }
  for (const m of METHODS) {
    await editor.locator('select.playback-method').selectOption(m, { timeout: 600_000 })
    const box = editor.locator('.playback')
    const t1 = Date.now()
    await editor.locator('.playback-start').click({ timeout: 600_000 })
    await ui.waitUntil(
      page,
      (m) => {
        const b = document.querySelector('.scenario-view .playback')
        const title = document.querySelector('.scenario-view .playback-label')?.textContent ?? ''
        return b?.classList.contains('attached') && b.dataset.step === '0' && title.startsWith(m)
      },
      { reference: 'Reference cascade', debtrank: 'DebtRank', 'eisenberg-noe': 'Eisenberg' }[m],
      600_000,
      25,
    )
    playback[m] = Date.now() - t1
    const n = Number(await box.getAttribute('data-steps'))
    console.error(`${m}: playback data and round 0 in ${playback[m]} ms, ${n} steps`)
    // steps driven in the page (a click on the control, then wait for the step drawn), so the
    // time is the page's own, not Playwright's round trips; at most MAX_STEPS forward steps
    const drive = (from, to) =>
      page.evaluate(
        async ([from, to, pace]) => {
          const box = document.querySelector('.scenario-view .playback')
          const next = box.querySelector('button[data-action="next"]')
          const out = []
          for (let k = from; k <= to; k++) {
            if (pace > 0 && k > from) await new Promise((r) => setTimeout(r, pace))
            const t = performance.now()
            // woken by the attribute change itself: timer-based polling was throttled to seconds
            // in this headless page
            const shown = new Promise((resolve) => {
              const mo = new MutationObserver(() => {
                if (box.dataset.step === String(k)) {
                  mo.disconnect()
                  resolve()
                }
              })
              mo.observe(box, { attributes: true, attributeFilter: ['data-step'] })
            })
            next.click()
            await shown
            const [id, graph] = Object.entries(window.__graphs).find(([, g]) => g.overlay) ?? []
            // the edge layer's lists: edges in the base and lit by the overlay and the hover
            const layer = id && window.__sigma[id].dxEdgeLayer
            const wall = performance.now() - t
            out.push({
              wall,
              gl: window.__glTake?.(),
              step: Number(box.dataset.stepMs),
              overlay: Math.max(...Object.values(window.__graphs).map((g) => g.lastOverlayMs ?? 0)),
              // what the graph's frames did so far (cumulative): the cached layers' counters
              frames: graph && {
                renders: graph.renders,
                edges: { ...graph.edgeFrames },
                nodes: { ...graph.nodeFrames },
                edgeLists: layer && {
                  base: layer.base.count,
                  overlay: layer.lit.overlay.count,
                  hover: layer.lit.hover.count,
                },
              },
            })
          }
          return out
        },
        [from, to, Number(values['pace-ms'])],
      )
    if (profiler) await profiler.send('Profiler.start')
    const tracing = values.trace && m === METHODS[0]
    if (tracing)
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'gpu'],
      })
    const forward = n > 1 ? await drive(1, Math.min(n - 1, MAX_STEPS)) : []
    if (tracing) writeFileSync(values.trace, await browser.stopTracing())
    if (profiler) profiles.push((await profiler.send('Profiler.stop')).profile)
    console.error(
      `${m}: ${forward.length} steps, ms each: ${forward.map((x) => x.wall.toFixed(0))}`,
    )
    if (process.env.BENCH_DEBUG)
      for (const x of forward) {
        console.error(`  ${x.wall.toFixed(0)} ms`, JSON.stringify(x.frames))
        for (const g of x.gl ?? []) console.error(`      ${g[2]} ms ×${g[1]} ${g[0]}`)
      }
    // back to the first round and forward again: overlays already built (a lookup + the draw)
    await editor
      .locator('.playback-controls button[data-action="first"]')
      .click({ timeout: 600_000 })
    await ui.waitUntil(
      page,
      () => document.querySelector('.scenario-view .playback')?.dataset.step === '0',
      null,
      600_000,
    )
    const again = n > 1 ? await drive(1, Math.min(n - 1, 5)) : []
    steps[m] = {
      steps: n,
      measured: forward.length,
      clickToDrawnMs: forward.length ? ui.summary(forward.map((x) => x.wall)) : null,
      stepMs: forward.length ? ui.summary(forward.map((x) => x.step)) : null,
      lastOverlayMs: forward.length ? ui.summary(forward.map((x) => x.overlay)) : null,
      revisitClickToDrawnMs: again.length ? ui.summary(again.map((x) => x.wall)) : null,
    }
  }
  if (profiler) {
    writeFileSync(values.profile, JSON.stringify(profiles))
    for (const [i, p] of profiles.entries()) {
      console.error(`profile of ${METHODS[i]}'s forward steps, self time (ms):`)
      for (const [name, ms] of ui.selfTimes(p).slice(0, 25))
        console.error(`  ${ms.toFixed(0).padStart(6)} ${name}`)
    }
  }
  const endToEnd = runMs + METHODS.reduce((a, m) => a + playback[m], 0)
  console.log(
    JSON.stringify(
      {
        archive: source,
        copyS,
        week: largest.week,
        nodes: largest.nodes,
        edges: largest.edges,
        totals,
        runClickToDoneMs: statusMs,
        runClickToTotalsMs: runMs,
        runClickToAllPlaybackDataMs: dataMs,
        playbackClickToRound0Ms: playback,
        endToEndThreeMethodsMs: endToEnd,
        paceMs: Number(values['pace-ms']),
        steps,
      },
      null,
      2,
    ),
  )
} finally {
  await browser?.close()
  await server?.stop()
  if (!values['keep-copy']) rmSync(dir, { recursive: true, force: true })
}
