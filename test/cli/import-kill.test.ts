// Story: an analyst's import is killed (power cut, OOM killer, kill -9) halfway through a large
// file. The archive must still pass integrity_check and hold only whole weeks; the next import
// finishes the job.
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addWeeks } from '../../src/shared/dates'
import { runCli, runCliJson, spawnCli } from './run-cli'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dx-kill-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A DeXposure JSON file of `weeks` weeks, large enough that importing it takes seconds. */
async function writeBigFile(file: string, firstWeek: string, weeks: number, nodes: number) {
  const out = createWriteStream(file)
  const write = (s: string) =>
    new Promise<void>((res) => (out.write(s) ? res() : out.once('drain', () => res())))
  await write('{"data":{')
  for (let w = 0; w < weeks; w++) {
    const week = addWeeks(firstWeek, w)
    const parts: string[] = []
    for (let i = 0; i < nodes; i++) {
      const comp: Record<string, number> = {}
      for (let k = 0; k < 12; k++)
        comp[`TOKEN${(i * 7 + k) % 500}`] = ((i + 1) * (k + 3) * 1.37) % 1e6
      parts.push(JSON.stringify({ id: String(i), size: (i + 1) * 1000.5 + w, composition: comp }))
    }
    const links: string[] = []
    for (let i = 0; i < nodes * 4; i++) {
      const s = i % nodes
      const t = (i * 31 + w + 1) % nodes
      if (s === t) continue
      links.push(
        JSON.stringify({
          source: String(s),
          target: String(t),
          size: 10 + i,
          composition: { [`TOKEN${t % 500}`]: 10 + i },
        }),
      )
    }
    await write(
      `${w ? ',' : ''}"${week}":{"nodes":[${parts.join(',')}],"links":[${links.join(',')}]}`,
    )
  }
  await write('}}')
  await new Promise<void>((res) => out.end(res))
}

function weekIntegrity(file: string) {
  const db = new Database(file, { readonly: true })
  try {
    const integrity = db.pragma('integrity_check', { simple: true })
    const weeks = db
      .prepare(
        `SELECT w.week, w.n_nodes, w.n_edges,
           (SELECT count(*) FROM nodes n WHERE n.week = w.week) AS node_rows,
           (SELECT count(*) FROM edges e WHERE e.week = w.week) AS edge_rows,
           (SELECT count(*) FROM week_frames f WHERE f.week = w.week) AS frames
         FROM weeks w ORDER BY w.week`,
      )
      .all() as {
      week: string
      n_nodes: number
      n_edges: number
      node_rows: number
      edge_rows: number
      frames: number
    }[]
    const orphanNodes = (
      db
        .prepare('SELECT count(*) c FROM nodes WHERE week NOT IN (SELECT week FROM weeks)')
        .get() as { c: number }
    ).c
    return { integrity, weeks, orphanNodes }
  } finally {
    db.close()
  }
}

it('a SIGKILL midway through an import leaves only whole weeks and a sound file', async () => {
  const archive = join(dir, 'kill.sqlite')
  const small = join(dir, 'small.json')
  const big = join(dir, 'big.json')
  await writeBigFile(small, '2021-01-04', 3, 50)
  await writeBigFile(big, '2022-01-03', 40, 3000)
  expect(runCli(['--archive', archive, 'import', small]).code).toBe(0)

  const child = spawnCli(['--archive', archive, 'import', big])
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
  const wal = `${archive}-wal`
  const deadline = Date.now() + 60_000
  let killedMidway = false
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    // Uncommitted pages of the import's transaction have spilled into the WAL: we are midway.
    if (existsSync(wal) && statSync(wal).size > 8 * 1024 * 1024) {
      child.kill('SIGKILL')
      killedMidway = true
      break
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  await exited
  expect(killedMidway, `import finished before it could be killed: ${stderr}`).toBe(true)

  const after = weekIntegrity(archive)
  expect(after.integrity).toBe('ok')
  expect(after.orphanNodes).toBe(0)
  expect(after.weeks.map((w) => w.week)).toEqual(['2021-01-04', '2021-01-11', '2021-01-18'])
  for (const w of after.weeks) {
    expect(w.node_rows).toBe(w.n_nodes)
    expect(w.edge_rows).toBe(w.n_edges)
    expect(w.frames).toBe(1)
  }

  // The next run imports everything.
  const r = runCliJson<{ weeksInserted: string[] }>(['--archive', archive, 'import', big])
  expect(r.weeksInserted.length).toBe(40)
  const done = weekIntegrity(archive)
  expect(done.integrity).toBe('ok')
  expect(done.weeks.length).toBe(43)
})
