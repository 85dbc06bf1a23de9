// node_positions and layout_runs (migration 6): a layout is written whole and read back exactly.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  lastRun,
  readPositions,
  runSequence,
  storedCount,
  writePositions,
} from '../../../src/engine/layout/store'
import { Archive } from '../../../src/engine/store/archive'

let dir: string
let archive: Archive
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-layout-store-'))
  archive = Archive.open(join(dir, 'a.sqlite'))
})
afterEach(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const run = {
  kind: 'full' as const,
  durationMs: 12.5,
  iterations: 300,
  nodes: 3,
  moved: 3,
  pinned: 1,
  edges: 2,
  importId: 1,
}

describe('layout store', () => {
  it('starts empty', () => {
    expect(readPositions(archive).ids).toEqual([])
    expect(lastRun(archive)).toBeNull()
    expect(runSequence(archive)).toBe(0)
    expect(storedCount(archive)).toBe(0)
  })

  it('round-trips float32 positions, order and pins, and records the run', () => {
    const x = Float32Array.of(1.1, 0, 3e30)
    const y = Float32Array.of(-2.5, 1 / 3, -1e-30)
    const id = writePositions(archive, {
      ids: ['b', 'a', 'USDT'],
      x,
      y,
      pinned: Uint8Array.of(0, 1, 0),
      run,
    })
    const back = readPositions(archive)
    expect(back.ids).toEqual(['b', 'a', 'USDT'])
    expect(Buffer.from(back.x.buffer)).toEqual(Buffer.from(x.buffer))
    expect(Buffer.from(back.y.buffer)).toEqual(Buffer.from(y.buffer))
    expect([...back.pinned]).toEqual([0, 1, 0])
    expect(lastRun(archive)).toEqual({ ...run, runId: id, created: expect.any(String) })
    expect(runSequence(archive)).toBe(id)
    expect(storedCount(archive)).toBe(3)
  })

  it('stores -0 as 0', () => {
    writePositions(archive, {
      ids: ['a'],
      x: Float32Array.of(-0),
      y: Float32Array.of(-0),
      pinned: new Uint8Array(1),
      run,
    })
    expect(Object.is(readPositions(archive).x[0], 0)).toBe(true)
  })

  it('replaces the whole layout on the next write, with a new run id', () => {
    const first = writePositions(archive, {
      ids: ['a', 'b'],
      x: Float32Array.of(1, 2),
      y: Float32Array.of(3, 4),
      pinned: new Uint8Array(2),
      run,
    })
    const second = writePositions(archive, {
      ids: ['b'],
      x: Float32Array.of(5),
      y: Float32Array.of(6),
      pinned: new Uint8Array(1),
      run: { ...run, kind: 'relayout' },
    })
    expect(second).toBeGreaterThan(first)
    expect(readPositions(archive)).toMatchObject({ ids: ['b'] })
    expect(lastRun(archive)?.kind).toBe('relayout')
  })

  it('keeps run ids increasing after the tables are emptied (derived data, safe to delete)', () => {
    const w = {
      ids: ['a'],
      x: new Float32Array(1),
      y: new Float32Array(1),
      pinned: new Uint8Array(1),
      run,
    }
    const first = writePositions(archive, w)
    archive.db.exec('DELETE FROM node_positions; DELETE FROM layout_runs')
    expect(runSequence(archive)).toBe(first)
    expect(writePositions(archive, w)).toBeGreaterThan(first)
  })
})
