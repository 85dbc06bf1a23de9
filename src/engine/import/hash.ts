// SHA-256 of an import's input, streamed (never the whole file in memory). For a directory input
// the digest covers the file names and each file's digest, so renaming or editing any file changes it.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { Worker } from 'node:worker_threads'
import { DexposureError } from '../../shared/errors'
import { badInput } from './json-text'

export interface Digest {
  sha256: string
  bytes: number
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<Digest> {
  const hash = createHash('sha256')
  let bytes = 0
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024, signal })) {
      hash.update(chunk as Buffer)
      bytes += (chunk as Buffer).length
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError')
      throw new DexposureError('CANCELLED', 'import cancelled; the archive is unchanged', { file })
    throw badInput(`cannot read the file: ${(e as Error).message}`, { file })
  }
  return { sha256: hash.digest('hex'), bytes }
}

/** Digest of several files (a directory input), in the given order. */
export async function sha256Files(files: string[], signal?: AbortSignal): Promise<Digest> {
  const hash = createHash('sha256')
  let bytes = 0
  for (const f of files) {
    const d = await sha256File(f, signal)
    hash.update(`${basename(f)}\0${d.sha256}\n`)
    bytes += d.bytes
  }
  return { sha256: hash.digest('hex'), bytes }
}

// The digest of a large file is computed in a worker thread while the import runs: on a 1 GB
// DeXposure file a separate pass before the import would add seconds of wall time to the thread
// that writes SQLite. The worker is plain JavaScript (eval) so it needs no bundle of its own.
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { createReadStream } = require('node:fs')
const hash = createHash('sha256')
let bytes = 0
createReadStream(workerData.file, { highWaterMark: 4 * 1024 * 1024 })
  .on('data', (c) => { hash.update(c); bytes += c.length })
  .on('end', () => parentPort.postMessage({ sha256: hash.digest('hex'), bytes }))
  .on('error', (e) => parentPort.postMessage({ error: e.message }))
`

/** sha256File in a worker thread; `cancel()` stops it. */
export function sha256FileInBackground(file: string): { digest: Promise<Digest>; cancel(): void } {
  const worker = new Worker(HASH_WORKER, { eval: true, workerData: { file } })
  const digest = new Promise<Digest>((resolve, reject) => {
    worker.once('message', (m: Digest & { error?: string }) => {
      void worker.terminate()
      if (m.error) reject(badInput(`cannot read the file: ${m.error}`, { file }))
      else resolve({ sha256: m.sha256, bytes: m.bytes })
    })
    worker.once('error', (e) => reject(badInput(`cannot read the file: ${e.message}`, { file })))
  })
  digest.catch(() => {}) // awaited later; avoid an unhandled rejection if the import fails first
  return { digest, cancel: () => void worker.terminate() }
}
