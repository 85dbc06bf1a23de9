// The export mark at the end of the workbench's DeXposure JSON (import/exported-marker.ts): read
// from the file's tail, it labels the import SYNTHETIC only when the workbench wrote it and said so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportedSynthetic } from '../../../src/engine/import/exported-marker'

const dir = mkdtempSync(join(tmpdir(), 'dx-exported-mark-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function file(text: string): string {
  const f = join(dir, `f${n++}.json`)
  writeFileSync(f, text)
  return f
}

const week = '"2022-05-09": {"nodes": [{"id": "a", "size": 1, "composition": null}], "links": []}'
const mark = (m: Record<string, unknown>) =>
  `{"data": {\n${week}\n}, "exported": ${JSON.stringify(m)}}\n`

describe('exportedSynthetic', () => {
  it('is true for the workbench’s mark of synthetic weeks, whatever the description holds', async () => {
    const m = { by: 'DeXposure Workbench', description: 'x "exported": {} }', synthetic: true }
    expect(await exportedSynthetic(file(mark(m)))).toBe(true)
    // a long description (a filtered view's words) still fits the tail read
    const long = { ...m, description: 'é'.repeat(4000) }
    expect(await exportedSynthetic(file(mark(long)))).toBe(true)
  })

  it('is false without the mark, for observed weeks, and for a mark someone else wrote', async () => {
    expect(await exportedSynthetic(file(`{"data": {\n${week}\n}}\n`))).toBe(false)
    expect(
      await exportedSynthetic(file(mark({ by: 'DeXposure Workbench', synthetic: false }))),
    ).toBe(false)
    expect(await exportedSynthetic(file(mark({ by: 'someone', synthetic: true })))).toBe(false)
    expect(await exportedSynthetic(file(mark({ by: 'DeXposure Workbench' })))).toBe(false)
    // "exported" inside the last week's data, not a top-level mark
    const inside = `{"data": {"2022-05-09": {"nodes": [], "links": [], "exported": {"by": "DeXposure Workbench", "synthetic": true}}}}`
    expect(await exportedSynthetic(file(inside))).toBe(false)
    // a cut file
    expect(
      await exportedSynthetic(
        file(mark({ by: 'DeXposure Workbench', synthetic: true }).slice(0, -8)),
      ),
    ).toBe(false)
    expect(await exportedSynthetic(file(''))).toBe(false)
  })

  it('reads only the file’s last 64 KiB, and only a mark that ends the file', async () => {
    const m = { by: 'DeXposure Workbench', synthetic: true }
    // the whole mark within the tail read, then one that starts before it
    expect(await exportedSynthetic(file(mark({ ...m, description: 'x'.repeat(60 * 1024) })))).toBe(
      true,
    )
    expect(await exportedSynthetic(file(mark({ ...m, description: 'x'.repeat(70 * 1024) })))).toBe(
      false,
    )
    // another top-level key after the mark: not the workbench's layout
    const after = `{"data": {\n${week}\n}, "exported": ${JSON.stringify(m)}, "more": 1}\n`
    expect(await exportedSynthetic(file(after))).toBe(false)
  })
})
