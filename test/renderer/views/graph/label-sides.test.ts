// Sides of forced labels: the largest node keeps the right, the others move where they cover no
// label and no node; every box checked against every other by plain rectangle intersection.
import { describe, expect, it } from 'vitest'
import {
  clearLabelSides,
  labelBox,
  labelSides,
  type LabelItem,
} from '../../../../src/renderer/src/views/graph/label-sides'

const G = { height: 14, margin: 5 }

function overlaps(items: LabelItem[], sides: Map<string, string>): string[] {
  const boxes = items.map((i) => ({ key: i.key, b: labelBox(i, sides.get(i.key) as never, G) }))
  const discs = items.map((i) => ({
    key: i.key,
    b: { x0: i.x - i.r, y0: i.y - i.r, x1: i.x + i.r, y1: i.y + i.r },
  }))
  const hit = (a: (typeof boxes)[0]['b'], b: (typeof boxes)[0]['b']) =>
    Math.min(a.x1, b.x1) > Math.max(a.x0, b.x0) && Math.min(a.y1, b.y1) > Math.max(a.y0, b.y0)
  const out: string[] = []
  for (const a of boxes) {
    for (const b of boxes)
      if (a.key < b.key && hit(a.b, b.b)) out.push(`${a.key} label × ${b.key} label`)
    for (const d of discs)
      if (a.key !== d.key && hit(a.b, d.b)) out.push(`${a.key} label × ${d.key} node`)
  }
  return out
}

describe('labelSides', () => {
  it('leaves labels on the right where nothing covers them', () => {
    const items = [
      { key: 'a', x: 0, y: 0, r: 5, width: 40 },
      { key: 'b', x: 0, y: 100, r: 5, width: 40 },
    ]
    expect([...labelSides(items, G)]).toEqual([
      ['a', 'right'],
      ['b', 'right'],
    ])
  })

  it('moves a label off a neighbour: WETH and BUSD side by side (the demo’s top-5 shock)', () => {
    // BUSD's node sits where WETH's label would be drawn, BUSD the smaller
    const items = [
      { key: 'WETH', x: 100, y: 200, r: 6, width: 38 },
      { key: 'BUSD', x: 130, y: 199, r: 5, width: 36 },
    ]
    const sides = labelSides(items, G)
    expect(overlaps(items, sides)).toEqual([])
    // the larger node's label takes the first clear side (its right holds BUSD's node)
    expect(sides.get('WETH')).toBe('left')
    expect(sides.get('BUSD')).toBe('right')
  })

  it('clears a crowded cluster of marked nodes (no label over another label or node)', () => {
    // a ring of eight nodes ≈ 30 px apart: right-hand labels reach the next node
    const items: LabelItem[] = Array.from({ length: 8 }, (_, k) => ({
      key: `n${k}`,
      x: 300 + 40 * Math.cos((k * Math.PI) / 4),
      y: 300 + 40 * Math.sin((k * Math.PI) / 4),
      r: 4 + (k % 3),
      width: 34,
    }))
    const right = new Map(items.map((i) => [i.key, 'right']))
    expect(overlaps(items, right).length).toBeGreaterThan(0)
    expect(overlaps(items, labelSides(items, G))).toEqual([])
  })

  it('keeps a label on the stage: a node at its right edge is labelled on the left', () => {
    const items = [{ key: 'Binance CEX', x: 590, y: 100, r: 10, width: 70 }]
    const stage = { width: 600, height: 400 }
    expect(labelSides(items, G).get('Binance CEX')).toBe('right')
    expect(labelSides(items, { ...G, stage }).get('Binance CEX')).toBe('left')
    // at the top-left corner: right, and not above
    const corner = [{ key: 'c', x: 5, y: 3, r: 3, width: 40 }]
    expect(labelSides(corner, { ...G, stage }).get('c')).toBe('right')
  })

  it('takes the least covered side when every side is covered, and never throws', () => {
    const items = [
      { key: 'hub', x: 0, y: 0, r: 30, width: 50 },
      { key: 'in', x: 0, y: 0, r: 2, width: 50 },
    ]
    const sides = labelSides(items, G)
    expect(sides.size).toBe(2)
    expect(['right', 'left', 'above', 'below']).toContain(sides.get('in'))
    expect(labelSides([], G).size).toBe(0)
  })
})

describe("clearLabelSides: a hovered node's neighbourhood", () => {
  // a hub's neighbours on a ring around it, and a dense clump: more than can all be labelled
  const ring: LabelItem[] = Array.from({ length: 40 }, (_, k) => ({
    key: `n${String(k).padStart(2, '0')}`,
    x: 300 + 60 * Math.cos((2 * Math.PI * k) / 40),
    y: 300 + 60 * Math.sin((2 * Math.PI * k) / 40),
    r: 3 + (k % 5),
    width: 48,
  }))
  const hub = { x0: 290, y0: 290, x1: 310, y1: 310 }

  it('labels only where a label covers no other label, no labelled node and no obstacle', () => {
    const sides = clearLabelSides(ring, { ...G, stage: { width: 600, height: 600 } }, [hub])
    expect(sides.size).toBeGreaterThan(4)
    expect(sides.size).toBeLessThan(ring.length)
    const labelled = ring.filter((i) => sides.has(i.key))
    expect(overlaps(labelled, sides)).toEqual([])
    for (const i of labelled) {
      const b = labelBox(i, sides.get(i.key)!, G)
      expect(
        Math.min(b.x1, hub.x1) > Math.max(b.x0, hub.x0) &&
          Math.min(b.y1, hub.y1) > Math.max(b.y0, hub.y0),
      ).toBe(false)
    }
  })

  it('labels the largest nodes first, at most `max`, and none off the stage', () => {
    const sides = clearLabelSides(ring, { ...G, stage: { width: 600, height: 600 } }, [], 3)
    expect(sides.size).toBe(3)
    // the three placed are among the largest (r = 7): the largest go first
    for (const key of sides.keys()) expect(ring.find((i) => i.key === key)!.r).toBe(7)
    const edge = [{ key: 'edge', x: 598, y: 300, r: 2, width: 40 }]
    const s = clearLabelSides(edge, { ...G, stage: { width: 600, height: 600 } })
    expect(s.get('edge')).toBe('left')
  })

  it('leaves every node unlabelled where no side is clear', () => {
    const boxed = [{ key: 'a', x: 50, y: 50, r: 3, width: 30 }]
    const wall = { x0: 0, y0: 0, x1: 100, y1: 44 }
    const floor = { x0: 0, y0: 56, x1: 100, y1: 100 }
    expect(
      clearLabelSides(boxed, G, [
        wall,
        floor,
        { x0: 0, y0: 0, x1: 40, y1: 100 },
        { x0: 60, y0: 0, x1: 100, y1: 100 },
      ]).size,
    ).toBe(0)
  })
})
