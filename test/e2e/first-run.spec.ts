// First run: `npm start` on a machine without an Electron binary creates the archive, fills it
// with the synthetic demo, and serves the workbench in browser mode; Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { expect, test } from '@playwright/test'
import { WorkbenchPage } from './pages/workbench'

test('a new user runs npm start and gets the workbench on a fresh demo archive', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-first-run-'))
  const archive = join(dir, 'new', 'archive.sqlite')
  const env: NodeJS.ProcessEnv = { ...process.env, DEXPOSURE_ARCHIVE: archive }
  delete env.DISPLAY
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
    const wb = new WorkbenchPage(page)
    await wb.open(url)
    await wb.expectWeeks(283)
    await expect(wb.syntheticBadge()).toBeVisible()
    await expect(page.locator('#archive')).toHaveText(archive)
    await page.close()
    const exit = new Promise<number | null>((resolve) => start.once('exit', resolve))
    start.kill('SIGINT')
    expect(await exit).toBe(0)
  } finally {
    if (start.exitCode === null && start.signalCode === null) start.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
