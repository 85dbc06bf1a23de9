// Export files appear whole or not at all: each is written to a temporary file beside its target
// (`.<name>.<random>.partial`) and renamed when every file of the export is complete; a failure or
// a cancel removes the temporaries and leaves any earlier file of that name as it was.
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { DexposureError } from '../../shared/errors'
import { FdWriter } from '../query/export'

export interface OutputFile {
  readonly path: string
  readonly temp: string
  readonly writer: FdWriter
  readonly role: 'graph' | 'nodes' | 'edges'
}

/** The files of one export: open, write, then commit() (rename all) or abort() (remove all). */
export class ExportFiles {
  private readonly files: OutputFile[] = []

  constructor(private readonly archiveFile: string) {}

  open(path: string, role: OutputFile['role']): OutputFile {
    const target = resolve(path)
    if (target === resolve(this.archiveFile))
      throw new DexposureError('USAGE', 'the export would overwrite the archive', {
        file: target,
        field: 'out',
      })
    let dirOk = false
    try {
      dirOk = statSync(dirname(target)).isDirectory()
    } catch {
      // reported below
    }
    if (!dirOk)
      throw new DexposureError('USAGE', `the folder ${dirname(target)} does not exist`, {
        file: target,
        field: 'out',
      })
    const temp = join(
      dirname(target),
      `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`,
    )
    const file = { path: target, temp, role, writer: new FdWriter({ path: temp }) }
    this.files.push(file)
    return file
  }

  /** Flushes and renames every file; answers their sizes. */
  commit(): { path: string; role: OutputFile['role']; bytes: number }[] {
    for (const f of this.files) f.writer.close()
    for (const f of this.files) renameSync(f.temp, f.path)
    return this.files.map((f) => ({ path: f.path, role: f.role, bytes: f.writer.bytes }))
  }

  abort(): void {
    for (const f of this.files) {
      f.writer.abandon()
      rmSync(f.temp, { force: true })
    }
  }
}

/**
 * Where CSV and Parquet exports put their two tables: `--out g.csv` writes `g_nodes.csv` and
 * `g_edges.csv` (the extension is the format's, whatever the name ends with).
 */
export function tablePaths(out: string, ext: string): { nodes: string; edges: string } {
  const dot = basename(out).lastIndexOf('.')
  const stem = dot > 0 ? out.slice(0, out.length - (basename(out).length - dot)) : out
  return { nodes: `${stem}_nodes.${ext}`, edges: `${stem}_edges.${ext}` }
}
