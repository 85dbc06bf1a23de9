// The streaming scanner must find exactly the bytes of every week whatever the read size: strings
// holding braces, brackets, escaped quotes and backslashes, multi-byte characters and escapes that
// straddle a chunk boundary. A >16 MB file imported with an odd chunk size must land exactly as
// with the default chunk size.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile } from '../../../src/engine/import'
import { scanWeeks } from '../../../src/engine/import/json-weeks'
import { Archive } from '../../../src/engine/store/archive'
import { addWeeks } from '../../../src/shared/dates'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-scan-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TRICKY = [
  'br{ace}s',
  'sq[uare]s',
  'q\\"uote\\"',
  'back\\\\slash\\\\',
  '\\\\\\"',
  'é€𝄞',
  '\\u007b\\u005d',
  '}]},',
]

function trickyFile(): string {
  const weeks: string[] = []
  for (let w = 0; w < 4; w++) {
    const nodes = TRICKY.map(
      (s, i) =>
        `{"id": "${s}${w}", "size": ${i + 1}.5, "composition": {"${s}": ${i}, "k\\"${i}": -1e3}}`,
    )
    const links = TRICKY.slice(1).map(
      (s, i) =>
        `{"source": "${TRICKY[i]}${w}", "target": "${s}${w}", "size": 2, "composition": null}`,
    )
    weeks.push(
      `"${addWeeks('2024-01-01', w)}" :\n {"nodes":[${nodes.join(',')}],"links":[${links.join(', ')}], "x": [[{}], "{"]}`,
    )
  }
  return `\uFEFF { "meta": {"note": "skipped }{ value", "n": [1, 2]}, "data": {${weeks.join(' , ')}}, "tail": null }`
}

describe('scanWeeks', () => {
  it('yields the exact bytes of every week for every chunk size from 1 to 97 bytes', async () => {
    const text = trickyFile()
    const file = join(dir, 'tricky.json')
    writeFileSync(file, text)
    const bytes = readFileSync(file)
    const expected = Object.entries(
      (JSON.parse(text.slice(1)) as { data: Record<string, unknown> }).data,
    )
    for (let chunk = 1; chunk <= 97; chunk++) {
      const got: [string, unknown][] = []
      for await (const w of scanWeeks(file, { chunkSize: chunk })) {
        expect(Buffer.compare(w.bytes, bytes.subarray(w.start, w.end))).toBe(0)
        expect(bytes.toString('utf8', w.keyOffset, w.keyOffset + 12)).toBe(`"${w.key}"`)
        got.push([w.key, JSON.parse(w.bytes.toString('utf8'))])
      }
      expect(got, `chunk size ${chunk}`).toEqual(expected)
    }
  })

  it('reports truncation at every cut point inside the data', async () => {
    const text = Buffer.from(trickyFile())
    const start = text.indexOf('"data"')
    for (let cut = start; cut < text.length - 20; cut += 37) {
      const file = join(dir, 'cut.json')
      writeFileSync(file, text.subarray(0, cut))
      let err: unknown
      try {
        for await (const _ of scanWeeks(file, { chunkSize: 64 })) void _
      } catch (e) {
        err = e
      }
      expect((err as Error)?.message, `cut at ${cut}`).toMatch(/ends inside|truncated/)
    }
  })
})

/** A DeXposure file of about `mb` MB whose ids and token keys are full of JSON-hostile characters. */
async function writeLargeFile(file: string, mb: number): Promise<{ weeks: number; nodes: number }> {
  const out = createWriteStream(file)
  const write = (s: string) =>
    new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())))
  await write('{"data": {')
  const nodes = 1500
  let bytes = 0
  let w = 0
  for (; bytes < mb * 1e6; w++) {
    const parts: string[] = []
    for (let i = 0; i < nodes; i++) {
      const id = `${TRICKY[i % TRICKY.length]}#${i}`
      const comp = TRICKY.map((s, k) => `"${s}${(i + k) % 97}": ${(i * 13 + k) * 1.25}`).join(', ')
      parts.push(`{"id": "${id}", "size": ${i * 1000.5 + w}, "composition": {${comp}}}`)
    }
    const links: string[] = []
    for (let i = 0; i < nodes * 3; i++) {
      const s = i % nodes
      const d = (i * 7 + w + 1) % nodes
      links.push(
        `{"source": "${TRICKY[s % TRICKY.length]}#${s}", "target": "${TRICKY[d % TRICKY.length]}#${d}", "size": ${i + 1}, "composition": {"${TRICKY[i % TRICKY.length]}": ${i + 1}}}`,
      )
    }
    const chunk = `${w ? ',\n' : ''}"${addWeeks('2023-01-02', w)}": {"nodes": [${parts.join(',')}], "links": [${links.join(',')}]}`
    bytes += Buffer.byteLength(chunk)
    await write(chunk)
  }
  await write('}}')
  await new Promise<void>((res) => out.end(res))
  return { weeks: w, nodes }
}

describe('large file across chunk boundaries', () => {
  it('imports a >16 MB file identically with an odd 1 MiB+7 chunk and the default chunk', async () => {
    const file = join(dir, 'large.json')
    const { weeks, nodes } = await writeLargeFile(file, 17.2)
    expect(readFileSync(file).length).toBeGreaterThan(16 * 1024 * 1024)
    const a = Archive.open(join(dir, 'a.sqlite'))
    const b = Archive.open(join(dir, 'b.sqlite'))
    try {
      const ra = await importFile(a, file, { chunkSize: 1024 * 1024 + 7 })
      const rb = await importFile(b, file)
      expect(ra.weeksInserted.length).toBe(weeks)
      expect(rb.weeksInserted).toEqual(ra.weeksInserted)
      expect(ra.counts.nodes_kept).toBe(weeks * nodes)
      const hashes = (x: Archive) =>
        x.db.prepare('SELECT week, content_sha256 FROM weeks ORDER BY week').all()
      expect(hashes(a)).toEqual(hashes(b))
      const w = a.loadWeek(ra.weeksInserted[weeks - 1])
      expect(w.nodeIds[2]).toBe('q"uote"#2')
      expect(w.nodeIds[5]).toBe('é€𝄞#5')
      expect(w.nodeIds[6]).toBe('{]#6')
      const comp = a.db
        .prepare('SELECT composition FROM nodes WHERE week = ? AND node_id = ?')
        .get(ra.weeksInserted[0], '}]},#7') as { composition: string }
      expect(Object.keys(JSON.parse(comp.composition))).toEqual(
        expect.arrayContaining(['q"uote"9', 'é€𝄞12', '}]},14', 'back\\slash\\10']),
      )
    } finally {
      a.close()
      b.close()
    }
  })
})
