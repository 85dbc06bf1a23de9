// Checks a file before the workbench opens it as an archive. Opening read-write migrates the file
// and switches it to WAL, so a file picked by mistake (a text file, another program's SQLite
// database, an archive from a newer release) must be refused before that, with its name.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { DexposureError } from '../../shared/errors'
import { SCHEMA_VERSION } from './migrations'

const SQLITE_HEADER = 'SQLite format 3\0'

/**
 * Throws NOT_FOUND for a missing file (unless `create`), ARCHIVE for a folder, a file that is not
 * SQLite, a SQLite database that is not a DeXposure archive, or a schema newer than this program.
 */
export function checkArchiveFile(file: string, opts: { create?: boolean } = {}): void {
  if (!existsSync(file)) {
    if (opts.create) return
    throw new DexposureError('NOT_FOUND', 'no archive at this path', { file })
  }
  const st = statSync(file)
  if (st.isDirectory())
    throw new DexposureError('ARCHIVE', 'this is a folder, not an archive file', { file })
  if (st.size === 0) {
    // SQLite would take an empty file as a new database: only when asked to create one
    if (opts.create) return
    throw new DexposureError('ARCHIVE', 'the file is empty, not a DeXposure archive', { file })
  }
  const head = Buffer.alloc(16)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, head, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  if (head.toString('latin1') !== SQLITE_HEADER)
    throw new DexposureError('ARCHIVE', 'not a SQLite file, so not a DeXposure archive', { file })
  let version: number
  let tables: number
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      version = db.pragma('user_version', { simple: true }) as number
      tables = (
        db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
          n: number
        }
      ).n
    } finally {
      db.close()
    }
  } catch (e) {
    throw new DexposureError('ARCHIVE', `cannot read the file: ${(e as Error).message}`, { file })
  }
  if (version === 0 && tables > 0)
    throw new DexposureError(
      'ARCHIVE',
      'a SQLite database of another program (no DeXposure schema version), not a DeXposure archive',
      { file },
    )
  if (version > SCHEMA_VERSION)
    throw new DexposureError(
      'ARCHIVE',
      `archive schema version ${version} is newer than this program understands (${SCHEMA_VERSION}); upgrade DeXposure Workbench`,
      { file },
    )
}
