// Files uploaded for import in browser mode (a page cannot hand the server a path). Each upload is
// streamed into a private temporary folder under its original file name (the importer detects
// some formats by extension), is usable only once complete, and is deleted after its import or
// when the session ends.
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'

export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3

export interface Upload {
  id: string
  /** The file name the user gave (what messages show). */
  name: string
  /** The temporary copy. */
  file: string
  /** Its private folder, removed with it. */
  dir: string
  bytes: number
}

/** A file name safe to create: no folders, no control characters, not empty, not too long. */
export function safeUploadName(name: string): string {
  const base = basename(name.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200)
  return base === '' || base === '.' || base === '..' ? 'upload' : base
}

export class UploadStore {
  private readonly uploads = new Map<string, Upload>()

  constructor(private readonly root: string = tmpdir()) {}

  /**
   * Streams `body` into a new temporary file. Past `maxBytes` it stops, deletes what it wrote and
   * answers `tooLarge`; a failing stream deletes it too (and rejects).
   */
  async receive(
    body: Readable,
    name: string,
    maxBytes: number = MAX_UPLOAD_BYTES,
  ): Promise<{ upload: Upload } | { tooLarge: true }> {
    const dir = await mkdtemp(join(this.root, 'dexposure-upload-'))
    const file = join(dir, safeUploadName(name))
    let bytes = 0
    let tooLarge = false
    try {
      await new Promise<void>((resolve, reject) => {
        const out = createWriteStream(file, { flags: 'wx', mode: 0o600 })
        const fail = (e: Error): void => {
          body.unpipe(out)
          out.destroy()
          reject(e)
        }
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (bytes > maxBytes && !tooLarge) {
            tooLarge = true
            body.unpipe(out)
            out.destroy()
            resolve()
          }
        })
        body.on('error', fail)
        body.on('close', () => {
          if (!body.readableEnded && !tooLarge) fail(new Error('the upload was interrupted'))
        })
        out.on('error', fail)
        out.on('finish', () => resolve())
        body.pipe(out)
      })
    } catch (e) {
      await rm(dir, { recursive: true, force: true })
      throw e
    }
    if (tooLarge) {
      await rm(dir, { recursive: true, force: true })
      return { tooLarge: true }
    }
    const upload: Upload = { id: randomUUID(), name: safeUploadName(name), file, dir, bytes }
    this.uploads.set(upload.id, upload)
    return { upload }
  }

  get(id: string): Upload | undefined {
    return this.uploads.get(id)
  }

  async remove(id: string): Promise<void> {
    const upload = this.uploads.get(id)
    if (!upload) return
    this.uploads.delete(id)
    await rm(upload.dir, { recursive: true, force: true })
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.uploads.keys()].map((id) => this.remove(id)))
  }
}
