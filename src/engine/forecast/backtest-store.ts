// Backtests kept in the archive (backtest_runs, migration 7) so the workbench's backtest view
// reopens without recomputing: the whole report as `dexposure backtest --json` gives it, plus the
// PR curves and reliability bins (at most 1000 points and 15 bins per scorer). A backtest spans many
// weeks, so it records the archive's import id and reads back as stale after a later import.
import type { CallResponse } from '../../shared/api'
import { DexposureError } from '../../shared/errors'
import { encodePacked } from '../../shared/packed'
import { currentImportId } from '../layout/universe'
import type { Archive } from '../store/archive'
import { anchorWeeks, runBacktest, type BacktestOptions, type BacktestResult } from './backtest'
import { ForecastModel, modelDirFor } from './model'
import { defaultTestFrom } from './split'

/** The reference's hold-out (reference-spec §4.2): 2025 is never trained on in the paper. */
export const PAPER_HOLDOUT = '2025-01-06'

/** Default first anchor without a model: the paper's hold-out where the archive reaches it (so
 * baselines stay comparable with the published figures), else the default split's test weeks, so
 * an archive that ends earlier still gets a backtest. */
export function baselineFrom(archive: Archive, horizon: number): string | undefined {
  const weeks = archive.listWeeks().map((w) => w.week)
  if (anchorWeeks(weeks, horizon, PAPER_HOLDOUT).length > 0) return PAPER_HOLDOUT
  return defaultTestFrom(weeks) // undefined on a tiny archive: every week (no model to leak into)
}

export interface BacktestMeta {
  model: ForecastModel | null
  params: Record<string, unknown>
  durationMs: number
}

