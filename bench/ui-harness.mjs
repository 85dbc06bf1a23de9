// What the UI benches (console-ui, dashboard-ui, forecast-ui, scenario-ui, workbench-ui) share:
// browser mode started on an archive with a private per-user folder, headless Debian Chromium with
// software WebGL, the waits, and the statistics. Each bench keeps its own command line and output.
//
// Waits poll from Node (`waitUntil`), never in the page: Playwright's in-page polling
// (waitForFunction, and setTimeout loops inside page.evaluate) was seen to stall for seconds to
// minutes on the shared 2-core machine while the page answered evaluate() at once. Where a bench
// times something in the page, the page stamps the moment itself (`stamps` below), so the coarse
// Node-side polling adds nothing to the figure.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'

/** Headless Chromium with SwiftShader: WebGL without a GPU, as on the development machine. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--no-first-run',
]

/** The archive named on the command line, absolute; exits 2 saying how to make it when missing. */
export function requireArchive(path) {
  const archive = resolve(path)
  if (!existsSync(archive)) {
    console.error(`${archive} is missing: dexposure --archive ${path} demo --scale real`)
    process.exit(2)
  }
  return archive
}

/** A temporary folder of the bench's own (the caller removes it). */
export const tempDir = (tag) => mkdtempSync(join(tmpdir(), `dx-bench-${tag}-`))

/** Copies `source` into `dir` (for benches that write into the archive); seconds taken. */
export function copyArchive(source, dir, name = 'archive.sqlite') {
  const path = join(dir, name)
  const t = Date.now()
  copyFileSync(source, path)
  return { path, copyS: (Date.now() - t) / 1000 }
}

/**
 * Browser mode on `archive` (out/node/server.js), with DEXPOSURE_USER_DIR = `userDir` and
 * optionally another renderer build. Answers the URL the server prints first, an API caller and
 * `stop()` (resolves once the server has exited).
 */
