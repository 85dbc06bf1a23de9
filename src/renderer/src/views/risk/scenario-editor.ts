// The scenario editor: one stored contagion run of one scenario, every method it ran. Totals (loss
// and share of TVL, distressed, defaulted, affected, rounds) per method, the loss by round (one
// line per method), the playback controls that drive the graph, and the node losses (sortable;
// a click selects the node on the graph). Everything comes from `risk.result` and `risk.playback`.
import type { CallResponse } from '../../../../shared/api'
import { smallButton } from '../../ui/dom'
import { tableExportButton } from '../../ui/export-dialog'
import { count, usd } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import { roundChart, type RoundChart } from './charts'
import { h, pct, sortableTable, type Column } from './elements'
import { PlaybackController, type PlaybackState } from './playback'
import { METHOD_LABELS, type MethodName } from './playback-model'

export interface ScenarioParams {
  runId: number
  scenario: string
}

type Result = NonNullable<CallResponse<'risk.result'>>
type MethodResult = Result['results'][number]
type LossRow = MethodResult['topLosses'][number]

/** One colour per method, the same in the chart, the tables and the method pickers. */
export const METHOD_COLORS: Record<MethodName, string> = {
  reference: '#2f6fde',
  debtrank: '#d1495b',
  'eisenberg-noe': '#2a9d5c',
}

const TOP_LOSSES = 200

