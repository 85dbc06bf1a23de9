// The forecast table (an editor tab per week and horizon): the stored forecast's most probable new
// relationships, every pair by probability (the CLI's `forecast --top`), the largest predicted
// weight changes, the edges predicted to vanish, and the nodes' predicted TVL; each with the
// calibrated probability and predicted USD, filterable by node. "Explain" shows the pair-history
// features the model saw for a pair at t (`forecast.explain`).
import type { CallResponse } from '../../../../shared/api'
import type { ExportTableName } from '../../../../shared/api-export'
import { runMadeBy } from '../../services/model-choice'
import { factsList, smallButton } from '../../ui/dom'
import { tableExportButton } from '../../ui/export-dialog'
import { count, usd } from '../../ui/format'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import { storedForecast, type ForecastRun } from './frame'

export interface ForecastTableParams {
  week: string
  horizon: number
  kind?: TableKind
}

export type TableKind = 'new' | 'all' | 'changes' | 'vanishing' | 'nodes'

const KINDS: { kind: TableKind; label: string; hint: string }[] = [
  { kind: 'new', label: 'New relationships', hint: 'pairs absent at t, most probable first' },
  { kind: 'all', label: 'All pairs', hint: 'every stored pair by probability (`forecast --top`)' },
  { kind: 'changes', label: 'Weight changes', hint: 'edges of t kept in Ĝ(t+h), largest change' },
  { kind: 'vanishing', label: 'Vanishing', hint: 'edges of t not in Ĝ(t+h), largest first' },
  { kind: 'nodes', label: 'Node TVL', hint: 'predicted TVL change, largest first' },
]

const PAGE = 100

/** The result table (src/engine/export/tables.ts) holding each tab's rows. */
const EXPORT_TABLE: Record<TableKind, ExportTableName> = {
  new: 'forecast-new',
  all: 'forecast-edges',
  changes: 'forecast-changes',
  vanishing: 'forecast-vanishing',
  nodes: 'forecast-nodes',
}

type EdgeRow = CallResponse<'forecast.edges'>['rows'][number]
type NodeRow = CallResponse<'forecast.nodes'>['rows'][number]

