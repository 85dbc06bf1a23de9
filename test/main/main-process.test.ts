// The Electron main process wired up with `electron` mocked (no binary here): the window gets the
// hardened options, every web contents the handlers, every ipcMain.handle refuses senders other
// than the app's own page, ELECTRON_RENDERER_URL is ignored when packaged, the packaged menu has
// no DevTools, and File > Open Recent and engine events flow through the engine host.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'

const m = vi.hoisted(() => {
  type Listener = (...a: unknown[]) => unknown
  const state = {
    isPackaged: true,
    handlers: new Map<string, Listener>(),
    appEvents: new Map<string, Listener>(),
    windows: [] as {
      options: unknown
      loaded: { file?: string; url?: string }
      sent: unknown[][]
      titles: string[]
      self?: unknown
    }[],
    menus: [] as unknown[],
    engine: {
      listeners: new Map<string, Listener>(),
      posted: [] as { id: number; name: string; request: unknown }[],
    },
    sessionCalls: [] as string[],
  }
  class BrowserWindow {
    static getAllWindows = () => state.windows.map((w) => w.self)
    static getFocusedWindow = () => null
    webContents: { send: (...a: unknown[]) => void }
    record: (typeof state.windows)[number]
    constructor(options: unknown) {
      this.record = { options, loaded: {}, sent: [], titles: [] }
      this.record.self = this
      state.windows.push(this.record)
      this.webContents = { send: (...a: unknown[]) => this.record.sent.push(a) }
    }
    loadFile(file: string) {
      this.record.loaded.file = file
      return Promise.resolve()
    }
    loadURL(url: string) {
      this.record.loaded.url = url
      return Promise.resolve()
    }
    setTitle(t: string) {
      this.record.titles.push(t)
    }
  }
  const electron = {
    app: {
      get isPackaged() {
        return state.isPackaged
      },
      whenReady: () => Promise.resolve(),
      on: (event: string, l: Listener) => state.appEvents.set(event, l),
      quit: () => {},
    },
    BrowserWindow,
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
    ipcMain: { handle: (channel: string, l: Listener) => state.handlers.set(channel, l) },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (menu: unknown) => state.menus.push(menu),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => state.sessionCalls.push('request'),
        setPermissionCheckHandler: () => state.sessionCalls.push('check'),
        webRequest: { onHeadersReceived: () => state.sessionCalls.push('csp') },
      },
    },
    utilityProcess: {
      fork: () => ({
        on: (event: string, l: Listener) => state.engine.listeners.set(event, l),
        postMessage: (msg: { id: number; name: string; request: unknown }) =>
          state.engine.posted.push(msg),
        kill: () => {},
      }),
    },
  }
  return { state, electron }
})

vi.mock('electron', () => ({ ...m.electron, default: m.electron }))

const RENDERER = join(__dirname, '../../src/renderer/index.html')

/** Loads src/main/index.ts afresh (it wires everything on app.whenReady). */
async function boot(isPackaged: boolean, env: Record<string, string> = {}) {
  vi.resetModules()
  m.state.isPackaged = isPackaged
  m.state.handlers.clear()
  m.state.appEvents.clear()
  m.state.windows.length = 0
  m.state.menus.length = 0
  m.state.engine.posted.length = 0
  m.state.sessionCalls.length = 0
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v)
  await import('../../src/main/index')
  await vi.waitFor(() => expect(m.state.windows.length).toBe(1))
  // the engine says ready; answer archives.recent for the menu
  m.state.engine.listeners.get('message')!({ type: 'ready' })
  return m.state
}

/** Replies to the engine request named `name` (the newest one). */
function reply(name: string, result: unknown) {
  const req = [...m.state.engine.posted].reverse().find((p) => p.name === name)
  if (!req) throw new Error(`no ${name} request`)
  m.state.engine.listeners.get('message')!({ type: 'reply', id: req.id, result })
}

afterEach(() => vi.unstubAllEnvs())

