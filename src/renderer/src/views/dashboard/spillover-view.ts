// The dashboard's spillover heatmap: the week's holder → issuer exposure matrix by fine category
// or coarse sector (`week.spillover`), with row and column totals, the cross-label total and its
// HHI, and the largest cross cells. Clicking a cell hands (level, from, to) to the view, which
// shows those edges on the graph.
import type { CallResponse, WorkbenchApi } from '../../../../shared/api'
import { decodeFloat64 } from '../../../../shared/packed'
import { usd } from '../../ui/format'
import { heatShare } from './cells'
import { formatRatio } from './figures'

type Spill = CallResponse<'week.spillover'>
export type SpillLevel = Spill['level']

/** Labels drawn in the matrix (by involvement); the rest are counted in the totals only. */
const MAX_LABELS = 14

export interface SpilloverHost {
  api: WorkbenchApi
  week: string
  level: SpillLevel
  openCell(level: SpillLevel, from: string, to: string, value: number): void
  levelChanged(level: SpillLevel): void
  report(e: unknown): void
}

export class SpilloverView {
  readonly element: HTMLElement
  private readonly body: HTMLElement
  private readonly buttons = new Map<SpillLevel, HTMLButtonElement>()
  private level: SpillLevel
  private token = 0

  constructor(private readonly host: SpilloverHost) {
    this.level = host.level
    this.element = document.createElement('section')
    this.element.className = 'dash-section dash-spill'
    const head = document.createElement('header')
    const h = document.createElement('h3')
    h.textContent = 'Spillovers (holder → issuer)'
    const toggle = document.createElement('div')
    toggle.className = 'segmented'
    toggle.setAttribute('role', 'group')
    toggle.setAttribute('aria-label', 'Spillover level')
    for (const [level, label] of [
      ['category', 'Category'],
      ['sector', 'Sector'],
    ] as const) {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'small'
      b.textContent = label
      b.dataset.level = level
      b.title =
        level === 'category' ? 'Fine DefiLlama categories' : 'Coarse sectors (id_to_info.json)'
      b.addEventListener('click', () => {
        if (this.level === level) return
        this.level = level
        host.levelChanged(level)
        void this.load().catch(host.report)
      })
      this.buttons.set(level, b)
      toggle.append(b)
    }
    head.append(h, toggle)
    this.body = document.createElement('div')
    this.body.className = 'dash-spill-body'
    this.element.append(head, this.body)
  }

  async load(): Promise<void> {
    const token = ++this.token
    for (const [l, b] of this.buttons) b.setAttribute('aria-pressed', String(l === this.level))
    const r = await this.host.api.call('week.spillover', {
      week: this.host.week,
      level: this.level,
    })
    if (token !== this.token) return
    this.draw(r)
  }

