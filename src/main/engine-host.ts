// The engine in an Electron utility process (never on the main thread): opens the archive, fills
// it with the demo data on first run, and answers API calls relayed by the main process. The main
// process passes the archive path in DEXPOSURE_ARCHIVE (resolveArchivePath reads it).
import { fillArchiveWithDemo } from '../engine/demo'
import { EngineService } from '../engine/service'
import { Archive } from '../engine/store/archive'
import { resolveArchivePath } from '../engine/store/paths'
import { isDexposureError } from '../shared/errors'

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}
const port = (process as unknown as { parentPort: ParentPort }).parentPort

async function main(): Promise<void> {
  const archive = Archive.open(resolveArchivePath())
  if (archive.listWeeks().length === 0)
    await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  const service = new EngineService(archive)
  for (const event of ['job.progress', 'job.done'] as const)
    service.on(event, (payload) => port.postMessage({ type: 'event', event, payload }))
  port.on('message', ({ data }) => {
    const { id, name, request } = data as { id: number; name: string; request: unknown }
    service.handle(name, request).then(
      (result) => port.postMessage({ type: 'reply', id, result }),
      (e: unknown) =>
        port.postMessage({
          type: 'reply',
          id,
          error: isDexposureError(e)
            ? { code: e.code, message: e.describe(), location: e.location }
            : { code: 'INTERNAL', message: String(e) },
        }),
    )
  })
  port.postMessage({ type: 'ready' })
}

main().catch((e: unknown) => {
  port.postMessage({ type: 'fatal', message: String(e) })
  process.exit(1)
})
