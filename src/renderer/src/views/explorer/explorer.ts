// The Explorer side bar: the archive (file, synthetic badge, import), its weeks (TVL and edge
// sparklines across all weeks, a row per week), protocols by category with a search box, the
// stored forecast and risk runs, and the models. Opening an item opens or focuses a tab.
import type { CallResponse, WorkbenchApi } from '../../../../shared/api'
import type { ArchiveService } from '../../services/archive'
import type { SelectionService } from '../../services/selection'
import { sparkline } from '../../ui/sparkline'
import { smallButton as button } from '../../ui/dom'
import { count, usd } from '../../ui/format'
import type { GraphData } from '../graph/data'
import type { SideView } from '../../workbench/parts'

export interface ExplorerDeps {
  api: WorkbenchApi
  archive: ArchiveService
  selection: SelectionService
  data: GraphData
  openWeek(week: string): void
  goToNode(id: string): void
  openModel(model: CallResponse<'models.list'>[number]): void
  runCommand(id: string): void
  report(e: unknown): void
}

export function explorerView(d: ExplorerDeps): SideView {
  let host: HTMLElement
  let search: HTMLInputElement | null = null
  const render = async (): Promise<void> => {
    const info = d.archive.info
    const head = document.createElement('div')
    head.className = 'side-title'
    head.textContent = 'Explorer'
    if (!info) {
      host.replaceChildren(
        head,
        empty('No archive is open.', 'Open an archive (Ctrl+O) or start with `npm start`.'),
      )
      return
    }
    const archive = section('Archive', true)
    const file = document.createElement('div')
    file.className = 'archive-file'
    file.textContent = d.archive.fileName
    file.title = info.file
    const facts = document.createElement('div')
    facts.className = 'muted'
    facts.textContent = info.weeks
      ? `${count(info.weeks)} weeks, ${info.firstWeek} … ${info.lastWeek} · ${count(info.protocols)} protocols · schema v${info.schemaVersion}`
      : 'empty'
    const actions = document.createElement('div')
    actions.className = 'row'
    actions.append(
      button('Import file…', () => d.runCommand('archive.import')),
      button('Open archive…', () => d.runCommand('archive.open')),
    )
    archive.body.append(file, facts)
    if (info.synthetic) {
      const b = document.createElement('span')
      b.className = 'badge synthetic'
      b.textContent = 'SYNTHETIC DEMO DATA'
      b.title = 'Generated demo data, not real exposures'
      archive.body.append(b)
    }
    archive.body.append(actions)

    const weeks = section(`Weeks (${count(d.archive.weeks.length)})`, true)
    if (!d.archive.weeks.length)
      weeks.body.append(
        empty(
          'The archive has no weeks.',
          'Import a DeXposure JSON, DefiLlama responses or CSV node and edge lists.',
        ),
      )
    else {
      const spark = document.createElement('div')
      spark.className = 'sparks'
      const tvl = d.archive.weeks.map((w) => w.totalTvl)
      const edges = d.archive.weeks.map((w) => w.edges)
      spark.append(
        labelled('TVL', sparkline(tvl, 220, 22, 'var(--accent)')),
        labelled('edges', sparkline(edges, 220, 22, 'var(--muted)')),
      )
      const list = document.createElement('ul')
      list.className = 'tree weeks'
      list.setAttribute('role', 'listbox')
      list.setAttribute('aria-label', 'Weeks')
      const maxEdges = Math.max(1, ...edges)
      for (const w of [...d.archive.weeks].reverse()) {
        const li = document.createElement('li')
        li.dataset.week = w.week
        li.setAttribute('role', 'option')
        li.tabIndex = -1
        const bar = document.createElement('i')
        bar.className = 'bar'
        bar.style.width = `${Math.round((40 * w.edges) / maxEdges)}px`
        // the week dashboard (views/dashboard listens): figures, SIS, spillovers, alerts
        const dash = document.createElement('button')
        dash.type = 'button'
        dash.className = 'icon week-dashboard codicon codicon-dashboard'
        dash.title = `Open the dashboard of ${w.week}`
        dash.setAttribute('aria-label', `Dashboard of ${w.week}`)
        dash.addEventListener('click', (e) => {
          e.stopPropagation()
          window.dispatchEvent(new CustomEvent('dx:open-dashboard', { detail: { week: w.week } }))
        })
        // Enter on the button is its click, not the row's "open the graph"
        dash.addEventListener('keydown', (e) => e.key === 'Enter' && e.stopPropagation())
        li.append(
          strong(w.week),
          small(`${count(w.nodes)} n · ${count(w.edges)} e · ${usd(w.totalTvl)}`),
          bar,
          dash,
        )
        // the row's figures are cut in a narrow side bar: the tooltip has them whole
        li.title = `Open the week of ${w.week}: ${count(w.nodes)} nodes, ${count(w.edges)} edges, TVL ${usd(w.totalTvl)}`
        li.addEventListener('click', () => d.openWeek(w.week))
        li.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') d.openWeek(w.week)
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault()
            const next = (
              e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling
            ) as HTMLElement | null
            next?.focus()
          }
        })
        list.append(li)
      }
      const mark = (week: string | null): void =>
        list
          .querySelectorAll('li')
          .forEach((li) => li.classList.toggle('selected', li.dataset.week === week))
      mark(d.selection.current.week)
      d.selection.changed.on((s) => mark(s.week))
      weeks.body.append(spark, list)
    }

    const protocols = section('Protocols by category', false)
    search = document.createElement('input')
    search.type = 'search'
    search.placeholder = 'Filter protocols…'
    search.setAttribute('aria-label', 'Filter protocols')
    const tree = document.createElement('div')
    tree.className = 'tree protocols'
    protocols.body.append(search, tree)
    let byCategory: Map<string, { id: string; name: string }[]> | null = null
    const fill = async (): Promise<void> => {
      if (!byCategory) {
        const u = await d.data.loadUniverse()
        byCategory = new Map()
        for (let i = 0; i < u.count; i++) {
          if (u.kind[i] !== 0) continue
          const c = u.categories[u.category[i]]
          const list = byCategory.get(c) ?? []
          list.push({ id: u.ids[i], name: u.names[i] ?? u.ids[i] })
          byCategory.set(c, list)
        }
        for (const list of byCategory.values()) list.sort((a, b) => a.name.localeCompare(b.name))
      }
      const q = search!.value.trim().toLowerCase()
      const groups = [...byCategory.entries()].sort((a, b) => b[1].length - a[1].length)
      tree.replaceChildren(
        ...groups.flatMap(([cat, list]) => {
          const hits = q
            ? list.filter((p) => p.name.toLowerCase().includes(q) || p.id.toLowerCase().includes(q))
            : list
          if (!hits.length) return []
          const det = document.createElement('details')
          det.open = !!q
          const sum = document.createElement('summary')
          sum.append(`${cat} `, small(count(hits.length)))
          det.append(sum)
          det.addEventListener('toggle', () => {
            if (!det.open || det.childElementCount > 1) return
            const ul = document.createElement('ul')
            for (const p of hits.slice(0, 500)) {
              const li = document.createElement('li')
              li.dataset.node = p.id
              li.textContent = p.name
              li.title = `${p.id} — go to it on the graph`
              li.addEventListener('click', () => d.goToNode(p.id))
              ul.append(li)
            }
            if (hits.length > 500)
              ul.append(small(`… ${count(hits.length - 500)} more: refine the filter`))
            det.append(ul)
          })
          if (q) det.dispatchEvent(new Event('toggle'))
          return [det]
        }),
      )
    }
    search.addEventListener('input', () => void fill().catch(d.report))
    protocols.details.addEventListener(
      'toggle',
      () => protocols.details.open && void fill().catch(d.report),
      { once: true },
    )

    const runs = section('Stored runs', false)
    const models = section('Models', false)
    runs.details.addEventListener(
      'toggle',
      () => runs.details.open && void fillRuns(runs.body).catch(d.report),
    )
    models.details.addEventListener(
      'toggle',
      () => models.details.open && void fillModels(models.body).catch(d.report),
    )
    host.replaceChildren(
      head,
      archive.details,
      weeks.details,
      protocols.details,
      runs.details,
      models.details,
    )
  }

  const fillRuns = async (body: HTMLElement): Promise<void> => {
    const [r, backtests] = await Promise.all([
      d.api.call('runs.list', { limit: 100 }),
      d.api.call('backtest.list', { limit: 100 }),
    ])
    const ul = document.createElement('ul')
    ul.className = 'tree runs'
    if (!r.forecasts.length && !r.risk.length && !backtests.length)
      body.replaceChildren(
        empty(
          'No stored runs yet.',
          'Forecasts (`dexposure forecast`), risk runs (`dexposure stats`, `risk`) and backtests run in the workbench are stored in the archive and listed here.',
        ),
      )
    else {
      for (const f of r.forecasts) {
        const li = document.createElement('li')
        li.dataset.run = `forecast-${f.runId}`
        li.append(
          strong(`forecast h=${f.horizon}`),
          small(
            ` ${f.week} → ${f.targetWeek} · ${count(Math.round(f.expectedEdges))} expected edges · ${f.provider}`,
          ),
        )
        if (f.warnings.length) li.title = f.warnings.join('\n')
        li.addEventListener('click', () => d.openWeek(f.week))
        ul.append(li)
      }
      for (const k of r.risk) {
        const li = document.createElement('li')
        li.dataset.run = `risk-${k.runId}`
        const what = [
          k.kind,
          k.graph !== 'observed' ? `${k.graph} h=${k.horizon}` : '',
          String(k.params.scenario ?? k.params.method ?? ''),
        ]
          .filter(Boolean)
          .join(' · ')
        li.append(strong(what), small(` ${k.week}`))
        li.addEventListener('click', () => d.openWeek(k.week))
        ul.append(li)
      }
      // backtests open in the backtest view (views/backtest listens for dx:open-backtest)
      for (const b of backtests) {
        const li = document.createElement('li')
        li.dataset.run = `backtest-${b.runId}`
        li.append(
          strong(`backtest h=${b.horizon}`),
          small(
            ` ${b.firstWeek} … ${b.lastWeek} · ${b.model ?? 'baselines only'}${b.stale ? ' · stale' : ''}`,
          ),
        )
        li.addEventListener('click', () =>
          window.dispatchEvent(new CustomEvent('dx:open-backtest', { detail: { runId: b.runId } })),
        )
        ul.append(li)
      }
      body.replaceChildren(ul)
    }
  }

  const fillModels = async (body: HTMLElement): Promise<void> => {
    const models: CallResponse<'models.list'> = await d.api.call('models.list', {})
    const ul = document.createElement('ul')
    ul.className = 'tree models'
    for (const m of models) {
      const li = document.createElement('li')
      li.dataset.model = m.dir
      li.append(
        strong(`h=${m.horizon} ${m.source}${m.isDefault ? ' (default)' : ''}`),
        small(
          m.problem
            ? ` unusable: ${m.problem}`
            : ` trained ${m.trainingWindow.from ?? '?'} … ${m.trainingWindow.last_week_used ?? '?'}${m.synthetic ? ' · synthetic data' : ''}`,
        ),
      )
      li.title = m.dir
      li.addEventListener('click', () => d.openModel(m))
      ul.append(li)
    }
    body.replaceChildren(
      models.length
        ? ul
        : empty(
            'No models found.',
            'Shipped models live in resources/models; `dexposure train` writes models/hH beside the archive.',
          ),
    )
  }

  return {
    id: 'explorer',
    title: 'Explorer (Ctrl+Shift+E)',
    icon: 'files',
    order: 0,
    render(h) {
      host = h
      host.classList.add('explorer')
      void render().catch(d.report)
      d.archive.changed.on(() => void render().catch(d.report))
    },
  }
}

function section(title: string, open: boolean): { details: HTMLDetailsElement; body: HTMLElement } {
  const details = document.createElement('details')
  details.className = 'side-section'
  details.open = open
  const summary = document.createElement('summary')
  summary.textContent = title
  const body = document.createElement('div')
  body.className = 'side-section-body'
  details.append(summary, body)
  return { details, body }
}

function strong(text: string): HTMLElement {
  const s = document.createElement('span')
  s.className = 'primary'
  s.textContent = text
  return s
}

function small(text: string): HTMLElement {
  const s = document.createElement('small')
  s.textContent = text
  return s
}

function labelled(label: string, el: Element): HTMLElement {
  const d = document.createElement('div')
  d.className = 'spark'
  const l = document.createElement('small')
  l.textContent = label
  d.append(l, el)
  return d
}

export function empty(title: string, hint: string): HTMLElement {
  const d = document.createElement('div')
  d.className = 'empty-state'
  const h = document.createElement('p')
  h.className = 'empty-title'
  h.textContent = title
  const p = document.createElement('p')
  p.className = 'muted'
  p.textContent = hint
  d.append(h, p)
  return d
}
