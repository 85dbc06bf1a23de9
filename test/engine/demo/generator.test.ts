// The demo generator at small scale: shape, calibration to the real aggregates and reference facts,
// crisis shocks, and the token → issuer model behind every edge.
import { beforeAll, describe, expect, it } from 'vitest'
import { normalizeWeek } from '../../../src/engine/import/normalize'
import { generateDemo } from '../../../src/engine/demo'
import {
  CRISES,
  REFERENCE_TARGETS,
  SECTOR_EXPOSURE_SHARES,
  TERRA_PROTOCOL_IDS,
  TERRA_TOKEN_IDS,
  TOKEN_NODE_SHARE,
} from '../../../src/engine/demo/calibration'
import { countTargets, demoWeekIds, realCounts } from '../../../src/engine/demo/curves'
import type { RawWeek } from '../../../src/engine/demo/generator'
import { loadRealMetadata } from '../../../src/engine/demo/real-metadata'
import { DemoStatsCollector, median, mean, type WeekStats } from '../../../src/engine/demo/stats'
import { compositionObject, type WeekInput } from '../../../src/shared/domain'
import { weekProblem } from '../../../src/shared/dates'

const meta = loadRealMetadata()
let raw: RawWeek[]
let weeks: WeekInput[]
let stats: WeekStats[]
let sectorShares: number[]

beforeAll(() => {
  const demo = generateDemo({ scale: 'small', seed: 42 })
  raw = [...demo.rawWeeks()]
  const collector = new DemoStatsCollector(meta)
  weeks = raw.map((w) => {
    const { input, counts } = normalizeWeek(w.week, w.nodes, w.links, { file: 'demo' })
    collector.add(input, counts, w.links.length)
    return input
  })
  stats = collector.weeks
  sectorShares = collector.sectorShares()
})

const byWeek = (w: string) => stats.find((s) => s.week === w)!
const from2021 = () => stats.filter((s) => s.week >= '2021-06-01')

