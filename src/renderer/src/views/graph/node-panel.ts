// The node panel: a protocol's or token's figures in the shown week, its TVL across every week
// (a chart), what it is exposed to and who is exposed to it (sortable tables, a click jumps to the
// counterparty, a chart button opens the exposure's history), its token composition, first and
// last week. The edge panel shows one exposure's history. Both read the engine through the contract.
import type { CallResponse, WorkbenchApi } from '../../../../shared/api'
import { count, usd } from '../../ui/format'
import { lineChart, type ChartHandle } from '../../ui/chart'
import { factsList } from '../../ui/dom'
import type { ThemeColors } from '../../workbench/theme'

type Detail = CallResponse<'node.detail'>
type Exposure = Detail['exposedTo'][number]

export interface PanelHost {
  api: WorkbenchApi
  theme: () => ThemeColors
  /** Selects another node on the graph (and opens its panel). */
  selectNode(id: string): void
  /** Opens the exposure history of an edge. */
  openEdge(source: string, target: string): void
  close(): void
  report(e: unknown): void
}

export class SidePanel {
  readonly element: HTMLElement
  private chart: ChartHandle | null = null
  private token = 0

  constructor(private readonly host: PanelHost) {
    this.element = document.createElement('aside')
    this.element.className = 'graph-panel'
    this.element.hidden = true
    this.element.setAttribute('aria-live', 'polite')
  }

  get nodeShown(): string | null {
    return this.element.dataset.node ?? null
  }

  hide(): void {
    this.token++
    this.element.hidden = true
    delete this.element.dataset.node
    delete this.element.dataset.edge
    this.disposeChart()
  }

  resize(): void {
    this.chart?.resize()
  }

  async showNode(nodeId: string, week: string, color: string): Promise<void> {
    const token = ++this.token
    const [detail, history] = await Promise.all([
      this.host.api.call('node.detail', { nodeId, week }),
      this.host.api.call('node.history', { nodeId }),
    ])
    if (token !== this.token) return
    this.disposeChart()
    const e = this.element
    e.hidden = false
    e.dataset.node = nodeId
    delete e.dataset.edge
    const head = this.header(
      detail.name ?? detail.id,
      color,
      `${detail.kind} · ${detail.category} · ${detail.sector}`,
    )
    const facts = factsList([
      ['TVL this week', usd(detail.size)],
      ['id', detail.id],
      ['first week', detail.firstWeek],
      ['last week', detail.lastWeek],
      [
        'exposed to',
        `${count(detail.totals.exposedTo.count)} issuers · ${usd(detail.totals.exposedTo.usd)}`,
      ],
      [
        'exposed from',
        `${count(detail.totals.exposedFrom.count)} holders · ${usd(detail.totals.exposedFrom.usd)}`,
      ],
    ])
    const chartBox = document.createElement('div')
    chartBox.className = 'panel-chart'
    chartBox.dataset.chart = 'tvl'
    e.replaceChildren(
      head,
      facts,
      section(`TVL across ${history.length} weeks`, chartBox),
      section('Exposed to (holds tokens of)', this.exposureTable(detail.exposedTo, nodeId, 'out')),
      section(
        'Exposed from (holders of its tokens)',
        this.exposureTable(detail.exposedFrom, nodeId, 'in'),
      ),
      section('Token composition', this.compositionTable(detail.composition)),
    )
    this.chart = lineChart(
      chartBox,
      [{ name: 'TVL', usd: true, points: history.map((h) => [h.week, h.size]) }],
      this.host.theme(),
      week,
    )
    void this.chart.drawn.then((ok) => {
      if (ok && token === this.token) e.dataset.chartReady = '1'
    })
  }

  /** A followed node that is not in the shown week: its TVL history and where it exists. */
  async showAbsent(nodeId: string, week: string): Promise<void> {
    const token = ++this.token
    const history = await this.host.api.call('node.history', { nodeId })
    if (token !== this.token) return
    this.disposeChart()
    const e = this.element
    e.hidden = false
    e.dataset.node = nodeId
    delete e.dataset.edge
    const first = history[0]?.week ?? '—'
    const last = history.at(-1)?.week ?? '—'
    const chartBox = document.createElement('div')
    chartBox.className = 'panel-chart'
    chartBox.dataset.chart = 'tvl'
    e.replaceChildren(
      this.header(nodeId, 'transparent', `not in the week of ${week}`),
      muted(`It is archived in ${history.length} weeks, from ${first} to ${last}.`),
      section(`TVL across ${history.length} weeks`, chartBox),
    )
    this.chart = lineChart(
      chartBox,
      [{ name: 'TVL', usd: true, points: history.map((h) => [h.week, h.size]) }],
      this.host.theme(),
      week,
    )
    void this.chart.drawn.then((ok) => {
      if (ok && token === this.token) e.dataset.chartReady = '1'
    })
  }

