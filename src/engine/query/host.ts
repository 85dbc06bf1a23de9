// The engine's side of the query process: starts it (a child process by default, a worker thread
// where a child process cannot be started), sends it one request at a time, and stops it at the
// request's time limit or when the request is cancelled. A stopped process is replaced by a fresh
// one on the next request ("recycled"). Why a process and not only a thread: better-sqlite3 cannot
// interrupt a statement, and Worker.terminate() does not stop a thread that is inside SQLite's C
// code — a runaway statement went on using a core and even kept process.exit from returning
// (verified with a recursive CTE). SIGKILL always stops it, and the archive cannot suffer: the
// process only ever holds read-only connections.
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DexposureError } from '../../shared/errors'
import type { FromWorker, ToWorker } from './protocol'

export type Isolation = 'process' | 'thread'

/** How long a query process may take to start and open the archive. */
const START_TIMEOUT_MS = 30_000
/** V8 heap of the query process: a runaway result dies there, not in the engine. */
const HEAP_MB = 2048
/** A worker thread that has not stopped this long after terminate() is counted as stuck. */
const STUCK_AFTER_MS = 2_000

/**
 * The bundled query process next to the running bundle (out/node/query-worker.js), or the one
 * under out/node found by walking up from this module (running from the sources, as the tests do:
 * their global setup builds out/node).
 */
export function queryWorkerScript(): string {
  const beside = fileURLToPath(new URL('./query-worker.js', import.meta.url))
  if (existsSync(beside)) return beside
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'out', 'node', 'query-worker.js')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir)
      throw new DexposureError(
        'INTERNAL',
        'the query process (out/node/query-worker.js) is not built; run `npm run build:node`',
      )
  }
}

/** A child process unless told otherwise ($DEXPOSURE_QUERY_ISOLATION) or running in Electron. */
export function defaultIsolation(env: NodeJS.ProcessEnv = process.env): Isolation {
  const v = env.DEXPOSURE_QUERY_ISOLATION
  if (v === 'thread' || v === 'process') return v
  // Electron's child_process.fork needs the RunAsNode fuse, which a packaged app turns off
  return process.versions.electron ? 'thread' : 'process'
}

interface Channel {
  send(m: ToWorker): void
  kill(): void
  readonly pid: number | null
}

export interface RequestOptions {
  /** Stop the process (and fail with LIMIT) when no answer came within this many ms. */
  timeoutMs: number
  signal?: AbortSignal
  /** Progress messages of this request. */
  onMessage?: (m: FromWorker) => void
}

type Final = Exclude<FromWorker, { type: 'progress' } | { type: 'ready' } | { type: 'init-error' }>

export interface QueryProcessOptions {
  isolation?: Isolation
  script?: string
  /** Let the process write to this process's stdout (CLI exports to `-`). */
  inheritStdout?: boolean
}

/** One query process over one archive; requests run one at a time, in order. */
export class QueryProcess {
  readonly isolation: Isolation
  private script: string | null
  private channel: Channel | null = null
  private starting: Promise<Channel> | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private nextId = 1
  private waiting: {
    id: number
    /** The process the request went to: only its exit fails the request. */
    channel: Channel
    resolve: (m: Final) => void
    reject: (e: Error) => void
    onMessage?: (m: FromWorker) => void
  } | null = null
  private stderrTail = ''
  /** Worker threads that did not stop when terminated (still inside SQLite). */
  stuckThreads = 0
  /** Processes started so far (a recycled process counts again). */
  starts = 0
  private closed = false

  constructor(
    readonly file: string,
    private readonly opts: QueryProcessOptions = {},
  ) {
    this.isolation = opts.isolation ?? defaultIsolation()
    // found when first started: a service that never runs a query needs no built query process
    this.script = opts.script ?? null
  }

  /** The running process's id (child process mode), for tests that watch it being recycled. */
  get pid(): number | null {
    return this.channel?.pid ?? null
  }

  /** Sends a request and waits for its answer, after any request before it. */
  request<T extends Final>(build: (id: number) => ToWorker, opts: RequestOptions): Promise<T> {
    const run = this.queue.then(() => this.exchange(build, opts))
    this.queue = run.catch(() => undefined)
    return run as Promise<T>
  }

