// The loopback server as a browser (or another local program) sees it: token checks, contract
// validation, errors with codes, and job events over the WebSocket.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { Archive } from '../../src/engine/store/archive'
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
  server = await startServer({ archivePath: file, rendererDir: renderer })
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

  it('answers contract calls', async () => {
    const weeks = (await (await call('weeks.list', {})).json()) as { week: string }[]
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
