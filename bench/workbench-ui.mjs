// The graph explorer's targets (issue 10), in headless Chromium against browser mode on the
// real-scale archive: first render of the largest week, week switches, the longest main-thread
// task while hovering and panning (and how long each of those inputs took to be handled), and the
// renderer's JS heap; beside the old ring view (the 300 largest nodes of a week, the renderer
// before the shell, rebuilt from git) in the same run.
//
//   node bench/workbench-ui.mjs [--archive bench/data/real-scale.sqlite] [--old-ref 78d2d86]
//                               [--switches 12] [--hover-s 60] [--pan-s 60] [--renderer DIR]
//
// Prints a JSON summary; BENCHMARKS.md records it. Needs `npm run build` first (--renderer: a
// renderer build to serve instead of out/renderer, e.g. a copy no concurrent build replaces). The
// archive's layout is computed on its first open (and stored); the bench waits for it, outside
// the timings. Times of the new view come from the page itself: the moment the view sets its
// `rendered` hook (sigma's afterRender), stamped by the harness, less the moment of the request;
// (…PresentedMs) to the frame presented, at the next animation frame (ui-harness.mjs): with
// software WebGL the main thread waits there for SwiftShader to raster the frame; and
// (…CompleteMs) to the first frame presented with the week whole (its `whole` hook), which comes
// later where a large week's edges are drawn in parts over several frames.
//
// Hovering and panning are bounded in time (--hover-s, --pan-s): with software WebGL each mouse
// move can wait for a frame of 75k edges, and an unbounded run of them did not finish in 10 min.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  heapMb,
  launchBrowser,
  machine,
  median,
  newPage,
  p95,
  requireArchive,
  startServer,
  summary,
  tempDir,
  waitForGraph,
  waitUntil,
} from './ui-harness.mjs'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    'old-ref': { type: 'string', default: '78d2d86' },
    switches: { type: 'string', default: '12' },
    'hover-s': { type: 'string', default: '60' },
    'pan-s': { type: 'string', default: '60' },
    renderer: { type: 'string' },
  },
})
const archive = requireArchive(values.archive)
const userDir = tempDir('user')
const load = () => loadavg().map((x) => +x.toFixed(2))
const browser = await launchBrowser(['--enable-precise-memory-info'])
// the view's own hooks, stamped when set (ui-harness.mjs)
const GRAPH_STAMPS = { __graphs: { each: true, props: ['rendered', 'whole'] } }

