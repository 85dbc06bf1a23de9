// Store hooks (src/engine/store/hooks.ts): derived data is kept up to date by whoever registered a
// hook; an importer only says which weeks its import changed. The hook runs once per import that
// changed weeks, after the commit, with those weeks; a failing hook leaves the import standing and
// says so in the report.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../../src/engine/demo'
import { importFile } from '../../../src/engine/import'
import type { Archive } from '../../../src/engine/store/archive'
import { onWeeksChanged, weeksChanged } from '../../../src/engine/store/hooks'
import { FIXTURES, tempArchive, type TempArchive } from '../import/helpers'

const SMALL = join(FIXTURES, 'dexposure/small.json')
const SMALL_WEEKS = ['2025-06-30', '2025-07-07', '2025-07-14']

let t: TempArchive
let calls: { weeks: readonly string[]; committed: number; inTransaction: boolean }[]
let off: () => void
beforeEach(() => {
  t = tempArchive('dx-hooks-')
  calls = []
  off = onWeeksChanged({
    name: 'test recorder',
    run: (archive: Archive, weeks) =>
      calls.push({
        weeks,
        committed: archive.listWeeks().length,
        inTransaction: archive.db.inTransaction,
      }),
    failureNote: (e) => `recorder failed: ${e.message}`,
  })
})
afterEach(() => {
  off()
  t.close()
})

describe('onWeeksChanged', () => {
  it('fires once per import, after the commit, with the weeks it wrote', async () => {
    const r = await importFile(t.archive, SMALL)
    expect(calls).toEqual([{ weeks: SMALL_WEEKS, committed: 3, inTransaction: false }])
    expect(r.notes ?? []).toEqual([])
    // an identical re-import changes no week: no call
    const again = await importFile(t.archive, SMALL)
    expect(again.weeksUnchanged).toEqual(SMALL_WEEKS)
    expect(calls).toHaveLength(1)
  })

  it('passes replaced weeks too, in week order', async () => {
    await importFile(t.archive, SMALL)
    const file = join(t.dir, 'edit.json')
    writeFileSync(
      file,
      JSON.stringify({
        data: {
          '2025-06-23': { nodes: [{ id: 'A', size: 1 }], links: [] },
          '2025-07-07': { nodes: [{ id: 'A', size: 2 }], links: [] },
        },
      }),
    )
    const r = await importFile(t.archive, file, { replace: true })
    expect(r.weeksInserted).toEqual(['2025-06-23'])
    expect(r.weeksReplaced).toEqual(['2025-07-07'])
    expect(calls.map((c) => c.weeks)).toEqual([SMALL_WEEKS, ['2025-06-23', '2025-07-07']])
  })

  it('fires for the demo generator, which is an importer too', async () => {
    const r = await fillArchiveWithDemo(t.archive, { scale: 'small', seed: 7 })
    expect(calls).toHaveLength(1)
    expect(calls[0].weeks).toEqual(r.weeksInserted)
    expect(calls[0].weeks).toHaveLength(283)
  })

  it('a failing hook leaves the import standing and becomes a note', async () => {
    const offBad = onWeeksChanged({
      name: 'broken',
      run: () => {
        throw new Error('disk on fire')
      },
      failureNote: (e) => `imported; the broken data was not updated: ${e.message}`,
    })
    try {
      const r = await importFile(t.archive, SMALL)
      expect(r.notes).toEqual(['imported; the broken data was not updated: disk on fire'])
      expect(t.archive.listWeeks().map((w) => w.week)).toEqual(SMALL_WEEKS)
      // the other hook still ran
      expect(calls).toHaveLength(1)
    } finally {
      offBad()
    }
  })

  it('a removed hook no longer fires; no changed week, no call', async () => {
    off()
    await importFile(t.archive, SMALL)
    expect(calls).toEqual([])
    const report = {
      importId: 1,
      file: 'x',
      format: 'dexposure' as const,
      sha256: '',
      weeksInserted: [],
      weeksReplaced: [],
      weeksUnchanged: ['2025-06-30'],
      counts: {},
      rows: {},
      durationMs: 0,
    }
    off = onWeeksChanged({
      name: 'again',
      run: (_, weeks) => calls.push({ weeks, committed: 0, inTransaction: false }),
      failureNote: (e) => e.message,
    })
    expect(weeksChanged(t.archive, report)).toBe(report)
    expect(calls).toEqual([])
  })
})
