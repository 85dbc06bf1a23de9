// The message protocol between the Electron main process and the engine host (a utility
// process). Kept apart from both so it can be tested under plain Node: main relays
// `{id, name, request}`, the host answers with a reply, and pushes events as they happen.
// One request goes the other way: the engine has no BrowserWindow, so a report's PDF is printed
// by the main process (`print` → `printed`, relayPrinter below; src/main/print-window.ts).
import type { PdfPrinter } from '../engine/report/pdf'
import type { EngineService } from '../engine/service'
import { events, type EventName } from '../shared/api'
import { DexposureError, isDexposureError } from '../shared/errors'

export interface EngineRequest {
  id: number
  name: string
  request: unknown
}

/** Engine → main: print this report HTML to PDF. */
export interface PrintRequest {
  type: 'print'
  id: number
  html: string
  paper: 'a4' | 'letter'
}

/** Main → engine: the PDF of a print request, or why there is none. */
export type PrintReply =
  { type: 'printed'; id: number; pdf: Uint8Array } | { type: 'printed'; id: number; error: string }

export type EngineMessage =
  | { type: 'ready' }
  | PrintRequest
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

export const isPrintReply = (data: unknown): data is PrintReply =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'printed'

/**
 * The engine host's PDF printer (registered with registerPdfPrinter): posts the HTML to the main
 * process and resolves with the bytes it sends back (`settle` takes the replies). A cancelled
 * report stops waiting; the main process's late reply is then dropped.
 */
export function relayPrinter(
  post: (m: PrintRequest) => void,
): PdfPrinter & { settle(reply: PrintReply): void } {
  let next = 0
  const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>()
  return {
    print(html, paper, signal) {
      if (signal?.aborted)
        return Promise.reject(new DexposureError('CANCELLED', 'report cancelled'))
      const id = next++
      return new Promise<Buffer>((resolve, reject) => {
        const abort = () => {
          pending.delete(id)
          reject(new DexposureError('CANCELLED', 'report cancelled'))
        }
        signal?.addEventListener('abort', abort, { once: true })
        const done = () => signal?.removeEventListener('abort', abort)
        pending.set(id, {
          resolve: (b) => (done(), resolve(b)),
          reject: (e) => (done(), reject(e)),
        })
        post({ type: 'print', id, html, paper })
      })
    },
    settle(reply) {
      const p = pending.get(reply.id)
      if (!p) return
      pending.delete(reply.id)
      if ('error' in reply)
        p.reject(new DexposureError('INTERNAL', `the app could not print the PDF: ${reply.error}`))
      else p.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength))
    },
  }
}

/**
 * Answers every request on `port` with `service` (an EngineService or a WorkbenchSession) and
 * forwards every event of the contract (job events, `archive.changed`); then says ready. Print
 * replies from the main process go to `printer` (the relayPrinter the host registered).
 */
export function serveEngine(
  port: PortLike,
  service: Pick<EngineService, 'handle' | 'on'>,
  printer?: { settle(reply: PrintReply): void },
): void {
  for (const event of Object.keys(events) as EventName[])
    service.on(event, (payload) => port.postMessage({ type: 'event', event, payload }))
  port.on('message', ({ data }) => {
    // the main process answering a print request of the engine's, not a call
    if (isPrintReply(data)) return printer?.settle(data)
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
