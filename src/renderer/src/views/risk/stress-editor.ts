// The stress-under-forecast-uncertainty editor: one stored Monte Carlo run (`risk.stress.result`).
// Per scenario and method: the loss distribution over the draws (mean, VaR and CVaR at 95 and
// 99 %, in USD and in % of the forecast graph's total TVL), the probability that the loss exceeds
// each threshold, the single run on Ĝ and where it falls, a histogram with the VaR lines, and the
// nodes distressed in what share of draws (a click selects the node on the graph). Export… writes
// the run's results (and, under the nodes, its distressed nodes) through the tables' export dialog.
import type { CallResponse } from '../../../../shared/api'
import { tableExportButton } from '../../ui/export-dialog'
import { count, usd } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import { histogramChart } from './charts'
import { h, pct, sortableTable } from './elements'
import { METHOD_LABELS } from './playback-model'
import { METHOD_COLORS } from './scenario-editor'

export interface StressParams {
  runId: number
}

type Report = NonNullable<CallResponse<'risk.stress.result'>>
type MethodReport = Report['scenarios'][number]['results'][number]
type NodeRow = MethodReport['distressedNodes']['top'][number]

export function stressEditor(wb: Workbench, params: StressParams, ctx: EditorContext): Editor {
  const element = h('div', 'doc-view risk-view stress-view')
  element.dataset.run = String(params.runId)
  element.append(h('p', 'muted', `Loading stress run ${params.runId}…`))
  const charts: { resize(): void; dispose(): void }[] = []
  let report: Report | null = null

  const render = (r: Report): void => {
    for (const c of charts.splice(0)) c.dispose()
    ctx.setTitle(`Stress ${r.week} h=${r.horizon} · ${count(r.draws)} draws`)
    const head = h(
      'header',
      'risk-head',
      h('h2', '', `Stress under forecast uncertainty`),
      h(
        'p',
        'muted',
        `Forecast Ĝ(${r.targetWeek}) from ${r.week}, h=${r.horizon} (forecast run ${r.forecastRun}) · ${count(r.draws)} draws, seed ${r.seed} · σ of log1p weight ${r.weightSigma.toFixed(3)} (${r.weightSigmaSource}) · ${count(Math.round(r.pairs.meanEdgesPerDraw))} edges a draw on average, ${count(r.pairs.pointGraphEdges)} in Ĝ · ${(r.durationMs / 1000).toFixed(1)} s`,
      ),
    )
    if (r.synthetic) head.append(h('span', 'badge synthetic', 'SYNTHETIC DEMO DATA'))
    // the whole run as a table: every scenario and method, as stored (export.table `stress`)
    const exportButton = tableExportButton(wb, `the results of stress run ${params.runId}`, () => ({
      table: 'stress',
      run: params.runId,
    }))
    exportButton.classList.add('stress-export')
    head.append(exportButton)
    const parts: HTMLElement[] = [head]
    if (r.warnings.length)
      parts.push(h('ul', 'risk-warnings', ...r.warnings.map((w) => h('li', '', w))))
    for (const sc of r.scenarios) {
      const box = h(
        'section',
        'risk-section stress-scenario',
        h('h3', '', `Scenario ${sc.scenario}`),
        h(
          'p',
          'muted',
          `shock ${sc.spec} · ${count(sc.shocked)} nodes shocked in every draw (selected on Ĝ)`,
        ),
      )
      box.dataset.scenario = sc.scenario
      if (sc.warnings.length)
        box.append(h('ul', 'risk-warnings', ...sc.warnings.map((w) => h('li', '', w))))
      for (const m of sc.results) box.append(methodBlock(m))
      parts.push(box)
    }
    element.replaceChildren(...parts)
  }

  const methodBlock = (m: MethodReport): HTMLElement => {
    const block = h('div', 'stress-method')
    block.dataset.method = m.method
    const stat = (
      label: string,
      usdValue: number,
      pctValue: number,
      field: string,
    ): HTMLElement => {
      const row = h(
        'tr',
        '',
        h('th', '', label),
        h('td', 'num', usd(usdValue)),
        h('td', 'num', `${pctValue.toFixed(2)} %`),
      )
      row.dataset.field = field
      row.dataset.value = String(usdValue)
      return row
    }
    const stats = h(
      'table',
      'risk-table stress-stats',
      h(
        'thead',
        '',
        h('tr', '', h('th', '', ''), h('th', 'num', 'USD'), h('th', 'num', '% of TVL')),
      ),
      h(
        'tbody',
        '',
        stat('Mean', m.loss.mean, m.lossPct.mean, 'mean'),
        stat('VaR 95 %', m.loss.var95, m.lossPct.var95, 'var95'),
        stat('CVaR 95 %', m.loss.cvar95, m.lossPct.cvar95, 'cvar95'),
        stat('VaR 99 %', m.loss.var99, m.lossPct.var99, 'var99'),
        stat('CVaR 99 %', m.loss.cvar99, m.lossPct.cvar99, 'cvar99'),
        stat('Min … max', m.loss.min, m.lossPct.min, 'min'),
        stat('', m.loss.max, m.lossPct.max, 'max'),
        stat('Single run on Ĝ', m.point.totalLoss, m.point.totalLossPct, 'point'),
      ),
    )
    stats.setAttribute('aria-label', `${METHOD_LABELS[m.method]} loss distribution`)
    const exceed = h(
      'ul',
      'stress-exceedance',
      ...m.exceedance.map((x) => {
        const li = h(
          'li',
          '',
          `P(loss > ${x.thresholdPct} % of TVL) = `,
          h('strong', '', pct(x.probability, 1)),
        )
        li.dataset.threshold = String(x.thresholdPct)
        li.dataset.probability = String(x.probability)
        return li
      }),
      h(
        'li',
        'muted',
        `Ĝ's loss is above ${pct(m.pointPercentile, 0)} of the draws · distressed ${m.distressed.mean.toFixed(1)} on average (${m.distressed.min}–${m.distressed.max}) · defaults ${m.defaults.mean.toFixed(1)} (${m.defaults.min}–${m.defaults.max})`,
      ),
    )
    const histHost = h('div', 'stress-histogram')
    const nodes = sortableTable<NodeRow>(
      [
        {
          key: 'node',
          title: 'Node',
          value: (x) => x.name ?? x.node,
          text: (x) => (x.name ? `${x.name} (${x.node})` : x.node),
        },
        {
          key: 'share',
          title: 'Distressed in',
          value: (x) => x.share,
          text: (x) => `${pct(x.share, 0)} of draws`,
          numeric: true,
        },
        {
          key: 'meanLoss',
          title: 'Mean loss',
          value: (x) => x.meanLoss,
          text: (x) => usd(x.meanLoss),
          numeric: true,
        },
        {
          key: 'meanRelativeLoss',
          title: 'Share of its TVL',
          value: (x) => x.meanRelativeLoss,
          text: (x) => pct(x.meanRelativeLoss),
          numeric: true,
        },
      ],
      {
        initial: { key: 'share', order: 'desc' },
        rowKey: (x) => x.node,
        onRow: (x) => {
          const g = wb.activeGraph()
          if (g) g.selectNode(x.node, true)
          else wb.goToNode(x.node)
        },
        label: `${METHOD_LABELS[m.method]}: nodes distressed across draws`,
      },
    )
    nodes.setRows(m.distressedNodes.top)
    block.append(
      h('h4', '', METHOD_LABELS[m.method], h('small', 'muted', ` ${m.variant}`)),
      h('div', 'stress-grid', h('div', '', stats, exceed), histHost),
      h(
        'details',
        'stress-nodes',
        h(
          'summary',
          '',
          `Nodes distressed: ${count(m.distressedNodes.count)} in at least one draw (the ${count(m.distressedNodes.top.length)} most often listed)`,
        ),
        // the listed nodes of every scenario and method of the run (export.table `stress-nodes`)
        tableExportButton(
          wb,
          `the nodes distressed across draws in stress run ${params.runId}`,
          () => ({ table: 'stress-nodes', run: params.runId }),
        ),
        h('div', 'risk-table-wrap', nodes.element),
      ),
    )
    const hist = m.lossPctHistogram
    if (hist && hist.counts.length) {
      // drawn once the block is in the page (ECharts measures its host)
      queueMicrotask(() =>
        charts.push(
          histogramChart(
            histHost,
            {
              ...hist,
              color: METHOD_COLORS[m.method],
              format: (v) => `${v.toFixed(1)} %`,
              lines: [
                { label: 'VaR 95', value: m.lossPct.var95, color: wb.theme.colors.muted },
                { label: 'VaR 99', value: m.lossPct.var99, color: wb.theme.colors.highlight },
                { label: 'Ĝ', value: m.point.totalLossPct, color: wb.theme.colors.accent },
              ],
            },
            wb.theme.colors,
          ),
        ),
      )
    } else
      histHost.append(
        h(
          'p',
          'muted',
          'This run was stored before the histogram was kept: run it again to draw it.',
        ),
      )
    return block
  }

  const load = async (): Promise<void> => {
    const r = await wb.api.call('risk.stress.result', { runId: params.runId })
    if (!r) {
      element.replaceChildren(
        h('p', 'error-text', `Stress run ${params.runId} is not stored in this archive.`),
      )
      return
    }
    report = r
    render(r)
  }
  const offTheme = wb.theme.changed.on(() => report && render(report))
  void load().catch((e) => {
    element.replaceChildren(
      h('p', 'error-text', `This stress run could not be loaded: ${(e as Error).message}`),
    )
    wb.report(e)
  })
  return {
    element,
    onResize: () => charts.forEach((c) => c.resize()),
    onVisible: (v) => v && charts.forEach((c) => c.resize()),
    dispose: () => {
      offTheme()
      for (const c of charts.splice(0)) c.dispose()
    },
  }
}
