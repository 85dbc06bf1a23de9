// Scenarios and playback in the workbench (issue 11 §2), in headless Chromium against browser mode
// on the real-scale archive's largest week: the top-5 scenario with the three methods run from the
// Risk view (click → totals shown: the `risk` job and `risk.result`), then each method's playback
// data loaded and round 0 drawn on the graph (`risk.playback`, decode, per-step state, overlay),
// then the playback steps, the first 12 of each method (the control's click → the overlay drawn,
// timed in the page; GraphView's lastOverlayMs; the controller's step time), and 5 again after
// going back to the first round (overlays already built).
//
//   node bench/scenario-ui.mjs [--archive bench/data/real-scale.sqlite] [--renderer DIR]
//                              [--keep-copy | --no-copy]
//
// A scenario run is stored in the archive, so the bench works on a copy in a temporary folder
// (deleted at the end). Prints a JSON summary; BENCHMARKS.md records it. Needs the renderer and
// node builds (`npm run build`).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    'keep-copy': { type: 'boolean', default: false },
    /** Bench on ARCHIVE itself: a scratch archive made for the bench (it is written to). */
    'no-copy': { type: 'boolean', default: false },
    /** A renderer build to serve instead of out/renderer (a copy no concurrent build replaces). */
    renderer: { type: 'string' },
  },
})
const source = resolve(values.archive)
if (!existsSync(source)) {
  console.error(`${source} is missing: dexposure --archive ${values.archive} demo --scale real`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'dx-bench-scenario-'))
const archive = values['no-copy'] ? source : join(dir, 'real-scale.sqlite')
const userDir = join(dir, 'user')
const METHODS = ['reference', 'debtrank', 'eisenberg-noe']
const MAX_STEPS = 12
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)]
const p95 = (a) => [...a].sort((x, y) => x - y)[Math.ceil(0.95 * a.length) - 1]
const summary = (a) => ({
  n: a.length,
  median: +median(a).toFixed(1),
  p95: +p95(a).toFixed(1),
  max: +Math.max(...a).toFixed(1),
})

