// Electron main process: one window, a strict security posture (context isolation, sandbox, no
// Node in the renderer, CSP), and the engine in a utility process so heavy work never blocks the
// UI thread. Calls are relayed between the preload bridge and the engine host.
import { app, BrowserWindow, ipcMain, Menu, session, utilityProcess } from 'electron'
import { join } from 'node:path'

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:"

function startEngine() {
  const engine = utilityProcess.fork(
    join(__dirname, '../node/engine-host.js'),
    process.argv.slice(2),
    {
      serviceName: 'DeXposure engine',
    },
  )
  let next = 0
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const ready = new Promise<void>((resolve, reject) => {
    engine.on(
      'message',
      (m: {
        type: string
        id?: number
        result?: unknown
        error?: { code: string; message: string }
        event?: string
        payload?: unknown
        message?: string
      }) => {
        if (m.type === 'ready') resolve()
        else if (m.type === 'fatal') reject(new Error(m.message))
        else if (m.type === 'event')
          for (const w of BrowserWindow.getAllWindows())
            w.webContents.send('api:event', m.event, m.payload)
        else if (m.type === 'reply' && m.id !== undefined) {
          const p = pending.get(m.id)
          pending.delete(m.id)
          if (m.error) p?.reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
          else p?.resolve(m.result)
        }
      },
    )
  })
  ipcMain.handle('api:call', async (_e, name: string, request: unknown) => {
    await ready
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      engine.postMessage({ id, name, request })
    })
  })
  return engine
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
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(join(__dirname, '../renderer/index.html'))
}

app.whenReady().then(() => {
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
