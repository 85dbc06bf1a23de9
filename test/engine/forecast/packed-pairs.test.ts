// A run's pairs as packed columns (forecast_runs.pairs_packed, migration 10): the same pairs, in the
// same order, with the same doubles as its forecast_edges rows; a blob that does not match the rows
// is not read.
import Database from 'better-sqlite3'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packPairs, unpackPairs } from '../../../src/engine/forecast/packed-pairs'
import { runForecast } from '../../../src/engine/forecast/run'
import {
  findForecastRun,
  loadForecastNodes,
  loadForecastPairs,
  type ForecastPairs,
} from '../../../src/engine/forecast/stored-run'
import { Archive } from '../../../src/engine/store/archive'
import { withDemoArchive } from '../../cli/run-cli'

const pairs = (): ForecastPairs => ({
  src: Int32Array.of(0, 2, 1),
  dst: Int32Array.of(1, 0, 2),
  probability: Float64Array.of(0.9, 0.1 + 0.2, 1e-300),
  weight: Float64Array.of(123.456, 0, Number.MAX_VALUE),
  existsAtT: Uint8Array.of(1, 0, 1),
  inGraph: Uint8Array.of(1, 1, 0),
})

describe('packPairs / unpackPairs', () => {
  it('give back every column bit for bit', () => {
    expect(unpackPairs(packPairs(pairs()), 3, 3)).toEqual(pairs())
  })

  it('read the columns in place from an aligned blob, and copy them out of an unaligned one', () => {
    const blob = packPairs(pairs())
    const inPlace = unpackPairs(blob, 3, 3)!
    expect(inPlace.probability.buffer).toBe(blob.buffer)
    expect(inPlace.src.buffer).toBe(blob.buffer)
    // the same bytes one byte into another buffer: no Float64Array can view them there
    const shifted = Buffer.alloc(blob.length + 1)
    blob.copy(shifted, 1)
    const copied = unpackPairs(shifted.subarray(1), 3, 3)!
    expect(copied).toEqual(pairs())
    expect(copied.probability.buffer).not.toBe(shifted.buffer)
  })

  it('refuse a blob for another row count, another layout, a node outside the run, or cut short', () => {
    const blob = packPairs(pairs())
    expect(unpackPairs(blob, 2, 3)).toBeNull()
    expect(unpackPairs(blob, 3, 2)).toBeNull()
    expect(unpackPairs(blob.subarray(0, blob.length - 1), 3, 3)).toBeNull()
    const other = Buffer.from(blob)
    other.writeUInt32LE(2, 4)
    expect(unpackPairs(other, 3, 3)).toBeNull()
    expect(unpackPairs(Buffer.alloc(4), 0, 3)).toBeNull()
  })

  it('read a blob that is not aligned in its buffer', () => {
    const blob = packPairs(pairs())
    const shifted = Buffer.alloc(blob.length + 3)
    blob.copy(shifted, 3)
    expect(unpackPairs(shifted.subarray(3), 3, 3)).toEqual(pairs())
  })
})

