// Builds the app, then a temporary archive with the small demo through the real CLI, starts the
// bundled loopback server on it with a temporary per-user folder (so every run starts without a
// saved layout and the restore-on-reload story reads only what this run saved), lays the archive
// out once, and hands the server's URL and token to the specs through the environment.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from './server'

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Always test the current sources, never a stale out/ (both builds take a few seconds).
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' })
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const dir = mkdtempSync(join(tmpdir(), 'dx-e2e-'))
  const archive = join(dir, 'e2e.sqlite')
  execFileSync(process.execPath, ['bin/dexposure.js', '--quiet', '--archive', archive, 'demo'], {
    stdio: 'inherit',
  })
  const server = await startServer(archive, { userDir: join(dir, 'user') })
  // The first open of an archive lays its nodes out once (a job) and stores the positions; do it
  // here so every story opens at stored positions. The first-run story covers the first layout.
  await server.call('graph.universe', { wait: true })
  process.env.DX_E2E_URL = server.url
  process.env.DX_E2E_TOKEN = server.token
  process.env.DX_E2E_ARCHIVE = archive
  process.env.DX_E2E_USER_DIR = server.userDir
  return async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
