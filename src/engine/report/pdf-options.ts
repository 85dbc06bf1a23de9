// The page setup both PDF printers share (pdf.ts): margins, the footer with page numbers, and
// the options of Electron's `webContents.printToPDF` that give the same document as the CLI's
// Chromium printer. Apart from pdf.ts so the Electron main process (src/main/print-window.ts)
// imports these without playwright-core.

export type Paper = 'a4' | 'letter'

export const MARGIN = { top: '16mm', bottom: '18mm', left: '13mm', right: '13mm' }

export const FOOTER =
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
