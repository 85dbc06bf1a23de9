// Runs the built CLI as a user would: a subprocess with arguments, reading stdout, stderr and the
// exit code.
import { spawn, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

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

export function spawnCli(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}
