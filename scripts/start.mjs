// `npm start`: opens the workbench on the user's archive. Builds what is missing, fills an empty
// archive with the SYNTHETIC demo data, then starts the Electron app when its binary exists, or
// else browser mode (`dexposure serve`): the loopback server with a random token, opened in
// Chromium when possible.
// Options: --archive FILE (or DEXPOSURE_ARCHIVE), --browser (skip Electron), --no-open.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const args = process.argv.slice(2)
const archiveAt = args.indexOf('--archive')
const archiveArgs = archiveAt >= 0 ? ['--archive', args[archiveAt + 1]] : []
const node = process.execPath
const log = (m) => process.stderr.write(`dexposure: ${m}\n`)

if (!existsSync('out/node/cli.js') || !existsSync('out/node/server.js'))
  execFileSync(node, ['scripts/build-node.mjs'], { stdio: 'inherit' })
if (!existsSync('out/renderer/index.html') || !existsSync('out/main/index.js'))
  execFileSync(node, ['node_modules/.bin/electron-vite', 'build'], { stdio: 'inherit' })

// `init` creates the archive when missing; an empty archive gets the demo data, labelled synthetic.
const { archive, weeks } = JSON.parse(
  execFileSync(node, ['bin/dexposure.js', '--json', ...archiveArgs, 'init'], { encoding: 'utf8' }),
)
if (weeks === 0) {
  log(`${archive} is empty: filling it with the SYNTHETIC demo data (dexposure demo)…`)
  execFileSync(node, ['bin/dexposure.js', ...archiveArgs, 'demo'], { stdio: 'inherit' })
}

// Read the electron package's record of its binary rather than require('electron'), which tries
// to download one (and fails offline).
function electronBinary() {
  if (process.env.ELECTRON_EXEC_PATH) return process.env.ELECTRON_EXEC_PATH
  const pathFile = join('node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

const electron = args.includes('--browser') ? null : electronBinary()
if (electron) {
  log('starting the desktop app')
  const app = spawn(electron, ['.', ...(archiveAt >= 0 ? [args[archiveAt + 1]] : [])], {
    stdio: 'inherit',
  })
  app.on('exit', (code) => process.exit(code ?? 0))
} else {
  log('no Electron binary here: starting browser mode')
  // `dexposure serve` (src/cli/commands/serve.ts) prints {url, token, archive} as one JSON line and
  // opens Chromium itself unless --no-open. It runs in its own process group so that Ctrl-C in the
  // terminal reaches only this script, which then stops it with exactly one SIGTERM (a second
  // signal would make the CLI force its exit instead of closing cleanly).
  const server = spawn(
    node,
    [
      'bin/dexposure.js',
      '--json',
      ...archiveArgs,
      'serve',
      ...(args.includes('--no-open') ? ['--no-open'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  )
  // in its own group it would outlive this script if this script failed
  process.on('exit', () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM')
  })
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once('line', resolve)
    server.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)))
  })
  const { url } = JSON.parse(line)
  process.stdout.write(`\nDeXposure Workbench is running at\n\n  ${url}\n\nPress Ctrl-C to stop.\n`)
  // A server that dies on its own makes npm start fail too.
  let stopping = false
  server.on('exit', (code, signal) => {
    if (stopping || code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') process.exit(0)
    log(`the server stopped unexpectedly (${signal ?? `exit code ${code}`})`)
    process.exit(code || 1)
  })
  const stop = () => {
    if (stopping) return
    stopping = true
    if (server.exitCode !== null || server.signalCode !== null) process.exit(0)
    server.kill('SIGTERM')
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  process.on('SIGHUP', stop)
}
