// Electron main process: one window, a strict security posture (src/main/security.ts: context
// isolation, sandbox, no Node in the renderer, CSP, no navigation or new windows, no permissions,
// IPC only from the app's own page), and the engine in a utility process so heavy work never
// blocks the UI thread. Calls are relayed between the preload bridge and the engine host; the call
// name and the sender are checked here, the request and response in the engine. The File menu
// (src/main/menu.ts) opens archives and imports files through the same engine calls.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, utilityProcess } from 'electron'
import { join } from 'node:path'
import {
  isCallName,
  type CallName,
  type CallRequest,
  type CallResponse,
  type EventPayload,
} from '../shared/api'
import type { EngineMessage, EngineRequest, PrintReply, PrintRequest } from './engine-protocol'
import { menuTemplate } from './menu'
import {
  guardPrintSession,
  printInWindow,
  printWindowOptions,
  PRINT_PARTITION,
} from './print-window'
import {
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  rendererEntry,
  windowOptions,
} from './security'

const entry = rendererEntry(app.isPackaged, process.env, join(__dirname, '../renderer/index.html'))

/** `electron . [--archive] FILE`: the archive named on the command line, if any. */
function archiveFromArgs(): string | undefined {
  const args = process.argv.slice(app.isPackaged ? 1 : 2)
  const at = args.indexOf('--archive')
  if (at >= 0) return args[at + 1]
  return args.find((a) => !a.startsWith('-') && a !== '.')
}

type CallEngine = <K extends CallName>(name: K, request: CallRequest<K>) => Promise<CallResponse<K>>

/** Starts the engine host; answers a function that calls it (for IPC and for the menu). */
function startEngine(onEvent: (event: string, payload: unknown) => void): CallEngine {
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

  // a report's PDF: the engine has no windows, so it asks for a print with the app's Chromium
  let printSessionGuarded = false
  const print = (m: PrintRequest): void => {
    if (!printSessionGuarded) {
      guardPrintSession(session.fromPartition(PRINT_PARTITION))
      printSessionGuarded = true
    }
    printInWindow(m.html, m.paper, () => new BrowserWindow(printWindowOptions())).then(
      (pdf) => engine.postMessage({ type: 'printed', id: m.id, pdf } satisfies PrintReply),
      (e: unknown) =>
        engine.postMessage({
          type: 'printed',
          id: m.id,
          error: e instanceof Error ? e.message : String(e),
        } satisfies PrintReply),
    )
  }

  engine.on('message', (m: EngineMessage) => {
    if (m.type === 'ready') markReady()
    else if (m.type === 'fatal') fail(new Error(m.message))
    else if (m.type === 'print') print(m)
    else if (m.type === 'event') {
      for (const w of BrowserWindow.getAllWindows())
        w.webContents.send('api:event', m.event, m.payload)
      onEvent(m.event, m.payload)
    } else {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if ('error' in m)
        p?.reject(Object.assign(new Error(`${m.error.code}: ${m.error.message}`), m.error))
      else p?.resolve(m.result)
    }
  })
  engine.on('exit', (code) => fail(new Error(`the engine process exited with code ${code}`)))
  app.on('before-quit', () => engine.kill())

  const call = async (name: string, request: unknown): Promise<unknown> => {
    await ready
    if (failure) throw failure
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      engine.postMessage({ id, name, request } satisfies EngineRequest)
    })
  }

  ipcMain.handle('api:call', async (e, name: unknown, request: unknown) => {
    // only the workbench page itself (top frame, our file:// or dev URL) may use the engine
    if (!isTrustedSender(e, entry))
      throw new Error('USAGE: calls are accepted from the workbench page only')
    if (typeof name !== 'string' || !isCallName(name))
      throw new Error(`USAGE: unknown call "${String(name)}"`)
    return call(name, request)
  })
  return call as CallEngine
}

