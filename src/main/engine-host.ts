// The engine in an Electron utility process (never on the main thread): opens the archive, fills
// it with the demo data on first run, and answers API calls relayed by the main process. The main
// process passes the archive path in DEXPOSURE_ARCHIVE (resolveArchivePath reads it).
import { fillArchiveWithDemo } from '../engine/demo'
import { EngineService } from '../engine/service'
import { Archive } from '../engine/store/archive'
import { resolveArchivePath } from '../engine/store/paths'
import { isDexposureError } from '../shared/errors'
import { serveEngine, type PortLike } from './engine-protocol'

const port = (process as unknown as { parentPort: PortLike }).parentPort

async function main(): Promise<void> {
  const archive = Archive.open(resolveArchivePath())
  if (archive.listWeeks().length === 0)
    await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  serveEngine(port, new EngineService(archive))
}

main().catch((e: unknown) => {
  port.postMessage({ type: 'fatal', message: isDexposureError(e) ? e.describe() : String(e) })
  process.exit(1)
})
