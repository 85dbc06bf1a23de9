// The contract's report call (issue 13): the weekly risk report as one self-contained HTML file or
// a PDF, built by the engine (src/engine/report/) as a job. `src/shared/api.ts` spreads
// `reportCalls` into its `calls`. The CLI's `dexposure report` builds the same document.
import { z } from 'zod'
import { REPORT_SECTIONS } from './api-names'

export {
  REPORT_DEFAULT_HORIZONS,
  REPORT_SECTION_TITLES,
  REPORT_SECTIONS,
  type ReportSection,
} from './api-names'

const week = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a week YYYY-MM-DD')

export const ReportRequestSchema = z.object({
  week,
  /** Forecast horizons (weeks); default REPORT_DEFAULT_HORIZONS; missing forecasts are computed. */
  horizons: z.array(z.number().int().positive().max(520)).max(8).optional(),
  /**
   * The forecast model per horizon (horizon in weeks as text → a model folder, `models.list`
   * `dir`, or a model name listed for that horizon): the report uses that model's stored run, or
   * computes one with it, never another model's. A horizon without a choice uses its default model
   * (the archive's own models/hH, else the shipped one). Provenance names each forecast's model.
   */
  models: z
    .record(
      z.string().regex(/^[1-9]\d{0,2}$/, 'expected a horizon in weeks, e.g. "4"'),
      z.string().min(1).max(4096),
    )
    .optional(),
  /** Named scenarios (docs/risk.md); default all eight; a missing contagion run is computed. */
  scenarios: z.array(z.string().min(1)).max(16).optional(),
  /** Sections to include, in any order (the document keeps its own order); default all. */
  sections: z.array(z.enum(REPORT_SECTIONS)).min(1).optional(),
  format: z.enum(['html', 'pdf']).optional(),
  paper: z.enum(['a4', 'letter']).optional(),
  /**
   * Also write the document to this file (absolute, or relative to the engine's working folder).
   * Without it the job's result carries the document itself.
   */
  path: z.string().min(1).optional(),
})
export type ReportRequest = z.output<typeof ReportRequestSchema>

/** `result` of a finished `report.build` job. */
export const ReportResultSchema = z.object({
  week,
  format: z.enum(['html', 'pdf']),
  paper: z.enum(['a4', 'letter']),
  sections: z.array(z.enum(REPORT_SECTIONS)),
  /** The HTML document (always: the preview shows it, and a PDF is printed from it). */
  html: z.string(),
  /** The PDF as base64 when format is pdf (browser mode hands it out as a download). */
  pdfBase64: z.string().nullable(),
  /** The file written, when the request named one. */
  path: z.string().nullable(),
  /** Size of the requested format's document in bytes. */
  bytes: z.number().int(),
  /** The CLI command that reproduces the report. */
  command: z.string(),
  /** What the build had to compute first (forecasts, contagion runs, statistics). */
  computed: z.array(z.string()),
  elapsedMs: z.number(),
})
export type ReportResult = z.output<typeof ReportResultSchema>

export const reportCalls = {
  /**
   * Builds the weekly risk report as a job (kind `report`; progress per step; result
   * ReportResultSchema). Forecasts and contagion runs not stored yet are computed and stored
   * first. Errors: NOT_FOUND (week not archived, no model for a horizon), USAGE (unknown scenario),
   * INTERNAL when no PDF printer is available.
   */
  'report.build': { request: ReportRequestSchema, response: z.object({ jobId: z.string() }) },
} as const
