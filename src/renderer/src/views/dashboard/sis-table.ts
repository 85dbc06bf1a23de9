// The dashboard's SIS table: a page of the week's systemic-importance ranking from the engine
// (`week.sis`), sorted and filtered there (the same text filter as the CLI's tables), with the
// score's three parts and the change of rank since the previous archived week. A row click shows
// the node on the graph.
import type { CallResponse, WorkbenchApi } from '../../../../shared/api'
import { SIS_SORTS } from '../../../../shared/api-names'
import { count } from '../../ui/format'
import { formatRatio } from './figures'
import { rankChangeLabel } from './alert-timeline'

type Sis = CallResponse<'week.sis'>
type SisSort = (typeof SIS_SORTS)[number]
type SisRow = Sis['rows'][number]

const PAGE = 100

const COLUMNS: { sort: SisSort; label: string; title: string; num: boolean }[] = [
  { sort: 'rank', label: '#', title: 'SIS rank this week', num: true },
  {
    sort: 'rankChange',
    label: 'Δ rank',
    title: 'Places moved since the previous archived week',
    num: true,
  },
  { sort: 'name', label: 'Node', title: 'Protocol or token (id below)', num: false },
  { sort: 'score', label: 'SIS', title: 'Systemic importance score', num: true },
  {
    sort: 'pagerank',
    label: 'PageRank',
    title: 'PageRank part (scaled to the week’s max)',
    num: true,
  },
  {
    sort: 'tail',
    label: 'Tail',
    title: 'Tail-exposure part (share of the k largest outgoing exposures)',
    num: true,
  },
  { sort: 'logTvl', label: 'TVL', title: 'log-TVL part (scaled to the week’s range)', num: true },
]

export interface SisTableHost {
  api: WorkbenchApi
  week: string
  /** Shows the node on the graph (selected). */
  openNode(node: string): void
  report(e: unknown): void
  /** After every page drawn (tests and the view's readiness). */
  onRendered(state: { sort: SisSort; order: 'asc' | 'desc'; filter: string; rows: number }): void
}

