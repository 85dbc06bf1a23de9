// The stored risk comparison of a forecast (`dexposure risk --forecast H`, the `risk.comparison`
// call): each risk measure on the observed G(t) — what persistence predicts —, on the forecast
// graph Ĝ(t+h) and on the realised G(t+h), the closer predictor in bold. When none is stored, a
// button computes it as a `risk` job (the same engine code as the CLI).
import type { CallResponse } from '../../../../shared/api'
import { count, usd } from '../../ui/format'
import type { Workbench } from '../context'

type Row = NonNullable<CallResponse<'risk.comparison'>>['rows'][number]

const LABELS: Record<string, string> = {
  tvl_hhi: 'TVL concentration (HHI)',
  top10_tvl_share: 'top-10 TVL share',
  tvl_gini: 'TVL Gini',
  edge_hhi: 'exposure HHI',
  density: 'density',
  degree_gini: 'degree Gini',
  mean_sis: 'mean SIS',
  spillover_index: 'spillover index',
  total_tvl: 'total TVL',
}

function value(item: string, x: number | null): string {
  if (x === null) return '—'
  if (item === 'total_tvl') return usd(x)
  if (item.startsWith('loss_pct:')) return `${x.toFixed(2)} %`
  return Math.abs(x) >= 1000 ? count(Math.round(x)) : x.toPrecision(3)
}

function table(rows: Row[]): HTMLTableElement {
  const t = document.createElement('table')
  t.className = 'grid forecast-comparison-table'
  const head = t.createTHead().insertRow()
  for (const [text, title] of [
    ['measure', ''],
    ['G(t)', 'the observed week t: what persistence predicts'],
    ['Ĝ(t+h)', 'the forecast graph'],
    ['G(t+h)', 'the realised week t + h'],
  ]) {
    const th = document.createElement('th')
    th.textContent = text
    if (title) th.title = title
    if (text !== 'measure') th.className = 'num'
    head.append(th)
  }
  const body = t.createTBody()
  for (const r of rows) {
    const tr = body.insertRow()
    tr.dataset.item = r.item
    const [, scenario, method] = r.item.split(':')
    tr.insertCell().textContent = r.item.startsWith('loss_pct:')
      ? `loss ${scenario} (${method})`
      : (LABELS[r.item] ?? r.item)
    const cells: [number | null, number | null][] = [
      [r.persistence, r.persistenceError],
      [r.forecast, r.forecastError],
    ]
    const better =
      r.forecastError !== null && r.persistenceError !== null
        ? r.forecastError < r.persistenceError
          ? 1
          : r.persistenceError < r.forecastError
            ? 0
            : -1
        : -1
    cells.forEach(([v, err], i) => {
      const c = tr.insertCell()
      c.className = i === better ? 'num better' : 'num'
      c.textContent = value(r.item, v)
      if (err !== null) c.title = `error ${value(r.item, err)}`
    })
    const a = tr.insertCell()
    a.className = 'num'
    a.textContent = value(r.item, r.actual)
  }
  return t
}

/** The stored forecast run the comparison is of: the run of the model the views use. */
export interface ComparedRun {
  runId: number
  /** The model in use's folder (undefined: none listed); the engine refuses another model's run. */
  model: string | undefined
  modelName: string
}

/**
 * Draws the comparison of (week, horizon) into `box`: only one that scored `run` (the model in
 * use's forecast, never another model's); `stale()` says the view moved on.
 */
export async function renderComparison(
  wb: Workbench,
  box: HTMLElement,
  week: string,
  horizon: number,
  run: ComparedRun,
  stale: () => boolean,
): Promise<void> {
  try {
    const cmp = await wb.api.call('risk.comparison', { week, horizon, forecastRun: run.runId })
    if (stale()) return
    if (!cmp) {
      const p = document.createElement('p')
      p.className = 'muted'
      p.textContent =
        'No risk comparison is stored for this forecast. It measures G(t), Ĝ(t+h) and the realised G(t+h) with the eight scenarios and three contagion methods.'
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'small'
      b.dataset.action = 'compute-comparison'
      b.textContent = 'Compute the risk comparison'
      b.addEventListener('click', () => {
        b.disabled = true
        b.textContent = 'Computing…'
        void (async () => {
          // the run shown and the model in use named: the engine measures that run, or refuses
          // (CONFLICT naming both models) when it is another model's
          const done = await wb.jobs.run('risk', `Risk of forecast h=${horizon} from ${week}`, () =>
            wb.api.call('risk.run', {
              week,
              graph: { forecast: horizon },
              // exactly the run the view shows (a newer run of the same model may exist)
              forecastRun: run.runId,
              ...(run.model ? { model: run.model } : {}),
            }),
          )
          if (done.state !== 'done')
            throw new Error(`the risk comparison ${done.state}: ${done.error?.message ?? ''}`)
          await renderComparison(wb, box, week, horizon, run, stale)
        })().catch((e) => {
          wb.report(e)
          b.disabled = false
          b.textContent = 'Compute the risk comparison'
        })
      })
      box.replaceChildren(p, b)
      return
    }
    const metrics = cmp.rows.filter((r) => !r.item.startsWith('loss_pct:'))
    const losses = cmp.rows.filter((r) => r.item.startsWith('loss_pct:'))
    const note = document.createElement('p')
    note.className = 'muted'
    note.textContent = `Stored run #${cmp.runId}: ${cmp.week} → ${cmp.targetWeek}, forecast run #${run.runId} of model ${run.modelName}. Bold: the closer prediction of the realised value.`
    const parts: HTMLElement[] = [note, table(metrics)]
    if (losses.length) {
      const det = document.createElement('details')
      const sum = document.createElement('summary')
      sum.textContent = `Contagion losses (% of TVL), ${losses.length} scenario × method`
      det.append(sum, table(losses))
      parts.push(det)
    }
    box.replaceChildren(...parts)
    box.dataset.run = String(cmp.runId)
    box.dataset.forecastRun = String(run.runId)
  } catch (e) {
    wb.report(e)
  }
}
