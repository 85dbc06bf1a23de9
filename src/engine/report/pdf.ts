// The report's HTML printed to PDF by Chromium: page size, page numbers in a footer, bookmarks
// from the headings (outline) and a tagged PDF. Behind one interface, PdfPrinter, because the
// printer differs by face:
// - CLI and browser mode (the loopback server): Chromium through playwright-core, launched from
//   $CHROMIUM_PATH or /usr/bin/chromium as playwright.config.ts launches it (chromiumPrinter).
// - Electron: the engine runs in a utility process without BrowserWindow; the main process owns
//   `webContents.printToPDF`. src/main registers a printer here with registerPdfPrinter() that
//   hands the HTML to a hidden BrowserWindow (loadURL of a data: URL or a temp file) and calls
//   `printToPDF(electronPrintOptions(paper))` (same footer, `generateDocumentOutline: true`,
//   `generateTaggedPDF: true`), returning the bytes over the engine-host channel.
import { DexposureError } from '../../shared/errors'

export type Paper = 'a4' | 'letter'

export interface PdfPrinter {
  /** The PDF of a complete HTML document (no external resources are fetched). */
  print(html: string, paper: Paper, signal?: AbortSignal): Promise<Buffer>
}

const MARGIN = { top: '16mm', bottom: '18mm', left: '13mm', right: '13mm' }

const FOOTER =
  '<div style="font: 8px system-ui, sans-serif; color: #5b6673; width: 100%; text-align: center;">' +
  'DeXposure weekly risk report · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'

/** Options for Electron's `webContents.printToPDF` giving the same document as chromiumPrinter. */
export function electronPrintOptions(paper: Paper) {
  const mm = (s: string) => Number(s.replace('mm', '')) / 25.4 // inches
  return {
    pageSize: paper === 'letter' ? 'Letter' : 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: FOOTER,
    margins: {
      top: mm(MARGIN.top),
      bottom: mm(MARGIN.bottom),
      left: mm(MARGIN.left),
      right: mm(MARGIN.right),
    },
    generateDocumentOutline: true,
    generateTaggedPDF: true,
  } as const
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']

/** Prints with Chromium through playwright-core (the CLI's and the loopback server's printer). */
export const chromiumPrinter: PdfPrinter = {
  async print(html, paper, signal) {
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
    let browser
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS })
    } catch (e) {
      throw new DexposureError(
        'NOT_FOUND',
        `cannot start Chromium at ${executablePath} to print the PDF (set CHROMIUM_PATH, or use --format html): ${(e as Error).message.split('\n')[0]}`,
      )
    }
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
      await browser.close()
    }
  },
}

let registered: PdfPrinter | null = null

/** The Electron main process (or a test) replaces the Chromium printer; null restores it. */
export function registerPdfPrinter(p: PdfPrinter | null): void {
  registered = p
}

export const pdfPrinter = (): PdfPrinter => registered ?? chromiumPrinter
