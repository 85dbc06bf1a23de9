// `max_edge_weight`, the week's largest single exposure (issue 11 §1 "largest exposure"): measured
// with its holder and issuer, stored on its network_stats row (schema 8), equal to a plain SQL max
// over the archive's edges, and added by the `stats` job to runs stored before it existed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillArchiveWithDemo } from '../../../src/engine/demo'
import { statsSeries, weekStats } from '../../../src/engine/risk'
import {
  fillStats,
  statsSeriesView,
  weeksToFill,
  weeksWithIncompleteStats,
  weekStatsView,
} from '../../../src/engine/risk/views'
import { Archive } from '../../../src/engine/store/archive'
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/engine/store/migrations'
import { decodeFloat64 } from '../../../src/shared/packed'
import { buildRiskGraph } from '../../../src/shared/risk/graph'
import { computeNetworkStats } from '../../../src/shared/risk/stats'

const dir = mkdtempSync(join(tmpdir(), 'dx-max-edge-'))
const file = join(dir, 'a.sqlite')
let archive: Archive

beforeAll(async () => {
  archive = Archive.open(file)
  await fillArchiveWithDemo(archive, { scale: 'small', seed: 7 })
}, 120_000)
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The largest edge of a week by plain SQL over the `edges` view (first of equal ones by idx). */
function sqlMax(db: Database.Database, week: string) {
  return db
    .prepare(
      `SELECT source, target, weight FROM edges WHERE week = ? AND weight > 0
       ORDER BY weight DESC, idx ASC LIMIT 1`,
    )
    .get(week) as { source: string; target: string; weight: number } | undefined
}

const weeks = () => archive.listWeeks().map((w) => w.week)