const ARCHIVE_FILTERS = [
  { name: 'DeXposure archives', extensions: ['sqlite', 'sqlite3', 'db'] },
  { name: 'All files', extensions: ['*'] },
]
const IMPORT_FILTERS = [
  { name: 'DeXposure, metadata, DefiLlama, CSV', extensions: ['json', 'csv'] },
  { name: 'All files', extensions: ['*'] },
]

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(
    windowOptions(join(__dirname, '../preload/index.cjs'), app.isPackaged),
  )
  if (entry.kind === 'url') void win.loadURL(entry.url)
  else void win.loadFile(entry.file)
  return win
}

app.whenReady().then(() => {
  hardenSession(session.defaultSession)
  // every web contents (the window, and any the page might try to create) gets the same rules
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents))

  const showError = (title: string) => (e: unknown) =>
    dialog.showErrorBox(title, e instanceof Error ? e.message : String(e))
  const focused = (): BrowserWindow | undefined =>
    BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  const openArchive = (path: string, create = false): void =>
    void call('archives.open', { path, create }).catch(showError('Cannot open the archive'))

  const actions = {
    openArchive: async () => {
      const r = await dialog.showOpenDialog(focused()!, {
        title: 'Open archive',
        properties: ['openFile'],
        filters: ARCHIVE_FILTERS,
      })
      if (!r.canceled && r.filePaths[0]) openArchive(r.filePaths[0])
    },
    newArchive: async () => {
      const r = await dialog.showSaveDialog(focused()!, {
        title: 'New archive',
        defaultPath: 'archive.sqlite',
        filters: ARCHIVE_FILTERS,
      })
      if (!r.canceled && r.filePath) openArchive(r.filePath, true)
    },
    openRecent: (path: string) => openArchive(path),
    // the import runs as an engine job: its progress and outcome reach the page as job events
    importFile: async () => {
      const r = await dialog.showOpenDialog(focused()!, {
        title: 'Import into the archive',
        properties: ['openFile'],
        filters: IMPORT_FILTERS,
      })
      if (!r.canceled && r.filePaths[0])
        await call('import.run', { path: r.filePaths[0] }).catch(showError('Cannot import'))
    },
  }
  // the page's "Import file…" and "Open archive…" buttons: a native dialog, the path back to the
  // page, which starts the engine call itself (and shows its progress and errors)
  ipcMain.handle('api:pick-file', async (e, purpose: unknown) => {
    if (!isTrustedSender(e, entry))
      throw new Error('USAGE: dialogs are opened for the workbench page only')
    if (purpose !== 'import' && purpose !== 'archive')
      throw new Error(`USAGE: unknown file purpose "${String(purpose)}"`)
    const r = await dialog.showOpenDialog(focused()!, {
      title: purpose === 'import' ? 'Import into the archive' : 'Open archive',
      properties: ['openFile'],
      filters: purpose === 'import' ? IMPORT_FILTERS : ARCHIVE_FILTERS,
    })
    return r.canceled ? null : (r.filePaths[0] ?? null)
  })
  const refreshMenu = async (): Promise<void> => {
    const recent = await call('archives.recent', {}).catch(() => [])
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          { isPackaged: app.isPackaged, platform: process.platform, recent },
          {
            openArchive: () =>
              void actions.openArchive().catch(showError('Cannot open the archive')),
            newArchive: () =>
              void actions.newArchive().catch(showError('Cannot create the archive')),
            openRecent: actions.openRecent,
            importFile: () => void actions.importFile().catch(showError('Cannot import')),
          },
        ),
      ),
    )
  }

  // (the functions above run only after this: on menu clicks and engine events)
  const call: CallEngine = startEngine((event, payload) => {
    // the recent list changed: the File menu shows it
    if (event === 'archive.changed') {
      void refreshMenu()
      const { info } = payload as EventPayload<'archive.changed'>
      for (const w of BrowserWindow.getAllWindows())
        w.setTitle(`DeXposure Workbench — ${info.file}`)
    }
  })
  void refreshMenu()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
