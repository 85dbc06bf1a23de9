// The whole model manifest is validated before anything reads a graph (issue 14 §6.3): hostile
// edits of the shipped h1 manifest (test/fixtures/hostile/manifests.json) each give a MODEL error
// naming the field; every file stays inside the model folder; a missing folder is NOT_FOUND.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ForecastModel, readManifest } from '../../../src/engine/forecast/model'
import { DexposureError } from '../../../src/shared/errors'

const MODEL = 'resources/models/h1'
const CASES = join(__dirname, '../../fixtures/hostile/manifests.json')
const dir = mkdtempSync(join(tmpdir(), 'dx-manifest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Case {
  name: string
  set?: Record<string, unknown>
  delete?: string[]
  replace?: unknown
  error: string
  field: string
}

/** The parent object and last key of a dotted path (numbers index arrays). */
function at(root: unknown, path: string): [Record<string, unknown>, string] {
  const keys = path.split('.')
  let o = root as Record<string, unknown>
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>
  return [o, keys[keys.length - 1]]
}

function modelWith(name: string, edit: (m: Record<string, unknown>) => unknown): string {
  const d = join(dir, name.replace(/\W+/g, '-'))
  mkdirSync(d, { recursive: true })
  const m = JSON.parse(readFileSync(join(MODEL, 'model.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(join(d, 'model.json'), JSON.stringify(edit(m) ?? m))
  return d
}

function errorOf(f: () => unknown): DexposureError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(DexposureError)
    return e as DexposureError
  }
  throw new Error('expected an error')
}

describe('model manifest validation', () => {
  const cases = (JSON.parse(readFileSync(CASES, 'utf8')) as { cases: Case[] }).cases

  it('has hostile cases to run', () => expect(cases.length).toBeGreaterThanOrEqual(15))

  it.each(cases.map((c) => [c.name, c] as const))('refuses: %s', (_name, c) => {
    const d = modelWith(c.name, (m) => {
      if (c.replace !== undefined) return c.replace
      for (const [path, v] of Object.entries(c.set ?? {})) {
        const [o, k] = at(m, path)
        o[k] = v
      }
      for (const path of c.delete ?? []) {
        const [o, k] = at(m, path)
        delete o[k]
      }
      return m
    })
    const e = errorOf(() => readManifest(d))
    expect(e.code).toBe('MODEL')
    expect(e.message).toMatch(new RegExp(c.error))
    expect(e.location.field).toBe(c.field)
  })

  it('accepts the shipped manifests', () => {
    for (const h of [1, 4, 8, 12]) expect(readManifest(`resources/models/h${h}`).horizon).toBe(h)
  })

  it('refuses a graph file that is a symbolic link out of the folder, and follows one inside', async () => {
    const outside = join(dir, 'outside.onnx')
    writeFileSync(outside, 'not a model')
    const d = join(dir, 'linked')
    cpSync(MODEL, d, { recursive: true })
    rmSync(join(d, 'encoder.onnx'))
    symlinkSync(outside, join(d, 'encoder.onnx'))
    const e = errorOf(() => readManifest(d))
    expect(e.code).toBe('MODEL')
    expect(e.message).toMatch(
      /graphs\.encoder\.file "encoder\.onnx" is a symbolic link that leads out/,
    )
    await expect(ForecastModel.load(d)).rejects.toThrow(/symbolic link that leads out/)

    // A link that stays inside the folder is fine: the model loads and checks out.
    const inside = join(dir, 'linked-inside')
    cpSync(MODEL, inside, { recursive: true })
    mkdirSync(join(inside, 'graphs'))
    cpSync(join(MODEL, 'encoder.onnx'), join(inside, 'graphs', 'encoder.onnx'))
    rmSync(join(inside, 'encoder.onnx'))
    symlinkSync(join(inside, 'graphs', 'encoder.onnx'), join(inside, 'encoder.onnx'))
    const model = await ForecastModel.load(inside, { provider: 'cpu' })
    expect(model.manifest.horizon).toBe(1)
    await model.release()
  })

  it('says a missing model folder is not found (exit 5), not a bad model', async () => {
    const missing = join(dir, 'no-such-model')
    await expect(ForecastModel.load(missing)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `model folder ${missing} does not exist`,
    })
    const empty = join(dir, 'empty-folder')
    mkdirSync(empty)
    expect(errorOf(() => readManifest(empty))).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/holds no model\.json/),
    })
  })
})
