// What a query result can become besides a table, read from its columns: a set of edges or nodes
// to show on a graph (source/target or node/node_id columns), the week to show them on, a line
// chart (a week column with numbers) or a bar chart (a category with a number); and how a cell is
// written (numbers, USD, NULL). Pure, so the rules are unit-tested.
import type { CallResponse, QueryCell } from '../../../../shared/api'

export type StatementResult = CallResponse<'query.run'>['statements'][number]
export type ResultColumn = StatementResult['columns'][number]

const lower = (s: string): string => s.toLowerCase()
const findCol = (cols: ResultColumn[], names: string[]): number =>
  cols.findIndex((c) => names.includes(lower(c.name)))

export type GraphTarget =
  { kind: 'edges'; source: number; target: number } | { kind: 'nodes'; node: number }

/** Edges when the result has source and target columns, else nodes by node_id / node. */
export function graphTarget(cols: ResultColumn[]): GraphTarget | null {
  const source = findCol(cols, ['source', 'holder'])
  const target = findCol(cols, ['target', 'issuer'])
  if (source >= 0 && target >= 0) return { kind: 'edges', source, target }
  const node = findCol(cols, ['node_id', 'node'])
  return node >= 0 ? { kind: 'nodes', node } : null
}

const WEEK_RE = /^\d{4}-\d{2}-\d{2}$/

/** The week to draw a result on: its `week` column's most frequent value, else `fallback`. */
export function resultWeek(r: StatementResult, fallback: string | null): string | null {
  const w = findCol(r.columns, ['week'])
  if (w < 0) return fallback
  const counts = new Map<string, number>()
  for (const v of r.data[w])
    if (typeof v === 'string' && WEEK_RE.test(v)) counts.set(v, (counts.get(v) ?? 0) + 1)
  let best: string | null = null
  let n = 0
  for (const [k, c] of counts) if (c > n) [best, n] = [k, c]
  return best ?? fallback
}

export type ChartSpec =
  | {
      kind: 'line'
      week: number
      /** Numeric columns drawn as one series each (or one series per category value). */
      values: number[]
      /** A text column splitting the rows into series (node names …), or -1. */
      split: number
    }
  | { kind: 'bar'; category: number; value: number }

const isNumeric = (c: ResultColumn): boolean => c.kind === 'number'
const isText = (c: ResultColumn): boolean => c.kind === 'text'

/** A line chart for a week column with numeric columns; a bar chart for a category and a number. */
export function chartSpec(r: StatementResult): ChartSpec | null {
  const cols = r.columns
  const week = cols.findIndex(
    (c, i) =>
      isText(c) &&
      r.data[i].some((v) => typeof v === 'string' && WEEK_RE.test(v)) &&
      lower(c.name).includes('week'),
  )
  const numeric = cols.map((c, i) => (isNumeric(c) && i !== week ? i : -1)).filter((i) => i >= 0)
  // ids and run numbers are numbers but not measures
  const measures = numeric.filter((i) => !/(^|_)(id|idx|run_id|rank)$/.test(lower(cols[i].name)))
  const values = measures.length ? measures : numeric
  if (week >= 0 && values.length) {
    const texts = cols.map((c, i) => (isText(c) && i !== week ? i : -1)).filter((i) => i >= 0)
    // one text column with few distinct values splits the rows into series (one per node …)
    const split = texts.find((i) => new Set(r.data[i]).size <= 12) ?? -1
    return { kind: 'line', week, values: split >= 0 ? values.slice(0, 1) : values, split }
  }
  const category = cols.findIndex((c) => isText(c))
  if (category >= 0 && values.length) return { kind: 'bar', category, value: values[0] }
  return null
}

/** Columns whose numbers are US dollars (by name: weight, tvl, usd, size, loss …). */
export function isUsdColumn(c: ResultColumn): boolean {
  return (
    c.kind === 'number' &&
    /(usd|tvl|weight|exposure|loss|size|value|amount)/.test(lower(c.name)) &&
    !/(share|ratio|prob|log|pct|percent|relative|count|rank|change)/.test(lower(c.name))
  )
}

const intFmt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })
const usdFmt = new Intl.NumberFormat('en', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
})
const usdSmall = new Intl.NumberFormat('en', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
})

/** A cell as the grid writes it. */
export function formatCell(v: QueryCell, usd: boolean): string {
  if (v === null) return 'NULL'
  if (typeof v === 'string') return v
  if (typeof v === 'number') {
    if (usd) return Math.abs(v) >= 1 ? usdFmt.format(v) : usdSmall.format(v)
    if (Number.isInteger(v)) return Math.abs(v) >= 1e4 ? intFmt.format(v) : String(v)
    const a = Math.abs(v)
    return a >= 1e4
      ? intFmt.format(v)
      : a >= 1
        ? v.toFixed(4).replace(/\.?0+$/, '')
        : String(Number(v.toPrecision(6)))
  }
  return `BLOB ${v.bytes} bytes ${v.hex}${v.bytes > 32 ? '…' : ''}`
}

/** A cell as copied (TSV): the raw value, NULL as empty, tabs and newlines as spaces. */
export function rawCell(v: QueryCell): string {
  if (v === null) return ''
  if (typeof v === 'string') return v.replace(/[\t\r\n]+/g, ' ')
  if (typeof v === 'number') return String(v)
  return `x'${v.hex}'`
}

/** Row order sorted by one column (NULLs last either way; numbers before text). */
export function sortOrder(col: QueryCell[], dir: 1 | -1): Uint32Array {
  const order = new Uint32Array(col.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  const rank = (v: QueryCell): number =>
    v === null ? 3 : typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2
  const arr = Array.from(order)
  arr.sort((a, b) => {
    const x = col[a]
    const y = col[b]
    const rx = rank(x)
    const ry = rank(y)
    if (rx !== ry) return rx === 3 ? 1 : ry === 3 ? -1 : (rx - ry) * dir
    if (rx === 3) return a - b
    if (rx === 0) return ((x as number) - (y as number)) * dir || a - b
    if (rx === 1)
      return (x as string) < (y as string) ? -dir : (x as string) > (y as string) ? dir : a - b
    return a - b
  })
  order.set(arr)
  return order
}
