// Electron main process: one window, a strict security posture (context isolation, sandbox, no
// Node in the renderer, CSP, no navigation or new windows), and the engine in a utility process so
// heavy work never blocks the UI thread. Calls are relayed between the preload bridge and the
// engine host; the call name is checked here and the request and response in the engine.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, utilityProcess } from 'electron'
import { join } from 'node:path'
import { isCallName } from '../shared/api'
import type { EngineMessage, EngineRequest } from './engine-protocol'

// The same policy browser mode sends (src/server/index.ts), minus the event socket it needs.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:"

/** `electron . [--archive] FILE`: the archive named on the command line, if any. */
function archiveFromArgs(): string | undefined {
  const args = process.argv.slice(app.isPackaged ? 1 : 2)
  const at = args.indexOf('--archive')
  if (at >= 0) return args[at + 1]
  return args.find((a) => !a.startsWith('-') && a !== '.')
}

function startEngine(): void {
  const archive = archiveFromArgs()
  // The archive path travels in the environment: the engine host resolves it with the same
  // resolveArchivePath() as the CLI and the server (explicit path, then DEXPOSURE_ARCHIVE, then
  // the app-data folder).
  const engine = utilityProcess.fork(join(__dirname, '../node/engine-host.js'), [], {
    serviceName: 'DeXposure engine',
    env: { ...process.env, ...(archive ? { DEXPOSURE_ARCHIVE: archive } : {}) },
  })
  let next = 0
  let failure: Error | null = null
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  const fail = (e: Error): void => {
    if (failure) return
    failure = e
    for (const p of pending.values()) p.reject(e)
    pending.clear()
    markReady()
    dialog.showErrorBox('DeXposure engine stopped', e.message)
  }

  engine.on('message', (m: EngineMessage) => {
    if (m.type === 'ready') markReady()
    else if (m.type === 'fatal') fail(new Error(m.message))
    else if (m.type === 'event')
      for (const w of BrowserWindow.getAllWindows())
        w.webContents.send('api:event', m.event, m.payload)
    else {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if ('error' in m)
        p?.reject(Object.assign(new Error(`${m.error.code}: ${m.error.message}`), m.error))
      else p?.resolve(m.result)
    }
  })
  engine.on('exit', (code) => fail(new Error(`the engine process exited with code ${code}`)))
  app.on('before-quit', () => engine.kill())

  ipcMain.handle('api:call', async (_e, name: unknown, request: unknown) => {
    if (typeof name !== 'string' || !isCallName(name))
      throw new Error(`USAGE: unknown call "${String(name)}"`)
    await ready
    if (failure) throw failure
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      engine.postMessage({ id, name, request } satisfies EngineRequest)
    })
  })
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1380,
    height: 860,
    title: 'DeXposure Workbench',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  // The workbench is one page: links never open windows and the page never navigates away.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
}

app.whenReady().then(() => {
  // Header CSP for http(s) loads (the dev server); file:// loads get the same policy from the
  // page's <meta> tag.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  )
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  )
  startEngine()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
