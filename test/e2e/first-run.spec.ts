// First run: `npm start` on a machine without an Electron binary creates the archive, fills it
// with the synthetic demo, and serves the workbench in browser mode (`dexposure serve`); the shell
// opens on the demo with the graph of its last week drawn (the first open lays the archive out
// once); Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { expect, test } from '@playwright/test'
import { cliWeeks } from './cli'
import { Workbench } from './pages/workbench'

test('a new user runs npm start and gets the workbench on a fresh demo archive', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'dx-first-run-'))
  const archive = join(dir, 'new', 'archive.sqlite')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEXPOSURE_ARCHIVE: archive,
    DEXPOSURE_USER_DIR: join(dir, 'user'),
  }
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  delete env.ELECTRON_EXEC_PATH
  const start = spawn(process.execPath, ['scripts/start.mjs', '--browser', '--no-open'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  start.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: start.stdout! }).on('line', (line) => {
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/.exec(line)
        if (m) resolve(m[1])
      })
      start.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stderr}`)))
    })
    expect(existsSync(archive)).toBe(true)
    expect(stderr).toContain('SYNTHETIC demo data')
    expect(stderr).toContain('browser mode')
    const weeks = cliWeeks(archive)
    expect(weeks.length).toBe(283)
    const wb = new Workbench(page, { url, token: new URL(url).searchParams.get('token')! })
    await wb.open()
    await expect(wb.statusItem('archive')).toHaveText('archive.sqlite')
    await expect(wb.statusItem('synthetic')).toBeVisible()
    await expect(wb.statusItem('mode')).toHaveText('browser mode')
    expect(await page.evaluate(() => window.__workbench!.archive)).toBe(archive)
    await expect(wb.weekItems()).toHaveCount(283)
    // the graph of the last week, drawn once the first layout is stored
    const graph = await wb.graph()
    const last = weeks.at(-1)!
    const s = await graph.waitForWeek(last.week)
    expect(s.nodes).toBe(last.nodes)
    expect((await graph.stagePixels()).drawn).toBeGreaterThan(2_000)
    await wb.screenshot('first-run')
    await wb.expectNoErrors()
    await page.close()
    const exit = new Promise<number | null>((resolve) => start.once('exit', resolve))
    start.kill('SIGINT')
    expect(await exit).toBe(0)
  } finally {
    if (start.exitCode === null && start.signalCode === null) start.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
