// `dexposure`: the command-line face of the engine. Machine-readable output with --json on stdout,
// progress and logs on stderr, documented exit codes (src/cli/exit-codes.ts, docs/cli.md).
import { Command, CommanderError } from 'commander'
import { DexposureError, isDexposureError } from '../shared/errors'
import { busyConflict, isBusy } from '../engine/store/archive'
import { resolveArchivePath } from '../engine/store/paths'
import { createContext } from './context'
import { EXIT, exitCodeFor } from './exit-codes'
import * as demo from './commands/demo'
import * as importCmd from './commands/import'
import * as init from './commands/init'
import * as show from './commands/show'
import * as weeks from './commands/weeks'
import * as stats from './commands/stats'
import * as risk from './commands/risk'
import * as alerts from './commands/alerts'
import * as backtest from './commands/backtest'
import * as forecast from './commands/forecast'
import * as train from './commands/train'
import * as serve from './commands/serve'

const commands = [
  init,
  demo,
  importCmd,
  weeks,
  show,
  stats,
  risk,
  alerts,
  train,
  forecast,
  backtest,
  serve,
]

export function buildProgram(): Command {
  const ctx = createContext()
  const program = new Command()
    .name('dexposure')
    .description('DeXposure Workbench: archive, forecast and measure DeFi credit-exposure networks')
    .version('0.1.0')
    .option('--archive <path>', 'archive file (default: $DEXPOSURE_ARCHIVE or the app-data folder)')
    .option('--json', 'machine-readable output on stdout')
    .option('--quiet', 'no progress or log lines on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  for (const c of commands) c.register(program, ctx)
  for (const c of program.commands) c.exitOverride()
  return program
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return EXIT.OK
  } catch (caught) {
    let e = caught
    if (e instanceof CommanderError) {
      // help and version exit 0; parse errors are usage errors (commander already printed them)
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE
    }
    // A write the engine did not route through Archive.write still says what happened.
    if (isBusy(e))
      e = busyConflict(resolveArchivePath(program.opts<{ archive?: string }>().archive))
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
