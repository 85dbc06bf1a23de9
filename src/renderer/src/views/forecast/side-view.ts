// The Forecast side view: a horizon (1, 4, 8, 12 weeks) for the week the active graph shows, the
// stored run if there is one, "Show on graph" (runs the forecast as a job when none is stored),
// the probability threshold slider with the expected and shown edge counts, the model's warnings,
// the forecast table, and — where t + h is archived — forecast vs realised side by side with the
// stored risk comparison.
import type { GraphExportFormat } from '../../../../shared/api-export'
import { addWeeks } from '../../../../shared/dates'
import {
  MODEL_CHOICE_EVENT,
  modelForForecast,
  modelLabel,
  runMadeBy,
} from '../../services/model-choice'
import { exportGraphJob } from '../../services/downloads'
import { factsList, smallButton } from '../../ui/dom'
import { count } from '../../ui/format'
import type { Workbench } from '../context'
import type { SideView } from '../../workbench/parts'
import { renderComparison, type ComparedRun } from './comparison'
import { latestRunOf } from './frame'
import type { ForecastOverlay } from './overlay-controller'

export const HORIZONS = [1, 4, 8, 12] as const

export interface ForecastViewDeps {
  wb: Workbench
  overlay: ForecastOverlay
  openTable(week: string, horizon: number): void
  /** Opens t + h realised beside the graph of t with its overlay. */
  openRealised(): void
  /** The editor id of the active graph (the overlay finds its graph again by id). */
  activeGraphId(): string | null
}

