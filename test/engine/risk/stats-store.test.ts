// A stats run's rows as stored: RiskStore.saveStats writes the SIS of every node and both
// spillover matrices in multi-row batches (full batches of 256, then 16s, then single rows), and
// what it stores is, value for value, what the statistics computed in memory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { weekStats } from '../../../src/engine/risk'
import { measure, observedGraph } from '../../../src/engine/risk/stats-runs'
import type { Archive } from '../../../src/engine/store/archive'
import { buildArchive, syntheticWeek } from './fixture'

const WEEK = '2024-03-04'
// 2 × 256 + 11 × 16 + 5: every batch size of the insert is used
const NODES = 693
let dir: string
let archive: Archive

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dx-stats-store-'))
  archive = await buildArchive(join(dir, 'a.sqlite'), [syntheticWeek(WEEK, 7, NODES, 3000)])
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a stats run in the archive', () => {
  it('holds every node’s SIS and every spillover cell exactly as computed', () => {
    const run = weekStats(archive, WEEK)
    const { graph } = observedGraph(archive, WEEK)
    const stats = measure(graph)
    expect(graph.n).toBe(NODES)

    const stored = archive.db
      .prepare(
        `SELECT node_id, rank, score, pagerank, pagerank_scaled, tail_exposure, log_tvl_scaled
         FROM sis_scores WHERE run_id = ? ORDER BY rank`,
      )
      .all(run.runId) as Record<string, number | string>[]
    const s = stats.sis
    expect(stored).toEqual(
      Array.from(s.order, (i, r) => ({
        node_id: graph.nodeIds[i],
        rank: r + 1,
        score: s.scores[i],
        pagerank: s.pagerank[i],
        pagerank_scaled: s.pagerankScaled[i],
        tail_exposure: s.tail[i],
        log_tvl_scaled: s.logTvlScaled[i],
      })),
    )

    const cells = archive.db
      .prepare(
        `SELECT level, from_sector, to_sector, exposure FROM spillover_cells WHERE run_id = ?
         ORDER BY level, from_sector, to_sector`,
      )
      .all(run.runId)
    const key = (c: { level: string; from_sector: string; to_sector: string }) =>
      `${c.level}\u0000${c.from_sector}\u0000${c.to_sector}`
    const expected = [stats.spillover.category, stats.spillover.sector]
      .flatMap((sp) =>
        sp.cells.map((c) => ({
          level: sp.level,
          from_sector: c.from,
          to_sector: c.to,
          exposure: c.exposure,
        })),
      )
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    expect(expected.length).toBeGreaterThan(16)
    expect(cells).toEqual(expected)
  })

  it('replaces the run’s rows when the same statistics are stored again', () => {
    weekStats(archive, WEEK)
    const again = weekStats(archive, WEEK)
    const one = (sql: string) => archive.db.prepare(sql).pluck().get() as number
    expect(one("SELECT count(*) FROM risk_runs WHERE kind = 'stats'")).toBe(1)
    expect(one('SELECT count(*) FROM sis_scores')).toBe(NODES)
    expect(one('SELECT count(DISTINCT run_id) FROM spillover_cells')).toBe(1)
    expect(one('SELECT min(run_id) FROM sis_scores')).toBe(again.runId)
  })
})
