// The real desktop app, where an Electron binary exists (it cannot be downloaded on the
// development machines, so there this test is skipped with the reason).
import { existsSync, readFileSync } from 'node:fs'
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

test('the desktop app opens the workbench window', async () => {
  const exe = electronBinary()
  test.skip(!exe, 'no Electron binary on this machine (set ELECTRON_EXEC_PATH to run this test)')
  const app = await electron.launch({
    executablePath: exe!,
    args: ['.', process.env.DX_E2E_ARCHIVE!],
  })
  const win = await app.firstWindow()
  await win.waitForFunction(() => window.__status?.weeksLoaded > 0, null, { timeout: 30_000 })
  await expect(win.locator('#weeks-table tbody tr').first()).toBeVisible()
  await app.close()
})