export async function startServer({ archive, userDir, renderer = null }) {
  const server = spawn(
    process.execPath,
    ['out/node/server.js', '--archive', archive, ...(renderer ? ['--renderer', renderer] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DEXPOSURE_USER_DIR: userDir } },
  )
  const exited = new Promise((r) => server.once('exit', r))
  let first
  try {
    first = await new Promise((res, rej) => {
      createInterface({ input: server.stdout }).once('line', res)
      server.once('exit', (c) => rej(new Error(`server exited ${c}`)))
    })
  } catch (e) {
    await exited
    throw e
  }
  const { url, token } = JSON.parse(first)
  const origin = new URL(url).origin
  /** One API call, as the renderer's browser client makes it. */
  async function call(name, request = {}, attempt = 0) {
    let r
    try {
      r = await fetch(`${origin}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
      })
    } catch (e) {
      // a kept-alive socket the server closed while idle (ECONNRESET): ask again on a new one
      if (attempt < 2 && e.cause?.code === 'ECONNRESET') return call(name, request, attempt + 1)
      throw e
    }
    const body = await r.json()
    if (!r.ok) throw new Error(`${name}: ${r.status} ${JSON.stringify(body)}`)
    return body
  }
  async function stop() {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM')
    await exited
  }
  return { url, token, origin, call, stop }
}

/** Headless Chromium (Debian's, at /usr/bin/chromium) with `extraArgs` after the common flags. */
export const launchBrowser = (extraArgs = []) =>
  chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] })

/**
 * A 1440×900 page. `stamps` names status hooks whose property settings the page stamps with
 * performance.now() in the object's non-enumerable `__at`: `__at[prop]` the last time it was set
 * to a value other than null, undefined or false, and for a string value also `__at['prop=value']`
 * the first time it was set to that value, and `__at['prop:presented']` the moment the frame
 * drawn with that setting has been presented: the start of the next animation frame for a setting
 * made inside an animation frame callback (sigma's afterRender), of the second one for a setting
 * made outside (its drawing is committed only at the end of the next frame). With software
 * compositing the compositor's readback of a WebGL canvas holds the main thread until SwiftShader
 * has drawn it, so the next animation frame starts after that wait (measured: a frame that draws
 * a real-scale week's nodes inside a callback moves the next frame's start from 41–52 to
 * 134–151 ms after it, the second frame adds 10–16 ms). Until 2026-12-04 every setting was stamped
 * at the second frame, which for a picture drawn in parts also counted the raster of its second
 * part (≈ 190 ms of a week switch's 581). From the page's first script on:
 *   { __forecast: { props: ['lastShowMs'] } }            the hook object itself;
 *   { __graphs: { each: true, props: ['rendered'] } }    every object put into the hook's map.
 * BENCH_DEBUG=1 echoes the page's console and errors; page errors are always reported.
 */
export async function newPage(browser, { stamps = null } = {}) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  page.on('pageerror', (e) => console.error('pageerror:', e.message))
  if (process.env.BENCH_DEBUG)
    page.on('console', (m) => console.error('console:', m.text().slice(0, 300)))
  if (stamps) await page.addInitScript(installStamps, stamps)
  // ad hoc probes (e.g. timing every GL call): a script run in the page before its own
  if (process.env.BENCH_INIT_SCRIPT)
    await page.addInitScript({ path: process.env.BENCH_INIT_SCRIPT })
  return page
}

/** Runs in the page before its own scripts (see newPage). */
function installStamps(spec) {
  // whether the page is inside an animation frame callback (sigma renders in one)
  let inFrame = 0
  const raf = window.requestAnimationFrame.bind(window)
  window.requestAnimationFrame = (f) =>
    raf((t) => {
      inFrame++
      try {
        f(t)
      } finally {
        inFrame--
      }
    })
  const stamp = (obj, props) => {
    if (!obj || typeof obj !== 'object' || Object.hasOwn(obj, '__at')) return obj
    const at = {}
    Object.defineProperty(obj, '__at', { value: at, enumerable: false })
    for (const p of props) {
      let v = obj[p]
      Object.defineProperty(obj, p, {
        enumerable: true,
        configurable: true,
        get: () => v,
        set: (x) => {
          v = x
          if (x === null || x === undefined || x === false) return
          const now = performance.now()
          at[p] = now
          if (typeof x === 'string') at[`${p}=${x}`] ??= now
          const presented = () => (at[`${p}:presented`] = performance.now())
          if (inFrame) raf(presented)
          else raf(() => raf(presented))
        },
      })
    }
    return obj
  }
  const stampEach = (map, props) =>
    new Proxy(map, {
      set(target, key, v) {
        target[key] = stamp(v, props)
        return true
      },
    })
  for (const [name, { each = false, props }] of Object.entries(spec)) {
    // a map exists from the start: the app's `(window.x ??= {})[id] = status` would otherwise put
    // its first status into the plain object it assigns (`??=` answers its right-hand side)
    let value = each ? stampEach({}, props) : undefined
    Object.defineProperty(window, name, {
      configurable: true,
      get: () => value,
      set: (x) => {
        value = each ? stampEach(x, props) : stamp(x, props)
      },
    })
  }
}

/**
 * Evaluates `fn(arg)` in the page every `intervalMs` until it answers a truthy value, and answers
 * that value; throws after `timeoutMs`.
 */
export async function waitUntil(page, fn, arg, timeoutMs = 120_000, intervalMs = 100) {
  const t0 = Date.now()
  for (;;) {
    const v = await page.evaluate(fn, arg)
    if (v) return v
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${fn}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** The workbench shell started and its saved layout restored. */
export const waitForWorkbench = (page, timeoutMs) =>
  waitUntil(page, () => window.__workbench?.ready && window.__workbench.restored, null, timeoutMs)

/** A graph tab drawn (of `week`, when given). */
export const waitForGraph = (page, week = null, timeoutMs = 600_000) =>
  waitUntil(
    page,
    (w) => Object.values(window.__graphs ?? {}).some((g) => g.rendered && (!w || g.week === w)),
    week,
    timeoutMs,
  )

/** Loads the workbench, opens `week` in a graph tab and waits for it to be drawn: its editor id. */
export async function openDrawnWeek(page, url, week) {
  await page.goto(url)
  await waitForGraph(page)
  await page.evaluate(
    (w) => window.dispatchEvent(new CustomEvent('dx:open-graph', { detail: { week: w } })),
    week,
  )
  return waitUntil(
    page,
    (w) =>
      Object.keys(window.__graphs).find(
        (i) => window.__graphs[i].week === w && window.__graphs[i].rendered,
      ),
    week,
    600_000,
  )
}

/** The renderer's JS heap after a forced garbage collection, in MiB (CDP). */
export async function heapMb(page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  // Performance.getMetrics answers nothing until the domain is enabled
  await cdp.send('Performance.enable')
  const { metrics } = await cdp.send('Performance.getMetrics')
  await cdp.detach()
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 2 ** 20
}

/** The median; of an even count, the mean of the two middle values (until 2026-12-05 the lower
 * one, which understated the medians of even counts in BENCHMARKS.md's earlier UI entries). */
export const median = (a) => {
  const s = [...a].sort((x, y) => x - y)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
export const p95 = (a) => [...a].sort((x, y) => x - y)[Math.ceil(0.95 * a.length) - 1]
/** n, median, p95 and max, to 0.1 ms. */
export const summary = (a) => ({
  n: a.length,
  median: +median(a).toFixed(1),
  p95: +p95(a).toFixed(1),
  max: +Math.max(...a).toFixed(1),
})

/** The machine, for the record. */
export const machine = () => `${cpus()[0].model} ×${cpus().length}, node ${process.version}`

/** A CDP CPU profile's self time by function (name, file:line), most first. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return [...self.entries()].sort((a, b) => b[1] - a[1])
}
