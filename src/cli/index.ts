// `dexposure`: the command-line face of the engine. Machine-readable output with --json on stdout,
// progress and logs on stderr, documented exit codes (src/cli/exit-codes.ts, docs/cli.md).
import { Command, CommanderError } from 'commander'
import { DexposureError, isDexposureError } from '../shared/errors'
import type { CliContext } from './context'
import { EXIT, exitCodeFor } from './exit-codes'

interface CommandModule {
  register(program: Command, ctx: CliContext): void
}

// Loaded on demand: importing every command pulls in the whole engine (SQLite, ONNX Runtime, zod,
// the server) and costs several hundred ms per start, while a run needs one command (docs/cli.md,
// "Start-up time"). The bundle keeps each behind a dynamic import (scripts/build-node.mjs splits).
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  init: () => import('./commands/init'),
  demo: () => import('./commands/demo'),
  import: () => import('./commands/import'),
  weeks: () => import('./commands/weeks'),
  show: () => import('./commands/show'),
  stats: () => import('./commands/stats'),
  risk: () => import('./commands/risk'),
  alerts: () => import('./commands/alerts'),
  train: () => import('./commands/train'),
  forecast: () => import('./commands/forecast'),
  backtest: () => import('./commands/backtest'),
  serve: () => import('./commands/serve'),
  query: () => import('./commands/query'),
  report: () => import('./commands/report'),
  export: () => import('./commands/export'),
}

/**
 * The commands a command line needs: the one it names; none for a bare `--version`; all of them
 * otherwise (`--help`, `help X`, an unknown or missing command: commander lists or suggests them).
 */
export function commandsFor(argv: readonly string[]): string[] {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]
    const known = Object.hasOwn(COMMANDS, arg)
    // --archive is the only global option that takes a separate value
    if (arg === '--archive') i++
    else if (arg === '--version' || arg === '-V') return []
    else if (!arg.startsWith('-')) return known ? [arg] : Object.keys(COMMANDS)
    else if (arg === '--help' || arg === '-h' || arg === '--') break
  }
  return Object.keys(COMMANDS)
}

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command()
    .name('dexposure')
    .description('DeXposure Workbench: archive, forecast and measure DeFi credit-exposure networks')
    .version('0.1.0')
    .option('--archive <path>', 'archive file (default: $DEXPOSURE_ARCHIVE or the app-data folder)')
    .option('--json', 'machine-readable output on stdout')
    .option('--quiet', 'no progress or log lines on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  const names = commandsFor(argv)
  if (names.length > 0) {
    const [{ createContext }, modules] = await Promise.all([
      import('./context'),
      Promise.all(names.map((n) => COMMANDS[n]())),
    ])
    const ctx = createContext()
    for (const m of modules) m.register(program, ctx)
  }
  for (const c of program.commands) c.exitOverride()
  return program
}

export async function main(argv: string[]): Promise<number> {
  let program: Command | undefined
  try {
    program = await buildProgram(argv)
    await program.parseAsync(argv)
    return EXIT.OK
  } catch (caught) {
    let e = caught
    if (e instanceof CommanderError) {
      // help and version exit 0; parse errors are usage errors (commander already printed them)
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE
    }
    // A write the engine did not route through Archive.write still says what happened.
    const { busyConflict, isBusy } = await import('../engine/store/archive')
    if (isBusy(e)) {
      const { resolveArchivePath } = await import('../engine/store/paths')
      e = busyConflict(resolveArchivePath(program?.opts<{ archive?: string }>().archive))
    }
    if (isDexposureError(e)) {
      process.stderr.write(`dexposure: ${e.describe()}\n`)
      return exitCodeFor(e.code)
    }
    const err = e as Error
    process.stderr.write(`dexposure: internal error: ${err.stack ?? err.message}\n`)
    return EXIT.INTERNAL
  }
}

/** Exit once stdout and stderr have drained (process.exit alone can cut piped output short). */
export function exitAfterFlush(code: number): void {
  process.stderr.write('', () => process.stdout.write('', () => process.exit(code)))
}

// Run when executed directly (`node out/node/cli.js`); bin/dexposure.js calls main() itself.
if (process.argv[1] && /[\\/]cli\.js$/.test(process.argv[1])) {
  main(process.argv).then(exitAfterFlush, (e: unknown) => {
    process.stderr.write(`dexposure: ${String(e)}\n`)
    exitAfterFlush(EXIT.INTERNAL)
  })
}

export { DexposureError }
