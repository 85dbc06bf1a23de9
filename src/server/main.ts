// `node out/node/server.js [--archive FILE] [--port N] [--renderer DIR]`: browser mode. Prints the
// URL (with its access token) on stdout as one JSON line, then serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util'
import { resolveArchivePath } from '../engine/store/paths'
import { isDexposureError } from '../shared/errors'
import { startServer } from './index'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      archive: { type: 'string' },
      port: { type: 'string' },
      renderer: { type: 'string' },
    },
  })
  const server = await startServer({
    archivePath: resolveArchivePath(values.archive),
    port: values.port ? Number(values.port) : 0,
    rendererDir: values.renderer,
  })
  process.stdout.write(
    JSON.stringify({ url: server.url, token: server.token, archive: server.session.file }) + '\n',
  )
  const stop = () => void server.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  process.stderr.write(`dexposure server: ${isDexposureError(e) ? e.describe() : String(e)}\n`)
  process.exit(1)
})
