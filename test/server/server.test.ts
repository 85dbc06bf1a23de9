// The loopback server as a browser (or another local program) sees it: token checks, contract
// validation, errors with codes, job events over the WebSocket, the hardening of issue 14 §6.6
// (413s, Origin checks, maxPayload, headers), uploads and imports, and switching archives.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { Archive } from '../../src/engine/store/archive'
import { UserStore } from '../../src/engine/store/user-store'
import { startServer, type RunningServer } from '../../src/server'

let dir: string
let server: RunningServer
let base: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-server-'))
  const file = join(dir, 'a.sqlite')
  const a = Archive.open(file)
  await fillArchiveWithDemo(a, { scale: 'small', seed: 3 })
  a.close()
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(dir, 'secret.txt'), 'not for the web')
  server = await startServer({
    archivePath: file,
    rendererDir: renderer,
    userStore: new UserStore(join(dir, 'user', 'user.json')),
  })
  base = new URL(server.url).origin
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const call = (name: string, body: unknown, token: string | null = server.token) =>
  fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })

describe('loopback server', () => {
  it('listens on 127.0.0.1 with a 64-hex-digit token in its URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
  })

  it('binds to 127.0.0.1 only', async () => {
    await expect(
      startServer({ archivePath: join(dir, 'a.sqlite'), host: '0.0.0.0' }),
    ).rejects.toMatchObject({ code: 'USAGE' })
  })

  it('serves the page with its token and a strict CSP, assets without, nothing outside', async () => {
    const page = await fetch(server.url)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain("script-src 'self' 'unsafe")
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:*")
    const asset = await fetch(`${base}/assets/app.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    for (const path of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt'])
      expect((await fetch(`${base}${path}`)).status).toBe(404)
  })

  it('refuses requests for another host name (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: new URL(base).port,
          path: '/api/weeks.list',
          method: 'POST',
          headers: { host: 'evil.example:80', authorization: `Bearer ${server.token}` },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end('{}')
    })
    expect(status).toBe(421)
  })

  it('refuses calls without the token or with a wrong one', async () => {
    expect((await call('weeks.list', {}, null)).status).toBe(401)
    expect((await call('weeks.list', {}, 'f'.repeat(64))).status).toBe(401)
    expect((await fetch(`${base}/`)).status).toBe(401)
  })

  it('lets a reloaded page in by the cookie its first load set, for this port only', async () => {
    const first = await fetch(`${base}/?token=${server.token}`)
    expect(first.status).toBe(200)
    const setCookie = first.headers.get('set-cookie') ?? ''
    const port = new URL(base).port
    expect(setCookie).toMatch(
      new RegExp(`^dexposure-token-${port}=${server.token}; Path=/; HttpOnly; SameSite=Strict$`),
    )
    const cookie = setCookie.split(';')[0]
    expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200)
    expect((await fetch(`${base}/`, { headers: { cookie: `a=b; ${cookie}` } })).status).toBe(200)
    // a wrong token, or the cookie of another port, does not open the page
    const wrong = `dexposure-token-${port}=${'f'.repeat(64)}`
    expect((await fetch(`${base}/`, { headers: { cookie: wrong } })).status).toBe(401)
    const other = `dexposure-token-1=${server.token}`
    expect((await fetch(`${base}/`, { headers: { cookie: other } })).status).toBe(401)
    // the cookie opens the page only: API calls still need the bearer token
    const api = await fetch(`${base}/api/weeks.list`, {
      method: 'POST',
      headers: { cookie },
      body: '{}',
    })
    expect(api.status).toBe(401)
  })

  it('answers contract calls, saying in Server-Timing how long the engine and the JSON took', async () => {
    const listed = await call('weeks.list', {})
    expect(listed.headers.get('server-timing')).toMatch(
      /^engine;dur=\d+(\.\d)?, json;dur=\d+(\.\d)?$/,
    )
    const weeks = (await listed.json()) as { week: string }[]
    expect(weeks.length).toBe(283)
    const info = (await (await call('archive.info', {})).json()) as {
      synthetic: boolean
      weeks: number
    }
    expect(info).toMatchObject({ synthetic: true, weeks: 283 })
    const g = (await (await call('week.graph', { week: '2022-05-09', limit: 20 })).json()) as {
      nodes: { id: string; size: number }[]
      edges: { source: string; target: string }[]
    }
    expect(g.nodes.length).toBe(20)
    expect(g.nodes[0].size).toBeGreaterThanOrEqual(g.nodes[19].size)
    const ids = new Set(g.nodes.map((n) => n.id))
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true)
  })

  it('rejects bad requests with 400 and a message, unknown weeks with 404', async () => {
    const bad = await call('week.graph', { week: 'last tuesday' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/week/)
    expect((await call('no.such.call', {})).status).toBe(400)
    const missing = await call('week.graph', { week: '2031-01-06' })
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND')
  })

  it('pushes job events over the WebSocket, and only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${new URL(base).port}/events?token=nope`)
    await expect(
      new Promise((res, rej) => (refused.on('open', res), refused.on('error', rej))),
    ).rejects.toThrow()

    const ws = new WebSocket(`ws://127.0.0.1:${new URL(base).port}/events?token=${server.token}`)
    await new Promise((res) => ws.on('open', res))
    const received: { event: string; payload: { id: string; state?: string } }[] = []
    const done = new Promise<void>((res) =>
      ws.on('message', (m) => {
        received.push(JSON.parse(String(m)))
        if (received.at(-1)!.event === 'job.done') res()
      }),
    )
    const id = server.service.jobs.start('test', async (ctx) => {
      ctx.progress(1, 2, 'half')
      ctx.progress(2, 2, 'all')
    })
    await done
    ws.close()
    expect(received.map((r) => r.event)).toEqual(['job.progress', 'job.progress', 'job.done'])
    expect(received.at(-1)!.payload).toMatchObject({ id, state: 'done' })
  })

  it('cancels a running job through the API', async () => {
    let aborted = false
    const id = server.service.jobs.start(
      'slow',
      (ctx) =>
        new Promise<void>((_res, rej) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true
            rej(new Error('cancelled'))
          }),
        ),
    )
    const r = (await (await call('jobs.cancel', { id })).json()) as { ok: boolean }
    expect(r.ok).toBe(true)
    expect(aborted).toBe(true)
  })
})

