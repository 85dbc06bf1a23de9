// The Electron app prints a report's PDF with its own Chromium: the engine host (a utility
// process, no windows) relays the report's HTML here (engine-protocol.ts, relayPrinter), and the
// main process loads it into a hidden window and calls `webContents.printToPDF` with the options
// the CLI's Chromium printer uses (electronPrintOptions: A4 or Letter, margins, the footer with
// "page N of M", bookmarks from the headings, a tagged PDF). No playwright-core in the app.
//
// The HTML travels through a temporary file, not a data: URL: a real week's report is megabytes
// and Chromium refuses URLs over 2 MB. The window cannot run script, has its own in-memory
// session, and that session refuses every request but the report file itself (the document is
// self-contained; nothing it names may be fetched).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserWindowConstructorOptions, PrintToPDFOptions, Session } from 'electron'
import { electronPrintOptions, type Paper } from '../engine/report/pdf-options'

/** What the printer uses of a BrowserWindow. */
export interface PrintWindow {
  webContents: {
    loadFile(file: string): Promise<void>
    printToPDF(options: PrintToPDFOptions): Promise<Buffer | Uint8Array>
  }
  destroy(): void
}

/** An in-memory session of its own (no `persist:`), so its request filter touches nothing else. */
export const PRINT_PARTITION = 'dexposure-print'

const DIR_PREFIX = 'dexposure-print-'

export function printWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 1000,
    height: 1400,
    webPreferences: {
      partition: PRINT_PARTITION,
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      spellcheck: false,
    },
  }
}

/** Whether a request of the print window is the report file itself (in a folder of ours). */
export function isReportFileUrl(url: string, root = tmpdir()): boolean {
  const prefix = pathToFileURL(join(root, DIR_PREFIX)).href
  return url.startsWith(prefix) && /\/report\.html$/.test(url) && !url.includes('..')
}

/** The print session refuses every request but a report file (called once, at start-up). */
export function guardPrintSession(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isReportFileUrl(details.url) }),
  )
}

/** Prints one report in a fresh hidden window; the window and the temporary file go after. */
export async function printInWindow(
  html: string,
  paper: Paper,
  openWindow: () => PrintWindow,
): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX))
  try {
    const file = join(dir, 'report.html')
    writeFileSync(file, html)
    const win = openWindow()
    try {
      await win.webContents.loadFile(file)
      const pdf = await win.webContents.printToPDF(electronPrintOptions(paper))
      return Buffer.isBuffer(pdf) ? pdf : Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength)
    } finally {
      win.destroy()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
