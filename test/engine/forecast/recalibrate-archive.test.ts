// Recalibration on a demo archive (issue 14 §2): it reads no week after t (changing every later
// week changes nothing, changing an earlier one does), a backtest applies at an anchor exactly what
// a forecast from that anchor applies, and the forecast's fresh pairs sum to the level it reports.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { runBacktest } from '../../../src/engine/forecast/backtest'
import { ForecastModel } from '../../../src/engine/forecast/model'
import { runForecast, type ForecastRunResult } from '../../../src/engine/forecast/run'
import { Archive } from '../../../src/engine/store/archive'
import { withDemoArchive } from '../../cli/run-cli'

const WEEK = '2025-06-02'
const H = 4

let dir = ''
let file = ''
withDemoArchive('dx-recal-archive-', (d, a) => ((dir = d), (file = a)))

/** A copy of the archive whose week frames after (or at) some weeks are replaced by another
 * week's: every read of those weeks (frames, edges, the pair-memory walk) sees other data. */
function copyWithFrames(name: string, weeks: (w: string) => boolean): string {
  const out = join(dir, name)
  const src = new Database(file, { readonly: true })
  src.exec(`VACUUM INTO '${out}'`)
  src.close()
  const db = new Database(out)
  const all = (db.prepare('SELECT week FROM weeks ORDER BY week').all() as { week: string }[]).map(
    (r) => r.week,
  )
  const put = db.prepare(
    `UPDATE week_frames SET (node_ids, sizes, features, edge_src, edge_dst, edge_weight) =
       (SELECT node_ids, sizes, features, edge_src, edge_dst, edge_weight FROM week_frames WHERE week = ?)
     WHERE week = ?`,
  )
  // the frame of a week of 2021: other nodes, edges and sizes
  for (const w of all.filter(weeks)) put.run(all[40], w)
  db.close()
  return out
}

async function forecastOn(path: string): Promise<ForecastRunResult> {
  const a = Archive.open(path)
  try {
    return await runForecast(a, { week: WEEK, horizon: H, top: 30, provider: 'cpu' })
  } finally {
    a.close()
  }
}

describe('recalibration on the archive', () => {
  let base: ForecastRunResult
  beforeAll(async () => {
    base = await forecastOn(file)
  })

  it('applies a shift and a node factor, and Σ p over the fresh pairs meets the anchors’ level', () => {
    const c = base.calibration
    expect(c.status).toBe('applied')
    expect(c.anchors).toHaveLength(4)
    for (const a of c.anchors) expect(a.target <= WEEK).toBe(true)
    const mean = c.anchors.reduce((s, a) => s + a.new_relationships, 0) / c.anchors.length
    // N̂: the anchors' mean times the trend of new relationships up to t (h = 4 here: 16 weekly
    // windows inside the anchors' windows, 4 recent ones)
    expect(c.trend!.mean).toBe(mean)
    expect(c.trend).toMatchObject({ recent_windows: 4, anchor_windows: 16 })
    expect(c.trend!.factor).toBe(c.trend!.recent_rate! / c.trend!.anchor_rate!)
    expect(c.fresh!.target).toBe(mean * c.trend!.factor)
    expect(Math.abs(c.fresh!.expected - c.fresh!.target) / c.fresh!.target).toBeLessThan(1e-6)
    // pairs with history meet the edges seen on such pairs, and the two levels make Σ p
    const known = c.anchors.reduce((s, a) => s + a.known_relationships, 0) / c.anchors.length
    expect(c.known!.target).toBe(known)
    expect(Math.abs(c.known!.expected - known) / known).toBeLessThan(1e-6)
    expect(base.expected_edges).toBeCloseTo(c.known!.expected + c.fresh!.expected, 6)
    expect(c.node!.alpha).toBeGreaterThanOrEqual(0)
    expect(c.node!.alpha).toBeLessThanOrEqual(1)
    expect(c.node!.mae).toBeLessThanOrEqual(c.node!.mae_persistence)
  })

  it('reads no week after t: replacing every later week changes nothing', async () => {
    const later = await forecastOn(copyWithFrames('later.sqlite', (w) => w > WEEK))
    expect(later.calibration).toEqual(base.calibration)
    expect(later.expected_edges).toBe(base.expected_edges)
    expect(later.top).toEqual(base.top)
  })

  it('but replacing a week the anchors learn from changes the calibration', async () => {
    const target = base.calibration.anchors[1].target
    const earlier = await forecastOn(copyWithFrames('earlier.sqlite', (w) => w === target))
    expect(earlier.calibration).not.toEqual(base.calibration)
  })

  it('turned off, the forecast is the model as trained', async () => {
    const a = Archive.open(file)
    try {
      const off = await runForecast(a, {
        week: WEEK,
        horizon: H,
        top: 30,
        provider: 'cpu',
        recalibrate: false,
      })
      expect(off.calibration.status).toBe('off')
      // pairs with history (here: edges at t) move by δₖ in logit
      const shift = base.calibration.known!.shift
      const logit = (p: number) => Math.log(p / (1 - p))
      const raw = new Map(off.top.map((e) => [`${e.source}>${e.target}`, e.probability]))
      let compared = 0
      for (const e of base.top) {
        const p = raw.get(`${e.source}>${e.target}`)
        if (p === undefined || !e.exists_at_t) continue
        expect(e.probability).toBeCloseTo(1 / (1 + Math.exp(-(logit(p) + shift))), 10)
        compared++
      }
      expect(compared).toBeGreaterThan(0)
      const c = base.calibration
      expect(off.expected_edges).toBeCloseTo(c.known!.expected_raw + c.fresh!.expected_raw, 6)
      // the stored run keeps what was applied
      const row = a.db
        .prepare('SELECT calibration FROM forecast_runs WHERE run_id = ?')
        .get(off.run_id) as { calibration: string }
      expect(JSON.parse(row.calibration)).toEqual(off.calibration)
    } finally {
      a.close()
    }
  })

  it('a backtest at anchor t applies what the forecast from t applied', async () => {
    const a = Archive.open(file, { readonly: true })
    const model = await ForecastModel.load(`resources/models/h${H}`, { provider: 'cpu' })
    try {
      const r = await runBacktest(a, { horizon: H, model, from: WEEK, to: WEEK })
      expect(r.realistic_weeks).toHaveLength(1)
      const w = r.realistic_weeks[0]
      const c = w.calibration!
      const f = base.calibration
      expect(c.status).toBe('applied')
      expect(c.anchors).toEqual(f.anchors)
      expect(c.node).toEqual(f.node)
      expect(c.fresh!.target).toBe(f.fresh!.target)
      expect(c.fresh!.shift).toBeCloseTo(f.fresh!.shift, 5)
      expect(c.fresh!.expected_raw).toBeCloseTo(f.fresh!.expected_raw, 6)
      expect(c.known!.target).toBe(f.known!.target)
      expect(c.known!.shift).toBeCloseTo(f.known!.shift, 5)
      expect(c.known!.expected_raw).toBeCloseTo(f.known!.expected_raw, 6)
      expect(w.fresh_expected).toBe(c.fresh!.expected)
      expect(w.fresh_ratio).toBeCloseTo(w.fresh_expected! / w.fresh_appeared, 12)
      expect(r.fresh_pairs).toMatchObject({
        expected: w.fresh_expected,
        appeared: w.fresh_appeared,
        recalibrated: true,
      })
    } finally {
      await model.release()
      a.close()
    }
  })
})
