// Shared set-up for importer tests: a real archive file in a temp folder, a snapshot of everything
// an import could change, and an assertion for BAD_INPUT errors and their location.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { Archive } from '../../../src/engine/store/archive'
import { DexposureError, type ErrorLocation } from '../../../src/shared/errors'

export const FIXTURES = join(__dirname, '../../fixtures/import')

export interface TempArchive {
  dir: string
  archive: Archive
  close(): void
}

export function tempArchive(prefix = 'dx-import-'): TempArchive {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const archive = Archive.open(join(dir, 'archive.sqlite'))
  return {
    dir,
    archive,
    close() {
      archive.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Everything an import may change, to compare before and after a failed import. */
export function snapshot(archive: Archive) {
  const count = (table: string) =>
    (archive.db.prepare(`SELECT count(*) AS c FROM ${table}`).get() as { c: number }).c
  return {
    weeks: archive.listWeeks(),
    nodes: count('nodes'),
    edges: count('edges'),
    protocols: count('protocols'),
    tokenIssuers: count('token_issuers'),
    imports: count('imports'),
    frames: count('week_frames'),
  }
}

/** Awaits a rejection and checks it is a DexposureError of `code` with the given location. */
export async function expectError(
  p: Promise<unknown>,
  message: RegExp,
  location: ErrorLocation,
  code = 'BAD_INPUT',
): Promise<DexposureError> {
  let err: unknown
  try {
    await p
  } catch (e) {
    err = e
  }
  expect(err, 'expected the import to fail').toBeInstanceOf(DexposureError)
  const e = err as DexposureError
  expect(e.code).toBe(code)
  expect(e.message).toMatch(message)
  expect(e.location).toMatchObject(location)
  return e
}
