// Every data-derived constant of src/engine/demo/calibration.ts, re-derived from the real files in
// ../shared/data/real/ (present in CI; not bundled, they carry no licence), and the bundled real
// metadata checked byte for byte against the shared copies.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import * as C from '../../../src/engine/demo/calibration'
import { countKnotWeeks, demoWeekIds } from '../../../src/engine/demo/curves'
import { realResourceDir, REAL_FILES } from '../../../src/engine/demo/real-metadata'
import { prerequisite } from '../../setup/prerequisite'

const REAL = process.env.DEXPOSURE_REAL_DIR ?? resolve(__dirname, '../../../../shared/data/real')
const present = prerequisite(
  existsSync(join(REAL, 'dexposure', 'sector_network_validation.csv')),
  `calibration.test: the real aggregates at ${REAL} (../shared, or set DEXPOSURE_REAL_DIR)`,
)

const csv = (rel: string) =>
  parse(readFileSync(join(REAL, rel)), { columns: true, bom: true }) as Record<string, string>[]
const sig = (v: number, digits = 4) => Number(v.toPrecision(digits))
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

describe.skipIf(!present)('calibration constants match the real aggregates', () => {
  const validation = present ? csv('dexposure/sector_network_validation.csv') : []
  const nodes = validation.map((r) => Number(r.node_count))
  const links = validation.map((r) => Number(r.link_count))
  const exposure = validation.map((r) => Number(r.total_link_exposure))

  it('covers the same 283 Mondays', () => {
    expect(validation.map((r) => r.date)).toEqual(demoWeekIds())
    expect(validation.length).toBe(C.WEEK_COUNT)
    expect(validation[0].date).toBe(C.FIRST_WEEK)
  })

  it('samples node and link counts every COUNT_KNOT_STEP weeks', () => {
    const ks = countKnotWeeks()
    expect(C.NODE_COUNT_KNOTS).toEqual(ks.map((k) => nodes[k]))
    expect(C.LINK_COUNT_KNOTS).toEqual(ks.map((k) => links[k]))
  })

  it('takes the exposure trend as centred 13-week medians, and its noise moments', () => {
    const logs = exposure.map((v) => (v > 0 ? Math.log(v) : NaN))
    const knots = C.EXPOSURE_KNOT_WEEKS.map((k) => {
      const w: number[] = []
      for (let i = Math.max(1, k - 6); i <= Math.min(282, k + 6); i++) w.push(logs[i])
      return median(w)
    })
    expect(C.EXPOSURE_KNOT_WEEKS).toEqual([
      ...Array.from({ length: 22 }, (_, i) => 1 + 13 * i),
      282,
    ])
    expect(C.EXPOSURE_TREND_KNOTS).toEqual(knots.map((v) => sig(Math.exp(v))))
    const trend = (t: number) => {
      const ks = C.EXPOSURE_KNOT_WEEKS
      for (let j = 1; j < ks.length; j++)
        if (t <= ks[j]) {
          const a = (t - ks[j - 1]) / (ks[j] - ks[j - 1])
          return knots[j - 1] * (1 - a) + knots[j] * a
        }
      return knots[knots.length - 1]
    }
    const res: number[] = []
    for (let t = 1; t < 283; t++) res.push(logs[t] - trend(t))
    const m = res.reduce((a, b) => a + b, 0) / res.length
    const sd = Math.sqrt(res.reduce((a, b) => a + (b - m) ** 2, 0) / res.length)
    let num = 0
    for (let i = 0; i + 1 < res.length; i++) num += res[i] * res[i + 1]
    const ac1 = num / res.reduce((a, b) => a + b * b, 0)
    expect(C.EXPOSURE_NOISE_SD).toBe(sig(sd))
    expect(C.EXPOSURE_NOISE_AR1).toBe(sig(ac1))
  })

  it('pins the crisis weeks to the real totals', () => {
    const daily = new Map<string, number>()
    for (const r of csv('defillama_metadata_2023/sector_daily_tvl_2018-2023.csv')) {
      const d = r.date.slice(0, 10)
      daily.set(d, (daily.get(d) ?? 0) + Number(r.totalLiquidityUSD) * 1e9)
    }
    for (const c of C.CRISES) {
      for (const [week, v] of Object.entries(c.exposure))
        expect(v, `${c.name} ${week}`).toBe(
          sig(exposure[validation.findIndex((r) => r.date === week)], 5),
        )
      for (const [week, v] of Object.entries(c.tvl))
        expect(v, `${c.name} ${week}`).toBe(sig(daily.get(week)!))
    }
    // the brief's shape: Terra 2.7e10 → 8.7e10 → 2.0e10, FTX 3.0e10 → 1.1e10
    expect(Object.values(C.CRISES[0].exposure).map((v) => sig(v, 2))).toEqual([
      2.7e10, 8.7e10, 2e10,
    ])
    expect(
      Object.values(C.CRISES[1].exposure)
        .slice(1)
        .map((v) => sig(v, 2)),
    ).toEqual([3e10, 1.1e10])
  })

  it('derives the TVL level from DefiLlama daily sector TVL and the 2025-12 protocol list', () => {
    const daily = new Map<string, number>()
    for (const r of csv('defillama_metadata_2023/sector_daily_tvl_2018-2023.csv')) {
      const d = r.date.slice(0, 10)
      daily.set(d, (daily.get(d) ?? 0) + Number(r.totalLiquidityUSD))
    }
    const weeks = demoWeekIds()
    const n = C.TVL_KNOT_WEEKS.length
    for (let k = 0; k < n - 1; k++)
      expect(C.TVL_KNOTS[k], weeks[C.TVL_KNOT_WEEKS[k]]).toBe(
        sig(daily.get(weeks[C.TVL_KNOT_WEEKS[k]])! * 1e9),
      )
    // The next 8-week knot would be past the end of the daily file.
    expect(daily.has(weeks[C.TVL_KNOT_WEEKS[n - 2] + 8])).toBe(false)
    expect(C.TVL_KNOT_WEEKS[n - 1]).toBe(297) // 2025-12-01
    const lite = JSON.parse(
      readFileSync(
        join(REAL, 'defillama_api_samples/lite_protocols2_trimmed_2025-12.json'),
        'utf8',
      ),
    ) as { tvl?: number | null }[]
    expect(C.TVL_KNOTS[n - 1]).toBe(sig(lite.reduce((a, p) => a + (p.tvl ?? 0), 0)))
  })

  it('takes the sector exposure shares from the real weekly sector matrix', () => {
    const S = C.SECTORS.length
    const sums = new Array<number>(S * S).fill(0)
    for (const r of csv('dexposure/sector_exposure_matrix.csv')) {
      const a = C.SECTORS.indexOf(r.source_category as C.SectorName)
      const b = C.SECTORS.indexOf(r.target_category as C.SectorName)
      expect(a, r.source_category).toBeGreaterThanOrEqual(0)
      expect(b, r.target_category).toBeGreaterThanOrEqual(0)
      sums[a * S + b] += Number(r.exposure)
    }
    const total = sums.reduce((x, y) => x + y, 0)
    expect(C.SECTOR_EXPOSURE_SHARES.flat()).toEqual(sums.map((v) => sig(v / total)))
  })

  it('takes the token-node share from the real sector panel', () => {
    let tokens = 0
    let all = 0
    for (const r of csv('dexposure/sector_week_panel.csv')) {
      all += Number(r.node_count)
      if (r.category === C.SECTORS[C.TOKEN_SECTOR]) tokens += Number(r.node_count)
    }
    expect(C.TOKEN_NODE_SHARE).toBe(sig(tokens / all))
  })

  it('lists the Terra-native protocols and the FTX-linked ids from the real metadata', () => {
    const protocols = csv('defillama_metadata_2023/protocols_metadata_2023-10.csv')
    const meta = new Set(csv('dexposure/meta_df.csv').map((r) => r.id))
    const terra = protocols
      .filter((p) => {
        const chains = p.chains ? p.chains.replace(/^\[|\]$/g, '').split(', ') : []
        const t = chains.filter((c) => c.startsWith('Terra')).length
        return t > 0 && chains.length - t <= 1 && meta.has(p.id)
      })
      .map((p) => p.id)
    const tokens = JSON.parse(
      readFileSync(join(REAL, 'dexposure/token_to_protocol.json'), 'utf8'),
    ) as Record<string, Record<string, { id: string }>>
    const sorted = (v: string[]) => [...v].sort((a, b) => Number(a) - Number(b))
    expect(sorted(C.TERRA_PROTOCOL_IDS)).toEqual(sorted([...terra, tokens.MAP.ASTRO.id]))
    for (const t of [...C.TERRA_TOKEN_IDS, ...C.FTX_TOKEN_IDS])
      expect(tokens.PRIMARY[t]?.id).toBe(t)
    expect(tokens.MAP.SRM.id).toBe('284')
    expect(tokens.MAP.OXY.id).toBe('280')
    const names = new Map(csv('dexposure/meta_df.csv').map((r) => [r.id, r.name]))
    expect(names.get('145')).toBe('Serum')
  })

  it('bundles the official metadata files unmodified', () => {
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')
    const bundled = realResourceDir()
    const notice = readFileSync(join(bundled, 'NOTICE.md'), 'utf8')
    for (const f of Object.values(REAL_FILES)) {
      const h = sha(join(bundled, f))
      expect(h, f).toBe(sha(join(REAL, 'dexposure', f)))
      expect(notice).toContain(h)
    }
  })
})

describe('calibration constants are self-consistent', () => {
  it('has sector shares summing to 1 with no token → token exposure', () => {
    const flat = C.SECTOR_EXPOSURE_SHARES.flat()
    expect(flat.length).toBe(49)
    expect(flat.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3)
    expect(C.SECTOR_EXPOSURE_SHARES[C.TOKEN_SECTOR][C.TOKEN_SECTOR]).toBe(0)
  })

  it('has knot arrays of matching lengths', () => {
    expect(C.NODE_COUNT_KNOTS.length).toBe(countKnotWeeks().length)
    expect(C.LINK_COUNT_KNOTS.length).toBe(countKnotWeeks().length)
    expect(C.EXPOSURE_TREND_KNOTS.length).toBe(C.EXPOSURE_KNOT_WEEKS.length)
    expect(C.TVL_KNOTS.length).toBe(C.TVL_KNOT_WEEKS.length)
  })
})
