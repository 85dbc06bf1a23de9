// writeDemoJson: the DeXposure JSON format, streamed; byte-identical for a seed; cancellable.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo, writeDemoJson } from '../../../src/engine/demo'
import { weekJson } from '../../../src/engine/demo/json-writer'
import { DexposureError } from '../../../src/shared/errors'

interface FileNode {
  id: string
  size: number
  composition: Record<string, number>
}
interface FileLink {
  source: string
  target: string | null
  size: number
  composition: Record<string, number>
}
interface DemoFile {
  data: Record<string, { nodes: FileNode[]; links: FileLink[] }>
}

const dir = mkdtempSync(join(tmpdir(), 'dx-demo-json-'))
const out = join(dir, 'demo.json')
let written: { bytes: number; weeks: number }
let text: string
let file: DemoFile
const progress: [number, number][] = []

beforeAll(async () => {
  written = await writeDemoJson({
    scale: 'small',
    seed: 42,
    out,
    onProgress: (d, t) => progress.push([d, t]),
  })
  text = readFileSync(out, 'utf8')
  file = JSON.parse(text) as DemoFile
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeDemoJson', () => {
  it('writes {"data": {week: {nodes, links}}} for all 283 weeks, as reported', () => {
    expect(written.weeks).toBe(283)
    expect(written.bytes).toBe(Buffer.byteLength(text))
    expect(text.startsWith('{"data":{"2020-03-23":{"nodes":[')).toBe(true)
    const demo = generateDemo({ scale: 'small', seed: 42 })
    expect(Object.keys(file.data)).toEqual(demo.weekIds)
    expect(progress.at(-1)).toEqual([283, 283])
    expect(readdirSync(dir)).toEqual(['demo.json']) // no .partial left behind

    const week = file.data['2023-06-05']
    expect(week.nodes.length).toBeGreaterThan(0)
    expect(week.links.length).toBeGreaterThan(0)
    for (const n of week.nodes) {
      expect(Object.keys(n)).toEqual(['id', 'size', 'composition'])
      expect(typeof n.id).toBe('string')
      expect(n.size).toBeGreaterThan(0)
      expect(Object.keys(n.composition).length).toBeGreaterThan(0)
    }
    for (const l of week.links) {
      expect(Object.keys(l)).toEqual(['source', 'target', 'size', 'composition'])
      expect(l.size).toBeGreaterThan(0)
    }
  })

  it('holds the raw links the importer must drop: null targets and missing endpoints', () => {
    let nulls = 0
    let missing = 0
    let links = 0
    for (const w of Object.values(file.data)) {
      const ids = new Set(w.nodes.map((n) => n.id))
      for (const l of w.links) {
        links++
        if (l.target === null) nulls++
        else if (!ids.has(l.target) || !ids.has(l.source)) missing++
      }
    }
    expect(nulls / links).toBeGreaterThan(0.005)
    expect(missing / links).toBeGreaterThan(0.002)
  })

  it('holds the raw weeks of generateDemo, verbatim, in order', () => {
    // The first 80 weeks (the generator is sequential; later weeks cost more time than they prove).
    let expected = '{"data":{'
    let k = 0
    for (const w of generateDemo({ scale: 'small', seed: 42 }).rawWeeks()) {
      expected += (k ? ',' : '') + weekJson(w)
      if (++k === 80) break
    }
    expect(text.slice(0, expected.length)).toBe(expected)
    expect(text.charAt(expected.length)).toBe(',')
  })

  it('is byte-identical for the same seed (with or without progress) and differs for another', async () => {
    const again = join(dir, 'again.json')
    await writeDemoJson({ scale: 'small', seed: 42, out: again })
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')
    expect(sha(again)).toBe(sha(out))
    rmSync(again)
    const head = (seed: number) => {
      let s = ''
      let k = 0
      for (const w of generateDemo({ scale: 'small', seed }).rawWeeks()) {
        s += weekJson(w)
        if (++k === 60) break
      }
      return s
    }
    expect(head(43)).not.toBe(head(42))
  })

  it('stops on an aborted signal with CANCELLED and leaves no file', async () => {
    const target = join(dir, 'cancelled.json')
    const ctrl = new AbortController()
    const err = await writeDemoJson({
      scale: 'small',
      seed: 1,
      out: target,
      signal: ctrl.signal,
      onProgress: (done) => done === 10 && ctrl.abort(),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DexposureError)
    expect((err as DexposureError).code).toBe('CANCELLED')
    expect(existsSync(target)).toBe(false)
    expect(existsSync(`${target}.partial`)).toBe(false)
  })

  it('refuses bad options with USAGE', async () => {
    await expect(
      writeDemoJson({ scale: 'huge' as 'small', seed: 1, out: join(dir, 'x.json') }),
    ).rejects.toMatchObject({ code: 'USAGE', location: { field: 'scale' } })
    await expect(
      writeDemoJson({ scale: 'small', seed: -1, out: join(dir, 'x.json') }),
    ).rejects.toMatchObject({ code: 'USAGE', location: { field: 'seed' } })
  })
})
