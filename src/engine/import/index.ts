// Entry point of the importers: detects the input's format, hashes it, and runs one all-or-nothing
// archive import with the matching reader. Formats and rules: docs/import-formats.md.
import { readdir, stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { ImportReport } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import type { Archive, ImportMeta } from '../store/archive'
import { weeksChanged } from '../store/hooks'
import { csvInputs, importCsv } from './csv'
import { importDefillama } from './defillama'
import { detectKind, FORMAT_OF_KIND, listFiles, type InputKind } from './detect'
import { cancelled, importDexposure } from './dexposure'
import { exportedSynthetic } from './exported-marker'
import { sha256File, sha256FileInBackground, sha256Files } from './hash'
import { importIdToInfo, importMetaDf, importTokenToProtocol } from './meta'
import type { ImportOptions } from './types'

export type { ImportOptions, ImportProgress } from './types'
export { detectKind, type InputKind } from './detect'

/** The files an input consists of (a directory or a node list with its edge list: several). */
async function inputFiles(path: string, kind: InputKind): Promise<string[]> {
  switch (kind) {
    case 'defillama_dir': {
      const files = (await listFiles(path)).filter((f) => extname(f).toLowerCase() === '.json')
      return files
    }
    case 'csv_dir':
    case 'csv_nodes':
    case 'csv_edges': {
      const c = await csvInputs(path, kind)
      return c.edges ? [c.nodes, c.edges] : [c.nodes]
    }
    default:
      return [path]
  }
}

/**
 * A note naming what a folder holds besides the files read (hidden entries aside), so a mixed
 * folder does not look fully imported; null when nothing was skipped.
 */
async function skippedNote(dir: string, used: string[], read: string): Promise<string | null> {
  const usedNames = new Set(used.map((f) => basename(f)))
  const skipped = (await readdir(dir)).filter((n) => !n.startsWith('.') && !usedNames.has(n)).sort()
  if (skipped.length === 0) return null
  const list = skipped.slice(0, 10).join(', ') + (skipped.length > 10 ? ', …' : '')
  return `skipped ${skipped.length} other entr${skipped.length === 1 ? 'y' : 'ies'} of the folder (${read}): ${list}`
}

/**
 * Imports one file (or directory, for DefiLlama responses and CSV node/edge lists) into the
 * archive as a single transaction: on any error or cancellation the archive is unchanged.
 * Importing the same input again leaves every week unchanged; a week archived with different data
 * is a CONFLICT unless `replace` is set.
 */
export async function importFile(
  archive: Archive,
  file: string,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  if (opts.signal?.aborted) throw cancelled(file)
  const kind = await detectKind(file, opts.format)
  const format = FORMAT_OF_KIND[kind]
  const files = await inputFiles(file, kind)
  const single = files.length === 1 && files[0] === file && !(await stat(file)).isDirectory()
  // A DeXposure file is hashed in the background while it imports (it can be 1 GB); the digest is
  // needed only when the import log is written at the end.
  const background = single && kind === 'dexposure' ? sha256FileInBackground(file) : null
  const digest = background
    ? { sha256: '', bytes: (await stat(file)).size }
    : single
      ? await sha256File(file, opts.signal)
      : await sha256Files(files, opts.signal)
  if (opts.signal?.aborted) {
    background?.cancel()
    throw cancelled(file)
  }

  // CSV edge lists are strict unless told otherwise; other formats drop unknown endpoints.
  const strict = opts.strict ?? kind.startsWith('csv')
  const notes: string[] = []
  if (kind === 'defillama_dir' || kind === 'csv_dir') {
    const note = await skippedNote(
      file,
      files,
      kind === 'csv_dir'
        ? 'a CSV network is nodes.csv and edges.csv'
        : 'only .json responses are read',
    )
    if (note) notes.push(note)
  }
  const options: Record<string, unknown> = { kind, strict }
  if (format === 'defillama') options.includeExtraSections = !!opts.includeExtraSections
  if (files.length > 1 || files[0] !== file) options.files = files

  const meta: ImportMeta = {
    source: opts.sourceName ?? file,
    format,
    sha256: digest.sha256,
    bytes: digest.bytes,
    replace: !!opts.replace,
    synthetic: !!opts.synthetic,
    options,
  }
  // The workbench's export of synthetic weeks keeps their label (exported-marker.ts).
  if (opts.synthetic === undefined && kind === 'dexposure' && (await exportedSynthetic(file))) {
    meta.synthetic = true
    notes.push('labelled SYNTHETIC: the file is a DeXposure Workbench export of synthetic weeks')
  }
  const report = await archive.runImport(meta, async (session) => {
    switch (kind) {
      case 'dexposure':
        try {
          await importDexposure(session, {
            file,
            strict,
            chunkSize: opts.chunkSize,
            workers: opts.workers,
            workerScript: opts.workerScript,
            signal: opts.signal,
            onProgress: opts.onProgress,
          })
          if (background) meta.sha256 = (await background.digest).sha256
        } finally {
          background?.cancel()
        }
        return
      case 'meta_df':
        await importMetaDf(session, file, opts.signal)
        return
      case 'id_to_info':
        await importIdToInfo(session, file, archive.protocols())
        return
      case 'token_to_protocol':
        await importTokenToProtocol(session, file)
        return
      case 'defillama':
      case 'defillama_dir':
        if (files.length === 0)
          throw new DexposureError('BAD_INPUT', 'the directory holds no .json files', { file })
        return importDefillama(session, files, digest.bytes, {
          includeExtraSections: opts.includeExtraSections,
          strict,
          signal: opts.signal,
          onProgress: opts.onProgress,
          existing: archive.protocols(),
          issuers: archive.tokenIssuers(),
          notes,
        })
      case 'csv_dir':
      case 'csv_nodes':
      case 'csv_edges':
        return importCsv(session, await csvInputs(file, kind), {
          strict,
          signal: opts.signal,
          onProgress: opts.onProgress,
        })
    }
  })
  // Derived data (e.g. forecast checkpoints) is kept up to date by whoever registered a hook.
  return weeksChanged(archive, notes.length ? { ...report, notes } : report)
}
