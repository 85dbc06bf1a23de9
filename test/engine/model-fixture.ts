// Another forecast model for the tests of the model choice: the shipped graphs of a horizon copied
// under another manifest name. A stored run records the model's name and pair-head sha256, so the
// copy's runs are another model's runs, computed by real ONNX sessions like the shipped model's;
// and the archive, engine and server those tests share.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fillArchiveWithDemo } from '../../src/engine/demo'
import { defaultModelDir } from '../../src/engine/forecast/model'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import { UserStore } from '../../src/engine/store/user-store'
import { startServer, type RunningServer } from '../../src/server'

/** Copies the shipped model of `horizon` into `dir` under the manifest name `name`; its folder. */
export function renamedModelCopy(dir: string, name: string, horizon = 1): string {
  const target = join(dir, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}-h${horizon}`)
  cpSync(defaultModelDir(horizon)!, target, { recursive: true })
  const manifest = JSON.parse(readFileSync(join(target, 'model.json'), 'utf8')) as object
  writeFileSync(join(target, 'model.json'), JSON.stringify({ ...manifest, name }))
  return target
}

/** A demo archive (small, seed 42) with a renamed copy of the shipped 1-week model beside it, the
 * engine service over it and the loopback server the renderer calls. */
export interface ModelChoiceArchive {
  dir: string
  archive: Archive
  service: EngineService
  server: RunningServer
  /** The renamed copy's folder. */
  chosenDir: string
  /** POSTs `body` to the server's `/api/NAME` as the renderer does: its status and JSON body. */
  post(name: string, body: unknown): Promise<{ status: number; body: unknown }>
  close(): Promise<void>
}

export async function modelChoiceArchive(
  prefix: string,
  chosenName: string,
): Promise<ModelChoiceArchive> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const file = join(dir, 'a.sqlite')
  const archive = Archive.open(file)
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 42 })
  const service = new EngineService(archive)
  const server = await startServer({
    archivePath: file,
    userStore: new UserStore(join(dir, 'user', 'user.json')),
  })
  return {
    dir,
    archive,
    service,
    server,
    chosenDir: renamedModelCopy(dir, chosenName),
    async post(name, body) {
      const res = await fetch(`${new URL(server.url).origin}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body: JSON.stringify(body),
      })
      return { status: res.status, body: (await res.json()) as unknown }
    },
    async close() {
      await server.close()
      service.close()
      archive.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
