// The report's HTML printed to PDF by Chromium: page size, page numbers in a footer, bookmarks
// from the headings (outline) and a tagged PDF. Behind one interface, PdfPrinter, because the
// printer differs by face:
// - CLI and browser mode (the loopback server): Chromium through playwright-core, launched from
//   $CHROMIUM_PATH or /usr/bin/chromium as playwright.config.ts launches it (chromiumPrinter).
//   Its launch (about a second of CPU) starts with the report (prepare) and overlaps the sections.
// - Electron: the engine runs in a utility process without BrowserWindow; the main process owns
//   `webContents.printToPDF`. The engine host registers a printer here with registerPdfPrinter()
//   that relays the HTML to the main process (src/main/engine-protocol.ts, relayPrinter), which
//   prints it in a hidden window with `printToPDF(electronPrintOptions(paper))` — same footer,
//   `generateDocumentOutline: true`, `generateTaggedPDF: true` (src/main/print-window.ts) — and
//   returns the bytes.
import { DexposureError } from '../../shared/errors'
import { FOOTER, MARGIN, type Paper } from './pdf-options'

export { electronPrintOptions, type Paper } from './pdf-options'

export interface PdfPrinter {
  /** The PDF of a complete HTML document (no external resources are fetched). */
  print(html: string, paper: Paper, signal?: AbortSignal): Promise<Buffer>
  /**
   * Starts what printing needs (a browser) ahead of the document, so that its start overlaps the
   * report's other work. The answer prints once; release() frees what was started, printed or not.
   */
  prepare?(): PreparedPrinter
}

export interface PreparedPrinter {
  print(html: string, paper: Paper, signal?: AbortSignal): Promise<Buffer>
  release(): Promise<void>
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']

type Browser = Awaited<ReturnType<(typeof import('playwright-core'))['chromium']['launch']>>

async function launchChromium(): Promise<Browser> {
  let chromium: typeof import('playwright-core').chromium
  try {
    ;({ chromium } = await import('playwright-core'))
  } catch (e) {
    throw new DexposureError(
      'INTERNAL',
      `PDF needs playwright-core (npm install playwright-core): ${(e as Error).message}`,
    )
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
  } catch (e) {
    throw new DexposureError(
      'NOT_FOUND',
      `cannot start Chromium at ${executablePath} to print the PDF (set CHROMIUM_PATH, or use --format html): ${(e as Error).message.split('\n')[0]}`,
    )
  }
}

async function printWith(
  browser: Browser,
  html: string,
  paper: Paper,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
  const abort = () => void browser.close()
  signal?.addEventListener('abort', abort)
  try {
    const page = await browser.newPage()
    // the document has no external resource: block any request so nothing leaves the machine
    await page.route('**/*', (route) => route.abort())
    await page.setContent(html, { waitUntil: 'load' })
    const pdf = await page.pdf({
      format: paper === 'letter' ? 'Letter' : 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      margin: MARGIN,
      outline: true,
      tagged: true,
    })
    if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
    return pdf
  } catch (e) {
    if (signal?.aborted) throw new DexposureError('CANCELLED', 'report cancelled')
    throw e
  } finally {
    signal?.removeEventListener('abort', abort)
  }
}

/** Prints with Chromium through playwright-core (the CLI's and the loopback server's printer). */
export const chromiumPrinter: PdfPrinter = {
  async print(html, paper, signal) {
    const browser = await launchChromium()
    try {
      return await printWith(browser, html, paper, signal)
    } finally {
      await browser.close()
    }
  },
  prepare() {
    const launching = launchChromium()
    // a launch failure is reported by print(); a report that fails first only releases
    launching.catch(() => {})
    let used = false
    return {
      async print(html, paper, signal) {
        if (used) throw new DexposureError('INTERNAL', 'a prepared printer prints once')
        used = true
        return printWith(await launching, html, paper, signal)
      },
      async release() {
        const browser = await launching.catch(() => null)
        await browser?.close()
      },
    }
  },
}

let registered: PdfPrinter | null = null

/** The Electron main process (or a test) replaces the Chromium printer; null restores it. */
export function registerPdfPrinter(p: PdfPrinter | null): void {
  registered = p
}

export const pdfPrinter = (): PdfPrinter => registered ?? chromiumPrinter
