// Runs the built CLI as a user would: a subprocess with arguments, reading stdout, stderr and the
// exit code.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'

export const CLI = resolve('bin/dexposure.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

export function runCliJson<T = unknown>(args: string[], env: NodeJS.ProcessEnv = {}): T {
  const r = runCli(['--json', ...args], env)
  if (r.code !== 0) throw new Error(`dexposure ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
}

/** A fresh small demo archive (`dexposure demo`) in a temporary folder for one test file: `ready`
 * gets the folder and the archive path before the tests run; the folder is removed after them. */
export function withDemoArchive(
  prefix: string,
  ready: (dir: string, archive: string) => void,
): void {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
    const archive = join(dir, 'a.sqlite')
    expect(runCli(['--quiet', '--archive', archive, 'demo']).code).toBe(0)
    ready(dir, archive)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
}
