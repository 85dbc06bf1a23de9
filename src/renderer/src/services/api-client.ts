// window.api for browser mode: the same WorkbenchApi the Electron preload exposes, over fetch and
// a WebSocket to the loopback server. The access token comes from the page URL, is kept in memory
// and removed from the address bar. The engine validates every request and response against the
// contract (EngineService), as it does for the Electron page: the page does not construct the
// contract's zod schemas again (≈ 40 ms of a cold start) nor parse each answer twice.
import type {
  CallName,
  CallRequest,
  CallResponse,
  EventName,
  EventPayload,
  WorkbenchApi,
} from '../../../shared/api'

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Where the engine says the problem is (file, week, field, offset …). */
    readonly location?: Record<string, string | number>,
  ) {
    super(message)
  }
}

const TOKEN_KEY = 'dexposure.token'

/** The engine's error body (`{error: {code, message, location?}}`, the contract's ApiError) as
 * an ApiError; anything else as INTERNAL with `fallback`. */
function apiError(body: unknown, fallback: string): ApiError {
  const e = (body as { error?: unknown } | null)?.error as
    { code?: unknown; message?: unknown; location?: unknown } | undefined
  if (e && typeof e.code === 'string' && typeof e.message === 'string')
    return new ApiError(
      e.code,
      e.message,
      e.location && typeof e.location === 'object'
        ? (e.location as Record<string, string | number>)
        : undefined,
    )
  return new ApiError('INTERNAL', fallback)
}

export function browserApi(): WorkbenchApi {
  const params = new URLSearchParams(location.search)
  // The token leaves the address bar (bookmarks, screenshots, shared screens) but stays with this
  // tab, so a reload keeps the session (the server lets the page itself in by a cookie).
  const token = params.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  if (params.has('token')) {
    sessionStorage.setItem(TOKEN_KEY, token)
    history.replaceState(null, '', location.pathname)
  }
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()

  // The event socket opens at once and every call waits for it (briefly), so the events of a job
  // started by a call cannot be emitted before this page listens. It reconnects after a drop.
  let opened: Promise<void>
  let retry = 500
  let connected: boolean | null = null
  const connection = new Set<(c: boolean) => void>()
  const setConnected = (c: boolean): void => {
    if (c === connected) return
    connected = c
    connection.forEach((l) => l(c))
  }
  const connect = (): void => {
    const socket = new WebSocket(`ws://${location.host}/events?token=${encodeURIComponent(token)}`)
    opened = new Promise((resolve) => {
      socket.onopen = () => {
        retry = 500
        setConnected(true)
        resolve()
      }
      // a socket that cannot open must not block calls; the failure is reported in the console
      socket.onerror = () => resolve()
    })
    socket.onclose = () => {
      setConnected(false)
      setTimeout(connect, retry)
      retry = Math.min(retry * 2, 10_000)
    }
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as {
        event: EventName
        payload: unknown
      }
      listeners.get(event)?.forEach((l) => l(payload))
    }
  }
  connect()

  return {
    mode: 'browser',
    async call<K extends CallName>(name: K, request: CallRequest<K>): Promise<CallResponse<K>> {
      await opened
      const res = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
      })
      const body: unknown = await res.json()
      if (!res.ok) throw apiError(body, `HTTP ${res.status}`)
      return body as CallResponse<K>
    },
    // XMLHttpRequest rather than fetch: only it reports upload progress.
    upload(file, onProgress, signal) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest()
        xhr.open('PUT', `/upload?name=${encodeURIComponent(file.name)}`)
        xhr.setRequestHeader('authorization', `Bearer ${token}`)
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.total || file.size)
        xhr.onerror = () => reject(new ApiError('INTERNAL', `uploading ${file.name} failed`))
        xhr.onabort = () => reject(new ApiError('CANCELLED', `upload of ${file.name} cancelled`))
        xhr.onload = () => {
          let body: unknown = null
          try {
            body = JSON.parse(xhr.responseText)
          } catch {
            // reported below with the status
          }
          if (xhr.status >= 200 && xhr.status < 300) {
            resolve(body as { uploadId: string; bytes: number })
            return
          }
          reject(apiError(body, `upload failed: HTTP ${xhr.status}`))
        }
        signal?.addEventListener('abort', () => xhr.abort())
        xhr.send(file)
      })
    },
    onConnection(listener) {
      connection.add(listener)
      if (connected !== null) listener(connected)
      return () => connection.delete(listener)
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void) {
      const set = listeners.get(name) ?? new Set()
      set.add(listener as (p: unknown) => void)
      listeners.set(name, set)
      return () => set.delete(listener as (p: unknown) => void)
    },
  }
}
