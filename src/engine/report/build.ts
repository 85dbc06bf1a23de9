// Builds the weekly risk report: gathers the numbers (model.ts, computing what is not stored),
// renders the HTML (html.ts) and, for a PDF, prints it (pdf.ts). One code path for the CLI's
// `dexposure report` and the `report.build` job, so both give the same document.
import { writeFileSync, renameSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  REPORT_DEFAULT_HORIZONS,
  REPORT_SECTIONS,
  type ReportRequest,
  type ReportResult,
} from '../../shared/api-report'
import { DexposureError } from '../../shared/errors'
import { scenarioByName } from '../../shared/risk/scenarios'
import type { UniverseView } from '../layout/graph-layout'
import type { Archive } from '../store/archive'
import { renderHtmlPair } from './html'
import { buildReportModel } from './model'
import { pdfPrinter, type PdfPrinter, type PreparedPrinter } from './pdf'

export interface BuildOptions {
  request: ReportRequest
  universe: () => Promise<UniverseView>
  printer?: PdfPrinter
  signal?: AbortSignal
  onProgress?: (done: number, total: number, message: string) => void
}

const quote = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`

/** The request with its defaults, unknown scenarios refused (USAGE). */
export function normaliseRequest(r: ReportRequest): ReportRequest & {
  horizons: number[]
  format: 'html' | 'pdf'
  paper: 'a4' | 'letter'
} {
  const scenarios = r.scenarios?.map((s) => scenarioByName(s).name)
  return {
    ...r,
    horizons: [...new Set(r.horizons ?? REPORT_DEFAULT_HORIZONS)].sort((a, b) => a - b),
    scenarios: scenarios?.length ? [...new Set(scenarios)] : undefined,
    sections: r.sections ? REPORT_SECTIONS.filter((s) => r.sections!.includes(s)) : undefined,
    format: r.format ?? 'html',
    paper: r.paper ?? 'a4',
  }
}

/** The `dexposure report` command line that rebuilds this report. */
export function reportCommand(archiveFile: string, r: ReturnType<typeof normaliseRequest>): string {
  const out = r.path ?? `report-${r.week}.${r.format}`
  return [
    'dexposure',
    '--archive',
    quote(resolve(archiveFile)),
    'report',
    '--week',
    r.week,
    ...r.horizons.flatMap((h) => ['--horizon', String(h)]),
    ...Object.entries(r.models ?? {})
      .sort(([a], [b]) => Number(a) - Number(b))
      .flatMap(([h, m]) => ['--model', quote(`${h}=${m}`)]),
    ...(r.scenarios ?? []).flatMap((s) => ['--scenario', quote(s)]),
    ...(r.sections && r.sections.length < REPORT_SECTIONS.length
      ? r.sections.flatMap((s) => ['--section', s])
      : []),
    '--format',
    r.format,
    '--paper',
    r.paper,
    '--out',
    quote(out),
  ].join(' ')
}

export interface BuiltReport extends ReportResult {
  pdf: Buffer | null
  /** Milliseconds per step, in order. */
  timings: { step: string; ms: number }[]
}

export async function buildReport(archive: Archive, o: BuildOptions): Promise<BuiltReport> {
  const started = performance.now()
  const r = normaliseRequest(o.request)
  const command = reportCommand(archive.file, r)
  const total = 10 + r.horizons.length + (r.scenarios?.length ?? 8) + (r.format === 'pdf' ? 1 : 0)
  let done = 0
  // where the time goes, step by step (the CLI's --json prints it; bench/report.mjs reads it)
  const timings: { step: string; ms: number }[] = []
  let mark = performance.now()
  let current = 'start'
  const step = (message: string) => {
    const now = performance.now()
    timings.push({ step: current, ms: Math.round(now - mark) })
    mark = now
    current = message
    o.onProgress?.(Math.min(done++, total - 1), total, message)
  }
  // a PDF's browser starts now and is ready by the time the document is
  const printer = o.printer ?? pdfPrinter()
  const prepared: PreparedPrinter | null =
    r.format === 'pdf' && printer.prepare ? printer.prepare() : null
  let html: string
  let pdf: Buffer | null = null
  let model: Awaited<ReturnType<typeof buildReportModel>>
  try {
    model = await buildReportModel(archive, {
      request: r,
      universe: o.universe,
      command,
      signal: o.signal,
      onProgress: step,
    })
    step('rendering HTML')
    // the printer draws the page numbers in its footer: the printed document has no CSS ones
    const docs = renderHtmlPair(model, archive, r.paper)
    html = docs.html
    if (r.format === 'pdf') {
      step('printing PDF')
      pdf = await (prepared ?? printer).print(docs.printed, r.paper, o.signal)
    }
  } finally {
    await prepared?.release()
  }
  const bytes = pdf ? pdf.length : Buffer.byteLength(html)
  let path: string | null = null
  if (r.path) {
    path = resolve(r.path)
    if (path === resolve(archive.file))
      throw new DexposureError('USAGE', 'the report cannot be written over the archive', {
        field: 'path',
      })
    // a complete file or none: write beside it, then rename over
    const tmp = `${path}.part`
    writeFileSync(tmp, pdf ?? html)
    renameSync(tmp, path)
  }
  step('done')
  o.onProgress?.(total, total, 'done')
  return {
    week: r.week,
    format: r.format,
    paper: r.paper,
    sections: model.sections,
    html,
    pdfBase64: pdf ? pdf.toString('base64') : null,
    path,
    bytes,
    command,
    computed: model.computed,
    elapsedMs: Math.round(performance.now() - started),
    pdf,
    timings: timings.slice(1),
  }
}
