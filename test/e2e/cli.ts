// The real CLI (bin/dexposure.js), for what a spec compares the UI with or prepares an archive by.
import { execFileSync } from 'node:child_process'

export interface CliWeek {
  week: string
  nodes: number
  edges: number
}

/** Runs `dexposure ARGS` on an archive and returns its stdout. */
export function dexposure(archive: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['bin/dexposure.js', '--archive', archive, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** `dexposure weeks --json`: every archived week with its node and edge counts, oldest first. */
export function cliWeeks(archive: string): CliWeek[] {
  return JSON.parse(dexposure(archive, '--json', 'weeks')) as CliWeek[]
}