export function scenarioEditor(wb: Workbench, params: ScenarioParams, ctx: EditorContext): Editor {
  const element = h('div', 'doc-view risk-view scenario-view')
  element.dataset.run = String(params.runId)
  element.dataset.scenario = params.scenario
  element.append(h('p', 'muted', `Loading scenario ${params.scenario} of run ${params.runId}…`))
  let chart: RoundChart | null = null
  /** The round the graph plays, marked on the chart (kept across a redraw for a new theme). */
  let markedRound: number | null = null
  let playback: PlaybackController | null = null
  const offs: (() => void)[] = []

  const load = async (): Promise<void> => {
    const r = await wb.api.call('risk.result', {
      runId: params.runId,
      scenario: params.scenario,
      top: TOP_LOSSES,
    })
    if (!r || !r.results.length) {
      element.replaceChildren(
        h(
          'p',
          'error-text',
          `Run ${params.runId} has no stored result for scenario ${params.scenario}.`,
        ),
      )
      return
    }
    render(r)
  }

  const render = (r: Result): void => {
    const first = r.results[0]
    const where =
      r.graph === 'observed'
        ? `week ${r.week}`
        : r.graph === 'forecast'
          ? `forecast Ĝ(${r.targetWeek}) from ${r.week}, h=${r.horizon}`
          : `realised week ${r.targetWeek} (h=${r.horizon} from ${r.week})`
    ctx.setTitle(
      `Scenario ${params.scenario} · ${r.graph === 'observed' ? r.week : `${r.week} h=${r.horizon}`}`,
    )
    const head = h(
      'header',
      'risk-head',
      h('h2', '', `Scenario ${params.scenario}`),
      h(
        'p',
        'muted',
        `${where} · shock ${first.shockSpec} · ${count(first.shockedCount)} node${first.shockedCount === 1 ? '' : 's'} shocked · run ${r.runId}, ${r.created.slice(0, 19).replace('T', ' ')}`,
      ),
    )
    const warnings = [...new Set([...r.warnings, ...r.results.flatMap((x) => x.warnings)])]
    const warn = warnings.length
      ? h('ul', 'risk-warnings', ...warnings.map((w) => h('li', '', w)))
      : null

    // ---- totals per method
    const totals = h('table', 'risk-table risk-totals')
    totals.setAttribute('aria-label', 'Totals per method')
    const figures = [
      ['Loss', 'Total loss (USD)', (m: MethodResult) => usd(m.totalLoss)],
      [
        '% TVL',
        'Total loss as a share of the total TVL',
        (m: MethodResult) => `${m.totalLossPct.toFixed(2)} %`,
      ],
      [
        'Distressed',
        'Nodes in distress (shocked nodes included)',
        (m: MethodResult) => count(m.distressed),
      ],
      [
        'Defaulted',
        "Nodes in default (each method's definition, docs/risk.md)",
        (m: MethodResult) => count(m.defaults),
      ],
      ['Affected', 'Nodes with any loss', (m: MethodResult) => count(m.affected)],
    ] as const
    totals.append(
      h(
        'thead',
        '',
        h(
          'tr',
          '',
          h('th', '', 'Method'),
          ...figures.map(([t, tip]) => {
            const th = h('th', 'num', t)
            th.title = tip
            return th
          }),
        ),
      ),
      h(
        'tbody',
        '',
        ...r.results.map((m) => {
          const tr = h(
            'tr',
            '',
            h(
              'td',
              '',
              swatch(m.method),
              METHOD_LABELS[m.method],
              // under the name, with the rounds of its loss path: the table then fits a
              // half-width editor with every column
              h(
                'small',
                'muted risk-variant',
                `${m.variant} · ${m.rounds} round${m.rounds === 1 ? '' : 's'}${m.converged ? '' : ' (limit)'}`,
              ),
            ),
            // each figure names itself for the narrow layout (style.css: a card per method)
            ...figures.map(([label, , text]) => {
              const td = h('td', 'num', text(m))
              td.dataset.label = label
              return td
            }),
          )
          tr.dataset.method = m.method
          tr.dataset.totalLoss = String(m.totalLoss)
          tr.dataset.totalLossPct = String(m.totalLossPct)
          tr.dataset.distressed = String(m.distressed)
          tr.dataset.defaults = String(m.defaults)
          tr.dataset.rounds = String(m.rounds)
          return tr
        }),
      ),
    )

    // ---- loss by round
    const chartHost = h('div', 'risk-chart')
    const chartBox = h('section', 'risk-section', h('h3', '', 'Loss by round'), chartHost)

    // ---- playback
    const showWeek = r.graph === 'forecast' ? r.week : r.targetWeek
    const methods = r.results.map((m) => m.method)
    const pick = h('select', 'playback-method')
    pick.setAttribute('aria-label', 'Method to play')
    for (const m of methods) pick.append(new Option(METHOD_LABELS[m], m))
    const pick2 = h('select', 'playback-method-2')
    pick2.setAttribute('aria-label', 'Method on the right')
    for (const m of methods) pick2.append(new Option(METHOD_LABELS[m], m))
    if (methods.length > 1) pick2.value = methods[1]
    const split = h('input')
    split.type = 'checkbox'
    split.className = 'playback-split'
    split.disabled = methods.length < 2
    const splitLabel = h('label', 'playback-split-label', split, ' Split by method: right ', pick2)
    pick2.disabled = !split.checked
    const btn = (
      action: string,
      icon: string,
      title: string,
      fn: () => unknown,
    ): HTMLButtonElement => {
      const b = h('button', 'icon')
      b.type = 'button'
      b.dataset.action = action
      b.title = title
      b.setAttribute('aria-label', title)
      b.append(h('i', `codicon codicon-${icon}`))
      b.addEventListener('click', () => void Promise.resolve(fn()).catch(fail))
      return b
    }
    const label = h('span', 'playback-label muted', 'Play the rounds on the graph.')
    const slider = h('input', 'playback-slider')
    slider.type = 'range'
    slider.min = '0'
    slider.value = '0'
    slider.disabled = true
    slider.setAttribute('aria-label', 'Round')
    const start = smallButton('Show on graph', () => void attach().catch(fail))
    start.classList.add('playback-start')
    const stop = smallButton('Clear', () => playback?.detach(true))
    stop.classList.add('playback-clear')
    const playBtn = btn('play', 'play', 'Play / pause', () =>
      playback?.playing ? playback.pause() : playback?.play(),
    )
    const controls = h(
      'div',
      'playback-controls',
      btn('first', 'debug-restart', 'First round (the shock)', () => playback?.first()),
      btn('prev', 'chevron-left', 'Previous round', () => playback?.previous()),
      playBtn,
      btn('next', 'chevron-right', 'Next round', () => playback?.next()),
      btn('last', 'debug-step-over', 'Last round', () => playback?.last()),
      slider,
    )
    for (const b of controls.querySelectorAll('button')) b.disabled = true
    const timing = h('span', 'playback-timing muted')
    const playBox = h(
      'section',
      'risk-section playback',
      h('h3', '', 'Playback on the graph'),
      h('div', 'row', h('label', '', 'Method ', pick), splitLabel, start, stop),
      controls,
      h('div', 'row', label, timing),
    )
    const onState = (s: PlaybackState | null): void => {
      const on = s !== null
      for (const b of controls.querySelectorAll('button')) b.disabled = !on
      slider.disabled = !on
      playBox.classList.toggle('attached', on)
      if (!s) {
        label.textContent = 'Play the rounds on the graph.'
        timing.textContent = ''
        playBox.dataset.step = ''
        markedRound = null
        chart?.mark(null)
        return
      }
      slider.max = String(s.steps - 1)
      slider.value = String(s.step)
      playBtn.querySelector('i')!.className =
        `codicon codicon-${s.playing ? 'debug-pause' : 'play'}`
      playBox.dataset.step = String(s.step)
      playBox.dataset.steps = String(s.steps)
      label.textContent = s.lanes.map((l) => l.title).join('   |   ')
      if (s.stepMs !== null) {
        playBox.dataset.stepMs = s.stepMs.toFixed(1)
        timing.textContent = `step drawn in ${s.stepMs.toFixed(0)} ms`
      }
      const lead = r.results.find((m) => m.method === s.lanes[0].method)
      markedRound = lead?.lossPath[Math.min(s.step, lead.lossPath.length - 1)]?.round ?? null
      chart?.mark(markedRound)
    }
    playback?.dispose()
    playback = new PlaybackController(
      wb,
      { runId: r.runId, scenario: params.scenario, showWeek, forecast: r.graph === 'forecast' },
      onState,
    )
    const attach = async (): Promise<void> => {
      const chosen = [pick.value as MethodName]
      if (split.checked && pick2.value !== pick.value) chosen.push(pick2.value as MethodName)
      start.disabled = true
      label.textContent = 'Loading the rounds…'
      try {
        await playback!.attach(chosen)
      } catch (e) {
        label.textContent = `The rounds could not be shown: ${(e as Error).message}`
        throw e
      } finally {
        start.disabled = false
      }
    }
    split.addEventListener('change', () => (pick2.disabled = !split.checked))
    slider.addEventListener('input', () => void playback?.show(Number(slider.value)).catch(fail))

    // ---- node losses
    const lossPick = h('select', 'losses-method')
    lossPick.setAttribute('aria-label', 'Method of the node losses')
    for (const m of methods) lossPick.append(new Option(METHOD_LABELS[m], m))
    const hitNote = h('span', 'muted')
    const columns: Column<LossRow>[] = [
      {
        key: 'node',
        title: 'Node',
        value: (x) => x.name ?? x.node,
        text: (x) => (x.name ? `${x.name} (${x.node})` : x.node),
      },
      { key: 'loss', title: 'Loss', value: (x) => x.loss, text: (x) => usd(x.loss), numeric: true },
      {
        key: 'relativeLoss',
        title: 'Share of its TVL',
        value: (x) => x.relativeLoss,
        text: (x) => pct(x.relativeLoss),
        numeric: true,
      },
      {
        key: 'distressRound',
        title: 'Distressed in round',
        value: (x) => x.distressRound,
        text: (x) => (x.distressRound === null ? '—' : String(x.distressRound)),
        numeric: true,
      },
    ]
    const table = sortableTable(columns, {
      initial: { key: 'loss', order: 'desc' },
      rowKey: (x) => x.node,
      onRow: (x) => selectOnGraph(x.node),
      label: 'Node losses',
    })
    const fillLosses = (): void => {
      const m = r.results.find((x) => x.method === lossPick.value) ?? first
      table.setRows(m.topLosses)
      hitNote.textContent =
        m.nodesHit > m.topLosses.length
          ? `the ${count(m.topLosses.length)} largest of ${count(m.nodesHit)} nodes hit`
          : `${count(m.nodesHit)} nodes hit`
    }
    lossPick.addEventListener('change', fillLosses)
    fillLosses()
    const lossesBox = h(
      'section',
      'risk-section',
      h('h3', '', 'Node losses'),
      h(
        'div',
        'row',
        h('label', '', 'Method ', lossPick),
        hitNote,
        // every node hit, by every method of the run (the table shows the largest of one method)
        tableExportButton(wb, `the node losses of scenario ${params.scenario}`, () => ({
          table: 'contagion-losses',
          run: r.runId,
          scenario: params.scenario,
        })),
      ),
      h('div', 'risk-table-wrap', table.element),
    )

    const totalsExport = tableExportButton(wb, `the totals of scenario ${params.scenario}`, () => ({
      table: 'contagion-totals',
      run: r.runId,
      scenario: params.scenario,
    }))
    totalsExport.classList.add('risk-totals-export')
    element.replaceChildren(
      head,
      ...(warn ? [warn] : []),
      // scrolls sideways in a narrow split rather than cutting its columns off
      h('div', 'risk-scroll-x', totals),
      totalsExport,
      playBox,
      chartBox,
      lossesBox,
    )
    drawChart = () => {
      chart?.dispose()
      chart = roundChart(
        chartHost,
        r.results.map((m) => ({
          name: METHOD_LABELS[m.method],
          color: METHOD_COLORS[m.method],
          points: m.lossPath.map((p): [number, number] => [p.round, p.loss]),
        })),
        wb.theme.colors,
      )
      chart.mark(markedRound)
    }
    // the totals first: the chart and each method's playback data once they are on screen. The
    // rounds load in the background, one method at a time (the chosen one first), so "Show on
    // graph" draws at once instead of waiting for the engine (up to ≈ 1 s a method on a
    // real-scale week). A load that fails is said in the playback's line (no toast for work the
    // analyst did not ask for) and dropped from the controller's cache: "Show on graph" asks
    // again and reports a failure as usual.
    const controller = playback
    afterPaint(() => {
      if (playback !== controller) return // disposed, or rendered again
      drawChart()
      const order = [pick.value as MethodName, ...methods.filter((x) => x !== pick.value)]
      playBox.dataset.loaded = ''
      void (async () => {
        try {
          for (const m of order) {
            if (playback !== controller) return
            await controller.frames(m)
            // (read by the scenario bench: every method's rounds in the page)
            playBox.dataset.loaded = [playBox.dataset.loaded, m].filter(Boolean).join(' ')
          }
        } catch (e) {
          if (playback === controller && !controller.attached)
            label.textContent = `The rounds could not be loaded in advance (${(e as Error).message}); Show on graph tries again.`
        }
      })()
    })
  }
  /** Redraws the chart (its colours come from the theme, which canvas cannot read). */
  let drawChart = (): void => {}

  const selectOnGraph = (node: string): void => {
    const g = wb.activeGraph()
    if (g) g.selectNode(node, true)
    else wb.goToNode(node)
  }

  const fail = (e: unknown): void => {
    wb.report(e)
  }

  offs.push(wb.theme.changed.on(() => drawChart()))
  void load().catch((e) => {
    element.replaceChildren(
      h('p', 'error-text', `This scenario could not be loaded: ${(e as Error).message}`),
    )
    fail(e)
  })

  return {
    element,
    onResize: () => chart?.resize(),
    onVisible: (v) => v && chart?.resize(),
    dispose: () => {
      for (const off of offs) off()
      playback?.dispose()
      playback = null
      chart?.dispose()
    },
  }
}

/** Runs `fn` after the next frame is painted. */
function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0))
}

function swatch(method: MethodName): HTMLElement {
  const s = h('i', 'method-swatch')
  s.style.background = METHOD_COLORS[method]
  return s
}
