import { describe, expect, it } from 'vitest'
import { RasterPace } from '../../../../src/renderer/src/views/graph/raster-pace'

describe('RasterPace', () => {
  it('starts a large list with a first part until a draw was measured, a small one whole', () => {
    const pace = new RasterPace(70, 1_000, 10_000)
    expect(pace.chunk(75_485)).toBe(10_000)
    expect(pace.chunk(9_000)).toBe(9_000)
    // that part's frame, on a GPU (a frame interval): the parts grow to the whole list in two
    // more frames, and later lists are drawn whole
    pace.record(10_000, 16.7)
    expect(pace.chunk(65_485)).toBe(Math.floor(70 / (16.7 / 10_000)))
    pace.record(41_916, 16.7)
    expect(pace.chunk(23_569)).toBe(23_569)
    expect(pace.chunk(75_485)).toBe(75_485)
  })

  it('splits a base whose last whole draw took longer than the budget', () => {
    const pace = new RasterPace(40, 4_000)
    // a software raster: 75,485 edges in 650 ms (BENCHMARKS.md) → 40 ms holds 4,645 edges
    pace.record(75_485, 650)
    expect(pace.chunk(75_485)).toBe(Math.floor(40 / (650 / 75_485)))
    expect(pace.chunk(75_485)).toBe(4_645)
    // a smaller base than a frame holds is drawn whole
    expect(pace.chunk(3_000)).toBe(3_000)
    // a frame allowed more time holds more
    expect(pace.chunk(75_485, 150)).toBe(Math.floor(150 / (650 / 75_485)))
  })

  it('draws a small week whole however slow the frames were', () => {
    const pace = new RasterPace(70, 1_000, 10_000)
    pace.record(2_435, 700)
    expect(pace.chunk(2_435)).toBe(2_435)
    expect(pace.chunk(9_999)).toBe(9_999)
    expect(pace.chunk(10_000)).toBe(1_000)
  })

  it('keeps a whole base that a GPU draws within a frame', () => {
    const pace = new RasterPace(70, 1_000)
    pace.record(75_485, 16.7)
    expect(pace.chunk(75_485)).toBe(75_485)
  })

  it('never splits below its floor', () => {
    const pace = new RasterPace(40, 4_000)
    pace.record(75_485, 10_000)
    expect(pace.chunk(75_485)).toBe(4_000)
    // the latest measurement counts: the machine got faster
    pace.record(75_485, 20)
    expect(pace.chunk(75_485)).toBe(75_485)
  })

  it('settles where a frame of a part takes the budget, whatever the frame costs besides', () => {
    // a frame costs F = 35 ms besides its part, and c = 0.0086 ms an edge: the budget B = 70 ms
    // holds (B − F) / c = 4,069 edges; measured per part, the estimate converges there
    const [F, c, B] = [35, 0.0086, 70]
    const pace = new RasterPace(B, 500)
    pace.record(75_485, F + c * 75_485)
    for (let k = 0; k < 30; k++) {
      const x = pace.chunk(75_485)
      pace.record(x, F + c * x)
    }
    const settled = pace.chunk(75_485)
    expect(Math.abs(settled - (B - F) / c)).toBeLessThan(50)
    expect(F + c * settled).toBeLessThanOrEqual(B + 0.5)
  })

  it('takes a part size set from outside over what it measured', () => {
    const pace = new RasterPace(40, 4_000)
    pace.record(75_485, 650)
    pace.fixed = 500
    expect(pace.chunk(2_435)).toBe(500)
    expect(pace.chunk(300)).toBe(300)
    pace.fixed = null
    expect(pace.chunk(75_485)).toBe(4_645)
  })
})
