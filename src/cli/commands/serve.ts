// `dexposure serve`: browser mode from the command line — the workbench UI and the engine behind a
// loopback server with a fresh access token, until Ctrl-C (or SIGTERM). `npm start` runs it when
// no Electron binary exists.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { DexposureError } from '../../shared/errors'
import { startServer } from '../../server'
import type { CliContext } from '../context'

const CHROMIUM = '/usr/bin/chromium'

interface ServeOptions {
  port?: string
  open: boolean
  renderer?: string
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'browser mode: serve the workbench on 127.0.0.1 with a fresh access token until Ctrl-C',
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: any free port)')
    .option('--no-open', 'do not open Chromium (it opens when a display exists)')
    .option('--renderer <dir>', 'the built UI (default: out/renderer of this installation)')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const port = opts.port === undefined ? 0 : Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new DexposureError('USAGE', `--port must be a port number, not "${opts.port}"`, {
          field: '--port',
        })
      // beside the bundle (out/node/cli.js → out/renderer), so it works from any folder
      const rendererDir = opts.renderer ?? fileURLToPath(new URL('../renderer/', import.meta.url))
      const server = await startServer({
        archivePath: ctx.archivePath(cmd),
        port,
        rendererDir,
        onWarning: (m) => ctx.log(cmd, `dexposure: warning: ${m}`),
      })
      if (!existsSync(join(rendererDir, 'index.html')))
        ctx.log(
          cmd,
          `dexposure: warning: the UI is not built (${rendererDir}); run \`npm run build\` (the API works meanwhile)`,
        )
      const archive = server.session.file
      // one line either way, so a launcher can read it as soon as it is written
      if (ctx.globals(cmd).json)
        process.stdout.write(
          JSON.stringify({ url: server.url, token: server.token, archive }) + '\n',
        )
      else {
        process.stdout.write(server.url + '\n')
        ctx.log(cmd, `serving ${archive} in browser mode; Ctrl-C stops`)
      }
      const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY
      if (opts.open && display && existsSync(CHROMIUM)) {
        const browser = spawn(CHROMIUM, [`--app=${server.url}`, '--no-first-run'], {
          stdio: 'ignore',
          detached: true,
        })
        browser.on('error', (e) => ctx.log(cmd, `dexposure: cannot open Chromium: ${e.message}`))
        browser.unref()
      }
      // SIGINT/SIGTERM abort ctx.signal (src/cli/context.ts): then close, cancelling running jobs
      await new Promise<void>((res) => {
        if (ctx.signal.aborted) res()
        else ctx.signal.addEventListener('abort', () => res(), { once: true })
      })
      await server.close()
    })
}
