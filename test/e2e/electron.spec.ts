// The real desktop app, where an Electron binary exists (it cannot be downloaded on the
// development machines, so there this test is skipped with the reason).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { _electron as electron, expect, test } from '@playwright/test'
import { ReportEditor } from './pages/reports'

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

test('the desktop app saves a weekly report as a PDF printed by Electron', async () => {
  const exe = electronBinary()
  test.skip(!exe, 'no Electron binary on this machine (set ELECTRON_EXEC_PATH to run this test)')
  test.setTimeout(360_000)
  // the report stores the forecast and the scenario run it computes: work on a copy
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-electron-report-'))
  const copy = join(dir, 'report.sqlite')
  const db = new Database(process.env.DX_E2E_ARCHIVE!, { readonly: true })
  db.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`)
  db.close()
  const app = await electron.launch({
    executablePath: exe!,
    args: ['.', copy],
    env: { ...process.env, DEXPOSURE_USER_DIR: join(dir, 'user') } as Record<string, string>,
  })
  try {
    // Electron asks where to save a download; the test answers the dialog for the analyst
    const pdf = join(dir, 'report.pdf')
    await app.evaluate(({ session }, path) => {
      session.defaultSession.on('will-download', (_e, item) => item.setSavePath(path))
    }, pdf)
    const win = await app.firstWindow()
    await win.waitForFunction(() => window.__workbench?.ready, null, { timeout: 60_000 })
    await win.locator('.activitybar .activity[data-view="reports"]').click()
    await win.getByRole('button', { name: 'New Report…' }).click()
    const report = new ReportEditor(win)
    const week = '2025-08-11'
    await report.week().selectOption(week)
    await report.choose('horizon', ['1'])
    await report.choose('scenario', ['top-protocol'])
    await report.waitForPreview(week, 240_000)
    await win.locator('button.report-save-pdf').click()
    await expect
      .poll(() => (existsSync(pdf) ? statSync(pdf).size : 0), { timeout: 180_000 })
      .toBeGreaterThan(10_000)
    // printed by the main process's hidden window (printToPDF): a PDF with pages and bookmarks
    const bytes = readFileSync(pdf)
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(bytes.toString('latin1')).toContain('/Outlines')
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThan(1)
    await win.screenshot({ path: test.info().outputPath('electron-report.png') })
  } finally {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
