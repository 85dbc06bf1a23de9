// Browser mode and end-to-end tests: the engine behind a loopback HTTP server. It binds to
// 127.0.0.1 only and requires a random per-run token on every API call, upload and on the event
// socket, so other users and web pages on the machine cannot read the archive.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { events, type EventName } from '../shared/api'
import { DexposureError, isDexposureError } from '../shared/errors'
import type { EngineService } from '../engine/service'
import { WorkbenchSession } from '../engine/session'
import { UserStore } from '../engine/store/user-store'
import { MAX_UPLOAD_BYTES } from '../engine/uploads'

export interface ServerOptions {
  archivePath: string
  host?: string
  port?: number
  /** Built renderer (electron-vite output). */
  rendererDir?: string
  /** Fixed token (tests); random otherwise. */
  token?: string
  /** Recent archives and UI state (default: the per-user store file). */
  userStore?: UserStore
  /** Largest upload accepted by `PUT /upload` (default 4 GiB). */
  maxUploadBytes?: number
  /** Where problems that do not stop the server go (default: stderr). */
  onWarning?: (message: string) => void
}

export interface RunningServer {
  url: string
  token: string
  session: WorkbenchSession
  /** The open archive's service (it changes when the UI opens another archive). */
  readonly service: EngineService
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self' ws://127.0.0.1:*",
  "frame-ancestors 'none'",
].join('; ')

const STATUS: Partial<Record<string, number>> = {
  USAGE: 400,
  BAD_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CANCELLED: 409,
  MODEL: 422,
  ARCHIVE: 500,
  INTERNAL: 500,
  // a query past its time or size limit (dexposure query exits 8)
  LIMIT: 422,
}

/** Largest API request body. */
const MAX_BODY = 1024 * 1024
/** A body this far past MAX_BODY is not read to its end before the 413 (the socket closes). */
const MAX_DRAIN = 16 * MAX_BODY
/** Events are pushed to the page; it sends nothing, so small frames are plenty. */
const WS_MAX_PAYLOAD = 64 * 1024

/** A refusal with its HTTP status (413 for bodies too large). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Close the connection after answering (the rest of the body is not read). */
    readonly close = false,
  ) {
    super(message)
  }
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  // Loopback IPv4 only: the printed URL, the CSP's connect-src and the token all assume it.
  if (host !== '127.0.0.1')
    throw new DexposureError('USAGE', `the server binds to 127.0.0.1 only, not ${host}`)
  const token = opts.token ?? randomBytes(32).toString('hex')
  const rendererDir = resolve(opts.rendererDir ?? 'out/renderer')
  const maxUpload = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`dexposure: ${m}\n`))
  // Read-write: forecasts and imports started from the UI write the archive. SQLite's locking
  // keeps it safe beside a CLI import on the same file.
  const session = WorkbenchSession.open(opts.archivePath, {
    userStore: opts.userStore ?? new UserStore(undefined, warn),
  })

  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }
  // RFC 9110: the auth scheme is case-insensitive
  const bearer = (req: IncomingMessage): string | null =>
    /^bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, e))
  })

  const port = (): number => (server.address() as AddressInfo).port
  // A page on another site that rebinds its DNS name to 127.0.0.1 would send its own Host; the
  // token already stops it, and this refuses it before any work.
  const hostOk = (req: IncomingMessage): boolean =>
    req.headers.host === `127.0.0.1:${port()}` || req.headers.host === `localhost:${port()}`
  // Browsers send Origin on cross-origin requests and on every WebSocket; only our own page may
  // talk to us. Programs (tests, scripts) send none and rely on the token alone.
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin
    return (
      origin === undefined ||
      origin === `http://127.0.0.1:${port()}` ||
      origin === `http://localhost:${port()}`
    )
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req))
      return sendJson(res, 421, { error: { code: 'USAGE', message: 'unexpected Host header' } })
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const isApi = url.pathname.startsWith('/api/')
    if (isApi || url.pathname === '/upload') {
      if (!originOk(req))
        return sendJson(res, 403, {
          error: { code: 'USAGE', message: 'requests from other origins are refused' },
        })
      if (!tokenOk(bearer(req)))
        return sendJson(res, 401, {
          error: { code: 'UNAUTHORIZED', message: 'missing or wrong token' },
        })
      return isApi ? api(req, res, url) : upload(req, res, url)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: { code: 'USAGE', message: 'method not allowed' } })
    // The page itself needs the token (it is then kept in memory by the client); static assets
    // carry no data and are served to anyone on the loopback interface.
    const path = url.pathname === '/' ? '/index.html' : url.pathname
    const pageToken = url.searchParams.get('token')
    // The page drops the token from its address bar once read; a reload (F5) then comes back
    // with this cookie (HttpOnly, this port only) and the page finds the token in its tab's
    // sessionStorage.
    const cookie = `dexposure-token-${port()}`
    if (path === '/index.html' && !tokenOk(pageToken) && !tokenOk(cookieOf(req, cookie))) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', ...SAFE_HEADERS })
      res.end(
        'DeXposure Workbench: open the URL printed by `npm start` (it carries the access token).\n',
      )
      return
    }
    const file = normalize(join(rendererDir, path))
    if (!file.startsWith(rendererDir + sep))
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } })
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file')
    } catch {
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${path} not found` } })
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      ...SAFE_HEADERS,
      ...(path === '/index.html' && tokenOk(pageToken)
        ? { 'set-cookie': `${cookie}=${token}; Path=/; HttpOnly; SameSite=Strict` }
        : {}),
    })
    res.end(req.method === 'HEAD' ? undefined : await readFile(file))
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST')
      return sendJson(res, 405, {
        error: { code: 'USAGE', message: 'API calls are POST requests' },
      })
    const body = await readBody(req)
    let request: unknown
    try {
      request = body.length ? JSON.parse(body) : {}
    } catch {
      throw new DexposureError('USAGE', 'the request body is not valid JSON')
    }
    // call names are plain ASCII; anything percent-encoded is simply an unknown call
    const t0 = performance.now()
    const result = await session.handle(url.pathname.slice(5), request)
    return sendJson(res, 200, result, false, performance.now() - t0)
  }

  /** `PUT /upload?name=FILE`: the body streamed to a temporary file for `import.run`. */
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'PUT')
      return sendJson(res, 405, { error: { code: 'USAGE', message: 'uploads are PUT requests' } })
    const name = url.searchParams.get('name')
    if (!name) throw new DexposureError('USAGE', 'the upload needs ?name=FILENAME')
    const tooLarge = new HttpError(
      413,
      'USAGE',
      `${name} is larger than the ${formatBytes(maxUpload)} an upload may be`,
      true,
    )
    if (Number(req.headers['content-length'] ?? 0) > maxUpload) throw tooLarge
    const r = await session.uploads.receive(req, name, maxUpload)
    if ('tooLarge' in r) throw tooLarge
    sendJson(res, 200, { uploadId: r.upload.id, bytes: r.upload.bytes })
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (!hostOk(req) || url.pathname !== '/events' || !tokenOk(url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    if (!originOk(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => subscribe(ws))
  })
  function subscribe(ws: WebSocket): void {
    const offs = (Object.keys(events) as EventName[]).map((event) =>
      session.on(event, (payload) => ws.send(JSON.stringify({ event, payload }))),
    )
    ws.on('close', () => offs.forEach((off) => off()))
    // the page never sends anything; a frame over maxPayload closes the socket (1009)
    ws.on('error', () => ws.terminate())
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(opts.port ?? 0, host, () => res())
  }).catch(async (e: unknown) => {
    await session.close()
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new DexposureError(
        'USAGE',
        code === 'EADDRINUSE'
          ? `port ${opts.port} is already in use (choose another with --port, or 0 for any)`
          : `port ${opts.port} needs privileges (choose one above 1023)`,
        { field: '--port' },
      )
    throw e
  })
  return {
    url: `http://127.0.0.1:${port()}/?token=${token}`,
    token,
    session,
    get service() {
      return session.current
    },
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((res) => server.close(() => res()))
      await session.close()
    },
  }
}