const result = { loadAvgAtStart: load() }
try {
  // ---- the workbench -----------------------------------------------------------------------
  const server = await startServer({
    archive,
    userDir,
    renderer: values.renderer ? resolve(values.renderer) : null,
  })
  try {
    // warm-up: the first open lays the archive's nodes out once and stores the positions
    let page = await newPage(browser)
    const t0 = Date.now()
    await page.goto(server.url)
    await waitForGraph(page, null, 3_600_000)
    result.firstOpenIncludingLayoutS = (Date.now() - t0) / 1000
    await page.close()

    // cold page load to the first frame of the last week (a fresh page: no caches): from the
    // navigation's start to the view's first afterRender, both the page's clock
    page = await newPage(browser, { stamps: GRAPH_STAMPS })
    await page.goto(server.url.replace('/?', '/?fresh=1&'))
    // … and to the first frame with the week whole on screen (a large week's edges may come in
    // parts over several frames in software WebGL: edge-layer.ts)
    const cold = await waitUntil(page, () => {
      // (a build before the `whole` hook, undefined there, draws each frame whole: complete =
      // presented)
      // (`whole` is true before the week too, drawn empty: the week's is the setting after it)
      const g = Object.values(window.__graphs ?? {}).find(
        (g) =>
          g.__at['rendered:presented'] &&
          ((g.__at.whole >= g.__at.rendered && g.__at['whole:presented'] >= g.__at.whole) ||
            g.whole === undefined),
      )
      return (
        g && {
          drawn: g.__at.rendered,
          presented: g.__at['rendered:presented'],
          complete: g.__at['whole:presented'] ?? g.__at['rendered:presented'],
        }
      )
    })
    result.coldLoadToFirstRenderMs = cold.drawn
    result.coldLoadToPresentedMs = cold.presented
    result.coldLoadToCompleteMs = cold.complete
    // the largest week (most edges, as the other UI benches pick it): from the Explorer's rows
    // ("10,889 n · 75,485 e · $…" after the week itself)
    const largest = await page.evaluate(() => {
      const count = (li, unit) =>
        Number(
          new RegExp(`([\\d,]+) ${unit}`)
            .exec(li.querySelector('small')?.textContent ?? '')?.[1]
            ?.replaceAll(',', '') ?? 0,
        )
      let best = { week: null, nodes: -1, edges: -1 }
      for (const li of document.querySelectorAll('.tree.weeks li[data-week]')) {
        const edges = count(li, 'e')
        if (edges > best.edges) best = { week: li.dataset.week, nodes: count(li, 'n'), edges }
      }
      return best
    })
    result.largestWeek = largest

    // open the largest week in a new tab: request → first frame (universe already loaded once)
    const before = await page.evaluate((week) => {
      window.__requestAt = performance.now()
      const ids = Object.keys(window.__graphs)
      window.dispatchEvent(new CustomEvent('dx:open-graph', { detail: { week, split: 'right' } }))
      return ids
    }, largest.week)
    const opened = await shown(page, { ids: before, week: largest.week })
    result.openLargestWeekMs = opened.ms
    result.openLargestWeekPresentedMs = opened.presentedMs
    result.openLargestWeekCompleteMs = opened.completeMs
    result.largestWeekDrawn = { nodes: opened.nodes, edges: opened.edges }

    // week switches from the largest week to the week before, 12 times, by the tab's timeline
    // slider (each week loaded for the first time, or in advance by the view while the week before
    // was shown): the slider's input event → the first frame of the new week
    const weeks = await page.evaluate(() =>
      [...document.querySelectorAll('.tree.weeks li[data-week]')].map((li) => li.dataset.week),
    )
    const switches = []
    const at = weeks.indexOf(largest.week)
    for (let k = 1; k <= Number(values.switches); k++) {
      const week = weeks[Math.min(weeks.length - 1, at + k)]
      switches.push(await slideTo(page, opened.id, weeks, week))
    }
    result.switchTimings = switches.map((x) => x.timings)
    result.switchMs = {
      median: median(switches.map((s) => s.ms)),
      p95: p95(switches.map((s) => s.ms)),
      max: Math.max(...switches.map((s) => s.ms)),
      n: switches.length,
    }
    // to the frame presented (the next animation frame after the hook: see ui-harness.mjs), and to
    // the first frame presented with the week whole
    result.switchPresentedMs = summary(switches.map((s) => s.presentedMs))
    result.switchCompleteMs = summary(switches.map((s) => s.completeMs))

    // jumps: 6 weeks 17 apart further back, none of them a neighbour of the week shown (the view
    // loads those in advance once a week is whole: the switches above step to one)
    const jumps = []
    for (let k = 1; k <= 6; k++) {
      const week = weeks[Math.min(weeks.length - 1, at + Number(values.switches) + 17 * k)]
      if (jumps.some((j) => j.week === week)) break
      jumps.push(await slideTo(page, opened.id, weeks, week))
    }
    result.jumpMs = summary(jumps.map((s) => s.ms))
    result.jumpPresentedMs = summary(jumps.map((s) => s.presentedMs))
    result.jumpCompleteMs = summary(jumps.map((s) => s.completeMs))

    result.hoverPan = await hoverAndPan(page, opened.id)
    // partial results as they come (the old view's half rebuilds a renderer from git)
    console.error(JSON.stringify(result))
    result.heapMb = await heapMb(page)
    await page.close()
  } finally {
    await server.stop()
  }

  // ---- the old ring view (the 300 largest nodes), built from git, same archive, same week -----
  // (--old-ref none: skipped, for A/B runs of two renderer builds by --renderer)
  if (values['old-ref'] !== 'none')
    result.old = await oldRingView(values['old-ref'], result.largestWeek.week)
} finally {
  await browser.close()
  rmSync(userDir, { recursive: true, force: true })
}
result.loadAvgAtEnd = load()
result.machine = machine()
result.date = new Date().toISOString().slice(0, 10)
console.log(JSON.stringify(result, null, 2))

