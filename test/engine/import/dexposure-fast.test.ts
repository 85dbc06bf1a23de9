// The fast DeXposure week reader (dexposure-fast.ts) must give exactly what the general reader
// gives (processWeek → packWeek) — ids, sizes, edges, composition texts, features' inputs, counts
// in the same key order — or give up so the general reader runs. Checked on hand-made weeks of
// every rule and on random weeks with numbers written in every JSON form.
import { describe, expect, it } from 'vitest'
import { processWeek } from '../../../src/engine/import/dexposure'
import { fastWeek } from '../../../src/engine/import/dexposure-fast'
import type { WeekSlice } from '../../../src/engine/import/json-weeks'
import { packWeek } from '../../../src/engine/store/packed-week'
import { Rng } from '../../../src/engine/demo/rng'

const WEEK = '2024-01-01'

function slice(text: string): WeekSlice {
  const bytes = Buffer.from(text, 'utf8')
  return { key: WEEK, keyOffset: 0, start: 100, end: 100 + bytes.length, bytes, fileSize: 1e6 }
}

function general(text: string, strict = false) {
  const { input, counts } = processWeek(slice(text), 'f.json', strict)
  return { packed: packWeek(input, 'f.json'), counts }
}

/** The fast result equals the general one (or the week is given up). Returns whether it ran. */
function same(text: string, strict = false): boolean {
  const fast = fastWeek(Buffer.from(text, 'utf8'), WEEK, strict)
  if (!fast) return false
  const g = general(text, strict)
  expect(fast.packed).toEqual(g.packed)
  // Object.is on every number: -0 and the last bit matter (the archive stores the bytes).
  for (const k of ['sizes', 'maxShare', 'entropy', 'edgeWeight'] as const)
    expect(Buffer.from(fast.packed[k].buffer).equals(Buffer.from(g.packed[k].buffer))).toBe(true)
  expect(JSON.stringify(fast.counts)).toBe(JSON.stringify(g.counts))
  return true
}

const week = (nodes: unknown[], links: unknown[]) => JSON.stringify({ nodes, links })

