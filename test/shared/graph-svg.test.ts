// The SVG writer of the graph export: a well-formed document (read back by Python's XML parser, an
// independent reader) with one circle per node, escaped labels and the legend.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { sceneToSvg, type SvgScene } from '../../src/shared/graph-svg'

const scene: SvgScene = {
  width: 400,
  height: 300,
  background: '#ffffff',
  text: '#111111',
  muted: '#666666',
  title: 'Week of 2024-01-01 <demo> & "test"',
  subtitle: '3 nodes · 2 edges',
  legend: [
    { label: 'Lending', color: '#4e79a7', count: 2 },
    { label: 'CEX & "Exchanges"', color: '#f28e2b', count: 1 },
  ],
  nodes: [
    { id: 'A', x: 10, y: 20, r: 4, color: '#4e79a7', label: 'Aave <v3>' },
    { id: 'B', x: 100, y: 120, r: 6.25, color: '#f28e2b' },
    { id: "C'\u0001", x: 300, y: 200, r: 0, color: 'rgb(1, 2, 3)', label: 'C\u0002urve' },
  ],
  edges: [
    { x1: 10, y1: 20, x2: 100, y2: 120, width: 1.5, color: 'rgba(10, 20, 30, 0.5)', opacity: 0.4 },
    { x1: 100, y1: 120, x2: 300, y2: 200, width: 0.3, color: '#999', opacity: 1, dashed: true },
  ],
}

function parseWithPython(svg: string): { circles: number; lines: number; texts: string[] } {
  const py = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
ns = '{http://www.w3.org/2000/svg}'
print(json.dumps({'circles': len(root.findall(f'.//{ns}g[@class="nodes"]/{ns}circle')),
                  'lines': len(root.findall(f'.//{ns}line')),
                  'texts': [t.text for t in root.iter(f'{ns}text')]}))`
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: svg, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`python could not parse the SVG: ${r.stderr}`)
  return JSON.parse(r.stdout) as { circles: number; lines: number; texts: string[] }
}

describe('sceneToSvg', () => {
  it('writes a well-formed SVG with one circle per node, the edges, labels and legend', () => {
    const svg = sceneToSvg(scene)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    const parsed = parseWithPython(svg)
    expect(parsed.circles).toBe(3)
    expect(parsed.lines).toBe(2)
    expect(parsed.texts).toContain('Week of 2024-01-01 <demo> & "test"')
    expect(parsed.texts).toContain('Aave <v3>')
    expect(parsed.texts).toContain('Curve') // the control character is dropped
    expect(parsed.texts).toContain('CEX & "Exchanges" (1)')
    expect(svg).toContain('stroke-dasharray="4 3"')
    expect(svg).toContain('r="0.5"') // a zero radius is still drawn
  })

  it('keeps the legend inside a narrow image (a split view): fewer columns, more rows', () => {
    const legend = Array.from({ length: 6 }, (_, i) => ({
      label: `category ${i}`,
      color: '#4e79a7',
      count: i,
    }))
    const svg = sceneToSvg({ ...scene, width: 400, legend })
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="5"/g)].map((m) =>
      Number(m[1]),
    )
    expect(xs).toHaveLength(6)
    // 16 px margin + column start + the label's room (160 px per column) fit in 400 px
    for (const x of xs) expect(16 + x - 5 + 160).toBeLessThanOrEqual(400)
    expect(new Set(xs).size).toBe(2)
  })

  it('puts each label on its side: beside the node (right, left) or centred over or under it', () => {
    const at = { x: 200, y: 100, r: 5, color: '#000' }
    const svg = sceneToSvg({
      ...scene,
      nodes: [
        { ...at, id: 'R', label: 'R' },
        { ...at, id: 'L', label: 'L', labelSide: 'left' },
        { ...at, id: 'A', label: 'A', labelSide: 'above' },
        { ...at, id: 'B', label: 'B', labelSide: 'below' },
      ],
    })
    const text = (l: string) => new RegExp(`<text ([^>]*)>${l}</text>`).exec(svg)![1]
    expect(text('R')).toBe('x="208" y="104"')
    expect(text('L')).toBe('x="192" y="104" text-anchor="end"')
    expect(text('A')).toBe('x="200" y="92" text-anchor="middle"')
    expect(text('B')).toBe('x="200" y="117" text-anchor="middle"')
    expect(parseWithPython(svg).texts).toEqual(expect.arrayContaining(['R', 'L', 'A', 'B']))
  })

  it('writes a valid document for an empty scene', () => {
    const parsed = parseWithPython(sceneToSvg({ ...scene, nodes: [], edges: [], legend: [] }))
    expect(parsed.circles).toBe(0)
    expect(parsed.lines).toBe(0)
  })
})