  async showEdge(source: string, target: string, week: string): Promise<void> {
    const token = ++this.token
    const h = await this.host.api.call('edge.history', { source, target })
    if (token !== this.token) return
    this.disposeChart()
    const e = this.element
    e.hidden = false
    delete e.dataset.node
    e.dataset.edge = `${source}→${target}`
    const chartBox = document.createElement('div')
    chartBox.className = 'panel-chart'
    chartBox.dataset.chart = 'edge'
    const back = document.createElement('button')
    back.type = 'button'
    back.className = 'link'
    back.textContent = `← ${source}`
    back.addEventListener('click', () => this.host.selectNode(source))
    const weeks = h.points.length
    const latest = h.points.at(-1)
    e.replaceChildren(
      this.header(`${source} → ${target}`, 'transparent', `exposure of the holder to the issuer`),
      back,
      section(
        `Exposure in ${weeks} week${weeks === 1 ? '' : 's'}` +
          (latest ? ` (last ${latest.week}: ${usd(latest.weight)})` : ''),
        chartBox,
      ),
    )
    this.chart = lineChart(
      chartBox,
      [{ name: 'exposure', usd: true, points: h.points.map((p) => [p.week, p.weight]) }],
      this.host.theme(),
      week,
    )
  }

  private header(title: string, color: string, sub: string): HTMLElement {
    const head = document.createElement('header')
    const dot = document.createElement('i')
    dot.className = 'dot'
    dot.style.background = color
    const h = document.createElement('h3')
    h.textContent = title
    const close = document.createElement('button')
    close.type = 'button'
    close.className = 'icon codicon codicon-close'
    close.title = 'Close (Esc)'
    close.setAttribute('aria-label', 'Close panel')
    close.addEventListener('click', () => this.host.close())
    const p = document.createElement('p')
    p.className = 'muted'
    p.textContent = sub
    head.append(dot, h, close, p)
    return head
  }

  private exposureTable(rows: Exposure[], self: string, dir: 'out' | 'in'): HTMLElement {
    if (!rows.length) return muted('none this week')
    const table = document.createElement('table')
    table.className = 'grid sortable'
    table.dataset.dir = dir
    const thead = table.createTHead().insertRow()
    const cols: [string, (r: Exposure) => string | number][] = [
      ['counterparty', (r) => r.name ?? r.id],
      ['USD', (r) => r.usd],
      ['share', (r) => r.share],
    ]
    let sortCol = 1
    let desc = true
    const body = table.createTBody()
    const render = (): void => {
      const sorted = [...rows].sort((a, b) => {
        const x = cols[sortCol][1](a)
        const y = cols[sortCol][1](b)
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1)
      })
      body.replaceChildren(
        ...sorted.map((r) => {
          const tr = document.createElement('tr')
          tr.dataset.node = r.id
          const name = document.createElement('td')
          const jump = document.createElement('button')
          jump.type = 'button'
          jump.className = 'link'
          jump.textContent = r.name ?? r.id
          jump.title = `Select ${r.id} on the graph`
          jump.addEventListener('click', () => this.host.selectNode(r.id))
          name.append(jump)
          const u = document.createElement('td')
          u.className = 'num'
          u.textContent = usd(r.usd)
          const s = document.createElement('td')
          s.className = 'num'
          s.textContent = `${(100 * r.share).toFixed(1)} %`
          const hist = document.createElement('td')
          const hb = document.createElement('button')
          hb.type = 'button'
          hb.className = 'icon codicon codicon-graph-line'
          hb.title = 'Exposure history'
          hb.setAttribute('aria-label', `History of the exposure with ${r.id}`)
          hb.addEventListener('click', () =>
            dir === 'out' ? this.host.openEdge(self, r.id) : this.host.openEdge(r.id, self),
          )
          hist.append(hb)
          tr.append(name, u, s, hist)
          return tr
        }),
      )
    }
    cols.forEach(([title], i) => {
      const th = document.createElement('th')
      th.textContent = title
      th.className = i ? 'num' : ''
      th.tabIndex = 0
      th.setAttribute('role', 'columnheader')
      const sort = (): void => {
        desc = sortCol === i ? !desc : i > 0
        sortCol = i
        render()
      }
      th.addEventListener('click', sort)
      th.addEventListener('keydown', (e) => e.key === 'Enter' && sort())
      thead.append(th)
    })
    thead.append(document.createElement('th'))
    render()
    return table
  }

  private compositionTable(rows: Detail['composition']): HTMLElement {
    if (!rows.length) return muted('no composition recorded')
    const table = document.createElement('table')
    table.className = 'grid'
    const body = table.createTBody()
    for (const r of rows.slice(0, 25)) {
      const tr = body.insertRow()
      tr.insertCell().textContent = r.token
      const u = tr.insertCell()
      u.className = 'num'
      u.textContent = usd(r.usd)
      const s = tr.insertCell()
      s.className = 'num'
      s.textContent = `${(100 * r.share).toFixed(1)} %`
    }
    return table
  }

  private disposeChart(): void {
    this.chart?.dispose()
    this.chart = null
    delete this.element.dataset.chartReady
  }
}

function section(title: string, body: HTMLElement): HTMLElement {
  const s = document.createElement('section')
  const h = document.createElement('h4')
  h.textContent = title
  s.append(h, body)
  return s
}

function muted(text: string): HTMLElement {
  const p = document.createElement('p')
  p.className = 'muted'
  p.textContent = text
  return p
}
