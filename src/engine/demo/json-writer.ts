// Writes the demo as a DeXposure weekly-network JSON file
// (`{"data": {"YYYY-MM-DD": {"nodes": [...], "links": [...]}}}`), streamed one week at a time so even
// the ~1 GB real-scale file never exists as one string. The file appears under its name only when
// complete (written to `<out>.partial`, then renamed).
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { CompositionInput } from '../../shared/domain'
import { compositionJson } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import { WEEK_COUNT } from './calibration'
import { simulate, type RawWeek } from './generator'
import { checkDemoOptions, demoSource } from './options'
import { loadRealMetadata } from './real-metadata'
import type { DemoScale } from './params'

export interface WriteDemoJsonOptions {
  scale: DemoScale
  seed: number
  out: string
  onProgress?: (weeksDone: number, weeksTotal: number) => void
  signal?: AbortSignal
}

const comp = (c: CompositionInput | null) => (c === null ? 'null' : compositionJson(c))

/** One week's `"YYYY-MM-DD":{"nodes":[…],"links":[…]}` text. */
export function weekJson(w: RawWeek): string {
  const parts: string[] = [`${JSON.stringify(w.week)}:{"nodes":[`]
  for (let i = 0; i < w.nodes.length; i++) {
    const n = w.nodes[i]
    parts.push(
      `${i ? ',' : ''}{"id":${JSON.stringify(n.id)},"size":${n.size},"composition":${comp(n.composition)}}`,
    )
  }
  parts.push('],"links":[')
  for (let i = 0; i < w.links.length; i++) {
    const l = w.links[i]
    parts.push(
      `${i ? ',' : ''}{"source":${JSON.stringify(l.source)},"target":${JSON.stringify(l.target)},"size":${l.weight},"composition":${comp(l.composition)}}`,
    )
  }
  parts.push(']}')
  return parts.join('')
}

export async function writeDemoJson(
  opts: WriteDemoJsonOptions,
): Promise<{ bytes: number; weeks: number }> {
  checkDemoOptions(opts)
  const partial = `${opts.out}.partial`
  const cancelled = (week?: string) =>
    new DexposureError('CANCELLED', 'demo generation cancelled', { file: opts.out, week })
  if (opts.signal?.aborted) throw cancelled()
  await mkdir(dirname(opts.out), { recursive: true })
  const stream = createWriteStream(partial)
  let bytes = 0
  let weeks = 0
  try {
    await opened(stream)
    const put = async (s: string) => {
      bytes += Buffer.byteLength(s)
      if (!stream.write(s)) await drained(stream)
    }
    opts.onProgress?.(0, WEEK_COUNT)
    await put('{"data":{')
    for (const w of simulate({ scale: opts.scale, seed: opts.seed }, loadRealMetadata())) {
      if (opts.signal?.aborted) throw cancelled(w.week)
      await put((weeks ? ',' : '') + weekJson(w))
      weeks++
      opts.onProgress?.(weeks, WEEK_COUNT)
    }
    await put('}}\n')
    await new Promise<void>((resolve, reject) =>
      stream.end((e?: Error | null) => (e ? reject(e) : resolve())),
    )
    await rename(partial, opts.out)
    return { bytes, weeks }
  } catch (e) {
    stream.destroy()
    await rm(partial, { force: true })
    if (e instanceof DexposureError) throw e
    throw new DexposureError(
      'INTERNAL',
      `cannot write ${demoSource(opts)} JSON: ${(e as Error).message}`,
      {
        file: opts.out,
      },
    )
  }
}

function opened(s: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('ready', () => resolve())
    s.once('error', reject)
  })
}

function drained(s: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      s.off('error', onError)
      resolve()
    }
    const onError = (e: Error) => {
      s.off('drain', onDrain)
      reject(e)
    }
    s.once('drain', onDrain)
    s.once('error', onError)
  })
}
