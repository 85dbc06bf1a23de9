// Undo and redo of a graph view's settings: steps, merging of a dragged control, the limit, and the
// names the Undo button shows.
import { describe, expect, it } from 'vitest'
import {
  HISTORY_LIMIT,
  MERGE_MS,
  ViewHistory,
} from '../../../../src/renderer/src/views/graph/view-history'
import { filterChangeName, NO_FILTERS } from '../../../../src/renderer/src/views/graph/filters'

interface S {
  colour: string
  min: number
}
const same = (a: S, b: S) => a.colour === b.colour && a.min === b.min

/** A history on a clock the test moves. */
function history(limit?: number) {
  let t = 0
  const h = new ViewHistory<S>(same, () => t, limit)
  return { h, tick: (ms: number) => (t += ms) }
}

describe('ViewHistory', () => {
  it('undoes and redoes changes in order, naming each step', () => {
    const { h, tick } = history()
    const a = { colour: 'category', min: 0 }
    const b = { colour: 'sector', min: 0 }
    const c = { colour: 'sector', min: 1e6 }
    h.record(a, b, 'colour')
    tick(5000)
    h.record(b, c, 'exposure range')
    expect([h.undoLabel, h.redoLabel]).toEqual(['exposure range', null])

    expect(h.undo(c)).toEqual({ state: b, label: 'exposure range' })
    expect(h.undo(b)).toEqual({ state: a, label: 'colour' })
    expect(h.undo(a)).toBeNull()
    expect([h.undoLabel, h.redoLabel]).toEqual([null, 'colour'])

    expect(h.redo(a)).toEqual({ state: b, label: 'colour' })
    expect(h.redo(b)).toEqual({ state: c, label: 'exposure range' })
    expect(h.redo(c)).toBeNull()
    expect(h.undoLabel).toBe('exposure range')
  })

  it('records no step when nothing changed, and a new change drops what could be redone', () => {
    const { h, tick } = history()
    const a = { colour: 'category', min: 0 }
    const b = { colour: 'kind', min: 0 }
    h.record(a, { ...a }, 'colour')
    expect(h.undoLabel).toBeNull()
    h.record(a, b, 'colour')
    h.undo(b)
    expect(h.redoLabel).toBe('colour')
    tick(5000)
    h.record(a, { colour: 'sector', min: 0 }, 'colour')
    expect(h.redoLabel).toBeNull()
    expect(h.redo({ colour: 'sector', min: 0 })).toBeNull()
  })

  it('makes one step of a slider dragged through many values, and none when dragged back', () => {
    const { h, tick } = history()
    let s: S = { colour: 'category', min: 0 }
    const start = s
    for (const min of [10, 100, 1000, 1e4]) {
      const next = { ...s, min }
      h.record(s, next, 'exposure range')
      s = next
      tick(MERGE_MS - 1)
    }
    expect(h.undo(s)).toEqual({ state: start, label: 'exposure range' })
    expect(h.undo(start)).toBeNull()

    // A pause longer than MERGE_MS starts a new step.
    h.redo(start)
    tick(MERGE_MS)
    h.record(s, { ...s, min: 5 }, 'exposure range')
    expect(h.undo({ ...s, min: 5 })?.state).toEqual(s)
    expect(h.undoLabel).toBe('exposure range')

    // Dragged away and back to where it started: nothing left to undo.
    const { h: h2, tick: tick2 } = history()
    h2.record(start, { ...start, min: 10 }, 'exposure range')
    tick2(100)
    h2.record({ ...start, min: 10 }, start, 'exposure range')
    expect(h2.undoLabel).toBeNull()
  })

  it('does not merge changes of another kind, nor across an undo', () => {
    const { h } = history()
    const a = { colour: 'category', min: 0 }
    const b = { colour: 'category', min: 10 }
    const c = { colour: 'sector', min: 10 }
    h.record(a, b, 'exposure range')
    h.record(b, c, 'colour')
    expect(h.undo(c)?.state).toEqual(b)
    h.record(b, { ...b, min: 20 }, 'exposure range')
    h.record({ ...b, min: 20 }, { ...b, min: 30 }, 'exposure range')
    // the two after the undo are one step, apart from the one before the undo
    expect(h.undo({ ...b, min: 30 })?.state).toEqual(b)
    expect(h.undo(b)?.state).toEqual(a)
  })

  it('keeps at most its limit of steps, dropping the oldest', () => {
    const { h, tick } = history()
    for (let k = 0; k < HISTORY_LIMIT + 5; k++) {
      h.record({ colour: 'c', min: k }, { colour: 'c', min: k + 1 }, 'step')
      tick(MERGE_MS)
    }
    let s: S = { colour: 'c', min: HISTORY_LIMIT + 5 }
    let steps = 0
    for (let step = h.undo(s); step; step = h.undo(s)) {
      s = step.state
      steps++
    }
    expect(steps).toBe(HISTORY_LIMIT)
    expect(s.min).toBe(5)
  })
})

describe('filterChangeName', () => {
  it('names the one filter changed, or the change as a whole', () => {
    const f = NO_FILTERS
    expect(filterChangeName(f, { ...f, exposure: [1e6, Infinity] })).toBe('exposure range')
    expect(filterChangeName(f, { ...f, categories: ['CEX'] })).toBe('category filter')
    expect(filterChangeName(f, { ...f, ego: { node: 'A', depth: 1, direction: 'both' } })).toBe(
      'ego network',
    )
    expect(filterChangeName(f, { ...f, hideIsolated: true })).toBe('hide isolated')
    const two = { ...f, kind: 'token' as const, tvl: [1, 2] as [number, number] }
    expect(filterChangeName(f, two)).toBe('filters')
    expect(filterChangeName(two, f)).toBe('clear filters')
  })
})