  private async exchange(build: (id: number) => ToWorker, opts: RequestOptions): Promise<Final> {
    if (this.closed) throw new DexposureError('CANCELLED', 'the query process was closed')
    opts.signal?.throwIfAborted()
    const channel = await this.ready(opts.signal)
    const id = this.nextId++
    return new Promise<Final>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        this.waiting = null
      }
      const stop = (error: DexposureError) => {
        done()
        this.recycle()
        reject(error)
      }
      const onAbort = () => stop(new DexposureError('CANCELLED', 'query cancelled'))
      const timer = setTimeout(
        () =>
          stop(
            new DexposureError(
              'LIMIT',
              `the query ran past its time limit of ${formatSeconds(opts.timeoutMs)} and was stopped`,
            ),
          ),
        opts.timeoutMs,
      )
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting = {
        id,
        channel,
        resolve: (m) => {
          done()
          resolve(m)
        },
        reject: (e) => {
          done()
          reject(e)
        },
        onMessage: opts.onMessage,
      }
      channel.send(build(id))
    })
  }

  private ready(signal?: AbortSignal): Promise<Channel> {
    if (this.channel) return Promise.resolve(this.channel)
    if (!this.starting) {
      this.starting = this.start().finally(() => (this.starting = null))
    }
    const starting = this.starting
    if (!signal) return starting
    return new Promise<Channel>((resolve, reject) => {
      const onAbort = () => reject(new DexposureError('CANCELLED', 'query cancelled'))
      signal.addEventListener('abort', onAbort, { once: true })
      starting.then(
        (c) => {
          signal.removeEventListener('abort', onAbort)
          resolve(c)
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(e as Error)
        },
      )
    })
  }

  private start(): Promise<Channel> {
    if (this.isolation === 'thread' && this.stuckThreads >= 2)
      return Promise.reject(
        new DexposureError(
          'LIMIT',
          `${this.stuckThreads} stopped queries are still running inside SQLite (a worker thread cannot interrupt it); restart the workbench to free them`,
        ),
      )
    let script: string
    try {
      script = this.scriptPath()
    } catch (e) {
      return Promise.reject(e as Error)
    }
    this.starts++
    this.stderrTail = ''
    return new Promise<Channel>((resolve, reject) => {
      let settled = false
      const fail = (e: Error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        channel.kill()
        reject(e)
      }
      const timer = setTimeout(
        () => fail(new DexposureError('INTERNAL', 'the query process did not start within 30 s')),
        START_TIMEOUT_MS,
      )
      const onMessage = (m: FromWorker) => {
        if (!settled) {
          if (m.type === 'ready') {
            settled = true
            clearTimeout(timer)
            this.channel = channel
            resolve(channel)
          } else if (m.type === 'init-error')
            fail(
              new DexposureError(
                'ARCHIVE',
                `the query process cannot open the archive: ${m.message}`,
                {
                  file: this.file,
                },
              ),
            )
          return
        }
        const w = this.waiting
        if (!w || !('id' in m) || m.id !== w.id) return
        if (m.type === 'progress') w.onMessage?.(m)
        else w.resolve(m)
      }
      const onExit = (code: number | null, signal: string | null) => {
        if (this.channel === channel) this.channel = null
        if (!settled) {
          fail(
            new DexposureError(
              'INTERNAL',
              `the query process exited while starting (${signal ?? code})${this.tail()}`,
            ),
          )
          return
        }
        // a process stopped earlier (a time limit, a recycle) can exit after the next request
        // went to its successor: that request is not this exit's
        const w = this.waiting
        if (w && w.channel === channel) w.reject(exitError(code, signal, this.stderrTail))
      }
      const channel =
        this.isolation === 'process'
          ? this.forkChild(script, onMessage, onExit)
          : this.startThread(script, onMessage, onExit)
      channel.send({ type: 'init', file: this.file })
    })
  }

  private tail(): string {
    const t = this.stderrTail.trim()
    return t ? `: ${t.slice(-500)}` : ''
  }

  private forkChild(
    script: string,
    onMessage: (m: FromWorker) => void,
    onExit: (code: number | null, signal: string | null) => void,
  ): Channel {
    const child: ChildProcess = fork(script, [], {
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${HEAP_MB}`],
      stdio: ['ignore', this.opts.inheritStdout ? 'inherit' : 'ignore', 'pipe', 'ipc'],
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000)
    })
    child.on('message', (m) => onMessage(m as FromWorker))
    child.on('exit', onExit)
    child.on('error', () => {
      // 'exit' follows and reports it; a failed send is reported by the request's timeout
    })
    return {
      send: (m) => {
        if (child.connected) child.send(m)
      },
      kill: () => {
        child.kill('SIGKILL')
      },
      get pid() {
        return child.pid ?? null
      },
    }
  }

  private startThread(
    script: string,
    onMessage: (m: FromWorker) => void,
    onExit: (code: number | null, signal: string | null) => void,
  ): Channel {
    const worker = new Worker(script, {
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
      stdout: false,
      stderr: true,
    })
    worker.stderr?.setEncoding('utf8')
    worker.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000)
    })
    let exited = false
    worker.on('message', onMessage)
    worker.on('error', (e) => {
      this.stderrTail += `\n${e.message}`
    })
    worker.on('exit', (code) => {
      exited = true
      onExit(code, null)
    })
    return {
      send: (m) => worker.postMessage(m),
      kill: () => {
        void worker.terminate()
        // a thread inside SQLite's C code does not stop: count it, so callers can be told
        setTimeout(() => {
          if (!exited) this.stuckThreads++
        }, STUCK_AFTER_MS).unref()
      },
      pid: null,
    }
  }

  private scriptPath(): string {
    this.script ??= queryWorkerScript()
    return this.script
  }

  /** Stops the process (it is replaced on the next request). */
  recycle(): void {
    const c = this.channel
    this.channel = null
    c?.kill()
  }

  /** Stops the process for good; later requests fail. */
  close(): void {
    this.closed = true
    this.waiting?.reject(new DexposureError('CANCELLED', 'the query process was closed'))
    this.recycle()
  }
}

function exitError(code: number | null, signal: string | null, stderr: string): DexposureError {
  if (
    /heap out of memory|ERR_WORKER_OUT_OF_MEMORY|Allocation failed/i.test(stderr) ||
    signal === 'SIGABRT' ||
    code === 134
  )
    return new DexposureError(
      'LIMIT',
      'the query ran out of memory and was stopped (return fewer or smaller values, or export them)',
    )
  return new DexposureError(
    'INTERNAL',
    `the query process stopped unexpectedly (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().slice(-500)}` : ''}`,
  )
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