/** Moves graph tab `id`'s timeline slider to `week` (one of `weeks`, the Explorer's order: newest
 * first), stamping the request; answers when the week is shown (see `shown`). */
async function slideTo(page, id, weeks, week) {
  await page.evaluate(
    ({ id, value }) => {
      const slider = document.querySelector(`[data-editor="${id}"] .timeline-slider`)
      slider.value = String(value)
      window.__requestAt = performance.now()
      slider.dispatchEvent(new Event('input'))
    },
    // the timeline runs oldest → newest, the Explorer newest → oldest
    { id, value: weeks.length - 1 - weeks.indexOf(week) },
  )
  return shown(page, { id, week })
}

/**
 * Waits for a graph tab (`id`, or the one not among `ids`) to show `week`, drawn and presented
 * after the request (`window.__requestAt`, the page's clock); answers its times and hooks.
 */
function shown(page, want) {
  return waitUntil(
    page,
    ({ id, ids, week }) => {
      const key = id ?? Object.keys(window.__graphs).find((k) => !ids.includes(k))
      const g = key && window.__graphs[key]
      const t = window.__requestAt
      return g &&
        g.week === week &&
        g.rendered &&
        g.__at.rendered >= t &&
        g.__at['rendered:presented'] >= g.__at.rendered &&
        (g.timings?.complete !== undefined || g.whole === undefined)
        ? {
            id: key,
            week,
            ms: g.__at.rendered - t,
            presentedMs: g.__at['rendered:presented'] - t,
            completeMs: g.timings?.complete ?? g.__at['rendered:presented'] - t,
            switchMs: g.lastSwitchMs,
            timings: g.timings,
            nodes: g.nodes,
            edges: g.edges,
          }
        : null
    },
    { id: null, ids: [], ...want },
  )
}

/**
 * Hovers over the graph, then pans it by dragging, then zooms once by the wheel, each phase until
 * its moves are made or its deadline passes. In the page: every main-thread task over 50 ms
 * (PerformanceObserver 'longtask'), and for every input event how long it took to be handled:
 * from the event's timestamp to its first listener (queueing), and to the end of the frame after
 * it (a requestAnimationFrame callback, then a message posted from it: that runs once the frame's
 * rendering work, sigma's draw included, is done).
 */
