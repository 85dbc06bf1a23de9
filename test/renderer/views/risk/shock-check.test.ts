// The custom shock as typed in the Risk view: the engine's parser names the position of a problem
// (as typed, leading spaces counted), the week names unknown ids and empty categories, and a node
// picked on the graph is added to the spec's nodes: term.
import { describe, expect, it } from 'vitest'
import {
  addNodeToShock,
  checkShock,
  describeShockProblem,
} from '../../../../src/renderer/src/views/risk/shock-check'

const week = {
  week: '2022-05-09',
  nodes: new Set(['182', '1839', 'USDC']),
  categories: ['Lending', 'CDP', 'Bridge'],
  sectors: ['Unknown', 'Credit'],
}

describe('checkShock', () => {
  it('accepts the grammar and gives the canonical spec', () => {
    const c = checkShock('top:5:sis@30%')
    expect(c).toMatchObject({ ok: true, canonical: 'top:5:sis@0.3', warnings: [] })
    expect(checkShock('nodes:182,1839@1', week)).toMatchObject({ ok: true })
  })

  it('names the character where a term goes wrong', () => {
    const c = checkShock('top:5+sector:Unknown+nope:3@0.5')
    expect(c.ok).toBe(false)
    if (c.ok) return
    expect(c.message).toMatch(/unknown term kind "nope"/)
    expect(c.offset).toBe(21)
    expect(describeShockProblem(c)).toMatch(/\(at character 22\)$/)
  })

  it('counts the position in the text as typed (leading spaces)', () => {
    const c = checkShock('   top:5@150%')
    expect(c).toMatchObject({ ok: false, offset: 3 + 6 })
  })

  it('refuses node ids absent from the week and warns of categories it lacks', () => {
    const c = checkShock('nodes:182,999@1', week)
    expect(c).toMatchObject({ ok: false, offset: 10 })
    if (!c.ok) expect(c.message).toBe('node 999 not in week 2022-05-09')
    const w = checkShock('category:Lending,Dexes+category~:oracle@0.5', week)
    expect(w.ok).toBe(true)
    if (w.ok)
      expect(w.warnings).toEqual([
        'no node of week 2022-05-09 is in category Dexes',
        'no category of week 2022-05-09 contains "oracle"',
      ])
  })
})

describe('addNodeToShock', () => {
  it('starts a nodes: term, extends it, keeps the fraction and skips a repeat', () => {
    expect(addNodeToShock('', '182')).toBe('nodes:182@30%')
    expect(addNodeToShock('nodes:182@30%', 'USDC')).toBe('nodes:182,USDC@30%')
    expect(addNodeToShock('top:3+nodes:182@0.5', '182')).toBe('top:3+nodes:182@0.5')
    expect(addNodeToShock('top:3@0.5', '182')).toBe('top:3+nodes:182@0.5')
  })
})