const port = () => new URL(base).port

/** A raw request (fetch cannot set Host or Origin freely), answering status, headers and body. */
async function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: port(),
        path,
        method: opts.method ?? 'POST',
        headers: opts.headers,
      },
      (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

const openSocket = (origin?: string, url = server.url, token = server.token) =>
  new WebSocket(`ws://127.0.0.1:${new URL(url).port}/events?token=${token}`, {
    headers: origin ? { origin } : {},
  })
const opened = (ws: WebSocket) =>
  new Promise<void>((res, rej) => (ws.on('open', () => res()), ws.on('error', rej)))

describe('hardening (issue 14 §6.6)', () => {
  it('answers a body over 1 MiB with a 413 JSON error, declared or streamed', async () => {
    const declared = await call('weeks.list', { pad: 'x'.repeat(1024 * 1024 + 10) })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: { code: 'USAGE' } })
    // no Content-Length: chunks until past the limit
    const chunked = await fetch(`${base}/api/weeks.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 3; i++) c.enqueue(new Uint8Array(512 * 1024).fill(32))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(((await chunked.json()) as { error: { message: string } }).error.message).toMatch(
      /larger than 1 MiB/,
    )
    // and the server goes on answering
    expect((await call('archive.info', {})).status).toBe(200)
  })

  it('sends nosniff and no-referrer on JSON answers, successful or not', async () => {
    for (const res of [await call('archive.info', {}), await call('archive.info', {}, null)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
    const page = await fetch(server.url)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('takes the Bearer scheme in any case', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const r = await raw('/api/archive.info', {
        headers: { host: `127.0.0.1:${port()}`, authorization: `${scheme} ${server.token}` },
        body: '{}',
      })
      expect(r.status).toBe(200)
    }
    const basic = await raw('/api/archive.info', {
      headers: { host: `127.0.0.1:${port()}`, authorization: `Basic ${server.token}` },
      body: '{}',
    })
    expect(basic.status).toBe(401)
  })

  it('refuses API calls and uploads from another origin, accepts its own', async () => {
    const headers = (origin: string) => ({
      host: `127.0.0.1:${port()}`,
      origin,
      authorization: `Bearer ${server.token}`,
    })
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${Number(port()) + 1}`,
    ]) {
      expect(
        (await raw('/api/archive.info', { headers: headers(origin), body: '{}' })).status,
      ).toBe(403)
      expect(
        (await raw('/upload?name=a.json', { method: 'PUT', headers: headers(origin), body: '{}' }))
          .status,
      ).toBe(403)
    }
    for (const origin of [`http://127.0.0.1:${port()}`, `http://localhost:${port()}`])
      expect(
        (await raw('/api/archive.info', { headers: headers(origin), body: '{}' })).status,
      ).toBe(200)
  })

  it('refuses an event socket from another origin, accepts its own and programs without one', async () => {
    const foreign = openSocket('http://evil.example')
    await expect(opened(foreign)).rejects.toThrow(/403/)
    for (const origin of [`http://127.0.0.1:${port()}`, `http://localhost:${port()}`, undefined]) {
      const ws = openSocket(origin)
      await opened(ws)
      ws.close()
    }
  })

  it('closes an event socket that sends more than 64 KiB in a frame', async () => {
    const ws = openSocket()
    await opened(ws)
    const closed = new Promise<number>((res) => ws.on('close', (code) => res(code)))
    ws.send(Buffer.alloc(65 * 1024))
    expect(await closed).toBe(1009)
    // a small frame is harmless
    const ok = openSocket()
    await opened(ok)
    ok.send('hello')
    await new Promise((r) => setTimeout(r, 50))
    expect(ok.readyState).toBe(WebSocket.OPEN)
    ok.close()
  })
})