describe('fast DeXposure week reader', () => {
  it('reads the usual shape exactly as the general reader, with every drop rule', () => {
    const text = week(
      [
        { id: 'A', size: 10.5, composition: { X: 4.25, Y: 6.25 } },
        { id: 'B', size: -3, composition: null },
        { id: 'C', size: 0 },
        { id: 'Ünï', size: 1e-7, composition: {} },
        { id: 'E', size: 123456789012345.67, composition: { 'k"q': 1, 'é\\u00e9': 2e3 } },
        // escaped ids, as in the real file ("\u0000\u0000AVAX")
        { id: '\u0000\u0000AVAX', size: 5, composition: { '\u0000\u0000AVAX': 5 } },
        { id: 'q"uote', size: 6 },
      ],
      [
        { source: 'A', target: 'B', size: 1.5, composition: { X: 1.5 } },
        { source: 'A', target: null, size: 2, composition: null },
        { source: 'A', target: 'Z', size: 2, composition: null },
        { source: 'C', target: 'C', size: 2, composition: null },
        { source: 'B', target: 'A', size: 0, composition: null },
        { source: 'B', target: 'A', size: -1 },
        { source: 'Ünï', target: 'E', size: 7.125 },
        { source: null, target: 'E', size: 1, composition: { Q: 1 } },
        { source: '\u0000\u0000AVAX', target: 'q"uote', size: 3 },
      ],
    )
    expect(same(text)).toBe(true)
    // with whitespace and members in another order
    const spaced = text.replace(/,/g, ', ').replace(/:/g, ': ').replace(/\{/g, '{ \n')
    expect(same(spaced)).toBe(true)
    const reordered = week(
      [
        { composition: { X: 1 }, size: 2, id: 'A' },
        { size: 3, id: 'B' },
      ],
      [{ size: 1, composition: null, target: 'B', source: 'A' }],
    )
    expect(same(reordered)).toBe(true)
    expect(same('{"nodes":[],"links":[]}')).toBe(true)
  })

  it('gives up wherever the general reader decides something else', () => {
    const give = (text: string, strict = false) =>
      expect(fastWeek(Buffer.from(text), WEEK, strict)).toBeNull()
    const n = [
      { id: 'A', size: 1 },
      { id: 'B', size: 2 },
    ]
    give(
      week(n, [
        { source: 'A', target: 'B', size: 1 },
        { source: 'A', target: 'B', size: 2 },
      ]),
    ) // merged
    give(week([...n, { id: 'A', size: 3 }], [])) // duplicate id: an error
    give(week([{ id: 7, size: 1 }], [])) // numeric id
    give(week([{ id: null, size: 1 }], [])) // null id: dropped and counted by position
    give('{"nodes":[{"id":"A\\x","size":1}],"links":[]}') // a bad escape: an error
    give(week([{ id: '', size: 1 }], [])) // an error
    give(week([{ id: 'A', size: 1, extra: true }], [])) // unknown member
    give(week([{ id: 'A', size: '1' }], [])) // an error
    give(week([{ id: 'A', size: 1, composition: { X: 'a' } }], [])) // an error
    give(week([{ id: 'A' }], [])) // an error
    give(week(n, [{ source: 'A', target: 'Z', size: 1 }]), true) // strict: an error
    give(week(n, [{ source: 'A', size: 1 }])) // an error
    give('{"links":[],"nodes":[]}')
    give('{"nodes":[{"id":"A","size":1e400}],"links":[]}') // not finite: an error
    give('{"nodes":[{"id":"A","size":01}],"links":[]}') // not JSON
    give('{"nodes":[{"id":"A","size":1,}],"links":[]}') // not JSON
    give('{"nodes":[{"id":"A","size":1}],"links":[]} x')
    give(week([{ id: 'x'.repeat(513), size: 1 }], [])) // too long: an error
    const bad = Buffer.from('{"nodes":[{"id":"A\xff","size":1}],"links":[]}', 'latin1')
    expect(fastWeek(bad, WEEK)).toBeNull() // not UTF-8: an error with its offset
  })

  it('reads numbers in every JSON form to the same double as JSON.parse', () => {
    const rng = new Rng(11)
    const forms = [
      () => String(rng.next() * 10 ** Math.floor(rng.next() * 30 - 10)),
      () => (rng.next() * 1e6).toFixed(Math.floor(rng.next() * 12)),
      () => String(Math.floor(rng.next() * 2 ** 53)),
      () =>
        `${Math.floor(rng.next() * 1e9)}.${String(Math.floor(rng.next() * 1e12)).padStart(12, '0')}`,
      () => `${(rng.next() * 10).toFixed(3)}e${Math.floor(rng.next() * 40 - 20)}`,
      () =>
        `${'9'.repeat(1 + Math.floor(rng.next() * 25))}.${'3'.repeat(1 + Math.floor(rng.next() * 25))}`,
      () => `0.${'0'.repeat(Math.floor(rng.next() * 20))}${Math.floor(rng.next() * 1e6)}`,
      () => '-0',
      () => '0',
      () => `-${(rng.next() * 100).toFixed(2)}`,
    ]
    const num = () => forms[Math.floor(rng.next() * forms.length)]()
    let ran = 0
    for (let t = 0; t < 40; t++) {
      const nodes: string[] = []
      for (let i = 0; i < 60; i++) {
        const comp = Array.from(
          { length: Math.floor(rng.next() * 4) },
          (_, k) => `"t${k}":${num()}`,
        )
        nodes.push(`{"id":"n${i}","size":${num()},"composition":{${comp.join(',')}}}`)
      }
      const links: string[] = []
      for (let j = 0; j < 200; j++) {
        const s = Math.floor(rng.next() * 62)
        const d = Math.floor(rng.next() * 62)
        links.push(
          `{"source":"n${s}","target":"n${d}","size":${num()},"composition":{"t":${num()}}}`,
        )
      }
      // a repeated pair makes the week one for the general reader: keep the first of each pair
      const seen = new Set<string>()
      const unique = links.filter((l) => {
        const key = l.slice(0, l.indexOf('"size"'))
        return !seen.has(key) && seen.add(key) !== undefined
      })
      if (same(`{"nodes":[${nodes}],"links":[${unique}]}`)) ran++
    }
    expect(ran).toBe(40)
  })
})
