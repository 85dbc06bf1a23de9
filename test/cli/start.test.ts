// Story: an analyst runs dozens of short commands. `bin/dexposure` starts the CLI on the project's
// Node without npm's launcher, and the CLI loads only the command it runs; help, version and
// errors still see every command.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commandsFor } from '../../src/cli/index'
import { runCli } from './run-cli'

const ALL = [
  'init',
  'demo',
  'import',
  'weeks',
  'show',
  'stats',
  'risk',
  'alerts',
  'train',
  'forecast',
  'backtest',
  'serve',
  'query',
  'report',
  'export',
]
const argv = (...args: string[]) => ['node', 'dexposure', ...args]

describe('dexposure start-up', () => {
  it('loads the command named, none for --version, all for help and unknown commands', () => {
    expect(commandsFor(argv('weeks'))).toEqual(['weeks'])
    expect(commandsFor(argv('--archive', 'weeks', 'show', '--week', 'x'))).toEqual(['show'])
    expect(commandsFor(argv('--archive=a.sqlite', '--json', 'forecast'))).toEqual(['forecast'])
    expect(commandsFor(argv('--version'))).toEqual([])
    expect(commandsFor(argv('-V'))).toEqual([])
    for (const line of [argv(), argv('--help'), argv('help', 'weeks'), argv('wekes')])
      expect(commandsFor(line).sort()).toEqual([...ALL].sort())
  })

  it('still lists every command in help and suggests one for a typo', () => {
    const help = runCli(['--help'])
    expect(help.code).toBe(0)
    for (const c of ALL) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'))
    const typo = runCli(['wekes'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/unknown command 'wekes'[\s\S]*Did you mean weeks\?/)
    expect(runCli(['--version']).stdout.trim()).toBe('0.1.0')
  })

  it('bin/dexposure runs the CLI on the project Node from any folder', () => {
    const r = spawnSync(resolve('bin/dexposure'), ['--version'], { cwd: '/', encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe('0.1.0')
    expect(r.stderr).toBe('')
  })
})
