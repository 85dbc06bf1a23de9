// The tables' "filter" box: rows whose node id, name or category contains the text (any case).
export interface FilterableRow {
  node: string
  name: string | null
  category: string
}

export function rowsMatching<T extends FilterableRow>(rows: T[], filter: string | undefined): T[] {
  const text = filter?.trim().toLowerCase()
  if (!text) return rows
  return rows.filter(
    (x) =>
      x.node.toLowerCase().includes(text) ||
      (x.name ?? '').toLowerCase().includes(text) ||
      x.category.toLowerCase().includes(text),
  )
}
