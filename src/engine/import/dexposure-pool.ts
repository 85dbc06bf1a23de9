// Worker threads that decode DeXposure weeks (dexposure-worker.ts) while the importing thread writes
// the archive. Each task is one week's bytes; the reply is the packed week (typed arrays move back
// without copying) or the error, rebuilt here with its code and location.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ImportCounts } from '../../shared/domain'
import { DexposureError, type ErrorCode, type ErrorLocation } from '../../shared/errors'
import type { PackedWeek } from '../store/packed-week'
import type { WeekSlice } from './json-weeks'

export interface WorkerTask {
  meta: Omit<WeekSlice, 'bytes'>
  bytes: Uint8Array
  file: string
  strict?: boolean
}

export interface WorkerResult {
  packed: PackedWeek
  counts: ImportCounts
}

export interface SerializedError {
  code: ErrorCode
  message: string
  location: ErrorLocation
  stack?: string
}

export type WorkerReply =
  | { id: number; ok: true; packed: PackedWeek; counts: ImportCounts }
  | { id: number; ok: false; error: SerializedError }

/** The bundled worker next to the running bundle (out/node/), or null when running from source. */
export function defaultWorkerScript(): URL | null {
  const url = new URL('./dexposure-worker.js', import.meta.url)
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null
}

/**
 * One core stays with the thread that writes SQLite. One parser keeps pace with the writer
 * (measured: both take ~2 s per 100 MB), a second covers slower parsing; each worker is a V8 heap
 * of its own (~150 MB peak), so more would only cost memory.
 */
export const autoWorkers = (): number => Math.min(2, Math.max(1, availableParallelism() - 1))

export function serializeError(e: unknown): SerializedError {
  if (e instanceof DexposureError) return { code: e.code, message: e.message, location: e.location }
  const err = e as Error
  return { code: 'INTERNAL', message: err?.message ?? String(e), location: {}, stack: err?.stack }
}

interface Waiting {
  resolve: (r: WorkerResult) => void
  reject: (e: Error) => void
}

export class WeekWorkerPool {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, Waiting & { worker: number }>()
  private nextId = 0

  constructor(script: string | URL, n: number) {
    for (let w = 0; w < n; w++) {
      // A larger young generation: a week's objects live until it is packed, and with V8's default
      // they are copied through several scavenges (measured ~15% faster parsing with 96 MB).
      const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 96 } })
      worker.on('message', (m: WorkerReply) => {
        const task = this.waiting.get(m.id)
        if (!task) return
        this.waiting.delete(m.id)
        if (m.ok) task.resolve({ packed: m.packed, counts: m.counts })
        else {
          const err = new DexposureError(m.error.code, m.error.message, m.error.location)
          if (m.error.stack) err.stack = m.error.stack
          task.reject(err)
        }
      })
      const fail = (e: Error) => {
        for (const [id, task] of this.waiting)
          if (task.worker === w) {
            this.waiting.delete(id)
            task.reject(new DexposureError('INTERNAL', `import worker failed: ${e.message}`))
          }
      }
      worker.on('error', fail)
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`exited with code ${code}`))
      })
      this.workers.push(worker)
    }
  }

  /** Decodes one week in a worker (round robin: weeks are of similar size). */
  run(task: WorkerTask): Promise<WorkerResult> {
    const id = this.nextId++
    const w = id % this.workers.length
    return new Promise<WorkerResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker: w })
      this.workers[w].postMessage({ id, ...task }, [task.bytes.buffer as ArrayBuffer])
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
