// The small demo archive (seed 42) for the query console's test files, built once per machine and
// copied into each test's folder: four files each generating it would cost about 25 s apiece on
// the shared 2-core machines. The cache is keyed by the generator and schema versions; a lock
// folder makes concurrent test processes wait for the one that builds it.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fillArchiveWithDemo } from '../../../src/engine/demo'
import { DEMO_GENERATOR_VERSION } from '../../../src/engine/demo/params'
import { Archive } from '../../../src/engine/store/archive'
import { MIGRATIONS } from '../../../src/engine/store/migrations'

const CACHE = join(tmpdir(), `dexposure-test-demo-g${DEMO_GENERATOR_VERSION}-s${MIGRATIONS.length}`)
const FILE = join(CACHE, 'small-42.sqlite')
const LOCK = join(CACHE, 'building.lock')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function built(): Promise<string> {
  mkdirSync(CACHE, { recursive: true })
  for (let waited = 0; !existsSync(FILE); waited += 500) {
    try {
      mkdirSync(LOCK)
    } catch {
      // another test process builds it; a lock older than 3 minutes is a crashed build
      if (Date.now() - statSync(LOCK).mtimeMs > 180_000)
        rmSync(LOCK, { recursive: true, force: true })
      if (waited > 240_000) throw new Error(`the demo archive fixture ${FILE} was never built`)
      await sleep(500)
      continue
    }
    try {
      const tmp = join(CACHE, `build-${process.pid}.sqlite`)
      const a = Archive.open(tmp)
      await fillArchiveWithDemo(a, { scale: 'small', seed: 42 })
      a.db.pragma('wal_checkpoint(TRUNCATE)')
      a.close()
      renameSync(tmp, FILE)
      rmSync(`${tmp}-wal`, { force: true })
      rmSync(`${tmp}-shm`, { force: true })
    } finally {
      rmSync(LOCK, { recursive: true, force: true })
    }
  }
  return FILE
}

/** A fresh copy of the small demo archive at `dir/name`. */
export async function demoArchiveCopy(dir: string, name = 'a.sqlite'): Promise<string> {
  const target = join(dir, name)
  copyFileSync(await built(), target)
  return target
}
