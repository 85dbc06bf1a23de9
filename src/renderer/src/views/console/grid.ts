// The console's result grid: only the rows in view exist in the DOM (@tanstack/virtual-core), so
// 100k rows scroll as smoothly as 100. Click a header to sort (again to reverse, a third time to
// restore), drag its edge to resize, click or shift-click cells or row numbers to select, Ctrl+C
// copies the selection as TSV (raw values; the header too when whole rows are selected).
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
} from '@tanstack/virtual-core'
import type { QueryCell } from '../../../../shared/api'
import { formatCell, isUsdColumn, rawCell, sortOrder, type StatementResult } from './result-shape'

const ROW_HEIGHT = 22
const NUM_WIDTH = 56

interface Selection {
  /** Anchor and focus in view rows (sorted positions) and columns; col -1: whole rows. */
  r0: number
  c0: number
  r1: number
  c1: number
}

export class ResultGrid {
  readonly element: HTMLElement
  private readonly scroller: HTMLElement
  private readonly header: HTMLElement
  private readonly body: HTMLElement
  private readonly spacer: HTMLElement
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>
  private readonly cleanup: () => void
  private widths: number[]
  private readonly usd: boolean[]
  private order: Uint32Array | null = null
  private sortCol = -1
  private sortDir: 1 | -1 = 1
  private sel: Selection | null = null
  /** Rows drawn by the last render, renders and their total time (tests and the scroll bench). */
  drawnRows = 0
  renders = 0
  renderMs = 0

