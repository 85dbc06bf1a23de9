// The palette's fuzzy ranking (uFuzzy): typos and partial words find the command.
import { describe, expect, it } from 'vitest'
import { rankItems, type PaletteItem } from '../../../src/renderer/src/workbench/palette'

const items: PaletteItem[] = [
  'View: Toggle Side Bar',
  'View: Toggle Panel',
  'Graph: Export the View as SVG',
  'Graph: Export the View as PNG',
  'Preferences: Theme: Dark',
  'Go: Go to Week…',
].map((label) => ({ label, run: () => {} }))

describe('palette ranking', () => {
  it('lists everything in order for an empty query', () => {
    expect(rankItems(items, '  ').map((i) => i.label)).toEqual(items.map((i) => i.label))
  })
  it('finds by partial words, best match first', () => {
    expect(rankItems(items, 'export svg')[0].label).toBe('Graph: Export the View as SVG')
    expect(rankItems(items, 'theme dark').map((i) => i.label)).toEqual(['Preferences: Theme: Dark'])
    expect(rankItems(items, 'tog pan')[0].label).toBe('View: Toggle Panel')
  })
  it('matches on the detail too, and returns nothing for nonsense', () => {
    const withDetail = [{ label: 'Lido', detail: '182 · Liquid Staking', run: () => {} }]
    expect(rankItems(withDetail, 'liquid')).toHaveLength(1)
    expect(rankItems(items, 'zzqx')).toEqual([])
  })
})
