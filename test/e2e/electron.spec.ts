// The real desktop app, where an Electron binary exists (it cannot be downloaded on the
// development machines, so there this test is skipped with the reason).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

function electronBinary(): string | null {
  if (process.env.ELECTRON_EXEC_PATH) return process.env.ELECTRON_EXEC_PATH
  // Read the npm package's record of its binary instead of require('electron'), which would try
  // to download one.
  const pkg = join('node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

test('the desktop app opens the workbench shell on an archive', async () => {
  const exe = electronBinary()
  test.skip(!exe, 'no Electron binary on this machine (set ELECTRON_EXEC_PATH to run this test)')
  const userDir = mkdtempSync(join(tmpdir(), 'dx-e2e-electron-'))
  const app = await electron.launch({
    executablePath: exe!,
    args: ['.', process.env.DX_E2E_ARCHIVE!],
    env: { ...process.env, DEXPOSURE_USER_DIR: userDir } as Record<string, string>,
  })
  try {
    const win = await app.firstWindow()
    await win.waitForFunction(() => window.__workbench?.ready, null, { timeout: 30_000 })
    expect(await win.evaluate(() => window.__workbench!.archive)).toBe(process.env.DX_E2E_ARCHIVE)
    await expect(win.locator('.activitybar .activity[data-view="explorer"]')).toBeVisible()
    await expect(win.locator('.status-item[data-item="mode"]')).toHaveText('desktop')
    await expect(win.locator('.tree.weeks li[data-week]').first()).toBeVisible()
    await win.screenshot({ path: test.info().outputPath('electron.png') })
  } finally {
    await app.close()
    rmSync(userDir, { recursive: true, force: true })
  }
})