  constructor(
    private readonly result: StatementResult,
    private readonly onCopy: (rows: number, cells: number) => void,
  ) {
    const cols = result.columns
    this.usd = cols.map(isUsdColumn)
    this.widths = cols.map((c, i) => initialWidth(c.name, result.data[i], this.usd[i]))
    this.element = div('result-grid')
    this.element.tabIndex = 0
    this.element.setAttribute('role', 'grid')
    this.element.setAttribute('aria-rowcount', String(result.rowCount))
    this.scroller = div('grid-scroll')
    this.header = div('grid-header')
    this.header.setAttribute('role', 'row')
    this.spacer = div('grid-spacer')
    this.body = div('grid-body')
    this.spacer.append(this.body)
    this.scroller.append(this.header, this.spacer)
    this.element.append(this.scroller)
    this.renderHeader()

    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: result.rowCount === 0 ? 0 : (result.data[0]?.length ?? 0),
      getScrollElement: () => this.scroller,
      estimateSize: () => ROW_HEIGHT,
      overscan: 12,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      // the header row sits above the rows inside the same scroller
      scrollMargin: ROW_HEIGHT,
      onChange: () => this.renderRows(),
    })
    this.cleanup = this.virtualizer._didMount()
    this.virtualizer._willUpdate()
    this.renderRows()

    // one listener for every cell drawn (rows come and go as the grid scrolls)
    this.body.addEventListener('mousedown', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-r]')
      if (cell) this.select(Number(cell.dataset.r), Number(cell.dataset.c), e.shiftKey)
    })
    this.element.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
        e.preventDefault()
        void this.copy()
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
        e.preventDefault()
        this.sel = { r0: 0, c0: -1, r1: this.rowCount - 1, c1: -1 }
        this.renderRows()
      }
    })
  }

  get rowCount(): number {
    return this.result.data[0]?.length ?? 0
  }

  /** The row (in the result's order) shown at view position `i`. */
  private rowAt(i: number): number {
    return this.order ? this.order[i] : i
  }

  /** Called when the grid's box changed size or became visible. */
  layout(): void {
    this.virtualizer._willUpdate()
    this.virtualizer.measure()
  }

  dispose(): void {
    this.cleanup()
  }

  private totalWidth(): number {
    return NUM_WIDTH + this.widths.reduce((a, b) => a + b, 0)
  }

  private renderHeader(): void {
    const cols = this.result.columns
    const cells: HTMLElement[] = [div('grid-num grid-corner')]
    cols.forEach((c, i) => {
      const h = div('grid-cell grid-head')
      h.style.width = `${this.widths[i]}px`
      h.setAttribute('role', 'columnheader')
      h.title = `${c.name}${c.declaredType ? ` · ${c.declaredType}` : ''}${c.table ? ` · ${c.table}.${c.column}` : ''}${this.usd[i] ? ' · USD' : ''}\nClick to sort`
      const label = document.createElement('span')
      label.textContent = c.name
      h.append(label)
      if (this.sortCol === i) {
        const arrow = document.createElement('span')
        arrow.className = `codicon codicon-arrow-${this.sortDir === 1 ? 'up' : 'down'}`
        h.append(arrow)
        h.setAttribute('aria-sort', this.sortDir === 1 ? 'ascending' : 'descending')
      }
      if (c.kind === 'number') h.classList.add('num')
      h.addEventListener('click', () => this.sortBy(i))
      const grip = div('grid-resize')
      grip.addEventListener('click', (e) => e.stopPropagation())
      grip.addEventListener('pointerdown', (e) => this.startResize(e, i, grip))
      h.append(grip)
      cells.push(h)
    })
    this.header.replaceChildren(...cells)
    this.header.style.width = `${this.totalWidth()}px`
  }

  /** Sorts by a column: ascending, descending, then the query's own order. */
  sortBy(col: number): void {
    if (this.sortCol !== col) {
      this.sortCol = col
      this.sortDir = 1
    } else if (this.sortDir === 1) this.sortDir = -1
    else this.sortCol = -1
    this.order = this.sortCol >= 0 ? sortOrder(this.result.data[col], this.sortDir) : null
    this.sel = null
    this.renderHeader()
    this.renderRows()
  }

  private startResize(e: PointerEvent, col: number, grip: HTMLElement): void {
    e.preventDefault()
    e.stopPropagation()
    grip.setPointerCapture(e.pointerId)
    const x0 = e.clientX
    const w0 = this.widths[col]
    const move = (m: PointerEvent): void => {
      this.widths[col] = Math.max(40, Math.round(w0 + m.clientX - x0))
      this.renderHeader()
      this.renderRows()
    }
    const up = (): void => {
      grip.removeEventListener('pointermove', move)
      grip.removeEventListener('pointerup', up)
    }
    grip.addEventListener('pointermove', move)
    grip.addEventListener('pointerup', up)
  }

  private inSel(r: number, c: number): boolean {
    const s = this.sel
    if (!s) return false
    const [ra, rb] = s.r0 <= s.r1 ? [s.r0, s.r1] : [s.r1, s.r0]
    if (r < ra || r > rb) return false
    if (s.c0 < 0) return true
    const [ca, cb] = s.c0 <= s.c1 ? [s.c0, s.c1] : [s.c1, s.c0]
    return c >= ca && c <= cb
  }

  private select(r: number, c: number, extend: boolean): void {
    if (extend && this.sel && this.sel.c0 < 0 === c < 0) this.sel = { ...this.sel, r1: r, c1: c }
    else this.sel = { r0: r, c0: c, r1: r, c1: c }
    this.element.focus({ preventScroll: true })
    this.renderRows()
  }

  private renderRows(): void {
    const t0 = performance.now()
    const items = this.virtualizer.getVirtualItems()
    const total = this.virtualizer.getTotalSize()
    this.spacer.style.height = `${total}px`
    this.spacer.style.width = `${this.totalWidth()}px`
    const cols = this.result.columns
    const data = this.result.data
    const rows: HTMLElement[] = []
    for (const item of items) {
      const r = this.rowAt(item.index)
      const row = div('grid-row')
      row.setAttribute('role', 'row')
      row.style.transform = `translateY(${item.start - ROW_HEIGHT}px)`
      row.style.width = `${this.totalWidth()}px`
      const num = div('grid-num')
      num.textContent = String(item.index + 1)
      if (this.inSel(item.index, -2) && this.sel?.c0 === -1) num.classList.add('selected')
      num.dataset.r = String(item.index)
      num.dataset.c = '-1'
      row.append(num)
      for (let c = 0; c < cols.length; c++) {
        const v = data[c][r]
        const cell = div('grid-cell')
        cell.setAttribute('role', 'gridcell')
        cell.style.width = `${this.widths[c]}px`
        cell.textContent = formatCell(v, this.usd[c])
        if (v === null) cell.classList.add('null')
        else if (typeof v === 'number') {
          cell.classList.add('num')
          if (this.usd[c]) cell.title = String(v)
        } else if (typeof v === 'string' && v.length > 40) cell.title = v.slice(0, 2000)
        if (this.inSel(item.index, c)) cell.classList.add('selected')
        cell.dataset.r = String(item.index)
        cell.dataset.c = String(c)
        row.append(cell)
      }
      rows.push(row)
    }
    this.body.replaceChildren(...rows)
    this.drawnRows = rows.length
    this.renders++
    this.renderMs += performance.now() - t0
  }

  /** The selection as TSV (all rows with the header when nothing is selected). */
  selectionTsv(): { text: string; rows: number; cells: number } {
    const cols = this.result.columns
    const s = this.sel ?? { r0: 0, c0: -1, r1: this.rowCount - 1, c1: -1 }
    const [ra, rb] = s.r0 <= s.r1 ? [s.r0, s.r1] : [s.r1, s.r0]
    const [ca, cb] = s.c0 < 0 ? [0, cols.length - 1] : s.c0 <= s.c1 ? [s.c0, s.c1] : [s.c1, s.c0]
    const lines: string[] = []
    if (s.c0 < 0) lines.push(cols.map((c) => c.name).join('\t'))
    for (let i = ra; i <= rb; i++) {
      const r = this.rowAt(i)
      const cells: string[] = []
      for (let c = ca; c <= cb; c++) cells.push(rawCell(this.result.data[c][r] as QueryCell))
      lines.push(cells.join('\t'))
    }
    return { text: lines.join('\n'), rows: rb - ra + 1, cells: (rb - ra + 1) * (cb - ca + 1) }
  }

  async copy(): Promise<void> {
    const t = this.selectionTsv()
    await navigator.clipboard.writeText(t.text)
    this.onCopy(t.rows, t.cells)
  }

  /** Scrolls to a view row (tests, keyboard). */
  scrollToRow(i: number): void {
    this.virtualizer.scrollToIndex(i)
  }
}

function div(className: string): HTMLDivElement {
  const d = document.createElement('div')
  d.className = className
  return d
}

/** A column's first width from its name and its first values (about 7 px a character). */
function initialWidth(name: string, values: QueryCell[], usd: boolean): number {
  let n = name.length + 2
  for (let i = 0; i < Math.min(values.length, 200); i++)
    n = Math.max(n, formatCell(values[i], usd).length)
  return Math.max(60, Math.min(360, Math.round(n * 7.2 + 16)))
}