describe('demo generator, small scale', () => {
  it('has every Monday 2020-03-23 … 2025-08-18, 283 weeks', () => {
    expect(raw.map((w) => w.week)).toEqual(demoWeekIds())
    expect(raw.length).toBe(283)
    expect(raw[0].week).toBe('2020-03-23')
    expect(raw.at(-1)!.week).toBe('2025-08-18')
    for (const w of raw) expect(weekProblem(w.week)).toBeNull()
  })

  it('follows the node-count curve and keeps the real links per node', () => {
    for (let t = 0; t < raw.length; t++) {
      const target = countTargets(t, 'small')
      expect(weeks[t].nodes.length).toBe(target.nodes)
      // Links are drawn, so they scatter around the target.
      if (target.links >= 200)
        expect(Math.abs(weeks[t].edges.length / target.links - 1)).toBeLessThan(0.15)
    }
    const maxNodes = Math.max(...stats.map((s) => s.nodes))
    expect(maxNodes).toBeGreaterThan(300)
    expect(maxNodes).toBeLessThan(500)
    // links per node of the generated weeks vs the real curve, 2022 onwards
    const ratios = stats
      .map((s, t) => ({ s, real: realCounts(t) }))
      .filter(({ s }) => s.week >= '2022-01-01')
      .map(({ s, real }) => s.edges / s.nodes / (real.links / real.nodes))
    expect(Math.abs(median(ratios) - 1)).toBeLessThan(0.05)
  })

  it('has unique node ids and only real ids or token symbols', () => {
    const protocolIds = new Set(meta.meta.map((m) => m.id))
    for (const id of meta.info.keys()) protocolIds.add(id)
    const tokenNodes = new Set(
      meta.tokens.filter((t) => t.group === 'PRIMARY' && t.issuer === t.token).map((t) => t.token),
    )
    let tokenNodeWeeks = 0
    let nodeWeeks = 0
    for (const w of weeks) {
      const ids = w.nodes.map((n) => n.id)
      expect(new Set(ids).size).toBe(ids.length)
      for (const id of ids) {
        expect(protocolIds.has(id) || tokenNodes.has(id), id).toBe(true)
        if (!protocolIds.has(id)) tokenNodeWeeks++
        nodeWeeks++
      }
    }
    expect(Math.abs(tokenNodeWeeks / nodeWeeks - TOKEN_NODE_SHARE)).toBeLessThan(0.08)
  })

  it('builds every edge holder → issuer from the real token map', () => {
    const issuerOf = new Map(
      meta.tokens
        .filter((t) => t.group === 'MAP' || t.group === 'PRIMARY')
        .map((t) => [t.token, t.issuer]),
    )
    let checked = 0
    for (const w of weeks.filter((_, t) => t % 20 === 0))
      for (const e of w.edges) {
        checked++
        expect(e.source).not.toBe(e.target)
        const tokens = Object.keys(compositionObject(e.composition!))
        expect(tokens.length).toBeGreaterThan(0)
        for (const tok of tokens)
          expect(issuerOf.get(tok), `${tok} in ${e.source}→${e.target}`).toBe(e.target)
      }
    expect(checked).toBeGreaterThan(1000)
  })

  it('gives node compositions whose values add up to the node size', () => {
    let checked = 0
    for (const w of weeks.filter((_, t) => t % 25 === 0))
      for (const n of w.nodes) {
        checked++
        const comp = compositionObject(n.composition!)
        const values = Object.values(comp)
        expect(values.length).toBeGreaterThan(0)
        const sum = values.reduce((a, b) => a + b, 0)
        expect(Math.abs(sum - n.size)).toBeLessThanOrEqual(0.01 * values.length + 1e-6 * n.size)
      }
    expect(checked).toBeGreaterThan(1000)
  })

  it('has weekly flows spanning orders of magnitude, all positive', () => {
    const w = weeks.at(-1)!
    const logs = w.edges.map((e) => Math.log10(e.weight)).sort((a, b) => a - b)
    expect(logs[0]).toBeGreaterThanOrEqual(-2)
    const p01 = logs[Math.floor(0.01 * logs.length)]
    const p99 = logs[Math.floor(0.99 * logs.length)]
    expect(p99 - p01).toBeGreaterThan(3.5)
  })

  it('matches the reference churn: ≈ 53 % of next week’s edges existed this week', () => {
    const p = median(from2021().map((s) => s.persistence))
    expect(p).toBeGreaterThan(REFERENCE_TARGETS.edgePersistence - 0.08)
    expect(p).toBeLessThan(REFERENCE_TARGETS.edgePersistence + 0.08)
  })

  it('keeps ≈ 98.5 % of nodes week to week', () => {
    const o = mean(stats.map((s) => s.nodeOverlap))
    expect(Math.abs(o - REFERENCE_TARGETS.nodeOverlap)).toBeLessThan(0.01)
  })

  it('has heavy-tailed TVL: top-10 share ≈ 0.63', () => {
    const share = median(from2021().map((s) => s.top10TvlShare))
    expect(Math.abs(share - REFERENCE_TARGETS.top10TvlShare)).toBeLessThan(0.1)
  })

  it('puts the real total exposure on the crisis weeks: Terra and FTX spike then crash', () => {
    for (const c of CRISES)
      for (const [week, usd] of Object.entries(c.exposure))
        expect(byWeek(week).totalExposure / usd).toBeCloseTo(1, 2)
    const terra = byWeek('2022-05-09').totalExposure
    expect(terra).toBeGreaterThan(2.5 * byWeek('2022-05-02').totalExposure)
    expect(terra).toBeGreaterThan(3 * byWeek('2022-05-16').totalExposure)
    const ftx = byWeek('2022-11-07').totalExposure
    expect(ftx).toBeGreaterThan(2.5 * byWeek('2022-10-31').totalExposure)
    expect(ftx).toBeGreaterThan(2.5 * byWeek('2022-11-14').totalExposure)
  })

  it('collapses the Terra ecosystem: present before May 2022, gone three months later', () => {
    const terra = new Set([...TERRA_PROTOCOL_IDS, ...TERRA_TOKEN_IDS])
    const count = (week: string) =>
      weeks.find((w) => w.week === week)!.nodes.filter((n) => terra.has(n.id)).length
    const share = (week: string) => {
      const w = weeks.find((x) => x.week === week)!
      const total = w.nodes.reduce((a, n) => a + n.size, 0)
      return w.nodes.filter((n) => terra.has(n.id)).reduce((a, n) => a + n.size, 0) / total
    }
    expect(count('2022-05-02')).toBeGreaterThan(0)
    expect(share('2022-05-16')).toBeLessThan(share('2022-05-02') / 5)
    expect(count('2022-08-15')).toBe(0)
    expect(
      weeks
        .filter((w) => w.week > '2022-08-01')
        .every((w) => w.nodes.every((n) => !terra.has(n.id))),
    ).toBe(true)
  })

  it('approaches the real sector-to-sector exposure structure', () => {
    // Primary Market Tokens never hold other token nodes (the real cell is exactly 0).
    expect(sectorShares[5 * 7 + 5]).toBe(0)
    // total variation distance to the calibrated real full-sample shares
    const real = SECTOR_EXPOSURE_SHARES.flat()
    const tvd = real.reduce((a, v, c) => a + Math.abs(v - sectorShares[c]), 0) / 2
    expect(tvd).toBeLessThan(0.2)
    // the largest real flows are the largest generated ones too: holders → token nodes
    const pmtColumn = (shares: number[]) =>
      [0, 1, 2, 3, 4, 6].reduce((a, r) => a + shares[r * 7 + 5], 0)
    expect(Math.abs(pmtColumn(sectorShares) - pmtColumn(real))).toBeLessThan(0.08)
  })

  it('exercises the importer drop rules with null targets and missing endpoints', () => {
    const nulls = mean(stats.map((s) => s.nullTargetShare))
    const missing = mean(stats.map((s) => s.missingEndpointShare))
    expect(nulls).toBeGreaterThan(0.005)
    expect(nulls).toBeLessThan(0.05)
    expect(missing).toBeGreaterThan(0.002)
    expect(missing).toBeLessThan(0.06)
  })
})