export function forecastSideView(d: ForecastViewDeps): SideView {
  const { wb, overlay } = d
  let horizon = 4
  let host: HTMLElement
  /** Bumped on every render, so an answer for an older state is dropped. */
  let generation = 0

  /** The week the view works on: the overlay's while it shows, else the active graph's. */
  const week = (): string | null =>
    overlay.shown ? overlay.status.week : (wb.activeGraph()?.currentWeek ?? null)

  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    cls: string,
    text?: string,
  ): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined) e.textContent = text
    return e
  }

  const render = async (): Promise<void> => {
    const gen = ++generation
    const head = el('div', 'side-title', 'Forecast')
    const w = week()
    if (!w) {
      host.replaceChildren(
        head,
        el('p', 'muted', 'Open a week as a graph: the forecast starts from the week it shows.'),
      )
      return
    }
    const shown = overlay.shown && overlay.status.horizon === horizon
    const target = addWeeks(w, horizon)
    const body = el('div', 'forecast-body')

    const where = el('p', 'forecast-week')
    where.append('From week ', el('strong', '', w), ` to ${target}`)
    where.dataset.week = w
    const hs = el('div', 'forecast-horizons')
    hs.setAttribute('role', 'radiogroup')
    hs.setAttribute('aria-label', 'Horizon')
    for (const h of HORIZONS) {
      const b = el('button', h === horizon ? 'small active' : 'small', `${h} wk`)
      b.type = 'button'
      b.dataset.horizon = String(h)
      b.setAttribute('role', 'radio')
      b.setAttribute('aria-checked', String(h === horizon))
      b.title = `Forecast ${h} week${h > 1 ? 's' : ''} ahead (${addWeeks(w, h)})`
      b.addEventListener('click', () => {
        horizon = h
        void render().catch(wb.report)
      })
      hs.append(b)
    }
    const runLine = el('p', 'forecast-run muted', 'Looking for a stored run…')
    const show = el('button', '', shown ? 'Redraw on graph' : 'Show on graph')
    show.type = 'button'
    show.dataset.action = 'show'
    const actions = el('div', 'row')
    actions.append(show)
    if (shown) actions.append(smallButton('Clear overlay', () => void overlay.clear()))
    actions.append(smallButton('Open table', () => d.openTable(w, horizon)))
    body.append(where, hs, runLine, actions)

    show.addEventListener('click', () => {
      const id = overlay.shown ? overlay.graphId : d.activeGraphId()
      if (!id) return wb.flash('Open a week as a graph first.')
      show.disabled = true
      show.textContent = 'Loading…'
      overlay
        .show(id, horizon)
        .catch((e) => wb.report(e))
        .finally(() => void render().catch(wb.report))
    })

    if (shown && overlay.loaded && overlay.counts) body.append(thresholdSection())
    if (shown && overlay.loaded?.warnings.length) {
      const warn = el('div', 'forecast-warnings')
      warn.setAttribute('role', 'note')
      for (const text of overlay.loaded.warnings) warn.append(el('p', '', `⚠ ${text}`))
      body.append(warn)
    }
    const compare = el('div', 'forecast-compare')
    body.append(compare)
    host.replaceChildren(head, body)

    const use = await modelForForecast(wb, horizon)
    // the model in use's latest run, even when another model forecast the week since
    const own = await latestRunOf(wb, w, horizon, use.model)
    const run = own && runMadeBy(own, use.model) ? own : null
    // only a run of the model the views use counts: another model's is named, not shown
    const latest = run ?? (await wb.api.call('forecast.latest', { week: w, horizon }))
    if (gen !== generation) return
    runLine.textContent = run
      ? `Stored run #${run.run_id}: model ${run.model} on ${run.provider}, ${count(Math.round(run.expected_edges))} expected edges, ${run.created.slice(0, 16).replace('T', ' ')}`
      : latest && use.model
        ? `The stored run #${latest.run_id} is of model ${latest.model}, not the model in use (${modelLabel(use.model)}): "Show on graph" runs that one as a job.`
        : 'No stored forecast: "Show on graph" runs one as a job (a few seconds).'
    runLine.dataset.run = run ? String(run.run_id) : ''
    // the stored run loads while the analyst reads this: "Show on graph" then only draws it
    if (run && !shown) overlay.prefetch(w, horizon, run)
    compareSection(
      compare,
      w,
      target,
      run ? { runId: run.run_id, model: use.model?.dir, modelName: run.model } : null,
      shown,
      gen,
    )
  }

  const thresholdSection = (): HTMLElement => {
    const s = el('div', 'forecast-threshold')
    const cut = overlay.loaded!.prepared.cut
    const label = el('label', '')
    const out = el('output', '', `p ≥ ${overlay.threshold.toFixed(2)}`)
    label.append('Probability threshold ', out)
    const slider = el('input', '')
    slider.type = 'range'
    slider.min = '0.01'
    slider.max = '0.99'
    slider.step = '0.01'
    slider.value = String(overlay.threshold)
    slider.setAttribute('aria-label', 'Probability threshold')
    label.htmlFor = slider.id = 'forecast-threshold'
    const facts = el('div', 'forecast-counts')
    const fill = (): void => {
      const k = overlay.counts!
      facts.replaceChildren(
        factsList([
          ['expected edges (Σp)', count(Math.round(k.expectedEdges))],
          ['edges at threshold', count(k.edgesAtThreshold)],
          ['kept from t', count(k.grew + k.shrank + k.steady)],
          [
            'predicted new',
            k.appearDrawn < k.appear
              ? `${count(k.appear)} (${count(k.appearDrawn)} drawn)`
              : count(k.appear),
          ],
          ['vanishing', count(k.vanish)],
          ['grow / shrink > 10 %', `${count(k.grew)} / ${count(k.shrank)}`],
        ]),
      )
      facts.dataset.expected = String(Math.round(k.expectedEdges))
      facts.dataset.shown = String(k.edgesAtThreshold)
    }
    fill()
    slider.addEventListener('input', () => {
      const v = Number(slider.value)
      out.textContent = `p ≥ ${v.toFixed(2)}`
      void overlay.setThreshold(v).catch(wb.report)
    })
    const off = overlay.changed.on(() => {
      if (!s.isConnected) return off()
      if (overlay.counts) fill()
    })
    const reset = el('button', 'link', `Ĝ(t+h) cut: p ≥ ${cut.toFixed(2)}`)
    reset.type = 'button'
    reset.title = 'The predicted graph keeps the round(Σp) most probable pairs'
    reset.addEventListener('click', () => {
      slider.value = String(cut)
      out.textContent = `p ≥ ${cut.toFixed(2)}`
      void overlay.setThreshold(cut).catch(wb.report)
    })
    s.append(label, slider, reset, facts, graphExport())
    return s
  }

  /** Ĝ(t+h) at the slider's threshold as a file for Gephi and others (export.graph, downloads). */
  const graphExport = (): HTMLElement => {
    const row = el('div', 'row forecast-export')
    const format = el('select', '')
    format.name = 'graph-format'
    format.setAttribute('aria-label', 'Graph export format')
    for (const [value, text] of [
      ['gexf', 'GEXF'],
      ['graphml', 'GraphML'],
      ['csv', 'CSV (nodes + edges)'],
      ['parquet', 'Parquet (nodes + edges)'],
    ] as const)
      format.append(new Option(text, value))
    const go = smallButton('Export graph', () => {
      const st = overlay.status
      if (!st.week || !st.horizon) return
      const f = format.value as GraphExportFormat
      const threshold = Math.round(overlay.threshold * 100) / 100
      const { week, horizon, runId } = st
      const label = `Forecast graph h=${horizon} from ${week} at p ≥ ${threshold.toFixed(2)} as ${format.selectedOptions[0].text}`
      go.disabled = true
      modelForForecast(wb, horizon)
        .then((use) =>
          exportGraphJob(
            wb,
            // the run on the graph, of the chosen model (the engine refuses another model's run),
            // not the latest of whichever model
            {
              kind: 'forecast',
              week,
              horizon,
              threshold,
              ...(runId ? { runId } : {}),
              ...(use.dir ? { model: use.dir } : {}),
            },
            f,
            label,
          ),
        )
        .catch(wb.report)
        .finally(() => (go.disabled = false))
    })
    go.dataset.action = 'export-graph'
    go.title = 'Save the forecast graph at this threshold: every stored pair with p ≥ the threshold'
    row.append(el('span', 'muted', 'Export Ĝ at this threshold as '), format, go)
    return row
  }

  const compareSection = (
    box: HTMLElement,
    w: string,
    target: string,
    stored: ComparedRun | null,
    shown: boolean,
    gen: number,
  ): void => {
    const h = el('h4', '', 'Forecast vs realised')
    if (!wb.archive.has(target)) {
      box.replaceChildren(
        h,
        el(
          'p',
          'muted',
          `${target} is not archived: nothing to compare with yet (forecasting past the archive is the point).`,
        ),
      )
      return
    }
    const open = el('button', 'small', 'Forecast vs realised')
    open.type = 'button'
    open.dataset.action = 'compare'
    open.title = `The graph of ${w} with the forecast beside the realised graph of ${target}`
    open.disabled = !shown
    if (!shown) open.title = 'Show the forecast on the graph first'
    open.addEventListener('click', () => d.openRealised())
    const table = el('div', 'forecast-comparison')
    box.replaceChildren(h, open, table)
    if (stored) void renderComparison(wb, table, w, horizon, stored, () => gen !== generation)
    else
      table.append(el('p', 'muted', 'Run the forecast to compare its risk with the realised week.'))
  }

  return {
    id: 'forecast',
    title: 'Forecast',
    icon: 'graph-line',
    order: 3,
    render(h) {
      host = h
      host.classList.add('forecast-view')
      void render().catch(wb.report)
      // follow the active graph's week, unless our overlay holds it
      wb.selection.changed.on(() => {
        if (!overlay.shown && host.isConnected) void render().catch(wb.report)
      })
      overlay.changed.on((what) => {
        // a threshold move only updates the counts; a show (also from a command), a clear or a
        // drop redraws the view
        if (what === 'threshold') return
        if (what === 'shown' && overlay.status.horizon) horizon = overlay.status.horizon
        void render().catch(wb.report)
      })
      wb.archive.changed.on(() => void render().catch(wb.report))
      // another model chosen: the stored run line says whether it is that model's
      window.addEventListener(MODEL_CHOICE_EVENT, () => {
        if (host.isConnected) void render().catch(wb.report)
      })
    },
    onShow() {
      void render().catch(wb.report)
    },
  }
}
