// The changed part of a cached picture as canvas tiles (node-cache.ts patches): which tiles a box
// marks, which boxes touch them, and the rectangles that clear and mask them.
import { describe, expect, it } from 'vitest'
import { DirtyTiles } from '../../../../src/renderer/src/views/graph/dirty-tiles'

describe('DirtyTiles', () => {
  it('marks every tile a box touches, once', () => {
    const t = new DirtyTiles(100, 50, 16) // 7 × 4 tiles, the last column and row clipped
    t.add(20, 20, 5) // x 15…25, y 15…25: tiles (0,0) (1,0) (0,1) (1,1)
    expect(t.count).toBe(4)
    t.add(20, 20, 2) // inside tile (1,1): already marked
    expect(t.count).toBe(4)
    expect(t.share()).toBeCloseTo(4 / 28)
  })

  it('tells the boxes that touch a marked tile from those that do not', () => {
    const t = new DirtyTiles(100, 50, 16)
    t.add(40, 40, 1) // tile (2,2)
    expect(t.touches(47, 33, 0.5)).toBe(true) // inside it
    expect(t.touches(60, 40, 15)).toBe(true) // reaches into it from the right
    expect(t.touches(60, 40, 10)).toBe(false) // stops at x 50, past its right edge 48
    expect(t.touches(40, 29, 2)).toBe(false) // the tile below it
  })

  it('ignores boxes off the canvas and clips those across its edge', () => {
    const t = new DirtyTiles(100, 50, 16)
    t.add(-30, 20, 5)
    t.add(20, 200, 5)
    t.add(20, 20, NaN)
    expect(t.count).toBe(0)
    t.add(99, 49, 10) // the top-right corner: tiles (5,2) (6,2) (5,3) (6,3)
    expect(t.count).toBe(4)
    expect(t.touches(500, 500, 1)).toBe(false)
  })

  it('gives each row its runs of marked tiles as rectangles, clipped to the canvas', () => {
    const t = new DirtyTiles(100, 50, 16)
    t.add(8, 8, 1) // (0,0)
    t.add(24, 8, 1) // (1,0): one run with (0,0)
    t.add(88, 8, 1) // (5,0)
    t.add(97, 45, 1) // (6,2), clipped to x 100
    t.add(50, 49, 0.5) // (3,3), clipped to y 50
    expect(t.rects()).toEqual([
      { x0: 0, y0: 0, x1: 32, y1: 16 },
      { x0: 80, y0: 0, x1: 96, y1: 16 },
      { x0: 96, y0: 32, x1: 100, y1: 48 },
      { x0: 48, y0: 48, x1: 64, y1: 50 },
    ])
  })

  it('covers with its rectangles exactly the marked tiles (random boxes)', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const t = new DirtyTiles(333, 211, 16)
    for (let i = 0; i < 40; i++) t.add(rnd() * 400 - 30, rnd() * 260 - 20, rnd() * 20)
    const area = t.rects().reduce((a, r) => a + (r.x1 - r.x0) * (r.y1 - r.y0), 0)
    // every marked tile inside a rectangle, no rectangle over an unmarked one
    let marked = 0
    for (let r = 0; r < t.rows; r++)
      for (let c = 0; c < t.cols; c++) {
        const cx = Math.min(332.5, c * 16 + 8)
        const cy = Math.min(210.5, r * 16 + 8)
        const inRect = t.rects().some((q) => cx >= q.x0 && cx < q.x1 && cy >= q.y0 && cy < q.y1)
        const isMarked = t.touches(cx, cy, 0)
        expect(inRect).toBe(isMarked)
        if (isMarked)
          marked += (Math.min(333, (c + 1) * 16) - c * 16) * (Math.min(211, (r + 1) * 16) - r * 16)
      }
    expect(area).toBe(marked)
    expect(t.count).toBeGreaterThan(0)
  })
})
