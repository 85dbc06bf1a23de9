// What every command gets: the global options, the archive, output that is JSON on stdout with
// --json (progress and logs always on stderr), progress bars, and a cancellation signal (Ctrl-C).
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { Archive, type OpenOptions } from '../engine/store/archive'
import { resolveArchivePath } from '../engine/store/paths'

export interface GlobalOptions {
  archive?: string
  json?: boolean
  quiet?: boolean
}

export interface Progress {
  update(done: number, detail?: string): void
  setTotal(total: number): void
  /** update() with a total that may change as work is discovered (engine onProgress callbacks). */
  report(done: number, total: number, detail?: string): void
  stop(): void
}

export interface CliContext {
  globals(cmd: Command): GlobalOptions
  archivePath(cmd: Command): string
  openArchive(cmd: Command, opts?: OpenOptions): Archive
  /** Prints `json` (stdout, one document) with --json, else the human text. */
  output(cmd: Command, json: unknown, text: string | (() => string)): void
  /** A progress bar on stderr (silent with --quiet). */
  progress(cmd: Command, label: string, total: number, unit?: string): Progress
  log(cmd: Command, message: string): void
  /** Aborted on SIGINT/SIGTERM so long work can roll back and stop cleanly. */
  readonly signal: AbortSignal
}

/**
 * How often a progress bar writes a line when stderr is not a terminal (a log, CI, a parent process
 * reading it): every 2 s, or every $DEXPOSURE_PROGRESS_MS ms (at least 10) — the import-kill test
 * reads progress at that finer grain to stop an import at a given share of the file.
 */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.DEXPOSURE_PROGRESS_MS)
  return env.DEXPOSURE_PROGRESS_MS && Number.isFinite(ms) && ms >= 10 ? Math.floor(ms) : 2000
}

export function createContext(): CliContext {
  const controller = new AbortController()
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort()
    process.stderr.write('\ndexposure: cancelling… (press Ctrl-C again to force)\n')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals<GlobalOptions>()
  const archivePath = (cmd: Command): string => resolveArchivePath(globals(cmd).archive)

  return {
    globals,
    archivePath,
    signal: controller.signal,
    openArchive: (cmd, opts) => Archive.open(archivePath(cmd), opts),
    output(cmd, json, text) {
      if (globals(cmd).json) process.stdout.write(JSON.stringify(json, null, 2) + '\n')
      else process.stdout.write((typeof text === 'function' ? text() : text) + '\n')
    },
    log(cmd, message) {
      if (!globals(cmd).quiet) process.stderr.write(message + '\n')
    },
    progress(cmd, label, total, unit = '') {
      if (globals(cmd).quiet) return { update() {}, setTotal() {}, report() {}, stop() {} }
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${label} [{bar}] {percentage}% | {value}/{total}${unit ? ' ' + unit : ''} | {detail}`,
          hideCursor: true,
          clearOnComplete: false,
          noTTYOutput: true,
          notTTYSchedule: progressIntervalMs(),
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
      bar.start(total, 0, { detail: '' })
      // Without a terminal, cli-progress writes a line only from its timer, which cannot fire while
      // the engine works synchronously (an import parses and writes weeks back to back): an
      // update also writes one when the last is older than the interval.
      const tty = !!process.stderr.isTTY
      const interval = progressIntervalMs()
      let lastLine = Date.now()
      bar.on('redraw-post', () => (lastLine = Date.now()))
      const update = (done: number, detail?: string): void => {
        bar.update(done, { detail: detail ?? '' })
        if (!tty && bar.isActive && Date.now() - lastLine >= interval) bar.render()
      }
      return {
        update,
        setTotal: (t) => bar.setTotal(t),
        report: (done, total, detail) => {
          bar.setTotal(total)
          update(done, detail)
        },
        stop: () => bar.stop(),
      }
    },
  }
}
