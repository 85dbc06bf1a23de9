// The engine side of the contract's report call (src/shared/api-report.ts): `report.build` runs
// buildReport as a job of kind `report`, one at a time (a second is CONFLICT: each holds the CPU
// and Chromium for seconds). The job's result carries the HTML for the preview and, for a PDF,
// its bytes as base64 so browser mode can hand the file to the user as a download.
import type { z } from 'zod'
import type { CallResponse, reportCalls } from '../../shared/api'
import { DexposureError } from '../../shared/errors'
import type { JobRegistry } from '../jobs'
import type { GraphLayout } from '../layout/graph-layout'
import { checkWeek } from '../risk/stats-runs'
import type { Archive } from '../store/archive'
import { buildReport, normaliseRequest } from './build'
import { resolveModelChoices } from '../model-choice'

type Req = z.output<(typeof reportCalls)['report.build']['request']>

export function reportHandlers(
  archive: Archive,
  jobs: JobRegistry,
  layout: GraphLayout,
): { 'report.build': (r: Req) => CallResponse<'report.build'> } {
  return {
    'report.build': (r) => {
      checkWeek(archive, r.week)
      // unknown scenarios and model choices that do not resolve are refused now, not in the job
      const n = normaliseRequest(r)
      resolveModelChoices(archive.file, n.models, 'models', n.horizons)
      const running = jobs.list().find((j) => j.kind === 'report')
      if (running)
        throw new DexposureError(
          'CONFLICT',
          `a report job is already running (job ${running.id}); wait for it to finish or cancel it`,
        )
      const jobId = jobs.start(
        'report',
        (ctx) =>
          buildReport(archive, {
            request: r,
            universe: async () => (await layout.universe(true)).view,
            signal: ctx.signal,
            onProgress: (done, total, message) => ctx.progress(done, total, message),
          }),
        // the PDF travels as base64 (pdfBase64); the Buffer itself stays in the engine
        { result: ({ pdf: _pdf, timings: _t, ...rest }) => rest },
      )
      return { jobId }
    },
  }
}
