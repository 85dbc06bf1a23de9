// The Electron app's PDF path, wired end to end without the Electron binary (absent here): the
// engine's report job prints through the relay printer, the relay posts `print` to the main
// process, the main process loads the HTML into a hidden window and calls printToPDF with the
// CLI printer's page setup, and the bytes come back to the job. The windows are fakes that record
// what they are given — a test of our wiring; the real `webContents.printToPDF` is not run here.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { registerPdfPrinter } from '../../src/engine/report/pdf'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import {
  relayPrinter,
  serveEngine,
  type EngineMessage,
  type PrintReply,
} from '../../src/main/engine-protocol'
import {
  guardPrintSession,
  isReportFileUrl,
  printInWindow,
  printWindowOptions,
  PRINT_PARTITION,
  type PrintWindow,
} from '../../src/main/print-window'
import { ReportResultSchema, type EventPayload } from '../../src/shared/api'

/** A hidden window that records what it loads and the printToPDF options, and answers `pdf`. */
function fakeWindow(pdf: Buffer | Error = Buffer.from('%PDF-1.7 fake')) {
  const seen = {
    loaded: '' as string,
    html: '' as string,
    options: null as unknown,
    destroyed: false,
  }
  const win: PrintWindow = {
    webContents: {
      loadFile: async (file: string) => {
        seen.loaded = file
        seen.html = readFileSync(file, 'utf8')
      },
      printToPDF: async (options) => {
        seen.options = options
        if (pdf instanceof Error) throw pdf
        return new Uint8Array(pdf)
      },
    },
    destroy: () => void (seen.destroyed = true),
  }
  return { win, seen }
}

describe('printInWindow', () => {
  it('prints with the CLI printer’s page setup: paper, margins, page numbers, bookmarks, tags', async () => {
    for (const [paper, size] of [
      ['a4', 'A4'],
      ['letter', 'Letter'],
    ] as const) {
      const { win, seen } = fakeWindow()
      const pdf = await printInWindow('<h2>Summary</h2>', paper, () => win)
      expect(pdf.toString()).toBe('%PDF-1.7 fake')
      expect(seen.html).toBe('<h2>Summary</h2>')
      expect(seen.options).toEqual({
        pageSize: size,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: expect.stringMatching(
          /page <span class="pageNumber"><\/span> of <span class="totalPages"><\/span>/,
        ),
        // 16, 18 and 13 mm in inches, as the CLI's margins
        margins: {
          top: expect.closeTo(0.63, 2),
          bottom: expect.closeTo(0.709, 2),
          left: expect.closeTo(0.512, 2),
          right: expect.closeTo(0.512, 2),
        },
        generateDocumentOutline: true,
        generateTaggedPDF: true,
      })
      // the window and the temporary file are gone after
      expect(seen.destroyed).toBe(true)
      expect(existsSync(dirname(seen.loaded))).toBe(false)
    }
  })

  it('closes the window and removes the file when printing fails', async () => {
    const { win, seen } = fakeWindow(new Error('printing failed'))
    await expect(printInWindow('<p>x</p>', 'a4', () => win)).rejects.toThrow('printing failed')
    expect(seen.destroyed).toBe(true)
    expect(existsSync(dirname(seen.loaded))).toBe(false)
  })

  it('opens a hidden window without script, in a session of its own that fetches nothing', () => {
    expect(printWindowOptions()).toMatchObject({
      show: false,
      webPreferences: {
        partition: PRINT_PARTITION,
        javascript: false,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      },
    })
    expect(PRINT_PARTITION.startsWith('persist:')).toBe(false)
    let filter: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null
    guardPrintSession({
      webRequest: { onBeforeRequest: (f: never) => (filter = f) },
    } as never)
    const cancel = (url: string) => {
      let answer: boolean | null = null
      filter!({ url }, (r) => (answer = r.cancel))
      return answer
    }
    const file = pathToFileURL(join(tmpdir(), 'dexposure-print-abc123', 'report.html')).href
    expect(cancel(file)).toBe(false)
    expect(isReportFileUrl(file)).toBe(true)
    for (const url of [
      'https://example.com/x.png',
      'file:///etc/passwd',
      pathToFileURL(join(tmpdir(), 'dexposure-print-abc123', 'other.html')).href,
      `${file.replace('report.html', '')}../../etc/report.html`,
      'data:text/html,<p>x</p>',
    ])
      expect(cancel(url), url).toBe(true)
  })
})