export function forecastTable(
  wb: Workbench,
  params: ForecastTableParams,
  ctx: EditorContext,
): Editor {
  const { week, horizon } = params
  let kind: TableKind = params.kind ?? 'new'
  let node: string | null = null
  let shown = 0
  const element = document.createElement('div')
  element.className = 'doc-view forecast-table-view'
  element.dataset.week = week
  element.dataset.horizon = String(horizon)
  const title = document.createElement('h2')
  title.textContent = `Forecast h=${horizon} from ${week}`
  const meta = document.createElement('p')
  meta.className = 'muted forecast-table-meta'
  const warnings = document.createElement('div')
  warnings.className = 'forecast-warnings'
  const tabs = document.createElement('div')
  tabs.className = 'forecast-kinds'
  tabs.setAttribute('role', 'tablist')
  const filterRow = document.createElement('div')
  filterRow.className = 'row forecast-filter'
  const filter = document.createElement('input')
  filter.type = 'search'
  filter.placeholder = 'Filter by node (id or name)…'
  filter.setAttribute('aria-label', 'Filter by node')
  const filterNote = document.createElement('small')
  filterNote.className = 'muted'
  // the current tab's whole list as the engine holds it (export.table), not only the rows shown
  let shownModel: string | null = null
  // the run shown, by its model: that model's latest run is the one the table reads (shownRun)
  const exportBtn = tableExportButton(wb, `the forecast table h=${horizon} from ${week}`, () => {
    const model = shownModel
    return {
      table: EXPORT_TABLE[kind],
      week,
      horizon,
      ...(model ? { models: { [String(horizon)]: model } } : {}),
    }
  })
  filterRow.append(filter, filterNote, exportBtn)
  const hint = document.createElement('p')
  hint.className = 'muted'
  const tableBox = document.createElement('div')
  tableBox.className = 'forecast-table-box'
  const more = smallButton('Show more', () => void load(true).catch(wb.report))
  const explain = document.createElement('div')
  explain.className = 'forecast-explain'
  explain.hidden = true
  const body = document.createElement('div')
  body.className = 'forecast-table-body'
  const main = document.createElement('div')
  main.className = 'forecast-table-main'
  main.append(tabs, filterRow, hint, tableBox, more)
  body.append(main, explain)
  element.append(title, meta, warnings, body)

  for (const k of KINDS) {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'small'
    b.textContent = k.label
    b.title = k.hint
    b.dataset.kind = k.kind
    b.setAttribute('role', 'tab')
    b.addEventListener('click', () => {
      kind = k.kind
      ctx.saveParams({ week, horizon, kind })
      void applyFilter().catch(wb.report)
    })
    tabs.append(b)
  }

  const names = new Map<string, string>()
  /** A typed id or name → the node id: an exact id, an exact name, or the one name containing it. */
  const resolve = async (text: string): Promise<string | null> => {
    const q = text.trim()
    if (!q) return null
    const u = await wb.data.loadUniverse()
    if (u.index.has(q)) return q
    const low = q.toLowerCase()
    const exact: string[] = []
    const partial: string[] = []
    for (let i = 0; i < u.count; i++) {
      const n = (u.names[i] ?? '').toLowerCase()
      if (n === low) exact.push(u.ids[i])
      else if (n.includes(low) || u.ids[i].toLowerCase().includes(low)) partial.push(u.ids[i])
    }
    const hits = exact.length ? exact : partial
    if (hits.length === 1) return hits[0]
    throw new Error(
      hits.length
        ? `"${q}" matches ${count(hits.length)} nodes (${hits.slice(0, 5).join(', ')}…): type more of the name or the id`
        : `no node matches "${q}"`,
    )
  }

  let filterTimer: ReturnType<typeof setTimeout> | undefined
  /** Resolves the typed node (edge lists need one node id; the node list filters by text). */
  const applyFilter = async (): Promise<void> => {
    filterNote.classList.remove('error-text')
    filterNote.textContent = ''
    if (kind === 'nodes') node = null
    else
      try {
        node = await resolve(filter.value)
        if (node)
          filterNote.textContent = `node ${node}${names.get(node) ? ` (${names.get(node)})` : ''}`
      } catch (e) {
        filterNote.textContent = (e as Error).message
        filterNote.classList.add('error-text')
        return
      }
    try {
      await load(false)
    } catch (e) {
      // e.g. the node is not in week t: say so beside the filter, the table stays as it was
      filterNote.textContent = (e as Error).message
      filterNote.classList.add('error-text')
    }
  }
  filter.addEventListener('input', () => {
    clearTimeout(filterTimer)
    filterTimer = setTimeout(() => void applyFilter().catch(wb.report), 250)
  })

  const cell = (tr: HTMLTableRowElement, text: string, cls = ''): HTMLTableCellElement => {
    const c = tr.insertCell()
    c.textContent = text
    if (cls) c.className = cls
    return c
  }
  const nodeCell = (tr: HTMLTableRowElement, id: string, name: string | null): void => {
    const c = tr.insertCell()
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'link'
    b.textContent = name ?? id
    b.title = `${id}: select it on the graph`
    b.addEventListener('click', () => wb.goToNode(id))
    c.append(b)
    if (name) names.set(id, name)
  }
  const prob = (p: number | null): string => (p === null ? '< 0.01' : p.toFixed(4))
  const money = (x: number | null): string => (x === null ? '—' : usd(x))

  let table: HTMLTableElement | null = null
  const header = (cols: [string, boolean][]): HTMLTableElement => {
    const t = document.createElement('table')
    t.className = 'grid forecast-table'
    t.dataset.kind = kind
    const tr = t.createTHead().insertRow()
    for (const [c, num] of cols) {
      const th = document.createElement('th')
      th.textContent = c
      if (num) th.className = 'num'
      tr.append(th)
    }
    t.createTBody()
    return t
  }

  const edgeRows = (rows: EdgeRow[], offset: number): void => {
    const tb = table!.tBodies[0]
    rows.forEach((r, i) => {
      const tr = tb.insertRow()
      tr.dataset.source = r.source
      tr.dataset.target = r.target
      tr.dataset.probability = r.probability === null ? '' : String(r.probability)
      tr.dataset.predicted = r.predictedWeight === null ? '' : String(r.predictedWeight)
      cell(tr, String(offset + i + 1), 'num')
      nodeCell(tr, r.source, r.sourceName)
      nodeCell(tr, r.target, r.targetName)
      cell(tr, prob(r.probability), 'num')
      cell(tr, money(r.predictedWeight), 'num')
      cell(tr, money(r.weightAtT), 'num')
      cell(
        tr,
        r.logChange === null
          ? r.existsAtT
            ? ''
            : 'new'
          : `${(Math.expm1(r.logChange) * 100).toFixed(0)} %`,
        'num',
      )
      const c = tr.insertCell()
      c.append(smallButton('Explain', () => void showExplain(r).catch(wb.report)))
    })
  }

  const nodeRows = (rows: NodeRow[], offset: number): void => {
    const tb = table!.tBodies[0]
    rows.forEach((r, i) => {
      const tr = tb.insertRow()
      tr.dataset.node = r.node
      cell(tr, String(offset + i + 1), 'num')
      nodeCell(tr, r.node, r.name)
      cell(tr, r.category)
      cell(tr, usd(r.tvlT), 'num')
      cell(tr, usd(r.predictedTvl), 'num')
      cell(tr, `${(Math.expm1(r.predictedLogChange) * 100).toFixed(1)} %`, 'num')
    })
  }

  // The run the table shows, read by id: the model in use's latest (a newer run of another model
  // is not it). With none of that model stored (a tab restored after the choice changed) the latest
  // of any model, whose model the header names.
  let runP: Promise<ForecastRun | null> | null = null
  const shownRun = (): Promise<ForecastRun | null> =>
    (runP ??= storedForecast(wb, week, horizon)
      .then((r) => r ?? wb.api.call('forecast.latest', { week, horizon }))
      .then(async (r) => {
        // the listed model that made it, by name and pair-head hash (names repeat between
        // shipped and trained models): the export names its folder
        if (r) {
          const models = await wb.api.call('models.list', {})
          shownModel = models.find((m) => m.horizon === horizon && runMadeBy(r, m))?.dir ?? null
        }
        return r
      }))
  const runRef = async (): Promise<{ runId?: number }> => {
    const run = await shownRun()
    return run ? { runId: run.run_id } : {}
  }

  let header0 = false
  const load = async (append: boolean): Promise<void> => {
    for (const b of tabs.querySelectorAll<HTMLButtonElement>('button')) {
      b.classList.toggle('active', b.dataset.kind === kind)
      b.setAttribute('aria-selected', String(b.dataset.kind === kind))
    }
    hint.textContent = KINDS.find((k) => k.kind === kind)!.hint
    const offset = append ? shown : 0
    let total: number
    if (kind === 'nodes') {
      const r = await wb.api.call('forecast.nodes', {
        week,
        horizon,
        ...(await runRef()),
        sort: 'absChange',
        filter: filter.value.trim() || undefined,
        limit: PAGE,
        offset,
      })
      if (!append) {
        table = header([
          ['#', true],
          ['node', false],
          ['category', false],
          ['TVL at t', true],
          ['predicted TVL', true],
          ['change', true],
        ])
        tableBox.replaceChildren(table)
      }
      nodeRows(r.rows, offset)
      shown = offset + r.rows.length
      total = r.total
      describe(r)
    } else {
      const r = await wb.api.call('forecast.edges', {
        week,
        horizon,
        ...(await runRef()),
        kind,
        node: node ?? undefined,
        limit: PAGE,
        offset,
      })
      if (!append) {
        table = header([
          ['#', true],
          ['holder', false],
          ['issuer', false],
          ['probability', true],
          ['predicted USD', true],
          ['USD at t', true],
          ['change', true],
          ['', false],
        ])
        tableBox.replaceChildren(table)
      }
      edgeRows(r.rows, offset)
      shown = offset + r.rows.length
      total = r.total
      describe(r)
    }
    table!.dataset.total = String(total)
    more.hidden = shown >= total
    more.textContent = `Show more (${count(shown)} of ${count(total)})`
    if (!shown)
      tableBox.append(
        Object.assign(document.createElement('p'), {
          className: 'muted',
          textContent: filter.value.trim()
            ? `Nothing for "${filter.value.trim()}" in this list.`
            : 'Nothing in this list.',
        }),
      )
  }

  const describe = (r: { runId: number; targetWeek: string; total: number }): void => {
    if (header0) return
    header0 = true
    void (async () => {
      const run = await shownRun()
      if (!run) return
      meta.textContent =
        `Run #${r.runId} · target week ${r.targetWeek} · model ${run.model} on ${run.provider} · ` +
        `${count(Math.round(run.expected_edges))} expected edges, predicted graph ${count(run.graph_edges)} edges`
      warnings.replaceChildren(
        ...run.warnings.map((w) =>
          Object.assign(document.createElement('p'), { textContent: `⚠ ${w}` }),
        ),
      )
    })().catch(wb.report)
  }

  const showExplain = async (r: EdgeRow): Promise<void> => {
    const x = await wb.api.call('forecast.explain', {
      week,
      horizon,
      ...(await runRef()),
      source: r.source,
      target: r.target,
    })
    const h = document.createElement('h3')
    h.textContent = `${x.sourceName ?? x.source} → ${x.targetName ?? x.target}`
    const facts = factsList([
      ['pair', `${x.source} → ${x.target}`],
      [
        'head',
        x.head === 'pair'
          ? 'pair head (the pair has history)'
          : 'fresh-pair head (no history in either direction)',
      ],
      ['model', x.model ?? '—'],
      ['probability', x.stored ? x.stored.probability.toFixed(4) : '< 0.01 (not stored)'],
      ['predicted USD', x.stored ? usd(x.stored.predictedWeight) : '—'],
      ['edge at t', x.stored ? (x.stored.existsAtT ? 'yes' : 'no') : r.existsAtT ? 'yes' : 'no'],
      ['in Ĝ(t+h)', x.stored?.inGraph ? 'yes' : 'no'],
    ])
    const t = document.createElement('table')
    t.className = 'grid forecast-features'
    const hr = t.createTHead().insertRow()
    for (const c of ['feature at t', 'value', 'model reads it']) {
      const th = document.createElement('th')
      th.textContent = c
      hr.append(th)
    }
    const tb = t.createTBody()
    for (const f of x.features) {
      const tr = tb.insertRow()
      tr.dataset.feature = f.name
      tr.title = f.description
      cell(tr, f.name)
      cell(tr, Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(4), 'num')
      cell(tr, f.used ? 'yes' : 'no')
      if (!f.used) tr.classList.add('muted')
    }
    const note = document.createElement('p')
    note.className = 'muted'
    note.textContent =
      'The pair history the forecast computed from the archive up to t only (docs/forecasting.md). ' +
      (x.head === 'fresh'
        ? 'A fresh pair is scored from its two nodes alone; every history feature is at its "never" value.'
        : 'Rows in grey are computed but not read by this model.')
    explain.replaceChildren(
      h,
      facts,
      t,
      note,
      smallButton('Close', () => (explain.hidden = true)),
    )
    explain.dataset.pair = `${x.source}→${x.target}`
    explain.hidden = false
  }

  void load(false).catch((e) => {
    tableBox.replaceChildren(
      Object.assign(document.createElement('p'), {
        className: 'error-text',
        textContent: `The forecast could not be read: ${(e as Error).message}`,
      }),
    )
    wb.report(e)
  })

  return { element, dispose: () => clearTimeout(filterTimer) }
}
