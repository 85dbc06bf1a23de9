// Colours, legends and scales of the graph explorer.
import { describe, expect, it } from 'vitest'
import {
  changeColor,
  colourNodes,
  dictionaryColors,
  drawnSize,
  edgeScale,
  OTHER_COLOR,
  SIZE_STEP,
  sizeScale,
  withAlpha,
} from '../../../../src/renderer/src/views/graph/appearance'
import { smallUniverse, smallWeek } from './fixture'

describe('appearance', () => {
  const u = smallUniverse()
  const w = smallWeek()
  const dict = {
    category: dictionaryColors(u.categories, u.category),
    sector: dictionaryColors(u.sectors, u.sector),
  }

  it('gives the most frequent category the first colour and Unknown the neutral one', () => {
    expect(dict.category[0]).toBe('#4e79a7') // Lending: two nodes
    expect(dict.category[3]).toBe(OTHER_COLOR) // Unknown
    expect(new Set(dict.category).size).toBe(4)
  })

  it('counts the kept nodes of the week per legend entry', () => {
    const keep = Uint8Array.from([1, 1, 1, 0, 1])
    const c = colourNodes(u, w, 'category', keep, dict)
    expect(c.legend.map((l) => [l.label, l.count])).toEqual(
      [
        ['Lending', 1],
        ['CEX', 1],
        ['Dexes', 1],
        ['Unknown', 1],
      ].sort((a, b) => Number(b[1]) - Number(a[1])),
    )
    const byKind = colourNodes(u, w, 'kind', Uint8Array.from([1, 1, 0, 0, 1]), dict)
    expect(Object.fromEntries(byKind.legend.map((l) => [l.label, l.count]))).toEqual({
      protocol: 2,
      token: 1,
    })
    const byChange = colourNodes(u, w, 'tvlChange', Uint8Array.from([1, 1, 1, 0, 1]), dict)
    expect(Object.fromEntries(byChange.legend.map((l) => [l.label, l.count]))).toEqual({
      'gained TVL': 1,
      'lost TVL': 1,
      'flat (±5 %)': 2,
    })
  })

  it('scales sizes and edges on one log scale whatever the week', () => {
    const s = sizeScale(1e10)
    expect(s(0)).toBeCloseTo(1.2, 6)
    expect(s(1e10)).toBeCloseTo(11, 6)
    expect(s(1e6)).toBeLessThan(s(1e9))
    const e = edgeScale(1e10)
    expect(e(1e10).opacity).toBeCloseTo(0.8, 6)
    expect(e(10).size).toBeLessThan(e(1e9).size)
  })

  it('keeps a node at its drawn size while its week moves it less than a step, never further', () => {
    expect(drawnSize(5, false, 5 + SIZE_STEP / 2)).toBe(5)
    expect(drawnSize(5, false, 5 - SIZE_STEP / 2)).toBe(5)
    expect(drawnSize(5, false, 5 + 1.01 * SIZE_STEP)).toBe(5 + 1.01 * SIZE_STEP)
    // a node coming back is drawn at its week's size
    expect(drawnSize(5, true, 5.01)).toBe(5.01)
    // a slow drift week after week: drawn within a step of the exact size all along
    let drawn = 3
    let changes = 0
    for (let week = 1; week <= 200; week++) {
      const exact = 3 + 0.004 * week
      const next = drawnSize(drawn, false, exact)
      if (next !== drawn) changes++
      drawn = next
      expect(Math.abs(drawn - exact)).toBeLessThan(SIZE_STEP)
    }
    expect(changes).toBeGreaterThanOrEqual(15)
    expect(changes).toBeLessThanOrEqual(17)
  })

  it('diverges red to blue for TVL change and writes alpha colours', () => {
    expect(changeColor(-1)).toBe('rgb(214, 39, 40)')
    expect(changeColor(1)).toBe('rgb(33, 102, 172)')
    expect(changeColor(5)).toBe(changeColor(1))
    expect(withAlpha('#ff0000', 0.5)).toBe('rgba(255, 0, 0, 0.500)')
    expect(withAlpha('rgb(1, 2, 3)', 1)).toBe('rgba(1, 2, 3, 1.000)')
  })
})