let server = null
let browser = null
try {
  const tc = Date.now()
  if (archive !== source) copyFileSync(source, archive)
  const copyS = (Date.now() - tc) / 1000
  const rendererArgs = values.renderer ? ['--renderer', resolve(values.renderer)] : []
  server = spawn(process.execPath, ['out/node/server.js', '--archive', archive, ...rendererArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DEXPOSURE_USER_DIR: userDir },
  })
  const line = await new Promise((res, rej) => {
    createInterface({ input: server.stdout }).once('line', res)
    server.once('exit', (c) => rej(new Error(`server exited ${c}`)))
  })
  const { url, token } = JSON.parse(line)
  const origin = new URL(url).origin
  const call = async (name, request = {}) => {
    const r = await fetch(`${origin}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
    })
    const body = await r.json()
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(body)}`)
    return body
  }
  const weeks = await call('weeks.list')
  const largest = weeks.reduce((a, b) => (b.edges > a.edges ? b : a))
  // the layout is stored in the archive; wait for it if this copy has none (outside the timings)
  await call('graph.universe', { wait: true })

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--no-first-run',
    ],
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error('console:', m.text()))
  page.on('pageerror', (e) => console.error('pageerror:', e.message))
  await page.goto(url)
  await page.waitForFunction(() => window.__workbench?.ready && window.__workbench.restored, null, {
    timeout: 600_000,
  })
  // the largest week in the graph
  await page.evaluate(
    (week) => window.dispatchEvent(new CustomEvent('dx:open-graph', { detail: { week } })),
    largest.week,
  )
  await page.waitForFunction(
    (week) => Object.values(window.__graphs ?? {}).some((g) => g.week === week && g.rendered),
    largest.week,
    { timeout: 600_000 },
  )
  const side = page.locator('.sideview[data-view="risk"]')
  await page.locator('.activitybar .activity[data-view="risk"]').click()
  await side.locator('select.risk-week').selectOption(largest.week)
  await side.locator('select.risk-scenario').selectOption('top5-protocols')
  for (const m of METHODS) await side.locator(`.risk-methods input[value="${m}"]`).setChecked(true)

  // ---- run: click → totals of the three methods shown
  const t0 = Date.now()
  await side.locator('.risk-run').click()
  await side
    .locator('.risk-runner .risk-status')
    .filter({ hasText: /done \(run \d+\)|failed|cancelled|already running/ })
    .waitFor({ timeout: 600_000 })
  const status = await side.locator('.risk-runner .risk-status').textContent()
  const runId = Number(/done \(run (\d+)\)/.exec(status)?.[1])
  if (!runId) throw new Error(`the scenario did not run: ${status}`)
  const editor = page.locator(`.scenario-view[data-run="${runId}"]`)
  await editor.locator('.risk-totals tbody tr').nth(2).waitFor({ timeout: 60_000 })
  const runMs = Date.now() - t0
  const totals = await editor
    .locator('.risk-totals tbody tr')
    .evaluateAll((rows) => rows.map((r) => ({ ...r.dataset })))

  // ---- playback data of each method: click → round 0 drawn on the graph
  const playback = {}
  const steps = {}
  for (const m of METHODS) {
    await editor.locator('select.playback-method').selectOption(m, { timeout: 600_000 })
    const box = editor.locator('.playback')
    const t1 = Date.now()
    await editor.locator('.playback-start').click({ timeout: 600_000 })
    await page.waitForFunction(
      (m) => {
        const b = document.querySelector('.scenario-view .playback')
        const title = document.querySelector('.scenario-view .playback-label')?.textContent ?? ''
        return b?.classList.contains('attached') && b.dataset.step === '0' && title.startsWith(m)
      },
      { reference: 'Reference cascade', debtrank: 'DebtRank', 'eisenberg-noe': 'Eisenberg' }[m],
      { timeout: 600_000 },
    )
    playback[m] = Date.now() - t1
    const n = Number(await box.getAttribute('data-steps'))
    console.error(`${m}: playback data and round 0 in ${playback[m]} ms, ${n} steps`)
    // steps driven in the page (a click on the control, then wait for the step drawn), so the
    // time is the page's own, not Playwright's round trips; at most MAX_STEPS forward steps
    const drive = (from, to) =>
      page.evaluate(
        async ([from, to]) => {
          const box = document.querySelector('.scenario-view .playback')
          const next = box.querySelector('button[data-action="next"]')
          const out = []
          for (let k = from; k <= to; k++) {
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
            out.push({
              wall: performance.now() - t,
              step: Number(box.dataset.stepMs),
              overlay: Math.max(...Object.values(window.__graphs).map((g) => g.lastOverlayMs ?? 0)),
            })
          }
          return out
        },
        [from, to],
      )
    const forward = n > 1 ? await drive(1, Math.min(n - 1, MAX_STEPS)) : []
    console.error(
      `${m}: ${forward.length} steps, ms each: ${forward.map((x) => x.wall.toFixed(0))}`,
    )
    // back to the first round and forward again: overlays already built (a lookup + the draw)
    await editor
      .locator('.playback-controls button[data-action="first"]')
      .click({ timeout: 600_000 })
    await page.waitForFunction(
      () => document.querySelector('.scenario-view .playback')?.dataset.step === '0',
      null,
      { timeout: 600_000 },
    )
    const again = n > 1 ? await drive(1, Math.min(n - 1, 5)) : []
    steps[m] = {
      steps: n,
      measured: forward.length,
      clickToDrawnMs: forward.length ? summary(forward.map((x) => x.wall)) : null,
      stepMs: forward.length ? summary(forward.map((x) => x.step)) : null,
      lastOverlayMs: forward.length ? summary(forward.map((x) => x.overlay)) : null,
      revisitClickToDrawnMs: again.length ? summary(again.map((x) => x.wall)) : null,
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
        runClickToTotalsMs: runMs,
        playbackClickToRound0Ms: playback,
        endToEndThreeMethodsMs: endToEnd,
        steps,
      },
      null,
      2,
    ),
  )
} finally {
  await browser?.close()
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  if (!values['keep-copy']) rmSync(dir, { recursive: true, force: true })
}
