// The message protocol between the Electron main process and the engine host (a utility
// process). Kept apart from both so it can be tested under plain Node: main relays
// `{id, name, request}`, the host answers with a reply, and pushes events as they happen.
import type { EngineService } from '../engine/service'
import { events, type EventName } from '../shared/api'
import { isDexposureError } from '../shared/errors'

export interface EngineRequest {
  id: number
  name: string
  request: unknown
}

export type EngineMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'reply'; id: number; result: unknown }
  | {
      type: 'reply'
      id: number
      error: { code: string; message: string; location?: Record<string, unknown> }
    }

/** The two methods of Electron's `process.parentPort` the host uses. */
export interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: EngineMessage): void
}

/**
 * Answers every request on `port` with `service` (an EngineService or a WorkbenchSession) and
 * forwards every event of the contract (job events, `archive.changed`); then says ready.
 */
export function serveEngine(port: PortLike, service: Pick<EngineService, 'handle' | 'on'>): void {
  for (const event of Object.keys(events) as EventName[])
    service.on(event, (payload) => port.postMessage({ type: 'event', event, payload }))
  port.on('message', ({ data }) => {
    const { id, name, request } = data as EngineRequest
    service.handle(name, request).then(
      (result) => port.postMessage({ type: 'reply', id, result }),
      (e: unknown) =>
        port.postMessage({
          type: 'reply',
          id,
          error: isDexposureError(e)
            ? { code: e.code, message: e.describe(), location: { ...e.location } }
            : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
        }),
    )
  })
  port.postMessage({ type: 'ready' })
}