describe('a stored forecast run', () => {
  let file = ''
  withDemoArchive('dx-packed-pairs-', (_, a) => (file = a))
  let archive: Archive
  let runId = 0
  beforeAll(async () => {
    archive = Archive.open(file)
    const r = await runForecast(archive, {
      week: '2025-08-18',
      horizon: 1,
      top: 5,
      provider: 'cpu',
      recalibrate: false,
    })
    runId = r.run_id
  }, 120_000)
  afterAll(() => archive.close())

  /** The pairs as the rows give them (the column set aside for the read, then put back). */
  function fromRows(where: 'all' | 'graph'): ForecastPairs {
    const db = archive.db
    const blob = db
      .prepare('SELECT pairs_packed FROM forecast_runs WHERE run_id = ?')
      .pluck()
      .get(runId)
    db.prepare('UPDATE forecast_runs SET pairs_packed = NULL WHERE run_id = ?').run(runId)
    try {
      return loadForecastPairs(archive, runId, loadForecastNodes(archive, runId), where)
    } finally {
      db.prepare('UPDATE forecast_runs SET pairs_packed = ? WHERE run_id = ?').run(blob, runId)
    }
  }

  it('keeps its pairs packed, equal to its rows, whole and for Ĝ', () => {
    const stored = archive.db
      .prepare('SELECT length(pairs_packed) FROM forecast_runs WHERE run_id = ?')
      .pluck()
      .get(runId) as number
    const rows = archive.db
      .prepare('SELECT count(*) FROM forecast_edges WHERE run_id = ?')
      .pluck()
      .get(runId) as number
    expect(rows).toBeGreaterThan(100)
    expect(stored).toBe(8 + rows * 26)
    const nodes = loadForecastNodes(archive, runId)
    for (const where of ['all', 'graph'] as const) {
      const packed = loadForecastPairs(archive, runId, nodes, where)
      expect(packed).toEqual(fromRows(where))
      expect(packed.src.length).toBe(where === 'all' ? rows : packed.inGraph.filter(Boolean).length)
    }
  })

  it('is read from the packed pairs where they match its rows', () => {
    // a blob of the same shape with one probability changed: what the read answers is the blob's
    const nodes = loadForecastNodes(archive, runId)
    const changed = loadForecastPairs(archive, runId, nodes)
    changed.probability[0] = 0.5
    const db = archive.db
    const blob = db
      .prepare('SELECT pairs_packed FROM forecast_runs WHERE run_id = ?')
      .pluck()
      .get(runId)
    db.prepare('UPDATE forecast_runs SET pairs_packed = ? WHERE run_id = ?').run(
      packPairs(changed),
      runId,
    )
    try {
      expect(loadForecastPairs(archive, runId, nodes).probability[0]).toBe(0.5)
    } finally {
      db.prepare('UPDATE forecast_runs SET pairs_packed = ? WHERE run_id = ?').run(blob, runId)
    }
    expect(loadForecastPairs(archive, runId, nodes).probability[0]).not.toBe(0.5)
  })

  it('is looked up without its packed pairs (a lookup does not read the blob)', () => {
    for (const q of [{ runId }, { week: '2025-08-18', horizon: 1 }]) {
      const run = findForecastRun(archive, q)
      expect(run?.run_id).toBe(runId)
      expect(run?.calibration).toEqual(expect.any(String))
      expect(run).not.toHaveProperty('pairs_packed')
    }
  })

  it('is read from its rows in an archive of schema 9 opened read-only (not migrated)', () => {
    const nodes = loadForecastNodes(archive, runId)
    const want = loadForecastPairs(archive, runId, nodes)
    const old = join(dirname(file), 'schema-9.sqlite')
    archive.db.exec(`VACUUM INTO '${old}'`)
    const db = new Database(old)
    db.exec('ALTER TABLE forecast_runs DROP COLUMN pairs_packed')
    db.pragma('user_version = 9')
    db.close()
    const readOnly = Archive.open(old, { readonly: true })
    try {
      expect(readOnly.schemaVersion()).toBe(9)
      expect(loadForecastPairs(readOnly, runId, loadForecastNodes(readOnly, runId))).toEqual(want)
      expect(findForecastRun(readOnly, { runId })?.run_id).toBe(runId)
    } finally {
      readOnly.close()
    }
  })

  it('is read from its rows when they no longer match the packed pairs', () => {
    const nodes = loadForecastNodes(archive, runId)
    const before = loadForecastPairs(archive, runId, nodes)
    archive.db
      .prepare(
        'DELETE FROM forecast_edges WHERE rowid = (SELECT max(rowid) FROM forecast_edges WHERE run_id = ?)',
      )
      .run(runId)
    const after = loadForecastPairs(archive, runId, nodes)
    expect(after.src.length).toBe(before.src.length - 1)
    expect(after).toEqual(fromRows('all'))
  })
})
