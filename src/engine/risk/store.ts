// Risk results in the archive (migration 2; every table and column is documented in docs/risk.md).
// A run is one computation on one graph; re-running the same computation with the same parameters
// replaces the earlier run, so the tables hold the latest result of each distinct question.
import type Database from 'better-sqlite3'
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import type { ContagionResult } from '../../shared/risk/contagion/types'
import type { ScenarioRun } from '../../shared/risk/contagion/run'
import type { RiskGraph } from '../../shared/risk/graph'
import type { Alert } from '../../shared/risk/monitor'
import type { SisResult } from '../../shared/risk/sis'
import type { Spillover } from '../../shared/risk/spillover'
import { STAT_KEYS, type LargestEdge, type NetworkStats } from '../../shared/risk/stats'
import type { Archive } from '../store/archive'
import { BatchInsert, type RowShape } from '../store/row-insert'

export type RunKind = 'stats' | 'contagion' | 'compare' | 'alerts'
export type GraphKind = 'observed' | 'forecast' | 'realised'

export interface RunKey {
  week: WeekId
  targetWeek: WeekId
  kind: RunKind
  graph: GraphKind
  horizon: number
  forecastRun: number | null
  params: Record<string, unknown>
}

export interface RunMeta extends RunKey {
  weekSha256: string | null
  warnings: string[]
  durationMs: number
}

/** Canonical JSON (sorted keys) so equal parameters compare equal as text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  )
}

const finiteOrNull = (x: number | null): number | null =>
  x === null || !Number.isFinite(x) ? null : x

/**
 * A stats run's SIS rows as the import writes its bulk tables (store/row-insert.ts): batches of up
 * to 256 rows per statement call, the run id a shared parameter instead of bound row by row.
 */
const SIS_ROWS: RowShape = {
  table: 'sis_scores',
  derived: [['run_id', () => '?1']],
  shared: 1,
  bound: [
    'node_id',
    'rank',
    'score',
    'pagerank',
    'pagerank_scaled',
    'tail_exposure',
    'log_tvl_scaled',
  ],
}

/** A stats run's spillover cells, one level per batch run: the run id and level shared. */
const SPILLOVER_ROWS: RowShape = {
  table: 'spillover_cells',
  derived: [
    ['run_id', () => '?1'],
    ['level', () => '?2'],
  ],
  shared: 2,
  bound: ['from_sector', 'to_sector', 'exposure'],
}

export class RiskStore {
  private readonly db: Database.Database
  /** The SIS batch statements, prepared on the first stats run this store saves. */
  private sisRows: BatchInsert | undefined
  private spilloverRows: BatchInsert | undefined

  constructor(private readonly archive: Archive) {
    this.db = archive.db
    if (archive.schemaVersion() < 2)
      throw new DexposureError(
        'ARCHIVE',
        'this archive predates risk results (schema version < 2); open it once without --readonly to upgrade',
        { file: archive.file },
      )
  }

  weekSha256(week: WeekId): string | null {
    const r = this.db.prepare('SELECT content_sha256 AS h FROM weeks WHERE week = ?').get(week) as
      { h: string } | undefined
    return r?.h ?? null
  }

  /** The latest run answering the same question (same key and parameters), if stored. */
  findRun(key: RunKey): number | null {
    const r = this.db
      .prepare(
        `SELECT run_id FROM risk_runs WHERE week = ? AND target_week = ? AND kind = ? AND graph = ?
         AND horizon = ? AND forecast_run IS ? AND params = ? ORDER BY run_id DESC LIMIT 1`,
      )
      .get(
        key.week,
        key.targetWeek,
        key.kind,
        key.graph,
        key.horizon,
        key.forecastRun,
        canonicalJson(key.params),
      ) as { run_id: number } | undefined
    return r?.run_id ?? null
  }