export function saveBacktest(archive: Archive, r: BacktestResult, meta: BacktestMeta): number {
  if (archive.readonly)
    throw new DexposureError('ARCHIVE', 'archive is open read-only; backtests cannot be stored', {
      file: archive.file,
    })
  const m = meta.model
  const document = {
    ...r,
    model_dir: m?.dir ?? null,
    provider: m?.provider ?? null,
    fallbacks: m?.fallbacks ?? [],
    training_window: m?.manifest.training_window ?? null,
    synthetic: archive.hasSynthetic(),
  }
  return archive.write(() => {
    const info = archive.db
      .prepare(
        `INSERT INTO backtest_runs (horizon, model, model_dir, model_sha256, provider, first_week,
           last_week, anchors, params, import_id, created, duration_ms, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.horizon,
        m?.manifest.name ?? null,
        m?.dir ?? null,
        m?.manifest.graphs.pair_head.sha256 ?? null,
        m?.provider ?? null,
        r.weeks[0],
        r.weeks[r.weeks.length - 1],
        r.weeks.length,
        JSON.stringify(meta.params),
        currentImportId(archive),
        new Date().toISOString(),
        meta.durationMs,
        // NaN (undefined metrics) is written as null, as in --json
        JSON.stringify(document),
      )
    return Number(info.lastInsertRowid)
  })
}

export interface BacktestJobOptions extends Omit<BacktestOptions, 'model'> {
  /** A model directory; null: baselines only; undefined: the archive's or shipped default. */
  modelDir?: string | null
  provider?: string
}

/** `backtest.run`: the CLI's backtest (same defaults), stored; returns the stored run id. */
export async function backtestAndStore(archive: Archive, o: BacktestJobOptions): Promise<number> {
  const t0 = performance.now()
  const dir = o.modelDir === null ? null : (o.modelDir ?? modelDirFor(o.horizon, archive.file))
  const model = dir ? await ForecastModel.load(dir, { provider: o.provider }) : null
  try {
    const r = await runBacktest(archive, {
      ...o,
      model: model ?? undefined,
      from: o.from ?? (model ? undefined : baselineFrom(archive, o.horizon)),
    })
    return saveBacktest(archive, r, {
      model,
      durationMs: performance.now() - t0,
      params: {
        from: o.from ?? null,
        to: o.to ?? null,
        negRatio: o.negRatio ?? 5,
        seed: o.seed ?? 42,
        realistic: o.realistic ?? 'auto',
      },
    })
  } finally {
    await model?.release()
  }
}

interface Row {
  run_id: number
  horizon: number
  model: string | null
  model_dir: string | null
  provider: string | null
  first_week: string
  last_week: string
  anchors: number
  params: string
  import_id: number
  created: string
  duration_ms: number
  result: string
}

const summary = (r: Row, importId: number) => ({
  runId: r.run_id,
  horizon: r.horizon,
  model: r.model,
  modelDir: r.model_dir,
  provider: r.provider,
  firstWeek: r.first_week,
  lastWeek: r.last_week,
  anchors: r.anchors,
  created: r.created,
  durationMs: r.duration_ms,
  stale: r.import_id < importId,
})

export function listBacktests(
  archive: Archive,
  horizon: number | undefined,
  limit = 100,
): CallResponse<'backtest.list'> {
  const rows = archive.db
    .prepare(
      `SELECT * FROM backtest_runs WHERE (? IS NULL OR horizon = ?) ORDER BY run_id DESC LIMIT ?`,
    )
    .all(horizon ?? null, horizon ?? null, limit) as Row[]
  const importId = currentImportId(archive)
  return rows.map((r) => summary(r, importId))
}

type Stored = Omit<BacktestResult, 'curves'> & {
  curves: Record<string, { reliability: Record<string, number | null>[]; pr: [number, number][] }>
  synthetic: boolean
}

/** A stored backtest by id, or the latest for a horizon; null when there is none. */
export function readBacktest(
  archive: Archive,
  q: { runId?: number; horizon?: number },
): CallResponse<'backtest.result'> {
  const row = (
    q.runId !== undefined
      ? archive.db.prepare('SELECT * FROM backtest_runs WHERE run_id = ?').get(q.runId)
      : archive.db
          .prepare('SELECT * FROM backtest_runs WHERE horizon = ? ORDER BY run_id DESC LIMIT 1')
          .get(q.horizon)
  ) as Row | undefined
  if (!row) return null
  const d = JSON.parse(row.result) as Stored
  const cr = d.candidate_recall
  return {
    ...summary(row, currentImportId(archive)),
    params: JSON.parse(row.params) as Record<string, unknown>,
    weeks: d.weeks,
    paper: {
      ...d.protocols.paper,
      persistence: d.protocols.paper.persistence!,
      edgebank: d.protocols.paper.edgebank!,
    },
    realistic: {
      ...d.protocols.realistic,
      persistence: d.protocols.realistic.persistence!,
      edgebank: d.protocols.realistic.edgebank!,
    },
    edgebankWindows: d.edgebank_windows,
    historicalNegatives: Object.fromEntries(
      Object.entries(d.historical_negatives).map(([k, v]) => [
        k,
        { count: v.count, meanScore: v.mean_score },
      ]),
    ),
    candidateRecall: {
      generator: cr.generator,
      target: cr.target,
      mean: cr.mean,
      min: cr.min,
      newEdgeMean: cr.new_edge_mean,
    },
    pairs: {
      paper: d.pairs.paper,
      paperPositives: d.pairs.paper_positives,
      realistic: d.pairs.realistic,
      realisticPositives: d.pairs.realistic_positives,
    },
    negRatio: d.neg_ratio,
    curves: Object.fromEntries(
      Object.entries(d.curves).map(([k, c]) => [
        k,
        {
          prRecall: encodePacked(Float64Array.from(c.pr, (p) => p[0])),
          prPrecision: encodePacked(Float64Array.from(c.pr, (p) => p[1])),
          reliability: c.reliability.map((b) => ({
            lo: b.lo ?? 0,
            hi: b.hi ?? 0,
            count: b.count ?? 0,
            meanPredicted: b.meanPredicted ?? null,
            observedRate: b.observedRate ?? null,
          })),
        },
      ]),
    ),
    synthetic: d.synthetic,
  }
}
