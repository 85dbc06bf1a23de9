// The pipelined DeXposure import (weeks parsed in worker threads, written here) must give exactly
// the archive and the errors of the in-thread path. It runs the bundled worker that the test
// setup builds (scripts/build-node.mjs → out/node/dexposure-worker.js).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { DexposureError } from '../../../src/shared/errors'
import { addWeeks } from '../../../src/shared/dates'
import { FIXTURES, snapshot, tempArchive, type TempArchive } from './helpers'

const WORKER = join(__dirname, '../../../out/node/dexposure-worker.js')
const SMALL = join(FIXTURES, 'dexposure/small.json')

let a: TempArchive
let b: TempArchive
beforeEach(() => {
  a = tempArchive()
  b = tempArchive()
})
afterEach(() => {
  a.close()
  b.close()
})

const hashes = (t: TempArchive) =>
  t.archive.db
    .prepare('SELECT week, n_nodes, n_edges, content_sha256, counts FROM weeks ORDER BY week')
    .all()

function manyWeeks(file: string, weeks: number, badWeek = -1, cut = false) {
  const parts: string[] = []
  for (let w = 0; w < weeks; w++) {
    const nodes = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        id: i % 7 === 0 ? `T{${i}}` : String(i),
        size: w === badWeek && i === 3 ? 'x' : i * 10.5,
        composition: { [`K"${i % 13}`]: i },
      }),
    )
    const links = Array.from({ length: 600 }, (_, i) =>
      JSON.stringify({
        source: (i % 200) % 7 === 0 ? `T{${i % 200}}` : String(i % 200),
        target: String((i * 3 + w) % 200 || 1),
        size: i + 1,
        composition: null,
      }),
    )
    parts.push(`"${addWeeks('2024-01-01', w)}": {"nodes": [${nodes}], "links": [${links}]}`)
  }
  const text = `{"data": {${parts.join(',')}}}`
  writeFileSync(file, cut ? text.slice(0, -40) : text)
}

/**
 * Imports a bad file in-thread (archive a) and with `workers` workers (archive b): both refuse it
 * with BAD_INPUT and leave their archive as it was; answers [in-thread error, workers' error].
 */
async function refusedBoth(file: string, workers: number): Promise<DexposureError[]> {
  const errors: DexposureError[] = []
  for (const [t, opts] of [
    [a, { workers: 0 }],
    [b, { workers, workerScript: WORKER }],
  ] as const) {
    const before = snapshot(t.archive)
    await importFile(t.archive, file, opts).then(
      () => expect.unreachable(),
      (e: DexposureError) => errors.push(e),
    )
    expect(snapshot(t.archive)).toEqual(before)
  }
  for (const e of errors) {
    expect(e).toBeInstanceOf(DexposureError)
    expect(e.code).toBe('BAD_INPUT')
  }
  return errors
}

describe('DeXposure import with worker threads', () => {
  // The test setup builds it; without it the import would quietly take the in-thread path and
  // these tests would compare that path with itself.
  it('runs the bundled worker', () => {
    expect(existsSync(WORKER), WORKER).toBe(true)
  })

  it('writes the same archive as the in-thread path', async () => {
    const file = join(a.dir, 'many.json')
    manyWeeks(file, 12)
    for (const f of [SMALL, file]) {
      const ra = await importFile(a.archive, f, { workers: 0 })
      const rb = await importFile(b.archive, f, { workers: 2, workerScript: WORKER })
      expect(rb.weeksInserted).toEqual(ra.weeksInserted)
      expect(rb.counts).toEqual(ra.counts)
    }
    expect(hashes(b)).toEqual(hashes(a))
    expect(b.archive.loadWeek('2024-01-08')).toEqual(a.archive.loadWeek('2024-01-08'))
    const rb2 = await importFile(b.archive, file, { workers: 1, workerScript: WORKER })
    expect(rb2.weeksUnchanged).toHaveLength(12)
  })

  it('reports the first error in file order, with its location, and changes nothing', async () => {
    const file = join(a.dir, 'bad.json')
    manyWeeks(file, 10, 4, true) // week 4 has a bad size, and the file is truncated at the end
    const errors = await refusedBoth(file, 2)
    expect(errors[1].message).toBe(errors[0].message)
    expect(errors[1].location).toEqual(errors[0].location)
    expect(errors[1].location).toMatchObject({
      week: addWeeks('2024-01-01', 4),
      field: 'nodes[3].size',
    })
    expect(
      readFileSync(file).toString(
        'utf8',
        errors[1].location.offset,
        (errors[1].location.offset ?? 0) + 3,
      ),
    ).toBe('"x"')
  })

  it('reports a scan error (a truncated file) as the in-thread scan does, after the weeks before it', async () => {
    // The weeks before the cut are parsed in the worker and written first: the scan's error must
    // still be the one the in-thread path reports, and nothing of those weeks may stay.
    const file = join(a.dir, 'cut.json')
    manyWeeks(file, 10, -1, true)
    const errors = await refusedBoth(file, 1)
    expect(errors[1].message).toMatch(/truncated/)
    expect(errors[1].message).toBe(errors[0].message)
    expect(errors[1].location).toEqual(errors[0].location)
  })

  it('cancels between weeks', async () => {
    const file = join(a.dir, 'many.json')
    manyWeeks(file, 8)
    const ac = new AbortController()
    await expect(
      importFile(b.archive, file, {
        workers: 1,
        workerScript: WORKER,
        signal: ac.signal,
        onProgress: () => ac.abort(),
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(b.archive.listWeeks()).toEqual([])
  })
})