async function hoverAndPan(page, id) {
  await page.evaluate(() => {
    window.__long = []
    window.__phaseAt = performance.now()
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => window.__long.push([e.startTime, e.duration])),
    ).observe({ entryTypes: ['longtask'] })
    window.__inputs = []
    for (const type of ['mousemove', 'mousedown', 'mouseup', 'wheel']) {
      window.addEventListener(
        type,
        (e) => {
          const rec = { type, ts: e.timeStamp, start: performance.now(), done: null }
          window.__inputs.push(rec)
          requestAnimationFrame(() => {
            const ch = new MessageChannel()
            ch.port1.onmessage = () => (rec.done = performance.now())
            ch.port2.postMessage(0)
          })
        },
        { capture: true, passive: true },
      )
    }
  })
  // what each frame did with the cached layers (edge-layer.ts, node-cache.ts): counters, read
  // before and after each phase
  const frames = () =>
    page.evaluate((k) => {
      const g = window.__graphs[k]
      return {
        renders: { n: g.renders },
        edges: { ...g.edgeFrames },
        nodes: { ...g.nodeFrames },
      }
    }, id)
  const delta = (a, b) =>
    Object.fromEntries(
      Object.keys(b).map((k) => [
        k,
        Object.fromEntries(Object.keys(b[k]).map((c) => [c, b[k][c] - a[k][c]])),
      ]),
    )
  const framesBefore = await frames()
  const box = await page.locator(`[data-editor="${id}"] .graph-stage`).boundingBox()
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy]
  const moveMs = []
  const timed = async (f) => {
    const t = Date.now()
    await f()
    moveMs.push(Date.now() - t)
  }
  const t0 = Date.now()

  // hovering: up to 30 points spread over the stage, 16 ms apart
  const HOVERS = 30
  const hoverEnd = Date.now() + Number(values['hover-s']) * 1000
  let hovers = 0
  while (hovers < HOVERS && Date.now() < hoverEnd) {
    const i = hovers
    await timed(() =>
      page.mouse.move(
        ...at(0.2 + (0.6 * ((i * 37) % 60)) / 60, 0.2 + (0.6 * ((i * 23) % 60)) / 60),
      ),
    )
    hovers++
    await page.waitForTimeout(16)
  }
  const hoverS = (Date.now() - t0) / 1000
  const framesHovered = await frames()

  // panning: up to 2 drags of 15 steps from the centre
  const DRAGS = 2
  const STEPS = 15
  const t1 = Date.now()
  const panEnd = t1 + Number(values['pan-s']) * 1000
  let drags = 0
  let dragSteps = 0
  while (drags < DRAGS && Date.now() < panEnd) {
    await timed(() => page.mouse.move(...at(0.5, 0.5)))
    await page.mouse.down()
    try {
      for (let i = 0; i < STEPS && Date.now() < panEnd; i++) {
        await timed(() => page.mouse.move(...at(0.5 + 0.01 * i, 0.5 - 0.005 * i)))
        dragSteps++
        await page.waitForTimeout(16)
      }
    } finally {
      await page.mouse.up()
    }
    drags++
    await page.waitForTimeout(200)
  }
  const panS = (Date.now() - t1) / 1000
  await page.waitForTimeout(3000)
  const framesPanned = await frames()
  await page.mouse.wheel(0, -400)
  // every input's frame done (or 120 s): the last ones may still wait for SwiftShader
  const settled = await waitUntil(
    page,
    () => window.__inputs.every((r) => r.done !== null) && window.__inputs.length,
    null,
    120_000,
  ).catch(() => false)
  await page.waitForTimeout(400)
  const { long, inputs, phaseAt } = await page.evaluate(() => ({
    long: window.__long,
    inputs: window.__inputs,
    phaseAt: window.__phaseAt,
  }))
  const done = inputs.filter((r) => r.done !== null)
  const byType = (type) => done.filter((r) => r.type === type)
  // the hover phase alone (it ran first, for hoverS seconds of the phase)
  const inHover = (t) => t - phaseAt <= hoverS * 1000
  const hoverTasks = long.filter(([t]) => inHover(t)).map(([, d]) => d)
  const hoverInputs = done.filter((r) => r.type === 'mousemove' && inHover(r.ts))
  return {
    hover: {
      maxTaskMs: hoverTasks.length ? Math.max(...hoverTasks) : 0,
      longTasks: hoverTasks.length,
      inputToFrameDoneMs: hoverInputs.length
        ? summary(hoverInputs.map((r) => r.done - r.ts))
        : null,
      frames: delta(framesBefore, framesHovered),
    },
    longTasks: long.length,
    maxTaskMs: long.length ? Math.max(...long.map(([, d]) => d)) : 0,
    // each long task: [s after the phase began, ms]
    longTaskAt: long.map(([t, d]) => [+((t - phaseAt) / 1000).toFixed(1), Math.round(d)]),
    hoverMoves: { made: hovers, planned: HOVERS, deadlineS: Number(values['hover-s']), s: hoverS },
    pan: {
      drags,
      steps: dragSteps,
      planned: `${DRAGS}×${STEPS}`,
      deadlineS: Number(values['pan-s']),
      s: panS,
      // the two drags and the redraw at rest after them (3 s), not the wheel
      frames: delta(framesHovered, framesPanned),
    },
    wheel: 1,
    // Playwright's own wait per mouse move (it returns once the renderer took the event)
    playwrightMoveMs: summary(moveMs),
    inputs: inputs.length,
    inputsUnsettled: inputs.length - done.length,
    settled: Boolean(settled),
    // event timestamp → first listener, and → end of the next frame, per kind of input
    inputToListenerMs: done.length ? summary(done.map((r) => r.start - r.ts)) : null,
    // each input: [type, s after the phase began, ms to the end of the next frame]
    inputAt: inputs.map((r) => [
      r.type,
      +((r.ts - phaseAt) / 1000).toFixed(1),
      r.done === null ? null : Math.round(r.done - r.ts),
    ]),
    inputToFrameDoneMs: Object.fromEntries(
      ['mousemove', 'mousedown', 'mouseup', 'wheel']
        .filter((t) => byType(t).length)
        .map((t) => [t, summary(byType(t).map((r) => r.done - r.ts))]),
    ),
  }
}