describe('relayPrinter', () => {
  it('posts print requests and resolves each with its reply; errors and cancels', async () => {
    const posted: { id: number; paper: string }[] = []
    const relay = relayPrinter((m) => posted.push(m))
    const a = relay.print('<p>a</p>', 'a4')
    const b = relay.print('<p>b</p>', 'letter')
    expect(posted.map((p) => [p.id, p.paper])).toEqual([
      [0, 'a4'],
      [1, 'letter'],
    ])
    relay.settle({ type: 'printed', id: 1, error: 'no printer' })
    relay.settle({ type: 'printed', id: 0, pdf: new Uint8Array([37, 80, 68, 70]) })
    expect((await a).toString()).toBe('%PDF')
    await expect(b).rejects.toMatchObject({ code: 'INTERNAL', message: /no printer/ })
    const ac = new AbortController()
    const c = relay.print('<p>c</p>', 'a4', ac.signal)
    ac.abort()
    await expect(c).rejects.toMatchObject({ code: 'CANCELLED' })
    // the late reply of a cancelled print is dropped
    relay.settle({ type: 'printed', id: 2, pdf: new Uint8Array([1]) })
  })
})

describe('a PDF report in the app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-print-'))
  let archive: Archive
  let service: EngineService
  const windows: ReturnType<typeof fakeWindow>['seen'][] = []
  const done = new Map<string, EventPayload<'job.done'>>()

  beforeAll(async () => {
    archive = Archive.open(join(dir, 'a.sqlite'))
    await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
    service = new EngineService(archive)
    service.on('job.done', (p) => done.set((p as EventPayload<'job.done'>).id, p as never))
    // the engine host's side (engine-host.ts) with a port whose other end is the main process's
    // print handler (index.ts) on fake windows
    let toHost: (data: unknown) => void = () => {}
    const port = {
      on: (_e: 'message', l: (e: { data: unknown }) => void) => (toHost = (data) => l({ data })),
      postMessage: (m: EngineMessage) => {
        if (m.type !== 'print') return
        const { win, seen } = fakeWindow(Buffer.from(`%PDF-1.7 ${m.paper}`))
        windows.push(seen)
        void printInWindow(m.html, m.paper, () => win).then((pdf) =>
          toHost({ type: 'printed', id: m.id, pdf: new Uint8Array(pdf) } satisfies PrintReply),
        )
      },
    }
    const printer = relayPrinter((m) => port.postMessage(m))
    registerPdfPrinter(printer)
    serveEngine(port, service, printer)
  }, 120_000)
  afterAll(() => {
    registerPdfPrinter(null)
    service.close()
    archive.close()
    rmSync(dir, { recursive: true, force: true })
  })
  afterEach(() => (windows.length = 0))

  it('report.build prints through the main process’s window, not playwright-core', async () => {
    const { jobId } = (await service.handle('report.build', {
      week: '2025-06-02',
      horizons: [],
      sections: ['summary', 'provenance'],
      format: 'pdf',
      paper: 'letter',
    })) as { jobId: string }
    await vi.waitFor(() => expect(done.has(jobId)).toBe(true), { timeout: 120_000 })
    const d = done.get(jobId)!
    expect(d.state, d.error?.message).toBe('done')
    const r = ReportResultSchema.parse(d.result)
    expect(Buffer.from(r.pdfBase64!, 'base64').toString()).toBe('%PDF-1.7 letter')
    expect(windows).toHaveLength(1)
    // the window printed the report's document (no CSS page numbers: the footer numbers pages)
    expect(windows[0].html).toContain('<h2>Summary</h2>')
    expect(windows[0].html).not.toContain('counter(page)')
    expect(windows[0].options).toMatchObject({ pageSize: 'Letter', generateDocumentOutline: true })
    expect(windows[0].destroyed).toBe(true)
  }, 150_000)
})
