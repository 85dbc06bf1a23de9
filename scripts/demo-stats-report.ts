// Measures a generated demo archive beside the real DeXposure aggregates and prints the tables of
// docs/demo-data.md (markdown). Bundled and run by scripts/demo-stats.mjs.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { normalizeWeek } from '../src/engine/import/normalize'
import { REFERENCE_TARGETS, SECTORS } from '../src/engine/demo/calibration'
import { simulate } from '../src/engine/demo/generator'
import type { DemoScale } from '../src/engine/demo/params'
import { loadRealMetadata } from '../src/engine/demo/real-metadata'
import { DemoStatsCollector, mean, median, type WeekStats } from '../src/engine/demo/stats'

export interface ReportOptions {
  scales: DemoScale[]
  seed: number
  /** Folder with the real aggregates (shared/data/real/dexposure); omitted columns when absent. */
  realDir: string
}

interface RealWeek {
  week: string
  nodes: number
  links: number
  exposure: number
}

const fmt = (v: number, digits = 3) =>
  Number.isNaN(v) ? '–' : Math.abs(v) >= 1e5 ? v.toExponential(2) : v.toFixed(digits)
const int = (v: number) => (Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'))

function readReal(dir: string): { weeks: RealWeek[]; sector: number[] } | null {
  const val = join(dir, 'sector_network_validation.csv')
  const mat = join(dir, 'sector_exposure_matrix.csv')
  if (!existsSync(val) || !existsSync(mat)) return null
  const rows = parse(readFileSync(val), { columns: true, bom: true }) as Record<string, string>[]
  const weeks = rows.map((r) => ({
    week: r.date,
    nodes: Number(r.node_count),
    links: Number(r.link_count),
    exposure: Number(r.total_link_exposure),
  }))
  const S = SECTORS.length
  const sector = new Array<number>(S * S).fill(0)
  const cells = parse(readFileSync(mat), { columns: true, bom: true }) as Record<string, string>[]
  for (const c of cells) {
    const a = SECTORS.indexOf(c.source_category as (typeof SECTORS)[number])
    const b = SECTORS.indexOf(c.target_category as (typeof SECTORS)[number])
    if (a >= 0 && b >= 0) sector[a * S + b] += Number(c.exposure)
  }
  const total = sector.reduce((x, y) => x + y, 0)
  return { weeks, sector: sector.map((v) => v / total) }
}

function measure(scale: DemoScale, seed: number) {
  const meta = loadRealMetadata()
  const collector = new DemoStatsCollector(meta)
  const started = performance.now()
  let rawLinks = 0
  for (const w of simulate({ scale, seed }, meta)) {
    const { input, counts } = normalizeWeek(w.week, w.nodes, w.links, { file: 'demo' })
    rawLinks += w.links.length
    collector.add(input, counts, w.links.length)
  }
  return { collector, seconds: (performance.now() - started) / 1000, rawLinks }
}

export function demoStatsReport(opts: ReportOptions): string {
  const real = readReal(opts.realDir)
  const out: string[] = []
  const runs = opts.scales.map((s) => ({ scale: s, ...measure(s, opts.seed) }))
  const years = ['2020', '2021', '2022', '2023', '2024', '2025']
  const byYear = <T extends { week: string }>(rows: T[], y: string) =>
    rows.filter((r) => r.week.startsWith(y))

  out.push(
    `Seed ${opts.seed}. Generation time (generator + import policy, no archive): ${runs.map((r) => `${r.scale} ${r.seconds.toFixed(1)} s`).join(', ')}.`,
    '',
  )
  out.push('### Per year: median nodes, links and total exposure (USD) per week', '')
  const head = [
    'year',
    ...(real ? ['DeXposure nodes', 'DeXposure links', 'DeXposure exposure'] : []),
  ]
  for (const r of runs)
    head.push(`demo ${r.scale} nodes`, `demo ${r.scale} links`, `demo ${r.scale} exposure`)
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`)
  for (const y of years) {
    const cells = [y]
    if (real) {
      const ry = byYear(real.weeks, y)
      cells.push(
        int(median(ry.map((w) => w.nodes))),
        int(median(ry.map((w) => w.links))),
        fmt(median(ry.map((w) => w.exposure))),
      )
    }
    for (const r of runs) {
      const wy = byYear(r.collector.weeks, y)
      cells.push(
        int(median(wy.map((w) => w.nodes))),
        int(median(wy.map((w) => w.edges))),
        fmt(median(wy.map((w) => w.totalExposure))),
      )
    }
    out.push(`| ${cells.join(' | ')} |`)
  }
  out.push('')

  out.push('### Structure and churn', '')
  const sHead = [
    'statistic',
    'DeXposure (real data) / reference',
    ...runs.map((r) => `demo ${r.scale}`),
  ]
  out.push(`| ${sHead.join(' | ')} |`, `|${sHead.map(() => '---').join('|')}|`)
  const row = (name: string, ref: string, f: (w: WeekStats[]) => string) =>
    out.push(`| ${name} | ${ref} | ${runs.map((r) => f(r.collector.weeks)).join(' | ')} |`)
  const from2021 = (w: WeekStats[]) => w.filter((x) => x.week >= '2021-06-01')
  row(
    'mean nodes / links per week',
    real
      ? `${int(mean(real.weeks.map((w) => w.nodes)))} / ${int(mean(real.weeks.map((w) => w.links)))}`
      : '5,677 / 30,609',
    (w) => `${int(mean(w.map((x) => x.nodes)))} / ${int(mean(w.map((x) => x.edges)))}`,
  )
  row(
    'max nodes / links per week',
    real
      ? `${int(Math.max(...real.weeks.map((w) => w.nodes)))} / ${int(Math.max(...real.weeks.map((w) => w.links)))}`
      : '11,237 / 75,505',
    (w) =>
      `${int(Math.max(...w.map((x) => x.nodes)))} / ${int(Math.max(...w.map((x) => x.edges)))}`,
  )
  row(
    'edge persistence: share of t+1 edges (between nodes of t) present at t, mean',
    `≈ ${REFERENCE_TARGETS.edgePersistence} (§4.7)`,
    (w) => fmt(mean(w.map((x) => x.persistence))),
  )
  row('  same, median of weeks from 2021-06', '', (w) =>
    fmt(median(from2021(w).map((x) => x.persistence))),
  )
  row(
    '  same four weeks ahead (t+4 edges present at t), median from 2021-06',
    '≈ 0.56 (persistence AUROC 0.782 at h=4, §8.1)',
    (w) => fmt(median(from2021(w).map((x) => x.persistence4))),
  )
  row(
    'node overlap \\|V_t ∩ V_t+1\\| / \\|V_t\\|, mean',
    `≈ ${REFERENCE_TARGETS.nodeOverlap} (§2)`,
    (w) => fmt(mean(w.map((x) => x.nodeOverlap))),
  )
  row('density E / (N(N−1)), median', `${REFERENCE_TARGETS.density} (§1.1)`, (w) =>
    median(w.map((x) => x.density)).toExponential(2),
  )
  row(
    'links per node, median',
    real ? fmt(median(real.weeks.map((w) => w.links / w.nodes)), 2) : '–',
    (w) => fmt(median(w.map((x) => x.edges / x.nodes)), 2),
  )
  row(
    'top-10 TVL share, median of weeks from 2021-06',
    `≈ ${REFERENCE_TARGETS.top10TvlShare} (issue #2)`,
    (w) => fmt(median(from2021(w).map((x) => x.top10TvlShare))),
  )
  row(
    'weekly node TVL log-change, MAE / RMSE',
    '0.057 / 0.403 (persistence, §8.1 h=1)',
    (w) =>
      `${fmt(mean(from2021(w).map((x) => x.tvlChangeMae)))} / ${fmt(mean(from2021(w).map((x) => x.tvlChangeRmse)))}`,
  )
  row(
    'tokens per node composition, mean / max',
    '–',
    (w) =>
      `${fmt(mean(w.map((x) => x.meanTokens)), 1)} / ${Math.max(...w.map((x) => x.maxTokens))}`,
  )
  row(
    'raw links with a null target (dropped)',
    'not published',
    (w) => `${(100 * mean(w.map((x) => x.nullTargetShare))).toFixed(2)} %`,
  )
  row(
    'raw links to a missing endpoint (dropped)',
    'not published',
    (w) => `${(100 * mean(w.map((x) => x.missingEndpointShare))).toFixed(2)} %`,
  )
  const crisis = (week: string) => (w: WeekStats[]) =>
    fmt(w.find((x) => x.week === week)?.totalExposure ?? NaN)
  for (const wk of [
    '2022-05-02',
    '2022-05-09',
    '2022-05-16',
    '2022-10-31',
    '2022-11-07',
    '2022-11-14',
  ]) {
    const rv = real?.weeks.find((x) => x.week === wk)?.exposure
    row(`total exposure ${wk}`, rv === undefined ? '–' : fmt(rv), crisis(wk))
  }
  out.push('')

  out.push('### Sector-to-sector exposure shares (all weeks pooled), generated vs real', '')
  const S = SECTORS.length
  const short = ['AM', 'ISF', 'LBR', 'P&S', 'T&E', 'PMT', 'O/U']
  out.push(
    `Rows: source sector; columns: target sector. Each cell: ${runs.map((r) => `demo ${r.scale}`).join(' / ')}${real ? ' / DeXposure (real data)' : ''} (% of all exposure).`,
    '',
  )
  out.push(`| from \\ to | ${short.join(' | ')} |`, `|---|${short.map(() => '---').join('|')}|`)
  const shares = runs.map((r) => r.collector.sectorShares())
  for (let a = 0; a < S; a++) {
    const cells: string[] = []
    for (let b = 0; b < S; b++) {
      const vs = shares.map((sh) => (100 * sh[a * S + b]).toFixed(1))
      if (real) vs.push((100 * real.sector[a * S + b]).toFixed(1))
      cells.push(vs.join(' / '))
    }
    out.push(`| ${short[a]} | ${cells.join(' | ')} |`)
  }
  out.push('', `Sectors: ${SECTORS.map((s, i) => `${short[i]} = ${s}`).join('; ')}.`)
  if (real) {
    for (let k = 0; k < runs.length; k++) {
      let l1 = 0
      for (let c = 0; c < S * S; c++) l1 += Math.abs(shares[k][c] - real.sector[c])
      out.push(
        `Total variation distance to the real matrix, demo ${runs[k].scale}: ${(l1 / 2).toFixed(3)}.`,
      )
    }
  }
  return out.join('\n')
}
