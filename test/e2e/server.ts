// The bundled loopback server (out/node/server.js) on an archive, for the specs and global setup.
// Each server gets its own per-user folder (DEXPOSURE_USER_DIR: recent archives, saved layouts),
// so a test never reads the state of the developer's workbench or of another spec's server.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface RunningServer {
  url: string
  token: string
  /** The page's origin (http://127.0.0.1:PORT). */
  origin: string
  /** The per-user folder this server keeps recent archives and layouts in. */
  userDir: string
  /** Calls the engine through the HTTP API with the token, as the renderer does. */
  call<T = unknown>(name: string, request?: unknown): Promise<T>
  stop(): Promise<void>
}

export async function startServer(
  archive: string,
  opts: { userDir?: string } = {},
): Promise<RunningServer> {
  const ownUserDir = !opts.userDir
  const userDir = opts.userDir ?? mkdtempSync(join(tmpdir(), 'dx-e2e-user-'))
  const server: ChildProcess = spawn(
    process.execPath,
    ['out/node/server.js', '--archive', archive],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DEXPOSURE_USER_DIR: userDir },
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).once('line', resolve)
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  const { url, token } = JSON.parse(line) as { url: string; token: string }
  const origin = new URL(url).origin
  return {
    url,
    token,
    origin,
    userDir,
    call: (name, request = {}) => apiCall(origin, token, name, request),
    stop: async () => {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once('exit', r))
        server.kill('SIGTERM')
        await exited
      }
      if (ownUserDir) rmSync(userDir, { recursive: true, force: true })
    },
  }
}

/** One engine call over the loopback API (POST /api/NAME with the bearer token). */
export async function apiCall<T = unknown>(
  origin: string,
  token: string,
  name: string,
  request: unknown = {},
): Promise<T> {
  const res = await fetch(`${origin}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(request),
  })
  const body = (await res.json()) as T
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body)}`)
  return body
}

/** The shared demo server of global setup, from the environment it wrote. */
export function demoServer(): { url: string; token: string; origin: string; archive: string } {
  const url = process.env.DX_E2E_URL
  if (!url) throw new Error('DX_E2E_URL is not set: run the specs through `npx playwright test`')
  return {
    url,
    token: process.env.DX_E2E_TOKEN!,
    origin: new URL(url).origin,
    archive: process.env.DX_E2E_ARCHIVE!,
  }
}
