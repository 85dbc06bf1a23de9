import { describe, expect, it } from 'vitest'
import { RasterPace } from '../../../../src/renderer/src/views/graph/raster-pace'

describe('RasterPace', () => {
  it('draws everything at once until a whole draw was measured', () => {
    expect(new RasterPace().chunk(75_485)).toBe(75_485)
  })

  it('splits a base whose last whole draw took longer than the budget', () => {
    const pace = new RasterPace(40, 4_000)
    // a software raster: 75,485 edges in 650 ms (BENCHMARKS.md) → 40 ms holds 4,645 edges
    pace.record(75_485, 650)
    expect(pace.chunk(75_485)).toBe(Math.floor(40 / (650 / 75_485)))
    expect(pace.chunk(75_485)).toBe(4_645)
    // a smaller base than a frame holds is drawn whole
    expect(pace.chunk(3_000)).toBe(3_000)
  })

  it('keeps a whole base that a GPU draws within a frame', () => {
    const pace = new RasterPace(40, 4_000)
    pace.record(75_485, 16.7)
    expect(pace.chunk(75_485)).toBe(75_485)
  })

  it('never splits below its floor, and learns nothing from small draws', () => {
    const pace = new RasterPace(40, 4_000)
    pace.record(75_485, 10_000)
    expect(pace.chunk(75_485)).toBe(4_000)
    const fresh = new RasterPace(40, 4_000)
    fresh.record(2_000, 5_000)
    expect(fresh.chunk(75_485)).toBe(75_485)
    // the latest measurement counts: the machine got faster
    pace.record(75_485, 20)
    expect(pace.chunk(75_485)).toBe(75_485)
  })

  it('takes a part size set from outside over what it measured', () => {
    const pace = new RasterPace()
    pace.record(75_485, 650)
    pace.fixed = 500
    expect(pace.chunk(2_435)).toBe(500)
    expect(pace.chunk(300)).toBe(300)
    pace.fixed = null
    expect(pace.chunk(75_485)).toBe(4_645)
  })
})