  private draw(r: Spill): void {
    const k = r.labels.length
    const m = decodeFloat64(r.matrix)
    const shown = Math.min(k, MAX_LABELS)
    let max = 0
    for (let i = 0; i < shown; i++)
      for (let j = 0; j < shown; j++) max = Math.max(max, m[i * k + j])
    const what = r.level === 'category' ? 'categories' : 'sectors'
    const facts = document.createElement('div')
    facts.className = 'dash-spill-facts'
    const fact = (
      label: string,
      value: string,
      title: string,
      key: string,
      raw: number | null = null,
    ): HTMLElement => {
      const s = document.createElement('span')
      s.title = title
      s.dataset.fact = key
      if (raw !== null) s.dataset.value = String(raw)
      const b = document.createElement('b')
      b.textContent = value
      s.append(`${label} `, b)
      return s
    }
    facts.append(
      fact('All cells', usd(r.total), 'Σ every cell, the diagonal included', 'total', r.total),
      fact(
        'Cross',
        r.crossTotal === null ? '—' : usd(r.crossTotal),
        `Σ off the diagonal: exposure between different ${what}`,
        'cross',
      ),
      fact(
        'HHI',
        r.index === null ? '—' : formatRatio(r.index),
        'Herfindahl index of the cross cells (1 = one pair carries everything)',
        'hhi',
      ),
      fact(
        'Cross share',
        r.crossRatio === null ? '—' : `${(r.crossRatio * 100).toFixed(1)} %`,
        'cross exposure / all exposure',
        'ratio',
      ),
    )
    const table = document.createElement('table')
    table.className = 'heatmap'
    table.dataset.level = r.level
    const head = table.createTHead().insertRow()
    const corner = document.createElement('th')
    corner.className = 'corner'
    corner.textContent = 'holder ↓ issuer →'
    head.append(corner)
    for (let j = 0; j < shown; j++) {
      const th = document.createElement('th')
      th.className = 'col'
      th.title = r.labels[j]
      const span = document.createElement('span')
      span.textContent = r.labels[j]
      th.append(span)
      head.append(th)
    }
    const totalHead = document.createElement('th')
    totalHead.className = 'col total'
    const held = document.createElement('span')
    held.textContent = 'Σ held'
    totalHead.append(held)
    head.append(totalHead)
    const tbody = table.createTBody()
    for (let i = 0; i < shown; i++) {
      const tr = tbody.insertRow()
      const th = document.createElement('th')
      th.textContent = r.labels[i]
      th.title = r.labels[i]
      tr.append(th)
      for (let j = 0; j < shown; j++) {
        const v = m[i * k + j]
        const td = tr.insertCell()
        if (v > 0) {
          const share = heatShare(v, max)
          td.className = 'cell'
          td.dataset.from = r.labels[i]
          td.dataset.to = r.labels[j]
          td.dataset.value = String(v)
          td.style.background = `color-mix(in srgb, var(--accent) ${Math.round(share * 100)}%, var(--surface))`
          if (share > 0.55) td.classList.add('dark')
          td.textContent = usd(v).replace('$', '')
          td.title = `${r.labels[i]} → ${r.labels[j]}: ${usd(v)} (${((v / r.total) * 100).toFixed(2)} % of all cells)${i === j ? ', within one ' + (r.level === 'category' ? 'category' : 'sector') : ''} — show these edges on the graph`
          td.tabIndex = 0
          const open = (): void => this.host.openCell(r.level, r.labels[i], r.labels[j], v)
          td.addEventListener('click', open)
          td.addEventListener('keydown', (e) => e.key === 'Enter' && open())
        }
        if (i === j) td.classList.add('diag')
      }
      const tot = tr.insertCell()
      tot.className = 'total num'
      tot.textContent = usd(r.rowTotals[i])
    }
    const foot = table.createTFoot().insertRow()
    const fh = document.createElement('th')
    fh.textContent = 'Σ issued'
    foot.append(fh)
    for (let j = 0; j < shown; j++) {
      const td = foot.insertCell()
      td.className = 'total num'
      td.textContent = usd(r.colTotals[j])
    }
    foot.insertCell().className = 'total'
    const scroller = document.createElement('div')
    scroller.className = 'dash-scroll heat-scroll'
    scroller.append(table)
    const note = document.createElement('div')
    note.className = 'muted dash-foot'
    note.textContent =
      shown < k
        ? `The ${shown} of ${k} ${what} most involved are drawn; totals count all of them. Click a cell to show its edges on the graph.`
        : `${k} ${what}. Click a cell to show its edges on the graph.`
    this.body.replaceChildren(facts, scroller, note, this.topCells(r, m))
    this.element.dataset.ready = r.level
  }

  /** The largest cross cells (any label, drawn or not), clickable like the matrix. */
  private topCells(r: Spill, m: Float64Array): HTMLElement {
    const k = r.labels.length
    const cells: { i: number; j: number; v: number }[] = []
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++)
        if (i !== j && m[i * k + j] > 0) cells.push({ i, j, v: m[i * k + j] })
    cells.sort((a, b) => b.v - a.v)
    const box = document.createElement('div')
    box.className = 'dash-topcells'
    const h = document.createElement('h4')
    h.textContent = 'Largest cross exposures'
    const ol = document.createElement('ol')
    for (const c of cells.slice(0, 6)) {
      const li = document.createElement('li')
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'link'
      b.dataset.from = r.labels[c.i]
      b.dataset.to = r.labels[c.j]
      b.textContent = `${r.labels[c.i]} → ${r.labels[c.j]}`
      b.addEventListener('click', () =>
        this.host.openCell(r.level, r.labels[c.i], r.labels[c.j], c.v),
      )
      const share = r.crossTotal ? ` · ${((c.v / r.crossTotal) * 100).toFixed(1)} % of cross` : ''
      li.append(b, ` ${usd(c.v)}${share}`)
      ol.append(li)
    }
    box.append(h, cells.length ? ol : document.createTextNode('No cross exposure this week.'))
    return box
  }
}
