// The main process's side of the app's PDF printing (src/main/index.ts), with `electron` mocked
// (no binary here): a `print` request of the engine host opens a hidden, script-less window in
// the guarded print session, loads the report, calls printToPDF with the report's page setup and
// sends the bytes — or the error — back as `printed`. The fake window records what it is given;
// the real printToPDF is not run here.
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'

const m = vi.hoisted(() => {
  type Listener = (...a: unknown[]) => unknown
  const state = {
    windows: [] as {
      options: { show?: boolean; webPreferences?: Record<string, unknown> }
      loaded: string | null
      html: string | null
      printed: unknown
      destroyed: boolean
    }[],
    engine: { listeners: new Map<string, Listener>(), posted: [] as Record<string, unknown>[] },
    partitions: [] as string[],
    guard: null as Listener | null,
    failPrint: false,
  }
  class BrowserWindow {
    static getAllWindows = () => []
    static getFocusedWindow = () => null
    webContents: Record<string, unknown>
    constructor(options: (typeof state.windows)[number]['options']) {
      const rec: (typeof state.windows)[number] = {
        options,
        loaded: null,
        html: null,
        printed: null,
        destroyed: false,
      }
      state.windows.push(rec)
      this.webContents = {
        send: () => {},
        loadFile: async (file: string) => {
          rec.loaded = file
          rec.html = readFileSync(file, 'utf8')
        },
        printToPDF: async (o: unknown) => {
          rec.printed = o
          if (state.failPrint) throw new Error('no printer here')
          return Buffer.from('%PDF-1.7 app')
        },
      }
      this.destroy = () => void (rec.destroyed = true)
    }
    destroy: () => void
    loadFile() {
      return Promise.resolve()
    }
    loadURL() {
      return Promise.resolve()
    }
    setTitle() {}
  }
  const electron = {
    app: {
      isPackaged: true,
      whenReady: () => Promise.resolve(),
      on: () => {},
      quit: () => {},
    },
    BrowserWindow,
    dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
    ipcMain: { handle: () => {} },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        webRequest: { onHeadersReceived: () => {} },
      },
      fromPartition: (p: string) => {
        state.partitions.push(p)
        return { webRequest: { onBeforeRequest: (l: Listener) => (state.guard = l) } }
      },
    },
    utilityProcess: {
      fork: () => ({
        on: (event: string, l: Listener) => state.engine.listeners.set(event, l),
        postMessage: (msg: Record<string, unknown>) => state.engine.posted.push(msg),
        kill: () => {},
      }),
    },
  }
  return { state, electron }
})

vi.mock('electron', () => ({ ...m.electron, default: m.electron }))

describe('Electron main process: printing a report', () => {
  it('prints the engine’s HTML in a hidden window and sends the PDF back', async () => {
    await import('../../src/main/index')
    const fromEngine = (msg: unknown) => m.state.engine.listeners.get('message')!(msg)
    await vi.waitFor(() => expect(m.state.engine.listeners.has('message')).toBe(true))
    fromEngine({ type: 'ready' })
    const before = m.state.windows.length
    fromEngine({ type: 'print', id: 7, html: '<h2>Summary</h2>', paper: 'letter' })
    await vi.waitFor(() =>
      expect(m.state.engine.posted.find((p) => p.type === 'printed')).toBeTruthy(),
    )
    const reply = m.state.engine.posted.find((p) => p.type === 'printed')!
    expect(reply.id).toBe(7)
    expect(Buffer.from(reply.pdf as Uint8Array).toString()).toBe('%PDF-1.7 app')
    const w = m.state.windows[before]
    expect(w.options).toMatchObject({
      show: false,
      webPreferences: { partition: 'dexposure-print', javascript: false, sandbox: true },
    })
    expect(w.html).toBe('<h2>Summary</h2>')
    expect(w.printed).toMatchObject({
      pageSize: 'Letter',
      displayHeaderFooter: true,
      generateDocumentOutline: true,
      generateTaggedPDF: true,
    })
    expect(w.destroyed).toBe(true)
    // the print session refuses what the report does not need
    expect(m.state.partitions).toEqual(['dexposure-print'])
    let cancel: boolean | null = null
    m.state.guard!({ url: 'https://example.com/' }, (r: { cancel: boolean }) => (cancel = r.cancel))
    expect(cancel).toBe(true)

    // a failed print answers with the error
    m.state.failPrint = true
    fromEngine({ type: 'print', id: 8, html: '<p>x</p>', paper: 'a4' })
    await vi.waitFor(() =>
      expect(m.state.engine.posted.find((p) => p.type === 'printed' && p.id === 8)).toBeTruthy(),
    )
    expect(m.state.engine.posted.find((p) => p.id === 8)).toEqual({
      type: 'printed',
      id: 8,
      error: 'no printer here',
    })
    expect(m.state.windows.at(-1)!.destroyed).toBe(true)
    // the session is guarded once
    expect(m.state.partitions).toEqual(['dexposure-print'])
  })
})
