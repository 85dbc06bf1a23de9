// SHA-256 of an import's input, streamed (never the whole file in memory). For a directory input
// the digest covers the file names and each file's digest, so renaming or editing any file changes it.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
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
