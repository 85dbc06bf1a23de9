// Builds the app, then a temporary archive with the small demo through the real CLI, starts the bundled
// loopback server on it, and hands its URL and token to the specs through the environment.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from './server'

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Always test the current sources, never a stale out/ (both builds take about 2 s together).
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' })
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-'))
  const archive = join(dir, 'e2e.sqlite')
  execFileSync(process.execPath, ['bin/dexposure.js', '--quiet', '--archive', archive, 'demo'], {
    stdio: 'inherit',
  })
  const { url, token, stop } = await startServer(archive)
  process.env.DX_E2E_URL = url
  process.env.DX_E2E_TOKEN = token
  process.env.DX_E2E_ARCHIVE = archive
  return async () => {
    await stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
