// The streamed GEXF and GraphML writers on ids and names no ordinary week has — XML's special
// characters, quotes, a control character, an emoji — read back by graphology's maintained
// parsers with the same ids, attributes and weights (a control character, which XML 1.0 cannot
// hold, becomes U+FFFD).
import Graph from 'graphology'
import { parse as parseGexf } from 'graphology-gexf'
import { parse as parseGraphml } from 'graphology-graphml'
import { describe, expect, it } from 'vitest'
import { staticGexf } from '../../../src/engine/export/gexf'
import { graphml } from '../../../src/engine/export/graphml'
import type { ExportSource, GraphSlice } from '../../../src/engine/export/source'
import { xmlAttr, xmlSafe } from '../../../src/engine/export/xml'

const ids = ['a&b', '<tag>', 'say "hi"', "it's", 'bell\u0007', '🚀 moon']
const slice: GraphSlice = {
  week: '2025-08-18',
  nodeIds: ids,
  names: ['A & B', null, 'Quote "Q"', null, null, 'Rocket'],
  sizes: Float64Array.from([1.5, 2e21, 0, 3, 4, 5.25]),
  categories: ['Dexes', 'Unknown', 'CDP', 'Unknown', 'Unknown', 'Lending'],
  sectors: ['Trading & Exchanges', 'Unknown', 'Lending', 'Unknown', 'Unknown', 'Lending'],
  kinds: ['protocol', 'token', 'protocol', 'token', 'token', 'protocol'],
  sis: Float64Array.from([0.5, NaN, 0.25, NaN, NaN, 0.125]),
  edgeSrc: Int32Array.from([0, 1, 5]),
  edgeDst: Int32Array.from([1, 2, 4]),
  edgeWeight: Float64Array.from([10, 0.1 + 0.2, 1e-7]),
  probability: null,
  nodePos: null,
  edgePos: null,
}
const source = {
  kind: 'week',
  weeks: ['2025-08-18'],
  synthetic: true,
  description: 'test <week> & more',
  forecastRun: null,
  warnings: [],
  slice: () => slice,
} as ExportSource

const text = (write: (out: (s: string) => void) => unknown): string => {
  let t = ''
  write((s) => (t += s))
  return t
}

describe('streamed XML writers', () => {
  it('escape what XML needs and replace what it cannot hold', () => {
    expect(xmlAttr('a&b<"c">\n')).toBe('a&amp;b&lt;&quot;c&quot;&gt;&#xA;')
    expect(xmlSafe('x\u0000y\ud800z')).toBe('x\ufffdy\ufffdz')
    expect(xmlSafe('🚀')).toBe('🚀')
  })

  it('write a GEXF that graphology-gexf reads back with the same items and values', () => {
    const g = parseGexf(
      Graph,
      text((out) => staticGexf(source, slice, out)),
    )
    expect(g.nodes()).toEqual(ids.map(xmlSafe))
    expect(g.getNodeAttributes('a&b')).toMatchObject({
      label: 'A & B',
      tvl: 1.5,
      sector: 'Trading & Exchanges',
      kind: 'protocol',
      sis: 0.5,
    })
    expect(g.getNodeAttributes('<tag>')).toMatchObject({ label: '<tag>', tvl: 2e21 })
    expect(g.getNodeAttribute('<tag>', 'sis')).toBeUndefined()
    expect(g.edges().map((e) => g.getEdgeAttribute(e, 'weight'))).toEqual([10, 0.1 + 0.2, 1e-7])
    expect(g.hasEdge('🚀 moon', 'bell\ufffd')).toBe(true)
  })

  it('write a GraphML that graphology-graphml reads back with the same items and values', () => {
    const g = parseGraphml(
      Graph,
      text((out) => graphml(source, slice, out)),
    )
    expect(g.nodes()).toEqual(ids.map(xmlSafe))
    expect(g.getNodeAttributes('say "hi"')).toMatchObject({
      label: 'Quote "Q"',
      tvl: 0,
      category: 'CDP',
      sis: 0.25,
    })
    expect(g.edges().map((e) => g.getEdgeAttribute(e, 'weight'))).toEqual([10, 0.1 + 0.2, 1e-7])
  })
})