/** The renderer at `ref` (the ring view), built in a git worktree, served on the same archive. */
async function oldRingView(ref, week) {
  const dir = mkdtempSync(join(tmpdir(), 'dx-old-'))
  try {
    execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' })
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'))
    execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
      cwd: dir,
      stdio: 'ignore',
    })
    const server = await startServer({ archive, userDir, renderer: join(dir, 'out/renderer') })
    try {
      const page = await newPage(browser, { stamps: { __status: { props: ['graphRendered'] } } })
      await page.goto(server.url)
      // navigation start → the ring view's graph drawn (and presented), the page's clock
      const cold = await waitUntil(page, () => {
        const at = window.__status?.__at
        return (
          at?.['graphRendered:presented'] && {
            drawn: at.graphRendered,
            presented: at['graphRendered:presented'],
          }
        )
      })
      const old = { coldLoadToFirstRenderMs: cold.drawn, coldLoadToPresentedMs: cold.presented }
      // the time of each request: the input event itself (the rows select on click, the table
      // steps on keydown), seen first by the page (capture)
      await page.evaluate(() => {
        for (const type of ['click', 'keydown'])
          document.addEventListener(type, () => (window.__inputAt = performance.now()), true)
      })
      const drawn = (wk) =>
        waitUntil(
          page,
          (w) =>
            (w === null ? true : window.__status.graphWeek === w) &&
            window.__status.graphRendered &&
            window.__status.__at.graphRendered >= window.__inputAt &&
            window.__status.__at['graphRendered:presented'] >= window.__status.__at.graphRendered
              ? {
                  week: window.__status.graphWeek,
                  ms: window.__status.__at.graphRendered - window.__inputAt,
                  presentedMs: window.__status.__at['graphRendered:presented'] - window.__inputAt,
                }
              : null,
          wk,
        )
      await page.locator(`#weeks-table tr[data-week="${week}"]`).click()
      const first = await drawn(week)
      old.openLargestWeekMs = first.ms
      old.openLargestWeekPresentedMs = first.presentedMs
      // switching: the next weeks by keyboard
      const sw = []
      for (let k = 0; k < Number(values.switches); k++) {
        const before = await page.evaluate(() => window.__status.graphWeek)
        await page.keyboard.press('ArrowDown')
        const s = await drawn(null)
        if (s.week === before) throw new Error(`ArrowDown did not leave ${before}`)
        sw.push(s)
      }
      const ms = sw.map((x) => x.ms)
      old.switchMs = { median: median(ms), p95: p95(ms), max: Math.max(...ms), n: ms.length }
      old.switchPresentedMs = summary(sw.map((x) => x.presentedMs))
      old.heapMb = await heapMb(page)
      old.drawn = await page.locator('#graph-caption').textContent()
      return old
    } finally {
      await server.stop()
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
  }
}