/** A cookie's value from the request's Cookie header, or null. */
function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return null
}

/** Headers every response carries: no MIME sniffing, no Referer (the page URL holds the token). */
const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const

/** A JSON response; with `engineMs`, a Server-Timing header says how long the engine took and
 * how long the answer took to serialise (the browser's devtools and the benches read it). */
function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  close = false,
  engineMs?: number,
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const t0 = performance.now()
  const text = JSON.stringify(body)
  const timing =
    engineMs === undefined
      ? {}
      : {
          'server-timing': `engine;dur=${engineMs.toFixed(1)}, json;dur=${(performance.now() - t0).toFixed(1)}`,
        }
  res.writeHead(status, {
    'content-type': 'application/json',
    ...SAFE_HEADERS,
    ...timing,
    ...(close ? { connection: 'close' } : {}),
  })
  res.end(text)
}

function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof HttpError)
    return sendJson(res, e.status, { error: { code: e.code, message: e.message } }, e.close)
  if (isDexposureError(e))
    return sendJson(res, STATUS[e.code] ?? 500, {
      error: { code: e.code, message: e.describe(), location: e.location },
    })
  sendJson(res, 500, { error: { code: 'INTERNAL', message: (e as Error).message ?? String(e) } })
}

/**
 * The request body as text, at most MAX_BODY bytes. A larger body is a 413: declared larger, it is
 * refused unread; otherwise it is read to its end (up to MAX_DRAIN) so the client gets the answer
 * rather than a reset connection.
 */
function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = (close: boolean) =>
    new HttpError(413, 'USAGE', `the request body is larger than ${formatBytes(MAX_BODY)}`, close)
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_DRAIN) return Promise.reject(tooLarge(true))
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
      else if (size > MAX_DRAIN) {
        req.removeAllListeners('data')
        req.removeAllListeners('end')
        reject(tooLarge(true))
      }
    })
    req.on('end', () =>
      size > MAX_BODY
        ? reject(tooLarge(false))
        : resolveBody(Buffer.concat(chunks).toString('utf8')),
    )
    req.on('error', reject)
  })
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${n / 1024 ** 3} GiB`
  if (n >= 1024 ** 2) return `${n / 1024 ** 2} MiB`
  if (n >= 1024) return `${n / 1024} KiB`
  return `${n} bytes`
}
