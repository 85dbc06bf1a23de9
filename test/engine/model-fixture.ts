// Another forecast model for the tests of the model choice: the shipped graphs of a horizon copied
// under another manifest name. A stored run records the model's name and pair-head sha256, so the
// copy's runs are another model's runs, computed by real ONNX sessions like the shipped model's.
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultModelDir } from '../../src/engine/forecast/model'

/** Copies the shipped model of `horizon` into `dir` under the manifest name `name`; its folder. */
export function renamedModelCopy(dir: string, name: string, horizon = 1): string {
  const target = join(dir, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-h${horizon}`)
  cpSync(defaultModelDir(horizon)!, target, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(target, 'model.json'), 'utf8')) as object
  writeFileSync(join(target, 'model.json'), JSON.stringify({ ...manifest, name }))
  return target
}
