// The week dashboard's target (issue 11: open ≤ 1 s with stored results, ≤ 3 s computing them),
// in headless Chromium against browser mode on the real-scale archive, for its largest week (most
// edges). The dashboard writes statistics into the archive, so the bench runs on a copy in a
// temporary folder (removed at the end), with a temporary per-user folder.
//
//   node bench/dashboard-ui.mjs [--archive bench/data/real-scale.sqlite] [--fill-timeout 1800]
//
// Measures, from the open (the Explorer's dashboard button event) to the dashboard drawn (figures,
// SIS table, heatmap: window.__dashboards[id].state = 'ready'):
//   1. computing: no statistics stored (the week and its previous week computed and stored);
//   2. the engine's `stats` job filling every other week (sparklines, alerts), then the alerts run;
//   3. stored: the tab closed and opened again, and in a fresh page (cold renderer), to 'ready'
//      and to complete (sparklines and alerts drawn).
// Prints a JSON summary; BENCHMARKS.md records it. Needs `npm run build` first.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'

const { values } = parseArgs({
  options: {
    archive: { type: 'string', default: 'bench/data/real-scale.sqlite' },
    'fill-timeout': { type: 'string', default: '1800' },
  },
})
const source = resolve(values.archive)
if (!existsSync(source)) {
  console.error(`${source} is missing: dexposure --archive ${values.archive} demo --scale real`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'dx-bench-dashboard-'))
const archive = join(dir, 'archive.sqlite')
const userDir = join(dir, 'user')
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--no-first-run',
]

let server = null
let browser = null
const result = { archive: values.archive }
try {
  const c0 = Date.now()
  copyFileSync(source, archive)
  result.copyS = (Date.now() - c0) / 1000
  server = spawn(process.execPath, ['out/node/server.js', '--archive', archive], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DEXPOSURE_USER_DIR: userDir },
  })
  const line = await new Promise((res, rej) => {
    createInterface({ input: server.stdout }).once('line', res)
    server.once('exit', (c) => rej(new Error(`server exited ${c}`)))
  })
  const { url } = JSON.parse(line)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })

  const openPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error('console:', m.text()))
    await page.goto(url)
    await page.waitForFunction(
      () => window.__workbench?.ready && window.__workbench.restored,
      null,
      {
        timeout: 3_600_000,
        polling: 500,
      },
    )
    return page
  }

  /** Opens the week's dashboard as the Explorer's button does; ms to 'ready' (and to complete). */
  const open = async (page, week, complete = false) =>
    page.evaluate(
      ([w, whole]) =>
        new Promise((resolve, reject) => {
          const id = `dashboard-${w}`
          const t0 = performance.now()
          window.dispatchEvent(new CustomEvent('dx:open-dashboard', { detail: { week: w } }))
          let ready = null
          const tick = () => {
            const s = window.__dashboards?.[id]
            if (s?.state === 'failed') return reject(new Error(s.error))
            if (s?.state === 'ready' && ready === null) ready = performance.now() - t0
            if (ready !== null && (!whole || s.completeMs != null))
              return resolve({
                readyMs: ready,
                completeMs: whole ? performance.now() - t0 : null,
                cached: s.cached,
                inViewReadyMs: s.readyMs,
                timings: s.timings,
              })
            requestAnimationFrame(tick)
          }
          tick()
        }),
      [week, complete],
    )

  let page = await openPage()
  // the first open shows the last week's graph: let it finish, so it does not share the timings
  await page.waitForFunction(
    () => Object.values(window.__graphs ?? {}).some((g) => g.rendered),
    null,
    {
      timeout: 600_000,
    },
  )
  // the Explorer lists every week with its counts: the largest by edges
  const listed = await page.evaluate(() =>
    [...document.querySelectorAll('.tree.weeks li[data-week]')].map((li) => ({
      week: li.dataset.week,
      // the row's counts ("10,889 n · 75,485 e · $…"), after the week itself
      edges: Number(
        /([\d,]+) e/.exec(li.querySelector('small')?.textContent ?? '')?.[1]?.replaceAll(',', '') ??
          0,
      ),
      nodes: Number(
        /([\d,]+) n/.exec(li.querySelector('small')?.textContent ?? '')?.[1]?.replaceAll(',', '') ??
          0,
      ),
    })),
  )
  const week = listed.reduce((a, b) => (b.edges > a.edges ? b : a))
  result.largestWeek = { week: week.week, nodes: week.nodes, edges: week.edges }

  // 1. computing (nothing stored yet)
  result.computing = await open(page, week.week)
  console.error(`computing: ${JSON.stringify(result.computing)}; filling every week…`)

  // 2. the other weeks (the `stats` job), then the alerts
  const f0 = Date.now()
  await page.waitForFunction(
    (id) => window.__dashboards?.[id]?.completeMs != null,
    `dashboard-${week.week}`,
    {
      timeout: Number(values['fill-timeout']) * 1000,
      polling: 1000,
    },
  )
  result.fillAllWeeksS = (Date.now() - f0) / 1000

  // 3. stored: the tab closed and opened again (same page), then a fresh page
  const closeTab = async () => {
    await page.evaluate((id) => {
      const tab = [...document.querySelectorAll('.dv-tab')].find((t) =>
        t.textContent?.includes(id.replace('dashboard-', 'Dashboard ')),
      )
      tab
        ?.querySelector('.dv-default-tab-action')
        ?.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    }, `dashboard-${week.week}`)
    await page.waitForFunction((id) => !window.__dashboards?.[id], `dashboard-${week.week}`)
  }
  const reopen = []
  for (let i = 0; i < 3; i++) {
    await closeTab()
    reopen.push(await open(page, week.week, true))
  }
  result.storedReopen = reopen
  // closed again, so the fresh page does not restore it with the saved layout
  await closeTab()
  await page.waitForTimeout(1500)
  await page.close()
  page = await openPage()
  await page.waitForFunction(
    () => Object.values(window.__graphs ?? {}).some((g) => g.rendered),
    null,
    {
      timeout: 600_000,
    },
  )
  result.storedFreshPage = await open(page, week.week, true)
  await page.close()
  console.log(JSON.stringify(result, null, 2))
} finally {
  await browser?.close()
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
}
