// The Electron security posture (issue 14 §6.7), asserted without an Electron binary: the window
// options, the web-contents and session handlers, which IPC senders are trusted, and when the dev
// server URL is honoured.
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

// src/main/security.ts imports Electron's types only; the mock makes sure no test ever loads the
// real module (which needs the binary).
vi.mock('electron', () => ({}))

const {
  CSP,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  isTrustedUrl,
  rendererEntry,
  windowOptions,
} = await import('../../src/main/security')

const INDEX = '/opt/dexposure/resources/app/out/renderer/index.html'
const fileEntry = { kind: 'file' as const, file: INDEX }

describe('window options', () => {
  it('isolate the page: context isolation, sandbox, no Node, web security, no webviews', () => {
    const prefs = windowOptions('/p/preload.cjs', true).webPreferences!
    expect(prefs).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('have DevTools only when not packaged', () => {
    expect(windowOptions('/p', true).webPreferences!.devTools).toBe(false)
    expect(windowOptions('/p', false).webPreferences!.devTools).toBe(true)
  })

  it('come with a CSP that allows only the app itself', () => {
    expect(CSP).toContain("default-src 'self'")
    expect(CSP).toContain("script-src 'self'")
    expect(CSP).not.toMatch(/script-src[^;]*unsafe/)
  })
})

describe('renderer entry', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }
  it('honours ELECTRON_RENDERER_URL only when not packaged', () => {
    expect(rendererEntry(false, env, INDEX)).toEqual({ kind: 'url', url: 'http://localhost:5173' })
    expect(rendererEntry(true, env, INDEX)).toEqual(fileEntry)
    expect(rendererEntry(false, {}, INDEX)).toEqual(fileEntry)
  })
})

describe('IPC senders', () => {
  const frame = (url: string, parent: unknown = null) => ({
    senderFrame: { url, parent } as never,
  })
  const own = pathToFileURL(INDEX).href

  it('trusts the app’s own page in the top frame (query and hash do not matter)', () => {
    expect(isTrustedSender(frame(own), fileEntry)).toBe(true)
    expect(isTrustedSender(frame(`${own}?x=1#/week`), fileEntry)).toBe(true)
  })

  it('refuses other files, other schemes, subframes and a destroyed frame', () => {
    for (const url of [
      'file:///etc/passwd',
      pathToFileURL('/opt/dexposure/resources/app/out/renderer/other.html').href,
      'https://evil.example/index.html',
      'http://localhost:5173/',
      'about:blank',
      'not a url',
    ])
      expect(isTrustedSender(frame(url), fileEntry), url).toBe(false)
    expect(isTrustedSender(frame(own, { url: own }), fileEntry)).toBe(false)
    expect(isTrustedSender({ senderFrame: null }, fileEntry)).toBe(false)
  })

  it('in development trusts the dev server’s origin only', () => {
    const dev = { kind: 'url' as const, url: 'http://localhost:5173/' }
    expect(isTrustedUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isTrustedUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedUrl(own, dev)).toBe(false)
  })
})

describe('web contents and session handlers', () => {
  it('deny new windows, navigation, redirects and webviews', () => {
    const handlers = new Map<string, (e: { preventDefault(): void }) => void>()
    let openHandler: (() => { action: string }) | undefined
    const contents = {
      setWindowOpenHandler: (h: () => { action: string }) => (openHandler = h),
      on: (event: string, h: (e: { preventDefault(): void }) => void) => handlers.set(event, h),
    }
    hardenWebContents(contents as never)
    expect(openHandler!()).toEqual({ action: 'deny' })
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() }
      handlers.get(event)!(e)
      expect(e.preventDefault, event).toHaveBeenCalled()
    }
  })

  it('deny every permission request and check, and add the CSP header', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined
    let check: ((...a: unknown[]) => boolean) | undefined
    let headers:
      | ((d: { responseHeaders: object }, cb: (r: { responseHeaders: object }) => void) => void)
      | undefined
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
    }
    hardenSession(session as never)
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'usb']) {
      const cb = vi.fn()
      request!({}, permission, cb)
      expect(cb).toHaveBeenCalledWith(false)
      expect(check!({}, permission, 'file://', {})).toBe(false)
    }
    const cb = vi.fn()
    headers!({ responseHeaders: { a: ['b'] } }, cb)
    expect(cb).toHaveBeenCalledWith({
      responseHeaders: { a: ['b'], 'Content-Security-Policy': [CSP] },
    })
  })
})
