// The engine side of the export calls (src/shared/api-export.ts): `export.graph` runs
// graph-export.ts as a job; `export.table` runs a result table's statement (tables.ts) through the
// query console's export job (query/calls.ts), the same code as `query.export`. Without a path
// both write into the engine's download folder (downloads.ts), and `export.read` hands those files
// out in chunks — the one way a page that cannot read the engine's disk (the browser tab, the
// sandboxed Electron page) gets them.
import { resolve } from 'node:path'
import type { z } from 'zod'
import type { CallResponse } from '../../shared/api'
import type { exportCalls, GraphExportResult } from '../../shared/api-export'
import type { JobRegistry } from '../jobs'
import type { QueryService } from '../query/calls'
import type { Archive } from '../store/archive'
import type { Downloads } from './downloads'
import { defaultName, exportGraph, MIME } from './graph-export'
import { checkedTableStatement, tableFileName } from './tables'

export { READ_CHUNK } from './downloads'

type ExportCalls = typeof exportCalls
type Handlers = {
  [K in keyof ExportCalls]: (
    request: z.output<ExportCalls[K]['request']>,
  ) => Promise<CallResponse<K>> | CallResponse<K>
}

export class ExportService {
  private readonly downloads: Downloads

  constructor(
    private readonly archive: Archive,
    private readonly jobs: JobRegistry,
    private readonly query: QueryService,
  ) {
    this.downloads = query.downloads
  }

  handlers(): Handlers {
    return {
      'export.graph': (r) => ({
        jobId: this.jobs.start('export', (ctx) => this.run(r, ctx), {
          result: (v) => v as unknown as Record<string, unknown>,
          // one log line per export in the UI, naming the files
          message: (v) =>
            `${v.nodes} nodes, ${v.edges} edges → ${v.files.map((f) => (f.downloadId ? f.name : f.path)).join(', ')}` +
            (v.synthetic ? ' (SYNTHETIC demo data)' : ''),
        }),
      }),
      'export.table': (r) => {
        // a missing option, or a run that is not stored or not of the table's kind, is refused
        // now, naming it (the check `dexposure export --table` makes), not inside the job
        const { sql, params } = checkedTableStatement(this.archive, r)
        return {
          jobId: this.query.exportJob('export', {
            sql,
            params,
            models: r.models,
            format: r.format,
            path: r.path,
            name: r.name ?? tableFileName(r, r.format),
          }),
        }
      },
      'export.read': (r) => this.downloads.read(r.downloadId, r.offset ?? 0),
    }
  }

  private async run(
    r: z.output<ExportCalls['export.graph']['request']>,
    ctx: { signal: AbortSignal; progress(done: number, total: number | null, m?: string): void },
  ): Promise<GraphExportResult> {
    const download = r.path === undefined
    // a folder per export keeps the download's own file name free of collisions
    const path = download ? this.downloads.slot(defaultName(r.target, r.format)) : resolve(r.path!)
    let written
    try {
      written = await exportGraph(
        this.archive,
        { target: r.target, format: r.format, path },
        { signal: ctx.signal, progress: (done, total, week) => ctx.progress(done, total, week) },
      )
    } catch (e) {
      if (download) this.downloads.discard(path)
      throw e
    }
    return {
      ...written,
      files: written.files.map((f) => ({
        ...f,
        mime: MIME[r.format],
        downloadId: download ? this.downloads.offer(f.path, f.name, MIME[r.format], f.bytes) : null,
      })),
    }
  }

  read(id: string, offset: number): CallResponse<'export.read'> {
    return this.downloads.read(id, offset)
  }

  /** Deletes every download (the service is closing). */
  close(): void {
    this.downloads.close()
  }
}
