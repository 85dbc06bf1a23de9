// Files out of the engine as browser downloads: an export job writes into the engine's download
// folder, the page reads the file back in chunks with `export.read` and saves it — the same path in
// browser mode and in the sandboxed Electron page, neither of which can read the engine's disk.
// Graph exports, the views' table exports and the query console's export all end here.
import type { EventPayload, WorkbenchApi } from '../../../shared/api'
import type {
  GraphExportFormat,
  GraphExportResult,
  GraphExportTarget,
} from '../../../shared/api-export'
import type { QueryExportResultSchema } from '../../../shared/api-query'
import type { z } from 'zod'
import type { JobsService } from './jobs'
import type { LogService } from './log'

export type TableExportResult = z.infer<typeof QueryExportResultSchema>

/** What an export needs from the workbench. */
export interface DownloadDeps {
  api: WorkbenchApi
  jobs: JobsService
  log: LogService
}

/** The whole file of a finished export, read chunk by chunk (the engine then deletes it). */
export async function readDownload(api: WorkbenchApi, downloadId: string): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  let offset = 0
  for (;;) {
    const r = await api.call('export.read', { downloadId, offset })
    const bytes = Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0))
    parts.push(bytes)
    offset += bytes.length
    if (r.done) return new Blob(parts, { type: r.mime })
  }
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  // the download has its own copy once started; the URL only needs to outlive the click
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
}

/** How an export job ended, for the dialog's status line. */
export type ExportOutcome =
  { state: 'done'; result: TableExportResult } | { state: 'failed' | 'cancelled'; message: string }

/**
 * Runs a table or query export job (`export.table`, `query.export`) to its end and, when it wrote a
 * download, saves it. The Jobs panel shows it with progress and cancel; a failure lands once in
 * the Problems log (JobsService) and comes back here for the dialog to show.
 */
export async function exportTableJob(
  deps: DownloadDeps,
  label: string,
  start: () => Promise<{ jobId: string }>,
): Promise<ExportOutcome> {
  const done: EventPayload<'job.done'> = await deps.jobs.run('export', label, start)
  if (done.state !== 'done')
    return {
      state: done.state === 'cancelled' ? 'cancelled' : 'failed',
      message: done.error?.message ?? done.message ?? done.state,
    }
  // a job's result is untyped in the contract: checked here, with the schema loaded on use (the
  // startup bundle constructs none of the contract's schemas)
  const { QueryExportResultSchema } = await import('../../../shared/api-query')
  const result = QueryExportResultSchema.parse(done.result)
  if (result.downloadId) saveBlob(await readDownload(deps.api, result.downloadId), result.name)
  // the Log's one line for the export is the job's own (JobsService: its label and the engine's
  // done message, which names the file)
  return { state: 'done', result }
}

/**
 * Runs an `export.graph` job into the engine's download folder and saves every file it wrote as
 * a download (CSV and Parquet write two: the node list and the edge list). Answers the result, or
 * null when it was cancelled; a failure is flashed once (JobsService also logs it in Problems).
 */
export async function exportGraphJob(
  deps: DownloadDeps,
  target: GraphExportTarget,
  format: GraphExportFormat,
  label: string,
): Promise<GraphExportResult | null> {
  const done = await deps.jobs.run('export', label, () =>
    deps.api.call('export.graph', { target, format }),
  )
  // a failed job is already in Problems (and its toast) through JobsService: once is enough
  if (done.state !== 'done') return null
  const { GraphExportResultSchema } = await import('../../../shared/api-export')
  const result = GraphExportResultSchema.parse(done.result)
  for (const f of result.files) {
    if (!f.downloadId) throw new Error(`export ${f.name} has no download`)
    saveBlob(await readDownload(deps.api, f.downloadId), f.name)
  }
  // the Log's one line for the export is the job's own (JobsService: its label and the engine's
  // done message, which names the files and says when the data is synthetic)
  for (const w of result.warnings) deps.log.add('warning', 'export', w)
  return result
}
