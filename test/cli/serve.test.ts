// `dexposure serve` as a user runs it: a subprocess that creates the archive, prints the URL with
// its token, serves the page and the API, and exits 0 on SIGTERM and SIGINT.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, runCli } from './run-cli'

let dir: string
let renderer: string
let env: NodeJS.ProcessEnv

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-serve-'))
  renderer = join(dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>workbench</title>')
  env = { ...process.env, DEXPOSURE_USER_DIR: join(dir, 'user') }
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  delete env.DEXPOSURE_ARCHIVE
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function serve(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)))
  })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, firstLine, exit, stderr: () => stderr }
}

describe('dexposure serve', () => {
  it('creates the archive, prints {url, token, archive}, serves page and API, stops on SIGTERM', async () => {
    const archive = join(dir, 'new', 'a.sqlite')
    const s = serve(['--json', '--archive', archive, 'serve', '--no-open', '--renderer', renderer])
    try {
      const out = JSON.parse(await s.firstLine) as { url: string; token: string; archive: string }
      expect(out.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
      expect(out.url.endsWith(out.token)).toBe(true)
      expect(out.archive).toBe(archive)
      expect(existsSync(archive)).toBe(true)

      const page = await fetch(out.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>workbench</title>')
      expect((await fetch(new URL(out.url).origin + '/')).status).toBe(401)

      const info = await fetch(new URL('/api/archive.info', out.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${out.token}`, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(info.status).toBe(200)
      expect(await info.json()).toMatchObject({ file: archive, weeks: 0 })
      // the opened archive is recorded in the per-user store, not in the archive
      const store = JSON.parse(readFileSync(join(dir, 'user', 'workbench-user.json'), 'utf8'))
      expect(store.recent[0].path).toBe(archive)

      s.child.kill('SIGTERM')
      expect(await s.exit).toBe(0)
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL')
    }
  })

  it('prints just the URL without --json, listens on --port, and stops on SIGINT', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000)
    const archive = join(dir, 'b.sqlite')
    const s = serve([
      '--archive',
      archive,
      'serve',
      '--port',
      String(port),
      '--no-open',
      '--renderer',
      renderer,
    ])
    try {
      const line = await s.firstLine
      expect(line).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[0-9a-f]{64}$`))
      await expect.poll(() => s.stderr()).toContain(`serving ${archive}`)
      s.child.kill('SIGINT')
      expect(await s.exit).toBe(0)
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL')
    }
  })

  it('refuses a bad port (exit 2) and a file that is not an archive (exit 6, naming it)', () => {
    expect(
      runCli(['serve', '--port', 'http', '--no-open'], { DEXPOSURE_USER_DIR: join(dir, 'user') })
        .code,
    ).toBe(2)
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'not an archive')
    const r = runCli(['--archive', text, 'serve', '--no-open'], {
      DEXPOSURE_USER_DIR: join(dir, 'user'),
    })
    expect(r.code).toBe(6)
    expect(r.stderr).toContain(`${text}: not a SQLite file`)
  })
})