  /** Inserts a run (replacing any run with the same key) and fills it inside one transaction. */
  private writeRun(meta: RunMeta, fill: (runId: number) => void): number {
    this.assertWritable()
    // archive.write: BEGIN IMMEDIATE, and a CONFLICT when another process holds the lock too long.
    return this.archive.write(() => {
      this.db
        .prepare(
          `DELETE FROM risk_runs WHERE week = ? AND target_week = ? AND kind = ? AND graph = ?
           AND horizon = ? AND forecast_run IS ? AND params = ?`,
        )
        .run(
          meta.week,
          meta.targetWeek,
          meta.kind,
          meta.graph,
          meta.horizon,
          meta.forecastRun,
          canonicalJson(meta.params),
        )
      const info = this.db
        .prepare(
          `INSERT INTO risk_runs (week, target_week, kind, graph, horizon, forecast_run, week_sha256,
             params, warnings, created_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          meta.week,
          meta.targetWeek,
          meta.kind,
          meta.graph,
          meta.horizon,
          meta.forecastRun,
          meta.weekSha256,
          canonicalJson(meta.params),
          JSON.stringify(meta.warnings),
          new Date().toISOString(),
          meta.durationMs,
        )
      const runId = Number(info.lastInsertRowid)
      fill(runId)
      return runId
    })
  }

  private assertWritable(): void {
    if (this.archive.readonly)
      throw new DexposureError(
        'ARCHIVE',
        'archive is open read-only; risk results cannot be stored',
        {
          file: this.archive.file,
        },
      )
  }

  saveStats(
    meta: RunMeta,
    g: RiskGraph,
    values: NetworkStats,
    sis: SisResult,
    spill: Spillover[],
    largest: LargestEdge | null,
  ): number {
    return this.writeRun(meta, (runId) => {
      const stat = this.db.prepare(
        'INSERT INTO network_stats (run_id, metric, value) VALUES (?, ?, ?)',
      )
      for (const k of STAT_KEYS)
        if (k !== 'max_edge_weight') stat.run(runId, k, finiteOrNull(values[k]))
      this.insertLargestEdge(runId, largest)
      // every node of the week (~11k a real-scale week) in multi-row batches, in node id order:
      // sis_scores is a WITHOUT ROWID table keyed (run_id, node_id), so rows in key order append
      // to its B-tree instead of landing on pages all over the run's range (~10 % less CPU)
      const n = sis.order.length
      const rank = new Int32Array(n)
      for (let r = 0; r < n; r++) rank[sis.order[r]] = r + 1
      const ids = g.nodeIds
      const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
        ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0,
      )
      this.sisRows ??= new BatchInsert(this.db, SIS_ROWS)
      this.sisRows.run(
        n,
        (_first, v) => {
          v[1] = runId
        },
        (r, v, o) => {
          const i = order[r]
          v[o] = g.nodeIds[i]
          v[o + 1] = rank[i]
          v[o + 2] = sis.scores[i]
          v[o + 3] = sis.pagerank[i]
          v[o + 4] = sis.pagerankScaled[i]
          v[o + 5] = sis.tail[i]
          v[o + 6] = sis.logTvlScaled[i]
        },
      )
      // the spillover matrices (~1.9k cells a real-scale week at the category level), batched too
      this.spilloverRows ??= new BatchInsert(this.db, SPILLOVER_ROWS)
      for (const sp of spill)
        this.spilloverRows.run(
          sp.cells.length,
          (_first, v) => {
            v[1] = runId
            v[2] = sp.level
          },
          (k, v, o) => {
            const cell = sp.cells[k]
            v[o] = cell.from
            v[o + 1] = cell.to
            v[o + 2] = cell.exposure
          },
        )
    })
  }

  /** Stores `max_edge_weight` of a run with the edge's holder and issuer (schema 8). */
  private insertLargestEdge(runId: number, largest: LargestEdge | null): void {
    this.db
      .prepare(
        `INSERT INTO network_stats (run_id, metric, value, source, target)
         VALUES (?, 'max_edge_weight', ?, ?, ?)`,
      )
      .run(runId, largest?.weight ?? null, largest?.source ?? null, largest?.target ?? null)
  }

  /** Whether a run stored before `max_edge_weight` existed lacks its row. */
  lacksLargestEdge(runId: number): boolean {
    return !this.db
      .prepare(`SELECT 1 FROM network_stats WHERE run_id = ? AND metric = 'max_edge_weight'`)
      .get(runId)
  }

  /** Adds the `max_edge_weight` row to a run stored before it existed. */
  addLargestEdge(runId: number, largest: LargestEdge | null): void {
    this.assertWritable()
    this.archive.write(() => {
      if (this.lacksLargestEdge(runId)) this.insertLargestEdge(runId, largest)
    })
  }

  /**
   * The largest single edge of a stats run (its `max_edge_weight` row with holder and issuer);
   * undefined when the run does not say (stored before it, or a read-only archive that predates
   * schema 8), null when the graph had no edge.
   */
  readLargestEdge(runId: number): LargestEdge | null | undefined {
    if (this.archive.schemaVersion() < 8) return undefined
    const r = this.db
      .prepare(
        `SELECT value, source, target FROM network_stats WHERE run_id = ? AND metric = 'max_edge_weight'`,
      )
      .get(runId) as
      { value: number | null; source: string | null; target: string | null } | undefined
    if (!r) return undefined
    if (r.value === null || r.source === null || r.target === null) return null
    return { source: r.source, target: r.target, weight: r.value }
  }

  readStats(runId: number): NetworkStats {
    const rows = this.db
      .prepare('SELECT metric, value FROM network_stats WHERE run_id = ?')
      .all(runId) as {
      metric: string
      value: number | null
    }[]
    const out = {} as NetworkStats
    for (const k of STAT_KEYS) out[k] = null
    for (const r of rows) if (r.metric in out) out[r.metric as keyof NetworkStats] = r.value
    return out
  }

  saveContagion(
    meta: RunMeta,
    g: RiskGraph,
    runs: ScenarioRun[],
    opts: { nodeLosses: boolean },
  ): number {
    return this.writeRun(meta, (runId) => {
      const ins = this.db.prepare(
        `INSERT INTO contagion_results (run_id, scenario, method, variant, shock_spec, shock_fraction,
           shocked_nodes, total_loss, total_loss_pct, affected_count, distressed_count, default_count,
           rounds, converged, outputs, loss_path, warnings)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      const node = this.db.prepare(
        `INSERT INTO contagion_node_losses (run_id, scenario, method, node_id, loss, relative_loss, distress_round)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      for (const s of runs)
        for (const r of s.results) {
          ins.run(
            runId,
            s.scenario,
            r.method,
            r.variant,
            s.spec,
            r.shockFraction,
            JSON.stringify(r.shocked.map((i) => g.nodeIds[i])),
            r.totalLoss,
            r.totalLossPct,
            r.affectedCount,
            r.distressedCount,
            r.defaultCount,
            r.rounds,
            r.converged ? 1 : 0,
            canonicalJson(r.outputs),
            JSON.stringify(r.path),
            JSON.stringify([...s.warnings, ...r.warnings]),
          )
          if (opts.nodeLosses) writeNodeLosses(node, runId, s.scenario, g, r)
        }
    })
  }

  saveComparison(
    meta: RunMeta,
    rows: {
      item: string
      predictor: 'forecast' | 'persistence'
      predicted: number | null
      actual: number | null
    }[],
  ): number {
    return this.writeRun(meta, (runId) => {
      const ins = this.db.prepare(
        'INSERT INTO risk_comparisons (run_id, item, predictor, predicted, actual, abs_error) VALUES (?, ?, ?, ?, ?, ?)',
      )
      for (const r of rows) {
        const p = finiteOrNull(r.predicted)
        const a = finiteOrNull(r.actual)
        ins.run(runId, r.item, r.predictor, p, a, p === null || a === null ? null : Math.abs(p - a))
      }
    })
  }

  saveAlerts(meta: RunMeta, alerts: Alert[]): number {
    return this.writeRun(meta, (runId) => {
      const ins = this.db.prepare(
        'INSERT INTO alerts (run_id, week, kind, metric, value, mean, std, z, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      for (const a of alerts)
        ins.run(runId, a.week, a.kind, a.metric, a.value, a.mean, a.std, a.z, a.reason)
    })
  }
}

function writeNodeLosses(
  stmt: Database.Statement,
  runId: number,
  scenario: string,
  g: RiskGraph,
  r: ContagionResult,
): void {
  for (let i = 0; i < g.n; i++) {
    if (!(r.nodeLoss[i] > 0) && r.distressRound[i] < 0) continue
    stmt.run(
      runId,
      scenario,
      r.method,
      g.nodeIds[i],
      r.nodeLoss[i],
      g.sizes[i] > 0 ? r.nodeLoss[i] / g.sizes[i] : null,
      r.distressRound[i] >= 0 ? r.distressRound[i] : null,
    )
  }
}
