// The engine in an Electron utility process (never on the main thread): opens the archive, fills
// it with the demo data on first run, and answers API calls relayed by the main process through a
// workbench session (src/engine/session.ts), which also opens other archives and runs imports.
// The main process passes the archive path in DEXPOSURE_ARCHIVE (resolveArchivePath reads it).
// Reports print their PDF through the main process, with the app's own Chromium (relayPrinter).
import { fillArchiveWithDemo } from '../engine/demo'
import { registerPdfPrinter } from '../engine/report/pdf'
import { WorkbenchSession } from '../engine/session'
import { resolveArchivePath } from '../engine/store/paths'
import { UserStore } from '../engine/store/user-store'
import { isDexposureError } from '../shared/errors'
import { relayPrinter, serveEngine, type PortLike } from './engine-protocol'

const port = (process as unknown as { parentPort: PortLike }).parentPort

async function main(): Promise<void> {
  const session = WorkbenchSession.open(resolveArchivePath(), {
    userStore: new UserStore(undefined, (m) => console.warn(`dexposure: ${m}`)),
  })
  const archive = session.current.archive
  if (archive.listWeeks().length === 0)
    await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  const printer = relayPrinter((m) => port.postMessage(m))
  registerPdfPrinter(printer)
  serveEngine(port, session, printer)
}

main().catch((e: unknown) => {
  port.postMessage({ type: 'fatal', message: isDexposureError(e) ? e.describe() : String(e) })
  process.exit(1)
})
