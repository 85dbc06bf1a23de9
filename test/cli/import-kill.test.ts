// Story: an analyst's import is killed (power cut, OOM killer, kill -9) at any point of a large
// file. The archive must still pass integrity_check and hold exactly the weeks it held before; the
// next import starts over and finishes the job.
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

type KillPoint = { percent: number } | 'commit'

/**
 * Runs `import big` and SIGKILLs it at a point: once its progress line reports `percent` % of the
 * file's bytes imported (lines every 20 ms: DEXPOSURE_PROGRESS_MS), or during the commit — the WAL
 * stays empty until COMMIT (the import's page cache holds the transaction), so a WAL past 4 MB
 * means the commit is writing. Returns where it was when killed.
 */
async function importUntil(archive: string, big: string, point: KillPoint) {
  const child = spawnCli(['--archive', archive, 'import', big], { DEXPOSURE_PROGRESS_MS: '20' })
  let stderr = ''
  let reported = -1
  let killed = false
  const kill = () => {
    if (!killed) child.kill('SIGKILL')
    killed = true
  }
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    for (const m of d.toString().matchAll(/ (\d+)\/100 % \|/g)) reported = Number(m[1])
    if (point !== 'commit' && reported >= point.percent) kill()
  })
  const exited = new Promise<void>((res) => child.on('exit', () => res()))
  const wal = `${archive}-wal`
  let walAtKill = 0
  while (child.exitCode === null && child.signalCode === null && !killed) {
    if (point === 'commit' && existsSync(wal) && statSync(wal).size > 4 * 1024 * 1024) {
      walAtKill = statSync(wal).size
      kill()
    }
    await new Promise((r) => setTimeout(r, 5))
  }
  await exited
  return { killed, reported, walAtKill, stderr }
}

it('a SIGKILL at 10 %, 50 %, 90 % of the file or during the commit leaves the archive as it was', async () => {
  const archive = join(dir, 'kill.sqlite')
  const small = join(dir, 'small.json')
  const big = join(dir, 'big.json')
  await writeBigFile(small, '2021-01-04', 3, 50)
  // 24 weeks of 3,000 nodes: 46 MB, ~5 s to import, a commit of ~38 MB
  await writeBigFile(big, '2022-01-03', 24, 3000)
  expect(runCli(['--archive', archive, 'import', small]).code).toBe(0)
  const before = weekIntegrity(archive)
  expect(before.weeks.map((w) => w.week)).toEqual(['2021-01-04', '2021-01-11', '2021-01-18'])

  // Each import after a kill is also the re-import that shows the killed one left nothing in the
  // way (a lock, a half-written week): it must get past the point the last one died at.
  for (const point of [{ percent: 10 }, { percent: 50 }, { percent: 90 }, 'commit'] as const) {
    const at = point === 'commit' ? 'during the commit' : `at ${point.percent} %`
    const r = await importUntil(archive, big, point)
    expect(r.killed, `the import ended before it could be killed ${at}: ${r.stderr}`).toBe(true)
    if (point === 'commit') expect(r.walAtKill).toBeGreaterThan(4 * 1024 * 1024)
    else {
      expect(r.reported).toBeGreaterThanOrEqual(point.percent)
      expect(r.reported, 'killed before the last week was written').toBeLessThan(100)
    }
    const after = weekIntegrity(archive)
    expect(after.integrity, at).toBe('ok')
    expect(after.orphanNodes, at).toBe(0)
    expect(after.weeks, at).toEqual(before.weeks)
  }

  // The next run imports everything.
  const r = runCliJson<{ weeksInserted: string[] }>(['--archive', archive, 'import', big])
  expect(r.weeksInserted.length).toBe(24)
  const done = weekIntegrity(archive)
  expect(done.integrity).toBe('ok')
  expect(done.orphanNodes).toBe(0)
  expect(done.weeks.length).toBe(27)
  for (const w of done.weeks) {
    expect(w.node_rows).toBe(w.n_nodes)
    expect(w.edge_rows).toBe(w.n_edges)
    expect(w.frames).toBe(1)
  }
}, 300_000)
