// The workbench session: what a face (the loopback server, the Electron engine host) serves. It
// holds the open archive's EngineService and answers the calls that live above one archive —
// opening another archive, the per-user store (recent archives, UI state), imports from the UI
// (paths or browser uploads) — and hands every other call to the service. Its events are the
// service's (forwarded across archive switches) plus `archive.changed`.
import { EventEmitter } from 'node:events'
import { existsSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import {
  events,
  isCallName,
  type CallName,
  type CallRequest,
  type CallResponse,
  type EventName,
  type EventPayload,
} from '../shared/api'
import type { ImportFormat, ImportReport } from '../shared/domain'
import { DexposureError, isDexposureError } from '../shared/errors'
import './derived-data' // imports keep derived data (checkpoints) up to date
import { importFile, type ImportProgress } from './import'
import { checkedResponse, EngineService, parsedRequest } from './service'
import { checkArchiveFile } from './store/archive-check'
import { UserStore } from './store/user-store'
import { UploadStore, type Upload } from './uploads'

/** Calls the session answers itself; EngineService answers the rest. */
export const SESSION_CALLS = [
  'workbench.state.get',
  'workbench.state.set',
  'archives.recent',
  'archives.open',
  'import.run',
] as const satisfies readonly CallName[]
export type SessionCallName = (typeof SESSION_CALLS)[number]

export interface SessionOptions {
  /** Default: the per-user store file (DEXPOSURE_USER_DIR or the app-data folder). */
  userStore?: UserStore
  uploads?: UploadStore
  /** How long closing an archive waits for its cancelled jobs to roll back (default 30 s). */
  jobStopTimeoutMs?: number
}

// Progress events of an import are at most this often (a small file's weeks arrive in bursts).
const PROGRESS_INTERVAL_MS = 100

type SessionHandlers = {
  [K in SessionCallName]: (request: CallRequest<K>) => Promise<CallResponse<K>> | CallResponse<K>
}

export class WorkbenchSession {
  readonly userStore: UserStore
  readonly uploads: UploadStore
  private service: EngineService
  private readonly emitter = new EventEmitter()
  private readonly handlers: SessionHandlers
  private readonly jobStopTimeoutMs: number
  /** Done when the archive switch under way (if any) is. */
  private switching: Promise<unknown> = Promise.resolve()
  /** What each running import reads, for the CONFLICT message of a second one. */
  private readonly importNames = new Map<string, string>()
  /** Work to do once a job is over (deleting its upload). */
  private readonly afterJob = new Map<string, () => Promise<void>>()

  private constructor(service: EngineService, opts: SessionOptions) {
    this.userStore = opts.userStore ?? new UserStore()
    this.uploads = opts.uploads ?? new UploadStore()
    this.jobStopTimeoutMs = opts.jobStopTimeoutMs ?? 30_000
    this.service = service
    this.forward(service)
    this.handlers = {
      'workbench.state.get': () => ({ state: this.userStore.getState(this.file) ?? null }),
      'workbench.state.set': (r) => {
        this.userStore.setState(this.file, r.state)
        return { ok: true as const }
      },
      'archives.recent': () => this.userStore.recent(),
      'archives.open': (r) => this.openArchive(r.path, !!r.create),
      'import.run': (r) => ({ jobId: this.startImport(r) }),
    }
  }

  /**
   * A session on `file`, created when missing (as `dexposure init` does); a file that is not a
   * DeXposure archive, or one from a newer release, is refused. Records it as recently opened.
   */
  static open(file: string, opts: SessionOptions = {}): WorkbenchSession {
    const path = resolve(file)
    checkArchiveFile(path, { create: true })
    const session = new WorkbenchSession(EngineService.open(path), opts)
    session.userStore.touch(path)
    return session
  }

  /** The open archive's service (it changes when another archive is opened). */
  get current(): EngineService {
    return this.service
  }

  /** The open archive's absolute path. */
  get file(): string {
    return resolve(this.service.archive.file)
  }

  /** Validates, dispatches and validates the answer, like EngineService.handle. */
  async handle(name: string, request: unknown): Promise<unknown> {
    if (!isSessionCall(name)) return this.service.handle(name, request)
    const handler = this.handlers[name] as (r: unknown) => unknown
    return checkedResponse(name, await handler(parsedRequest(name, request)))
  }

  on(event: EventName, listener: (payload: unknown) => void): () => void {
    this.emitter.on(event, listener)
    return () => this.emitter.off(event, listener)
  }

  /** Cancels running jobs (waiting for them to roll back), deletes uploads, closes the archive. */
  async close(): Promise<void> {
    await this.switching
    await this.retire(this.service)
    await this.uploads.removeAll()
    this.emitter.removeAllListeners()
  }

  // ------------------------------------------------------------------ archives

  private openArchive(path: string, create: boolean): Promise<CallResponse<'archives.open'>> {
    // one switch at a time: a second waits for the first, then runs against its result
    const run = this.switching.then(() => this.switchTo(resolve(path), create))
    this.switching = run.catch(() => {})
    return run
  }

  private async switchTo(file: string, create: boolean): Promise<CallResponse<'archives.open'>> {
    if (file === this.file) {
      this.userStore.touch(file)
      return (await this.service.handle('archive.info', {})) as CallResponse<'archives.open'>
    }
    // The new archive is opened before the old one is closed, so a refused file leaves the
    // workbench as it was.
    checkArchiveFile(file, { create })
    const next = EngineService.open(file)
    const info = (await next.handle('archive.info', {})) as CallResponse<'archives.open'>
    await this.retire(this.service)
    this.service = next
    this.forward(next)
    this.userStore.touch(file)
    this.emit('archive.changed', { info, reason: 'opened' })
    return info
  }

  /** Cancels the service's running jobs, lets their `job.done` out, then closes it. */
  private async retire(service: EngineService): Promise<void> {
    if (service.jobs.list().length > 0) {
      const stopped = new Promise<void>((res) => {
        const off = service.on('job.done', () => {
          if (service.jobs.list().length === 0) {
            off()
            res()
          }
        })
      })
      for (const { id } of service.jobs.list()) service.jobs.cancel(id)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        stopped,
        new Promise<void>((res) => (timer = setTimeout(res, this.jobStopTimeoutMs))),
      ])
      clearTimeout(timer)
    }
    service.close()
  }

  /** Re-emits the service's events as the session's; acts on the end of session jobs. */
  private forward(service: EngineService): void {
    for (const event of Object.keys(events) as EventName[]) {
      if (event === 'archive.changed') continue
      service.on(event, (payload) => {
        this.emitter.emit(event, payload)
        if (event === 'job.done') this.jobDone(service, payload as EventPayload<'job.done'>)
      })
    }
  }

  private jobDone(service: EngineService, done: EventPayload<'job.done'>): void {
    this.importNames.delete(done.id)
    const after = this.afterJob.get(done.id)
    this.afterJob.delete(done.id)
    void after?.().catch(() => {})
    if (done.kind === 'import' && done.state === 'done' && service === this.service)
      void service.handle('archive.info', {}).then(
        (info) =>
          this.emit('archive.changed', {
            info: info as CallResponse<'archive.info'>,
            reason: 'imported',
          }),
        () => {},
      )
  }

  private emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    this.emitter.emit(event, payload)
  }

  // ------------------------------------------------------------------ imports

  private startImport(r: CallRequest<'import.run'>): string {
    const service = this.service
    const running = service.jobs.list().find((j) => j.kind === 'import')
    if (running)
      throw new DexposureError(
        'CONFLICT',
        `an import is already running (job ${running.id}, ${this.importNames.get(running.id) ?? 'a file'}); wait for it to finish or cancel it`,
      )
    let upload: Upload | undefined
    let file: string
    if (r.uploadId !== undefined) {
      upload = this.uploads.get(r.uploadId)
      if (!upload)
        throw new DexposureError(
          'NOT_FOUND',
          `no upload ${r.uploadId} (an upload is imported once, and kept until the server stops)`,
          { field: 'uploadId' },
        )
      file = upload.file
    } else {
      file = resolve(r.path as string)
      if (!existsSync(file)) throw new DexposureError('NOT_FOUND', 'no such file', { file })
    }
    const name = upload?.name ?? file
    const u = upload
    let last = 0
    const jobId = service.jobs.start(
      'import',
      async (ctx) => {
        const report = (p: ImportProgress): void =>
          ctx.progress(
            p.bytesDone,
            p.bytesTotal,
            p.week ? `${name}: week ${p.week} (${p.weeksDone} weeks)` : name,
            { unit: 'bytes', weeksDone: p.weeksDone, week: p.week },
          )
        // the latest step held back by the throttle, sent once the import is over
        let held = null as ImportProgress | null
        try {
          const result = await importFile(service.archive, file, {
            format: r.format as ImportFormat | undefined,
            replace: !!r.replace,
            signal: ctx.signal,
            sourceName: u?.name,
            onProgress: (p) => {
              const now = Date.now()
              if (now - last < PROGRESS_INTERVAL_MS) {
                held = p
                return
              }
              last = now
              held = null
              report(p)
            },
          })
          if (held) report(held)
          return result
        } catch (e) {
          throw u ? withUploadName(e, u) : e
        }
      },
      { result: (report: ImportReport) => importResult(report, name) },
    )
    this.importNames.set(jobId, name)
    if (u) this.afterJob.set(jobId, () => this.uploads.remove(u.id))
    return jobId
  }
}

function isSessionCall(name: string): name is SessionCallName {
  return isCallName(name) && (SESSION_CALLS as readonly string[]).includes(name)
}

/** The import report as the `result` of the job's `job.done`. */
function importResult(report: ImportReport, name: string): Record<string, unknown> {
  return {
    file: name,
    format: report.format,
    importId: report.importId,
    weeksInserted: report.weeksInserted,
    weeksReplaced: report.weeksReplaced,
    weeksUnchanged: report.weeksUnchanged,
    rows: report.rows,
    notes: report.notes ?? [],
    durationMs: report.durationMs,
  }
}

/** The same error naming the file the user uploaded instead of its temporary copy. */
function withUploadName(e: unknown, upload: Upload): unknown {
  const rename = (s: string): string =>
    s.replaceAll(upload.file, upload.name).replaceAll(upload.dir + sep, '')
  if (isDexposureError(e)) {
    const location = { ...e.location }
    if (location.file !== undefined) location.file = rename(location.file)
    return new DexposureError(e.code, rename(e.message), location)
  }
  if (e instanceof Error) return new Error(rename(e.message))
  return e
}
