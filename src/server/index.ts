// Browser mode and end-to-end tests: the engine behind a loopback HTTP server. It binds to
// 127.0.0.1 only and requires a random per-run token on every API call and on the event socket,
// so other users and web pages on the machine cannot read the archive.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { DexposureError, isDexposureError } from '../shared/errors'
import { EngineService } from '../engine/service'

export interface ServerOptions {
  archivePath: string
  host?: string
  port?: number
  /** Built renderer (electron-vite output). */
  rendererDir?: string
  /** Fixed token (tests); random otherwise. */
  token?: string
}

export interface RunningServer {
  url: string
  token: string
  service: EngineService
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
}

const MAX_BODY = 1024 * 1024

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  // Loopback IPv4 only: the printed URL, the CSP's connect-src and the token all assume it.
  if (host !== '127.0.0.1')
    throw new DexposureError('USAGE', `the server binds to 127.0.0.1 only, not ${host}`)
  const token = opts.token ?? randomBytes(32).toString('hex')
  const rendererDir = resolve(opts.rendererDir ?? 'out/renderer')
  // Read-write: forecasts started from the UI are stored as runs. SQLite's locking keeps it safe
  // beside a CLI import on the same file.
  const service = EngineService.open(opts.archivePath)

  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, e))
  })

  // A page on another site that rebinds its DNS name to 127.0.0.1 would send its own Host; the
  // token already stops it, and this refuses it before any work.
  const hostOk = (req: IncomingMessage): boolean => {
    const port = (server.address() as AddressInfo).port
    return req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req))
      return sendJson(res, 421, { error: { code: 'USAGE', message: 'unexpected Host header' } })
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/api/')) {
      const auth = req.headers.authorization
      if (!tokenOk(auth?.startsWith('Bearer ') ? auth.slice(7) : null))
        return sendJson(res, 401, {
          error: { code: 'UNAUTHORIZED', message: 'missing or wrong token' },
        })
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
      const result = await service.handle(url.pathname.slice(5), request)
      return sendJson(res, 200, result)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: { code: 'USAGE', message: 'method not allowed' } })
    // The page itself needs the token (it is then kept in memory by the client); static assets
    // carry no data and are served to anyone on the loopback interface.
    const path = url.pathname === '/' ? '/index.html' : url.pathname
    if (path === '/index.html' && !tokenOk(url.searchParams.get('token'))) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
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
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    })
    res.end(req.method === 'HEAD' ? undefined : await readFile(file))
  }

  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (!hostOk(req) || url.pathname !== '/events' || !tokenOk(url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => subscribe(ws))
  })
  function subscribe(ws: WebSocket): void {
    const offs = (['job.progress', 'job.done'] as const).map((event) =>
      service.on(event, (payload) => ws.send(JSON.stringify({ event, payload }))),
    )
    ws.on('close', () => offs.forEach((off) => off()))
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(opts.port ?? 0, host, () => res())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    service,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      wss.close()
      await new Promise<void>((res) => server.close(() => res()))
      service.close()
    },
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, e: unknown): void {
  if (isDexposureError(e))
    return sendJson(res, STATUS[e.code] ?? 500, {
      error: { code: e.code, message: e.describe(), location: e.location },
    })
  sendJson(res, 500, { error: { code: 'INTERNAL', message: (e as Error).message ?? String(e) } })
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new DexposureError('USAGE', 'request body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