describe('max_edge_weight', () => {
  it('is the largest positive edge with its ends; null without edges', () => {
    const g = buildRiskGraph({
      nodeIds: ['a', 'b', 'c'],
      sizes: [10, 20, 30],
      categories: ['x', 'x', 'y'],
      sectors: ['s', 's', 't'],
      edgeSrc: [0, 1, 2, 0],
      edgeDst: [1, 2, 0, 2],
      // the 0-weight edge is dropped; equal maxima: the first in edge order
      edgeWeight: [5, 0, 9, 9],
    })
    const s = computeNetworkStats(g)
    expect(s.values.max_edge_weight).toBe(9)
    expect(s.largestEdge).toEqual({ source: 'c', target: 'a', weight: 9 })
    const empty = computeNetworkStats(
      buildRiskGraph({
        nodeIds: ['a', 'b'],
        sizes: [1, 2],
        categories: ['x', 'x'],
        sectors: ['s', 's'],
        edgeSrc: [],
        edgeDst: [],
        edgeWeight: [],
      }),
    )
    expect(empty.values.max_edge_weight).toBeNull()
    expect(empty.largestEdge).toBeNull()
  })

  it('`stats --week` (weekStats) equals a plain SQL max over the edges table, every week', () => {
    expect(archive.schemaVersion()).toBe(SCHEMA_VERSION)
    for (const week of weeks()) {
      const r = weekStats(archive, week)
      const sql = sqlMax(archive.db, week)!
      expect(r.values.max_edge_weight, week).toBe(sql.weight)
      expect(r.largestEdge, week).toEqual(sql)
      // stored on its row with the edge's ends
      const row = archive.db
        .prepare(
          `SELECT value, source, target FROM network_stats WHERE run_id = ? AND metric = 'max_edge_weight'`,
        )
        .get(r.runId) as { value: number; source: string; target: string }
      expect(row).toEqual({ value: sql.weight, source: sql.source, target: sql.target })
    }
  })

  it('week.stats reads the stored edge, with names, and the previous week’s value', () => {
    const [w0, w1] = weeks().slice(-2)
    const v = weekStatsView(archive, w1)
    const sql = sqlMax(archive.db, w1)!
    expect(v.values.max_edge_weight).toBe(sql.weight)
    expect(v.largestExposure).toMatchObject(sql)
    expect(v.previousLargestExposure).toBe(sqlMax(archive.db, w0)!.weight)
    expect(v.deltas!.delta_max_edge_weight).toBe(sql.weight - sqlMax(archive.db, w0)!.weight)
  })

  it('runs stored before the statistic are completed by the stats job, and only then', async () => {
    // every week has a complete run now
    statsSeries(archive)
    expect(weeksToFill(archive)).toEqual([])
    // runs as an archive stored them before schema 8: no max_edge_weight row
    const all = weeks()
    const old = [all[0], all[3], all.at(-1)!]
    archive.db
      .prepare(
        `DELETE FROM network_stats WHERE metric = 'max_edge_weight' AND run_id IN (
           SELECT run_id FROM risk_runs WHERE kind = 'stats' AND graph = 'observed'
             AND week IN (SELECT value FROM json_each(?)))`,
      )
      .run(JSON.stringify(old))
    expect(weeksWithIncompleteStats(archive)).toEqual(old)
    expect(weeksToFill(archive)).toEqual(old)
    const before = statsSeriesView(archive, ['max_edge_weight'])
    expect(before.missing).toBe(old.length)
    const series0 = decodeFloat64(before.metrics.max_edge_weight)
    for (const w of old) expect(series0[all.indexOf(w)]).toBeNaN()

    const seen: string[] = []
    const r = await fillStats(archive, { onProgress: (_d, _t, w) => seen.push(w) })
    expect(r.computed).toBe(old.length)
    expect(seen).toEqual(old)
    expect(weeksToFill(archive)).toEqual([])
    const after = statsSeriesView(archive, ['max_edge_weight'])
    expect(after.missing).toBe(0)
    const series = decodeFloat64(after.metrics.max_edge_weight)
    all.forEach((w, i) => expect(series[i], w).toBe(sqlMax(archive.db, w)!.weight))
  })

  it('a read-only archive from before schema 8: the value reads null, the edge is measured', () => {
    const f2 = join(dir, 'old.sqlite')
    archive.db.prepare('VACUUM INTO ?').run(f2)
    const db = new Database(f2)
    db.exec(`DELETE FROM network_stats WHERE metric = 'max_edge_weight';
      ALTER TABLE network_stats DROP COLUMN source; ALTER TABLE network_stats DROP COLUMN target;
      PRAGMA user_version = 7;`)
    db.close()
    const week = weeks().at(-1)!
    const ro = Archive.open(f2, { readonly: true })
    try {
      // nothing the stats job could complete in a file it cannot write
      expect(weeksToFill(ro)).toEqual([])
      const v = weekStatsView(ro, week)
      expect(v.values.max_edge_weight).toBeNull()
      expect(v.largestExposure).toMatchObject(sqlMax(ro.db, week)!)
    } finally {
      ro.close()
    }
  })

  it('migration 8 adds the columns to a schema-7 archive and keeps its rows', () => {
    const f3 = join(dir, 'v7.sqlite')
    const db = new Database(f3)
    for (const m of MIGRATIONS.filter((x) => x.version <= 7)) db.exec(m.sql)
    db.pragma('user_version = 7')
    // a stats row alone (its week's rows are beside the point)
    db.pragma('foreign_keys = OFF')
    db.exec(`INSERT INTO risk_runs (run_id, week, target_week, kind, graph, created_at, duration_ms)
               VALUES (1, '2025-01-06', '2025-01-06', 'stats', 'observed', 'now', 1);
             INSERT INTO network_stats (run_id, metric, value) VALUES (1, 'n_edges', 3);`)
    db.close()
    const a = Archive.open(f3)
    try {
      expect(a.schemaVersion()).toBe(SCHEMA_VERSION)
      const cols = (
        a.db.prepare('PRAGMA table_info(network_stats)').all() as { name: string }[]
      ).map((c) => c.name)
      expect(cols).toEqual(['run_id', 'metric', 'value', 'source', 'target'])
      expect(a.db.prepare('SELECT * FROM network_stats').all()).toEqual([
        { run_id: 1, metric: 'n_edges', value: 3, source: null, target: null },
      ])
    } finally {
      a.close()
    }
  })
})
