// Small DOM pieces of the risk views: an element builder and a sortable table (the node losses of
// a scenario, the nodes distressed across Monte Carlo draws). A click on a header sorts by it
// (again: the other way); a click on a row calls `onRow` (select the node on the graph).

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c)
  return e
}

export interface Column<T> {
  key: string
  title: string
  /** The value sorted by (numbers sort numerically, nulls last). */
  value: (row: T) => number | string | null
  /** The text shown (default: the value). */
  text?: (row: T) => string
  numeric?: boolean
}

export interface SortableTable<T> {
  readonly element: HTMLTableElement
  setRows(rows: T[]): void
  sort(key: string, order?: 'asc' | 'desc'): void
  /** The sort now in force, for tests and restore. */
  readonly sorted: { key: string; order: 'asc' | 'desc' }
}

export function sortableTable<T>(
  columns: Column<T>[],
  o: {
    initial: { key: string; order: 'asc' | 'desc' }
    rowKey: (row: T) => string
    onRow?: (row: T) => void
    label: string
  },
): SortableTable<T> {
  const table = h('table', 'risk-table')
  table.setAttribute('aria-label', o.label)
  const head = h('thead')
  const body = h('tbody')
  table.append(head, body)
  let rows: T[] = []
  const state = { ...o.initial }
  const ths = columns.map((c) => {
    const th = h('th', c.numeric ? 'num' : '', c.title)
    th.dataset.key = c.key
    th.tabIndex = 0
    th.title = `Sort by ${c.title.toLowerCase()}`
    const click = (): void =>
      sort(
        c.key,
        state.key === c.key ? (state.order === 'asc' ? 'desc' : 'asc') : c.numeric ? 'desc' : 'asc',
      )
    th.addEventListener('click', click)
    th.addEventListener('keydown', (e) => e.key === 'Enter' && click())
    return th
  })
  head.append(h('tr', '', ...ths))

  const render = (): void => {
    const col = columns.find((c) => c.key === state.key) ?? columns[0]
    const dir = state.order === 'asc' ? 1 : -1
    const sorted = [...rows].sort((a, b) => {
      const x = col.value(a)
      const y = col.value(b)
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
      return (
        (typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y))) * dir
      )
    })
    for (const th of ths) {
      const on = th.dataset.key === state.key
      th.setAttribute(
        'aria-sort',
        on ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none',
      )
    }
    body.replaceChildren(
      ...sorted.map((r) => {
        const tr = h(
          'tr',
          '',
          ...columns.map((c) => {
            const v = c.value(r)
            return h(
              'td',
              c.numeric ? 'num' : '',
              c.text ? c.text(r) : v === null ? '—' : String(v),
            )
          }),
        )
        tr.dataset.key = o.rowKey(r)
        if (o.onRow) {
          tr.tabIndex = 0
          tr.classList.add('clickable')
          tr.addEventListener('click', () => o.onRow!(r))
          tr.addEventListener('keydown', (e) => e.key === 'Enter' && o.onRow!(r))
        }
        return tr
      }),
    )
  }
  const sort = (key: string, order: 'asc' | 'desc' = state.order): void => {
    state.key = key
    state.order = order
    render()
  }
  return {
    element: table,
    setRows: (r) => {
      rows = r
      render()
    },
    sort,
    get sorted() {
      return { ...state }
    },
  }
}

/** "12.3 %" of a share in [0, 1]. */
export const pct = (share: number | null, digits = 1): string =>
  share === null || !Number.isFinite(share) ? '—' : `${(100 * share).toFixed(digits)} %`
