import { describe, expect, it } from 'vitest'
import { splitCompositions } from '../../../src/engine/import/composition-split'
import { DexposureError } from '../../../src/shared/errors'

const loc = { file: 'f.json', week: '2024-01-01', base: 1000 }

function split(text: string) {
  return splitCompositions(Buffer.from(text, 'utf8'), loc)
}

describe('splitCompositions', () => {
  it('replaces compositions by indices and keeps their text and values', () => {
    const text =
      '{"nodes":[{"id":"a","size":3,"composition":{"ETH": 2.5e1, "USD\\"C":-1}},' +
      '{"id":"é","size":1,"composition":null},{"id":"c","size":2, "composition" : {}}],' +
      '"links":[{"source":"a","target":"c","size":1,"composition":{"X":1}}]}'
    const s = split(text)
    const parsed = JSON.parse(s.skeleton)
    expect(parsed.nodes.map((n: { composition: unknown }) => n.composition)).toEqual([0, null, 1])
    expect(parsed.links[0].composition).toBe(2)
    expect(s.compositions.map((c) => c.json)).toEqual([
      '{"ETH": 2.5e1, "USD\\"C":-1}',
      '{}',
      '{"X":1}',
    ])
    expect(s.compositions.map((c) => Array.from(c.values))).toEqual([[25, -1], [], [1]])
    expect(JSON.parse(s.compositions[0].json)).toEqual({ ETH: 25, 'USD"C': -1 })
  })

  it('ignores "composition" inside strings and as a value', () => {
    const text =
      '{"nodes":[{"id":"x\\"composition\\"","size":1,"composition":{"composition":2}},{"id":"composition","size":1,"composition":null}]}'
    const s = split(text)
    expect(JSON.parse(s.skeleton).nodes[0]).toEqual({
      id: 'x"composition"',
      size: 1,
      composition: 0,
    })
    expect(s.compositions[0].values).toEqual([2])
  })

  it.each([
    ['{"composition":{"A":"1"}}', /must be a number/, 16],
    ['{"composition":{"A":NaN}}', /must be a number, found NaN/, 20],
    ['{"composition":{"A":1e999}}', /not a finite number/, 20],
    ['{"composition":{"A":{"B":1}}}', /must be a number/, 20],
    ['{"composition":[1,2]}', /must be an object/, 15],
    ['{"composition":{"A":1 "B":2}}', /expected "," or "}"/, 22],
  ])('rejects %s with the byte offset', (text, message, at) => {
    try {
      split(text)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DexposureError)
      const err = e as DexposureError
      expect(err.message).toMatch(message)
      expect(err.location).toMatchObject({
        file: 'f.json',
        week: '2024-01-01',
        field: 'composition',
      })
      if (!/"1"/.test(text)) expect(err.location.offset).toBe(1000 + at)
    }
  })

  it('maps skeleton positions back to file offsets', () => {
    const text = '{"a":[{"composition":{"LONGTOKEN":123456}},{"bad": tru}]}'
    const s = split(text)
    const bad = s.skeleton.indexOf('tru')
    expect(s.toFileOffset(bad)).toBe(1000 + text.indexOf('tru'))
    expect(s.toFileOffset(s.skeleton.indexOf('0}'))).toBe(1000 + text.indexOf('{"LONG'))
    expect(s.toFileOffset(2)).toBe(1002)
  })
})