export class SisTable {
  readonly element: HTMLElement
  private readonly table: HTMLTableElement
  private readonly body: HTMLTableSectionElement
  private readonly foot: HTMLElement
  private readonly filterInput: HTMLInputElement
  private sort: SisSort = 'rank'
  private order: 'asc' | 'desc' = 'asc'
  private rows: SisRow[] = []
  private total = 0
  private token = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly host: SisTableHost) {
    this.element = document.createElement('section')
    this.element.className = 'dash-section dash-sis'
    const head = document.createElement('header')
    const h = document.createElement('h3')
    h.textContent = 'Systemic importance (SIS)'
    this.filterInput = document.createElement('input')
    this.filterInput.type = 'search'
    this.filterInput.placeholder = 'Filter by node, name or category…'
    this.filterInput.setAttribute('aria-label', 'Filter the SIS table')
    this.filterInput.addEventListener('input', () => {
      if (this.timer) clearTimeout(this.timer)
      this.timer = setTimeout(() => void this.load().catch(host.report), 200)
    })
    head.append(h, this.filterInput)
    this.table = document.createElement('table')
    this.table.className = 'grid dash-table'
    const thead = this.table.createTHead().insertRow()
    for (const c of COLUMNS) {
      const th = document.createElement('th')
      th.textContent = c.label
      th.title = `${c.title} — click to sort`
      th.dataset.sort = c.sort
      th.tabIndex = 0
      if (c.num) th.className = 'num'
      th.addEventListener('click', () => this.sortBy(c.sort))
      th.addEventListener('keydown', (e) => e.key === 'Enter' && this.sortBy(c.sort))
      thead.append(th)
    }
    this.body = this.table.createTBody()
    this.foot = document.createElement('div')
    this.foot.className = 'dash-foot muted'
    const scroller = document.createElement('div')
    scroller.className = 'dash-scroll'
    scroller.append(this.table)
    this.element.append(head, scroller, this.foot)
  }

  /** Sorts by a column: its natural order first (rank and names ascending, scores descending),
   * the other order on a second click. */
  sortBy(sort: SisSort): void {
    if (sort === this.sort) this.order = this.order === 'asc' ? 'desc' : 'asc'
    else {
      this.sort = sort
      this.order = ['rank', 'node', 'name'].includes(sort) ? 'asc' : 'desc'
    }
    void this.load().catch(this.host.report)
  }

  /** Loads the first page for the current sort and filter. */
  async load(): Promise<void> {
    const token = ++this.token
    const r = await this.host.api.call('week.sis', {
      week: this.host.week,
      sort: this.sort,
      order: this.order,
      filter: this.filterInput.value.trim() || undefined,
      limit: PAGE,
    })
    if (token !== this.token) return
    this.rows = r.rows
    this.total = r.total
    this.draw(r)
  }

  private async more(): Promise<void> {
    const token = this.token
    const r = await this.host.api.call('week.sis', {
      week: this.host.week,
      sort: this.sort,
      order: this.order,
      filter: this.filterInput.value.trim() || undefined,
      limit: PAGE,
      offset: this.rows.length,
    })
    if (token !== this.token) return
    this.rows = this.rows.concat(r.rows)
    this.draw(r)
  }

  private draw(r: Sis): void {
    for (const th of this.table.tHead!.querySelectorAll('th')) {
      const on = th.dataset.sort === this.sort
      th.setAttribute(
        'aria-sort',
        on ? (this.order === 'asc' ? 'ascending' : 'descending') : 'none',
      )
      th.classList.toggle('sorted', on)
      th.dataset.dir = on ? (this.order === 'asc' ? '▲' : '▼') : ''
    }
    const w = r.weights
    this.body.replaceChildren(
      ...this.rows.map((x) => {
        const tr = document.createElement('tr')
        tr.dataset.node = x.node
        tr.tabIndex = 0
        tr.title = `${x.name ?? x.node} (${x.category}) — show it on the graph`
        const name = document.createElement('td')
        const strong = document.createElement('span')
        strong.textContent = x.name ?? x.node
        const id = document.createElement('small')
        id.className = 'muted'
        id.textContent = ` ${x.node} · ${x.category}`
        name.append(strong, id)
        const score = document.createElement('td')
        score.className = 'num'
        score.dataset.value = String(x.score)
        score.append(formatRatio(x.score), scoreBar(x, w))
        const change = cell(rankChangeLabel(x.rankChange))
        change.className = `num rank-change ${x.rankChange === null ? 'new' : x.rankChange > 0 ? 'up' : x.rankChange < 0 ? 'down' : ''}`
        change.title =
          x.previousRank === null
            ? 'not ranked in the previous week'
            : `rank ${x.previousRank} in the previous week`
        tr.append(
          cell(String(x.rank), 'num'),
          change,
          name,
          score,
          cell(formatRatio(x.pagerankScaled), 'num'),
          cell(formatRatio(x.tail), 'num'),
          cell(formatRatio(x.logTvlScaled), 'num'),
        )
        const open = (): void => {
          this.body.querySelector('tr.selected')?.classList.remove('selected')
          tr.classList.add('selected')
          this.host.openNode(x.node)
        }
        tr.addEventListener('click', open)
        tr.addEventListener('keydown', (e) => e.key === 'Enter' && open())
        return tr
      }),
    )
    const filtered = this.total !== r.nodes ? ` (filtered from ${count(r.nodes)})` : ''
    this.foot.replaceChildren(
      `${count(this.rows.length)} of ${count(this.total)} ranked nodes${filtered} · weights PageRank ${formatRatio(w.pagerank)}, tail ${formatRatio(w.tail)} (k = ${r.tailK}), TVL ${formatRatio(w.tvl)}` +
        (r.previousWeek ? ` · Δ rank vs ${r.previousWeek}` : ''),
    )
    if (this.rows.length < this.total) {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'small'
      b.textContent = `Show ${Math.min(PAGE, this.total - this.rows.length)} more`
      b.addEventListener('click', () => void this.more().catch(this.host.report))
      this.foot.append(' ', b)
    }
    this.host.onRendered({
      sort: this.sort,
      order: this.order,
      filter: this.filterInput.value,
      rows: this.rows.length,
    })
  }
}

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td')
  td.textContent = text
  if (className) td.className = className
  return td
}

/** The score's three weighted parts as a small stacked bar. */
function scoreBar(x: SisRow, w: Sis['weights']): HTMLElement {
  const bar = document.createElement('span')
  bar.className = 'sis-bar'
  const sum = w.pagerank + w.tail + w.tvl || 1
  // score = Σ weight × part, at most Σ weights: a full bar
  const parts: [string, number][] = [
    ['pr', w.pagerank * x.pagerankScaled],
    ['tail', w.tail * x.tail],
    ['tvl', w.tvl * x.logTvlScaled],
  ]
  for (const [k, v] of parts) {
    const i = document.createElement('i')
    i.className = k
    i.style.width = `${Math.max(0, Math.min(1, v / sum)) * 36}px`
    bar.append(i)
  }
  bar.title = `PageRank ${formatRatio(parts[0][1])} + tail ${formatRatio(parts[1][1])} + TVL ${formatRatio(parts[2][1])}`
  return bar
}