describe('Electron main process', () => {
  it('opens a hardened window on the built page and hardens the session', async () => {
    const s = await boot(true)
    expect(s.windows[0].options).toMatchObject({
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        devTools: false,
      },
    })
    expect(s.windows[0].loaded.file).toMatch(/renderer[\\/]index\.html$/)
    expect(s.sessionCalls.sort()).toEqual(['check', 'csp', 'request'])
    expect(s.appEvents.has('web-contents-created')).toBe(true)
  })

  it('ignores ELECTRON_RENDERER_URL when packaged, honours it in development', async () => {
    const packaged = await boot(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })
    expect(packaged.windows[0].loaded).toEqual({ file: expect.stringMatching(/index\.html$/) })
    const dev = await boot(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' })
    expect(dev.windows[0].loaded).toEqual({ url: 'http://localhost:5173' })
  })

  it('checks the sender frame in every ipcMain.handle', async () => {
    const s = await boot(true)
    expect(s.handlers.size).toBeGreaterThan(0)
    const own = { url: pathToFileURL(m.state.windows[0].loaded.file!).href, parent: null }
    for (const [channel, handler] of s.handlers) {
      for (const senderFrame of [
        null,
        { url: 'https://evil.example/', parent: null },
        { url: pathToFileURL(RENDERER).href + '.evil', parent: null },
        { url: own.url, parent: own },
      ])
        await expect(
          Promise.resolve().then(() => handler({ senderFrame }, 'archive.info', {})),
          channel,
        ).rejects.toThrow(/workbench page only/)
      if (channel === 'api:pick-file') {
        // the page itself gets a native dialog, and its path back
        const electron = await import('electron')
        vi.mocked(electron.dialog.showOpenDialog).mockResolvedValueOnce({
          canceled: false,
          filePaths: ['/data/week.json'],
        })
        expect(await handler({ senderFrame: own }, 'import')).toBe('/data/week.json')
        await expect(
          Promise.resolve().then(() => handler({ senderFrame: own }, '/etc/passwd')),
        ).rejects.toThrow(/unknown file purpose/)
        continue
      }
      // the page itself gets through to the engine
      const answer = Promise.resolve(handler({ senderFrame: own }, 'archive.info', {}))
      await vi.waitFor(() =>
        expect(s.engine.posted.some((p) => p.name === 'archive.info')).toBe(true),
      )
      reply('archive.info', { weeks: 1 })
      expect(await answer).toEqual({ weeks: 1 })
    }
  })

  it('builds the menu from the recent archives, without DevTools when packaged', async () => {
    const s = await boot(true)
    await vi.waitFor(() =>
      expect(s.engine.posted.some((p) => p.name === 'archives.recent')).toBe(true),
    )
    reply('archives.recent', [{ path: '/x/a.sqlite', lastOpened: '2025-01-01', exists: true }])
    await vi.waitFor(() => expect(s.menus.length).toBe(1))
    const text = JSON.stringify(s.menus[0])
    expect(text).toContain('/x/a.sqlite')
    expect(text).not.toContain('toggleDevTools')
    // File > Open Recent > the archive → archives.open through the engine host
    type Item = { label?: string; submenu?: Item[]; click?: () => void }
    const all = (items: Item[]): Item[] => items.flatMap((i) => [i, ...all(i.submenu ?? [])])
    all(s.menus[0] as Item[]).find((i) => i.label === '/x/a.sqlite')!.click!()
    await vi.waitFor(() =>
      expect(s.engine.posted.at(-1)).toMatchObject({
        name: 'archives.open',
        request: { path: '/x/a.sqlite', create: false },
      }),
    )
  })

  it('relays engine events to the page and refreshes the menu on archive.changed', async () => {
    const s = await boot(false)
    const payload = { info: { file: '/x/b.sqlite' }, reason: 'opened' }
    const before = s.engine.posted.filter((p) => p.name === 'archives.recent').length
    s.engine.listeners.get('message')!({ type: 'event', event: 'archive.changed', payload })
    expect(s.windows[0].sent).toContainEqual(['api:event', 'archive.changed', payload])
    expect(s.windows[0].titles.at(-1)).toContain('/x/b.sqlite')
    await vi.waitFor(() =>
      expect(s.engine.posted.filter((p) => p.name === 'archives.recent').length).toBe(before + 1),
    )
    const job = {
      id: 'j',
      kind: 'import',
      state: 'failed',
      message: 'm',
      error: { code: 'BAD_INPUT', message: 'm' },
    }
    s.engine.listeners.get('message')!({ type: 'event', event: 'job.done', payload: job })
    expect(s.windows[0].sent).toContainEqual(['api:event', 'job.done', job])
  })
})
