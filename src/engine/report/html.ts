// The weekly risk report as one self-contained HTML document: inline CSS (screen and print, A4 or
// Letter), inline SVG charts and graph images, no external URL, so it opens offline and prints the
// same in any browser. Section titles are fixed (REPORT_SECTION_TITLES) and are h2 headings, which
// Chromium turns into PDF bookmarks (pdf.ts).
import { REPORT_SECTION_TITLES, type ReportSection } from '../../shared/api-report'
import { decodeFloat64 } from '../../shared/packed'
import { heatmap, lineChart, stackedBars, weekStrip } from './charts-svg'
import { contagionSnapshotSvg, weekGraphSvg } from './graph-scene'
import { fmtInt, fmtUsd, fmtUsdExact, type ReportModel, type SummaryRow } from './model'
import type { Archive } from '../store/archive'

export interface HtmlOptions {
  paper: 'a4' | 'letter'
  /**
   * Page numbers from CSS @page margin boxes (a browser printing the file). Off when the PDF
   * printer draws its own footer (pdf.ts), so a page does not carry two.
   */
  cssPageNumbers: boolean
}

const esc = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  )

const dash = '—'
const fixed = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : v.toFixed(d)
const pctOf = (v: number | null | undefined, d = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : `${(v * 100).toFixed(d)} %`
const signed = (v: number, text: string) => (v > 0 ? `+${text}` : v < 0 ? `−${text}` : text)

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

function change(r: SummaryRow, base: number | null): string {
  if (r.value === null || base === null) return dash
  const d = r.value - base
  if (r.kind === 'usd') {
    const rel = base !== 0 ? ` (${signed(d, `${Math.abs((d / base) * 100).toFixed(2)} %`)})` : ''
    return `${signed(d, fmtUsd(Math.abs(d)).replace('−', ''))}${rel}`
  }
  if (r.kind === 'count') return signed(d, fmtInt(Math.abs(d)))
  return signed(d, Math.abs(d).toFixed(4))
}

const valueOf = (r: SummaryRow): string =>
  r.kind === 'usd' ? fmtUsdExact(r.value) : r.kind === 'count' ? fmtInt(r.value) : fixed(r.value)

function summary(m: ReportModel, archive: Archive): string {
  const rows = m.summary.map((r) => [
    esc(r.label),
    `<span data-metric="${r.key}">${valueOf(r)}</span>`,
    change(r, r.value1),
    change(r, r.value4),
  ])
  return [
    ...m.sentences.map((s) => `<p>${esc(s)}</p>`),
    table(
      [
        'Measure',
        `Week of ${m.week}`,
        `Change over 1 week${m.previousWeek ? ` (vs ${m.previousWeek})` : ''}`,
        `Change over 4 weeks${m.week4 ? ` (vs ${m.week4})` : ''}`,
      ],
      rows,
      'num',
    ),
    m.synthetic
      ? '<p class="synthetic">SYNTHETIC data: this archive holds generated demo data, not real exposures.</p>'
      : '',
    `<figure class="graph">${weekGraphSvg(archive, m.universe, m.week)}<figcaption>The week's exposure network (holder → issuer), drawn as the explorer draws it from the stored layout.</figcaption></figure>`,
  ].join('\n')
}

function sis(m: ReportModel): string {
  const rows = m.sis.rows.map((r) => [
    String(r.rank),
    esc(r.name ?? r.node),
    esc(r.category),
    r.score.toFixed(4),
    r.pagerankScaled.toFixed(4),
    r.tail.toFixed(4),
    r.logTvlScaled.toFixed(4),
    r.previousRank === null ? 'new' : String(r.previousRank),
    r.rankChange === null
      ? dash
      : r.rankChange > 0
        ? `▲ ${r.rankChange}`
        : r.rankChange < 0
          ? `▼ ${-r.rankChange}`
          : '=',
  ])
  const w = m.sis.weights
  const wt = (x: number) => +x.toFixed(3)
  const chart = stackedBars(
    `Top ${m.sis.rows.length} SIS, week of ${m.week}`,
    [
      { name: `PageRank (×${wt(w.pagerank)})`, color: '#4e79a7' },
      { name: `tail exposure (×${wt(w.tail)})`, color: '#f28e2b' },
      { name: `log-TVL (×${wt(w.tvl)})`, color: '#59a14f' },
    ],
    m.sis.rows.map((r) => ({
      label: `${r.rank}. ${r.name ?? r.node}`,
      values: [r.pagerankScaled, r.tail, r.logTvlScaled],
    })),
  )
  return [
    `<p>Systemic importance score (SIS) = weighted PageRank, tail exposure (share of the ${m.sis.tailK} largest outgoing exposures) and scaled log-TVL; ${fmtInt(m.sis.nodes)} nodes ranked (stats run ${m.sis.runId}). Rank changes against ${m.sis.previousWeek ?? 'no earlier week'}.</p>`,
    table(
      [
        'Rank',
        'Node',
        'Category',
        'SIS',
        'PageRank part',
        'Tail part',
        'log-TVL part',
        'Previous rank',
        'Change',
      ],
      rows,
      'num',
    ),
    `<figure>${chart}</figure>`,
  ].join('\n')
}

function spillovers(m: ReportModel): string {
  const s = m.spillover
  const matrix = decodeFloat64(s.matrix)
  const rows = s.labels.map((l, i) => [
    esc(l),
    fmtUsd(s.rowTotals[i]),
    fmtUsd(s.colTotals[i]),
    fmtUsd(matrix[i * s.labels.length + i]),
  ])
  return [
    `<p>Exposure between coarse sectors (holder → issuer). Total ${fmtUsd(s.total)}; cross-sector ${fmtUsd(s.crossTotal)} (${pctOf(s.crossRatio)} of all exposure); HHI of the cross-sector cells ${fixed(s.index)}; non-zero sector cells ${pctOf(s.connectivityDensity, 1)}.</p>`,
    `<figure>${heatmap(`Sector spillovers, week of ${m.week}`, s.labels, matrix, fmtUsd)}</figure>`,
    table(
      ['Sector', 'As holder (row total)', 'As issuer (column total)', 'Within the sector'],
      rows,
      'num',
    ),
  ].join('\n')
}

function metricRow(
  name: string,
  get: (x: Record<string, number | null> | null) => number | null | undefined,
  b: NonNullable<ReportModel['forecasts'][number]['backtest']>,
  realistic = false,
): string[] {
  const src = realistic ? b.realistic : b.paper
  const val = (x: unknown) => fixed(get(x as Record<string, number | null> | null) ?? null)
  return [name, val(src.model), val(src.persistence), val(src.edgebank)]
}

function forecast(m: ReportModel): string {
  if (m.forecasts.length === 0) return '<p>No forecast horizon was asked for.</p>'
  return m.forecasts
    .map((f) => {
      const run = f.run
      const label = (id: string, name: string | null) => esc(name ?? id)
      const newRows = f.newEdges.map((r) => [
        label(r.source, r.sourceName),
        label(r.target, r.targetName),
        fixed(r.probability, 3),
        fmtUsd(r.predictedWeight),
      ])
      const changeRows = f.changes.map((r) => [
        label(r.source, r.sourceName),
        label(r.target, r.targetName),
        fmtUsd(r.weightAtT),
        fmtUsd(r.predictedWeight),
        r.logChange === null ? dash : pctOf(Math.expm1(r.logChange), 1),
        fixed(r.probability, 3),
      ])
      const nodeRows = f.nodes.map((r) => [
        esc(r.name ?? r.node),
        esc(r.category),
        fmtUsd(r.tvlT),
        fmtUsd(r.predictedTvl),
        pctOf(Math.expm1(r.predictedLogChange), 1),
      ])
      const b = f.backtest
      const backtest = b
        ? [
            `<p>Walk-forward backtest run ${b.runId} (${b.firstWeek} … ${b.lastWeek}, ${b.anchors} anchor weeks${b.model ? `, model ${esc(b.model)}` : ', baselines only'}${b.stale ? '; the archive changed since' : ''}).</p>`,
            table(
              ['Metric', 'Model', 'Persistence', 'EdgeBank'],
              [
                metricRow('AUPRC (paper protocol)', (x) => x?.auprc, b),
                metricRow('AUROC (paper protocol)', (x) => x?.auroc, b),
                metricRow('Weight MAE (log1p USD)', (x) => x?.weight_mae, b),
                metricRow('Node TVL MAE', (x) => x?.node_mae, b),
                metricRow('AUPRC (realistic: all pairs)', (x) => x?.auprc, b, true),
                metricRow('ECE (realistic)', (x) => x?.ece, b, true),
                metricRow(
                  'AUPRC of new edges (realistic)',
                  (x) =>
                    (x as unknown as { new_edges?: { auprc: number | null } } | null)?.new_edges
                      ?.auprc,
                  b,
                  true,
                ),
              ],
              'num',
            ),
          ].join('')
        : `<p class="note">No stored backtest for h = ${f.horizon}: run <code>dexposure backtest --horizon ${f.horizon}</code> to compare the model with persistence and EdgeBank.</p>`
      const warnings = f.warnings.length
        ? `<ul class="warnings">${f.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
        : '<p class="note">The forecast carries no warnings.</p>'
      return `<h3>Horizon ${f.horizon} week${f.horizon > 1 ? 's' : ''}: ${m.week} → ${f.targetWeek}</h3>
<p>Forecast run ${run.run_id} with model ${esc(run.model)} on ${esc(run.provider)}: ${fmtInt(run.nodes)} nodes, ${fmtInt(run.pairs_scored)} pairs scored, expected ${run.expected_edges.toFixed(0)} edges, predicted graph ${fmtInt(run.graph_edges)} edges (${esc(run.graph_rule)}). Probabilities are calibrated.</p>
<h4>Most likely new edges</h4>
${newRows.length ? table(['Holder', 'Issuer', 'Probability', 'Predicted exposure'], newRows, 'num') : '<p class="note">No new edge reaches the stored probability floor.</p>'}
<h4>Largest predicted exposure changes</h4>
${changeRows.length ? table(['Holder', 'Issuer', 'Exposure at t', 'Predicted', 'Change', 'Probability'], changeRows, 'num') : '<p class="note">No edge of the week is in the predicted graph.</p>'}
<h4>Largest predicted TVL changes</h4>
${table(['Node', 'Category', 'TVL at t', 'Predicted TVL', 'Change'], nodeRows, 'num')}
<h4>Backtest: model, persistence and EdgeBank</h4>
${backtest}
<h4>Warnings</h4>
${warnings}`
    })
    .join('\n')
}

const METHOD_COLORS: Record<string, string> = {
  reference: '#4e79a7',
  debtrank: '#e15759',
  'eisenberg-noe': '#59a14f',
}

function contagion(m: ReportModel, archive: Archive): string {
  const c = m.contagion
  if (!c) return '<p>No contagion run.</p>'
  const p = c.run.params as { distressThreshold?: number; maxRounds?: number }
  const head = `<p>Observed graph of ${m.week}, contagion run ${c.run.runId} (${esc(c.run.created)}); distress threshold ${p.distressThreshold ?? 0.1}, methods: reference cascade, DebtRank, Eisenberg–Noe.</p>`
  const parts = c.scenarios.map((s) => {
    const rows = s.results.map((r) => [
      esc(r.method),
      esc(r.variant),
      fmtUsd(r.totalLoss),
      `${r.totalLossPct.toFixed(2)} %`,
      fmtInt(r.distressed),
      fmtInt(r.defaults),
      String(r.rounds),
    ])
    const chart = lineChart(
      `Loss by round: ${s.scenario}`,
      'round',
      s.results.map((r) => ({
        name: r.method,
        color: METHOD_COLORS[r.method] ?? '#888',
        points: r.lossPath.map((x) => [x.round, x.loss] as [number, number]),
      })),
      fmtUsd,
    )
    const snap = (which: 'first' | 'last') => {
      const x = s[which]
      return x
        ? `<figure class="snap">${contagionSnapshotSvg(archive, m.universe, m.week, `${s.scenario}: ${which === 'first' ? 'first' : 'last'} round (${x.round}), ${s.snapshotMethod}`, x.nodes)}</figure>`
        : ''
    }
    const ref = s.results.find((r) => r.method === s.snapshotMethod)
    const top = ref?.topLosses
      .slice(0, 5)
      .map((t) => [
        esc(t.name ?? t.node),
        fmtUsd(t.loss),
        pctOf(t.relativeLoss, 1),
        t.distressRound === null ? dash : String(t.distressRound),
      ])
    return `<div class="scenario"><h3>${esc(s.title)}</h3>
<p class="note">Scenario <code>${esc(s.scenario)}</code>, shock <code>${esc(s.spec)}</code>.</p>
${table(['Method', 'Variant', 'Loss', 'Loss share', 'Distressed', 'Defaults', 'Rounds'], rows, 'num')}
<div class="row"><figure>${chart}</figure>${top && top.length ? `<div>${table(['Largest losses (reference)', 'Loss', 'Relative', 'Distress round'], top, 'num')}</div>` : ''}</div>
<div class="row">${snap('first')}${snap('last')}</div></div>`
  })
  return [head, ...parts].join('\n')
}

function alerts(m: ReportModel): string {
  const a = m.alerts
  const recent = a.alerts
    .filter((x) => x.week <= m.week)
    .slice(-25)
    .reverse()
  const ofWeek = a.alerts.filter((x) => x.week === m.week)
  const rows = recent.map((x) => [
    x.week,
    esc(x.kind),
    esc(x.metric ?? dash),
    fixed(x.value),
    fixed(x.z, 2),
    esc(x.reason),
  ])
  return [
    `<p>${ofWeek.length === 0 ? `No alert fires in the week of ${m.week}.` : `${ofWeek.length} alert${ofWeek.length > 1 ? 's' : ''} in the week of ${m.week}.`} The monitor read ${fmtInt(a.weeksMonitored)} weeks${a.from ? ` (${a.from} … ${a.to})` : ''}${a.runId !== null ? `, alerts run ${a.runId}` : ''}; ${fmtInt(a.alerts.length)} alerts in all.${a.freshness?.stale ? ` The newest week is ${a.freshness.ageDays.toFixed(0)} days old: the archive is stale.` : ''}</p>`,
    `<figure>${weekStrip(`Alert timeline, ${m.timeline[0]?.week ?? m.week} … ${m.week}`, m.timeline, m.week)}</figure>`,
    rows.length
      ? `<h4>The latest alerts up to the week</h4>${table(['Week', 'Kind', 'Metric', 'Value', 'z', 'Reason'], rows, 'num alerts')}`
      : '<p class="note">No alerts up to this week.</p>',
  ].join('\n')
}

/** How each forecast's model was picked, as Provenance says it. */
const MODEL_CHOICE_TEXT: Record<ReportModel['forecasts'][number]['modelChoice'], string> = {
  chosen: 'the model chosen for this horizon (name and pair-head sha256 match)',
  default: "the horizon's default model (no model was chosen; name and pair-head sha256 match)",
  latest: 'the latest stored run (no model is installed for this horizon)',
}

function provenance(m: ReportModel): string {
  const p = m.provenance
  const dl = (items: [string, string][]) =>
    `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`
  const models = m.forecasts.map((f) => {
    const man = f.model?.manifest
    const metrics = man
      ? Object.entries(man.metrics)
          .filter(([k]) => /auprc|mae|ece/.test(k))
          .slice(0, 8)
          .map(([k, v]) => `${esc(k)} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
          .join('; ')
      : ''
    const tw = man?.training_window
    return [
      `h = ${f.horizon}`,
      `<span class="model-choice" data-horizon="${f.horizon}" data-choice="${f.modelChoice}">Forecast run ${f.run.run_id} by ${esc(f.run.model)}, ${MODEL_CHOICE_TEXT[f.modelChoice]}.</span> ` +
        (man
          ? `${esc(man.name)} (horizon ${man.horizon}, ${esc(f.model!.dir)}); trained ${tw?.from} … ${tw?.until}, validation until ${tw?.validation_until}, last week used ${tw?.last_week_used}; training data: ${man.training_data ? `${esc(man.training_data.archive)} (${man.training_data.sources.map(esc).join(', ')}${man.training_data.synthetic ? ', synthetic' : ''})` : 'not recorded'}; metrics: ${metrics}; sha256 of the pair head ${esc(f.run.model_sha256)}`
          : `${esc(f.run.model)} (sha256 ${esc(f.run.model_sha256)}): its manifest is no longer where the run found it`),
      `${esc(f.run.provider)}${f.fallbacks.length ? `; fallbacks: ${f.fallbacks.map((x) => `${esc(x.provider)} (${esc(x.error)})`).join('; ')}` : '; no fallback'}`,
    ]
  })
  return [
    dl([
      ['Archive', `${esc(p.archiveName)} (${fmtInt(p.archiveBytes)} bytes)`],
      ['Archive sha256', `<code>${p.archiveSha256}</code>`],
      ['Weeks used', p.weeks.map((w) => w.week).join(', ')],
      ['App version', esc(p.appVersion)],
      ['Engine commit', p.engineCommit ? `<code>${esc(p.engineCommit)}</code>` : 'not known'],
      ['Created', esc(m.created)],
      [
        'Computed for this report',
        m.computed.length ? m.computed.map(esc).join('; ') : 'nothing (every result was stored)',
      ],
    ]),
    '<h4>Weeks and their imports</h4>',
    table(
      ['Week', 'Content sha256', 'Import'],
      p.weeks.map((w) => [
        w.week,
        `<code>${w.contentSha256.slice(0, 16)}…</code>`,
        w.importId === null ? dash : String(w.importId),
      ]),
    ),
    p.imports.length
      ? table(
          ['Import', 'Source', 'Format', 'File sha256', 'Bytes', 'Finished', 'Weeks'],
          p.imports.map((i) => [
            String(i.importId),
            esc(i.source),
            esc(i.format),
            `<code>${i.sha256.slice(0, 16)}…</code>`,
            fmtInt(i.bytes),
            esc(i.finishedAt),
            i.weeks.join(', '),
          ]),
        )
      : '<p class="note">No import record names these weeks.</p>',
    models.length ? '<h4>Models, execution providers and fallbacks</h4>' : '',
    models.length ? table(['Horizon', 'Model manifest', 'Execution provider'], models) : '',
    m.contagion
      ? `<p>Contagion run ${m.contagion.run.runId}, parameters <code>${esc(JSON.stringify(m.contagion.run.params))}</code>.</p>`
      : '',
    '<h4>Reproduce this report</h4>',
    `<pre class="command">${esc(p.command)}</pre>`,
  ].join('\n')
}

function css(o: HtmlOptions): string {
  const size = o.paper === 'letter' ? 'Letter' : 'A4'
  return `
:root { color-scheme: light; }
body { font: 10.5pt/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2733; margin: 0 auto; max-width: 1000px; padding: 24px; background: #fff; }
h1 { font-size: 20pt; margin: 0 0 4px; }
h2 { font-size: 15pt; border-bottom: 2px solid #1d2733; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 12pt; margin: 18px 0 6px; }
h4 { font-size: 10.5pt; margin: 12px 0 4px; color: #334; }
p { margin: 6px 0; }
.meta { color: #5b6673; }
.nowrap { white-space: nowrap; }
.synthetic { border: 2px solid #b2182b; color: #b2182b; font-weight: 600; padding: 6px 10px; }
.note { color: #5b6673; }
nav.toc ol { columns: 2; padding-left: 20px; }
nav.toc a { color: #1d4f91; text-decoration: none; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 9pt; width: 100%; }
th, td { border-bottom: 1px solid #dde2e8; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f4f7; font-weight: 600; }
table.num td:not(:first-child) { font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
table.alerts td:first-child, table.alerts td:nth-child(3) { white-space: nowrap; }
figure { margin: 8px 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #5b6673; font-size: 9pt; }
.row { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.row > * { flex: 1 1 300px; min-width: 0; }
.scenario { break-inside: auto; }
code, pre { font: 9pt ui-monospace, 'DejaVu Sans Mono', monospace; }
pre.command { white-space: pre-wrap; word-break: break-all; background: #f1f4f7; padding: 8px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dt { font-weight: 600; }
dd { margin: 0; word-break: break-all; }
ul.warnings li { color: #8a4b00; }
@page { size: ${size}; margin: 16mm 13mm 18mm; ${o.cssPageNumbers ? "@bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); font: 8pt system-ui, sans-serif; color: #5b6673; }" : ''} }
@media print {
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section + section { break-before: page; }
  h3, h4 { break-after: avoid; }
}`
}

/** Renders the report model as one HTML document. */
export function renderHtml(m: ReportModel, archive: Archive, o: HtmlOptions): string {
  return documentOf(m, renderBody(m, archive), o)
}

/**
 * The document to read (CSS page numbers) and the document to print (the printer's footer numbers
 * the pages), from one rendering of the sections: the graph images of a real week are most of the
 * work and do not differ between the two.
 */
export function renderHtmlPair(
  m: ReportModel,
  archive: Archive,
  paper: HtmlOptions['paper'],
): { html: string; printed: string } {
  const body = renderBody(m, archive)
  return {
    html: documentOf(m, body, { paper, cssPageNumbers: true }),
    printed: documentOf(m, body, { paper, cssPageNumbers: false }),
  }
}

/** The table of contents and the sections. */
function renderBody(m: ReportModel, archive: Archive): string {
  const body: Record<ReportSection, () => string> = {
    summary: () => summary(m, archive),
    sis: () => sis(m),
    spillovers: () => spillovers(m),
    forecast: () => forecast(m),
    contagion: () => contagion(m, archive),
    alerts: () => alerts(m),
    provenance: () => provenance(m),
  }
  const toc = m.sections
    .map((s) => `<li><a href="#${s}">${REPORT_SECTION_TITLES[s]}</a></li>`)
    .join('')
  const sections = m.sections
    .map(
      (s) =>
        `<section id="${s}" data-section="${s}"><h2>${REPORT_SECTION_TITLES[s]}</h2>\n${body[s]()}\n</section>`,
    )
    .join('\n')
  return `<nav class="toc" aria-label="Contents"><h2 id="contents">Contents</h2><ol>${toc}</ol></nav>
${sections}`
}

function documentOf(m: ReportModel, body: string, o: HtmlOptions): string {
  const title = `DeXposure weekly risk report — week of ${m.week}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="DeXposure Workbench ${esc(m.provenance.appVersion)}">
<title>${esc(title)}</title>
<style>${css(o)}</style>
</head>
<body>
<header>
<h1>DeXposure weekly risk report — <span class="nowrap">week of ${esc(m.week)}</span></h1>
<p class="meta">Archive ${esc(m.provenance.archiveName)} · created ${esc(m.created)}${m.horizons.length ? ` · horizons ${m.horizons.join(', ')}` : ''}${m.contagion ? ` · ${m.contagion.scenarios.length} scenarios` : ''}</p>
${m.synthetic ? '<p class="synthetic">SYNTHETIC data: generated demo data, not real exposures.</p>' : ''}
</header>
${body}
</body>
</html>
`
}