describe('uploads, imports and archive switching', () => {
  let s2: RunningServer
  let base2: string
  let socket: WebSocket
  const got: { event: string; payload: Record<string, unknown> }[] = []
  const FIXTURE = join(__dirname, '../fixtures/import/dexposure/small.json')

  beforeAll(async () => {
    s2 = await startServer({
      archivePath: join(dir, 'empty.sqlite'),
      rendererDir: join(dir, 'renderer'),
      userStore: new UserStore(join(dir, 'user2', 'user.json')),
      maxUploadBytes: 64 * 1024,
    })
    base2 = new URL(s2.url).origin
    socket = openSocket(undefined, s2.url, s2.token)
    await opened(socket)
    socket.on('message', (m) => got.push(JSON.parse(String(m))))
  })
  afterAll(async () => {
    socket.close()
    await s2.close()
  })

  const call2 = async <T>(name: string, body: unknown): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${base2}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s2.token}` },
      body: JSON.stringify(body),
    })
    return { status: r.status, body: (await r.json()) as T }
  }
  const put = (name: string, body: BodyInit, token = s2.token) =>
    fetch(`${base2}/upload?name=${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
      body,
    })
  const eventFor = async (event: string, match: (p: Record<string, unknown>) => boolean) => {
    await expect.poll(() => got.some((g) => g.event === event && match(g.payload))).toBe(true)
    return got.find((g) => g.event === event && match(g.payload))!.payload
  }

  it('streams an upload to a temporary file and imports it as a job, then archive.changed', async () => {
    const { readFile } = await import('node:fs/promises')
    const text = await readFile(FIXTURE)
    const up = await put('weeks.json', text)
    expect(up.status).toBe(200)
    const { uploadId, bytes } = (await up.json()) as { uploadId: string; bytes: number }
    expect(bytes).toBe(text.length)
    const run = await call2<{ jobId: string }>('import.run', { uploadId })
    expect(run.status).toBe(200)
    const done = await eventFor('job.done', (p) => p.id === run.body.jobId)
    expect(done).toMatchObject({
      state: 'done',
      result: { file: 'weeks.json', weeksInserted: ['2025-06-30', '2025-07-07', '2025-07-14'] },
    })
    const changed = await eventFor('archive.changed', (p) => p.reason === 'imported')
    expect(changed).toMatchObject({ info: { weeks: 3 } })
    expect(got.some((g) => g.event === 'job.progress' && g.payload.unit === 'bytes')).toBe(true)
    // the upload is gone: importing it again is NOT_FOUND
    expect((await call2('import.run', { uploadId })).status).toBe(404)
  })

  it('names the uploaded file when its import fails', async () => {
    const up = await put(
      'broken.json',
      '{"data": {"2025-06-30": {"nodes": [{"id": "a", "size": "x"}], "links": []}}}',
    )
    const { uploadId } = (await up.json()) as { uploadId: string }
    const run = await call2<{ jobId: string }>('import.run', { uploadId, format: 'dexposure' })
    const done = await eventFor('job.done', (p) => p.id === run.body.jobId)
    expect(done).toMatchObject({
      state: 'failed',
      error: { code: 'BAD_INPUT', location: { file: 'broken.json', week: '2025-06-30' } },
    })
    expect(String((done.error as { message: string }).message)).not.toMatch(/dexposure-upload-/)
  })

  it('refuses uploads past the limit (413), without the token (401), of another method (405), without a name (400)', async () => {
    const uploadDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('dexposure-upload-'))
    const before = new Set(uploadDirs())
    const big = await put('big.json', new Uint8Array(65 * 1024))
    expect(big.status).toBe(413)
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /big\.json is larger than the 64 KiB/,
    )
    const streamed = await fetch(`${base2}/upload?name=s.json`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s2.token}` },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 3; i++) c.enqueue(new Uint8Array(30 * 1024))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect((await put('a.json', '{}', 'f'.repeat(64))).status).toBe(401)
    const get = await fetch(`${base2}/upload?name=a.json`, {
      headers: { authorization: `Bearer ${s2.token}` },
    })
    expect(get.status).toBe(405)
    const nameless = await fetch(`${base2}/upload`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${s2.token}` },
      body: '{}',
    })
    expect(nameless.status).toBe(400)
    // nothing of the refused uploads is left in the temporary folder
    expect(uploadDirs().filter((d) => !before.has(d))).toEqual([])
  })

  it('opens another archive for every client, refuses a bad one with 404/500 and the file name', async () => {
    const missing = await call2<{ error: { code: string; message: string } }>('archives.open', {
      path: join(dir, 'missing.sqlite'),
    })
    expect(missing.status).toBe(404)
    expect(missing.body.error.message).toContain('missing.sqlite')
    const secret = join(dir, 'secret.txt')
    const notDb = await call2<{ error: { code: string; message: string } }>('archives.open', {
      path: secret,
    })
    expect(notDb.body.error).toMatchObject({ code: 'ARCHIVE' })
    expect(notDb.body.error.message).toContain(secret)

    const before = s2.service
    const opened = await call2<{ file: string; weeks: number }>('archives.open', {
      path: join(dir, 'a.sqlite'),
    })
    expect(opened.status).toBe(200)
    expect(opened.body).toMatchObject({ file: join(dir, 'a.sqlite'), weeks: 283 })
    expect(s2.service).not.toBe(before)
    const changed = await eventFor('archive.changed', (p) => p.reason === 'opened')
    expect(changed).toMatchObject({ info: { weeks: 283 } })
    const recent = await call2<{ path: string }[]>('archives.recent', {})
    expect(recent.body.map((r) => r.path).slice(0, 2)).toEqual([
      join(dir, 'a.sqlite'),
      join(dir, 'empty.sqlite'),
    ])
    expect((await call2('jobs.list', {})).body).toEqual([])
  })
})
