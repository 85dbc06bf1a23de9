// The lower half of a console tab: one result per statement (tabs when there are several), a line
// with the row count, truncation and timing, the actions (copy as TSV, export, show on graph,
// chart) and the virtualised grid or the chart. Errors show here too, with their position.
import type { CallResponse } from '../../../../shared/api'
import { barChart, lineChart, type ChartHandle, type LineSeries } from '../../ui/chart'
import { count } from '../../ui/format'
import { exportTableJob } from '../../services/downloads'
import { chosenModelsInUse } from '../../services/model-choice'
import { openExportDialog } from '../../ui/export-dialog'
import type { Workbench } from '../context'
import { showOnGraph } from './graph-link'
import { ResultGrid } from './grid'
import { chartSpec, graphTarget, isUsdColumn, type StatementResult } from './result-shape'

export type QueryResult = CallResponse<'query.run'>

/** What a result needs from its console tab: the SQL of each statement, with its parameters. */
export interface ResultContext {
  /** The SQL text the statement ran (for export), and the named parameters bound. */
  statementSql(r: StatementResult): string
  params(): Record<string, string | number | null>
  weekParam(): string | null
  exportFormats(): ('csv' | 'json' | 'parquet')[]
  /** A file name stem for exports (the tab's title). */
  name(): string
}

export class ResultsPanel {
  readonly element: HTMLElement
  private readonly tabs: HTMLElement
  private readonly bar: HTMLElement
  private readonly body: HTMLElement
  private grid: ResultGrid | null = null
  private chart: ChartHandle | null = null
  private result: QueryResult | null = null
  private shown = -1
  private mode: 'table' | 'chart' = 'table'

  constructor(
    private readonly wb: Workbench,
    private readonly ctx: ResultContext,
  ) {
    this.element = div('console-results')
    this.tabs = div('result-tabs')
    this.tabs.setAttribute('role', 'tablist')
    this.bar = div('result-bar')
    this.body = div('result-body')
    this.element.append(this.tabs, this.bar, this.body)
    this.message(
      'Run a query: Ctrl+Enter runs the statement under the cursor (or the selection), Ctrl+Shift+Enter all of them.',
    )
  }

  get currentGrid(): ResultGrid | null {
    return this.grid
  }

  get current(): StatementResult | null {
    return this.result?.statements[this.shown] ?? null
  }

  layout(): void {
    this.grid?.layout()
    this.chart?.resize()
  }

  dispose(): void {
    this.clearBody()
  }

  private clearBody(): void {
    this.grid?.dispose()
    this.grid = null
    this.chart?.dispose()
    this.chart = null
  }

  /** A line of text in place of a result (before the first run, while running). */
  message(text: string, tone: '' | 'running' | 'error' | 'cancelled' = ''): void {
    this.clearBody()
    this.result = null
    this.tabs.replaceChildren()
    this.bar.replaceChildren()
    const p = document.createElement('p')
    p.className = `result-message ${tone}`
    p.textContent = text
    this.body.replaceChildren(p)
  }

  /** An error from the engine, with its code and where in the SQL it is. */
  error(code: string, message: string, where: string | null, onGoTo: (() => void) | null): void {
    this.message('', 'error')
    const box = div('result-error')
    box.setAttribute('role', 'alert')
    const head = document.createElement('strong')
    head.textContent =
      code === 'LIMIT' ? 'Stopped at a limit' : code === 'CANCELLED' ? 'Cancelled' : 'Error'
    const text = document.createElement('p')
    text.textContent = message
    box.append(head, text)
    if (where) {
      const at = document.createElement('button')
      at.type = 'button'
      at.className = 'link'
      at.textContent = `Go to ${where}`
      at.addEventListener('click', () => onGoTo?.())
      box.append(at)
    }
    this.body.replaceChildren(box)
  }

  show(r: QueryResult): void {
    this.result = r
    this.mode = 'table'
    this.tabs.replaceChildren()
    if (r.statements.length > 1)
      r.statements.forEach((s, i) => {
        const t = document.createElement('button')
        t.type = 'button'
        t.className = 'result-tab'
        t.setAttribute('role', 'tab')
        t.textContent = `${i + 1} · ${count(s.rowCount)} rows`
        t.title = this.ctx.statementSql(s).slice(0, 300)
        t.addEventListener('click', () => this.showStatement(i))
        this.tabs.append(t)
      })
    this.showStatement(r.statements.length - 1)
  }

  private showStatement(i: number): void {
    const r = this.result
    if (!r) return
    this.shown = i
    this.tabs.querySelectorAll('.result-tab').forEach((t, j) => {
      t.classList.toggle('active', j === i)
      t.setAttribute('aria-selected', String(j === i))
    })
    const s = r.statements[i]
    if (!s) {
      this.message('The query ran and returned nothing.')
      return
    }
    this.renderBar(r, s)
    this.renderBody(s)
  }

  private renderBar(r: QueryResult, s: StatementResult): void {
    const info = document.createElement('span')
    info.className = 'result-info'
    const rows = document.createElement('strong')
    rows.className = 'result-rows'
    rows.textContent = `${count(s.rowCount)} row${s.rowCount === 1 ? '' : 's'}`
    info.append(rows)
    if (s.truncated) {
      const flag = document.createElement('span')
      flag.className = 'badge warning result-truncated'
      flag.textContent =
        s.total !== null
          ? `first ${count(s.rowCount)} of ${count(s.total)}`
          : `truncated (${s.truncatedBy === 'bytes' ? '64 MB of values' : 'row limit'})`
      flag.title = 'More rows exist than were returned: export writes every row.'
      info.append(' ', flag)
    }
    if (s.cutCells) info.append(` · ${count(s.cutCells)} long text cells cut`)
    const ms = document.createElement('span')
    ms.className = 'muted'
    ms.textContent = ` · ${fmtMs(s.elapsedMs)}${r.prepareMs > 5 ? ` (+ ${fmtMs(r.prepareMs)} preparing runs)` : ''}`
    info.append(ms)
    const computed = r.runs.filter((x) => x.computed)
    if (computed.length) {
      const c = document.createElement('span')
      c.className = 'muted'
      c.textContent = ` · computed ${computed.map((x) => `${x.kind} ${x.week}${x.horizon ? ` h=${x.horizon}` : ''}`).join(', ')}`
      info.append(c)
    }
    if (r.synthetic) {
      const b = document.createElement('span')
      b.className = 'badge synthetic'
      b.textContent = 'SYNTHETIC'
      b.title = 'The archive holds generated demo data'
      info.append(' ', b)
    }
    const actions = div('result-actions')
    const button = (
      label: string,
      icon: string,
      title: string,
      fn: () => void,
      enabled = true,
    ): HTMLButtonElement => {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = 'small'
      b.dataset.action = label.toLowerCase().replaceAll(' ', '-')
      b.title = title
      const i = document.createElement('span')
      i.className = `codicon codicon-${icon}`
      b.append(i, ` ${label}`)
      b.disabled = !enabled
      b.addEventListener('click', fn)
      return b
    }
    const target = graphTarget(s.columns)
    const spec = chartSpec(s)
    actions.append(
      button(
        'Copy',
        'copy',
        'Copy the selected cells or rows (all rows when none) as TSV (Ctrl+C in the grid)',
        () => {
          void this.grid?.copy().catch(this.wb.report)
        },
      ),
      button('Export', 'export', 'Export every row of this statement (CSV, JSON, Parquet)', () =>
        this.exportDialog(s),
      ),
      button(
        'Show on graph',
        'type-hierarchy',
        target
          ? `Draw these ${target.kind} on the graph of the result's week`
          : 'Needs source and target (or node_id) columns',
        () => {
          void showOnGraph(this.wb, s, this.ctx.weekParam())
            .then((g) => this.wb.log.info('console', `${g.title} on the graph of ${g.week}`))
            .catch(this.wb.report)
        },
        !!target && s.rowCount > 0,
      ),
      button(
        this.mode === 'chart' ? 'Table' : 'Chart',
        this.mode === 'chart' ? 'table' : 'graph-line',
        spec
          ? spec.kind === 'line'
            ? 'A line chart of the numeric columns by week'
            : 'A bar chart of the first number by category'
          : 'Needs a week column with numbers, or a category with a number',
        () => {
          this.mode = this.mode === 'chart' ? 'table' : 'chart'
          this.renderBar(r, s)
          this.renderBody(s)
        },
        !!spec && s.rowCount > 0,
      ),
    )
    this.bar.replaceChildren(info, actions)
  }

  private renderBody(s: StatementResult): void {
    this.clearBody()
    if (s.columns.length === 0) {
      this.message('The statement ran; it returns no columns.')
      return
    }
    if (this.mode === 'chart') {
      const host = div('result-chart')
      this.body.replaceChildren(host)
      this.chart = drawChart(host, s, this.wb)
      return
    }
    this.grid = new ResultGrid(s, (rows, cells) =>
      this.wb.log.info('console', `copied ${count(rows)} rows (${count(cells)} cells) as TSV`),
    )
    this.body.replaceChildren(this.grid.element)
    this.grid.layout()
  }

  /**
   * Every row of the statement (not only the rows shown), streamed by the engine: saved as a
   * download by default (the browser and the sandboxed Electron page cannot read the engine's
   * disk), or written to a path on the engine's machine.
   */
  private exportDialog(s: StatementResult): void {
    const stem = `${
      this.ctx
        .name()
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^-|-$/g, '') || 'query'
    }-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}`
    openExportDialog({
      title: 'Export the result',
      what: `Every row of the statement (${s.truncated ? 'more than the ' + count(s.rowCount) + ' shown' : count(s.rowCount) + ' rows'}), streamed by the engine.`,
      stem,
      formats: this.ctx.exportFormats(),
      engineFolder: (this.wb.archive.info?.file ?? '').replace(/[\\/][^\\/]*$/, ''),
      run: (c) =>
        exportTableJob(this.wb, `Export ${c.format.toUpperCase()}`, async () => {
          // the chosen models, as the query that showed the result: the same forecast runs
          const models = await chosenModelsInUse(this.wb)
          return this.wb.api.call('query.export', {
            sql: this.ctx.statementSql(s),
            params: this.ctx.params(),
            format: c.format,
            ...(c.path !== undefined ? { path: c.path } : { name: c.name }),
            ...(models ? { models } : {}),
          })
        }),
    })
  }
}

function drawChart(host: HTMLElement, s: StatementResult, wb: Workbench): ChartHandle | null {
  const spec = chartSpec(s)
  if (!spec) return null
  const theme = wb.theme.colors
  const palette = [
    theme.accent,
    theme.added,
    theme.removed,
    theme.grew,
    theme.shrank,
    theme.highlight,
  ]
  if (spec.kind === 'bar') {
    const bars: { label: string; value: number }[] = []
    const cat = s.data[spec.category]
    const val = s.data[spec.value]
    for (let i = 0; i < cat.length && bars.length < 50; i++)
      if (typeof val[i] === 'number')
        bars.push({ label: String(cat[i] ?? 'NULL'), value: val[i] as number })
    return barChart(host, bars, theme, {
      name: s.columns[spec.value].name,
      usd: isUsdColumn(s.columns[spec.value]),
    })
  }
  const weeks = s.data[spec.week]
  const series: LineSeries[] = []
  if (spec.split >= 0) {
    const v = spec.values[0]
    const by = new Map<string, [string, number][]>()
    s.data[spec.split].forEach((k, i) => {
      const w = weeks[i]
      const y = s.data[v][i]
      if (typeof w !== 'string' || typeof y !== 'number') return
      const key = String(k ?? 'NULL')
      let pts = by.get(key)
      if (!pts) by.set(key, (pts = []))
      pts.push([w, y])
    })
    let n = 0
    for (const [name, points] of by)
      series.push({
        name,
        points: points.sort((a, b) => a[0].localeCompare(b[0])),
        color: palette[n++ % palette.length],
        usd: isUsdColumn(s.columns[v]),
      })
  } else
    spec.values.forEach((v, n) => {
      const points: [string, number][] = []
      weeks.forEach((w, i) => {
        const y = s.data[v][i]
        if (typeof w === 'string' && typeof y === 'number') points.push([w, y])
      })
      series.push({
        name: s.columns[v].name,
        points: points.sort((a, b) => a[0].localeCompare(b[0])),
        color: palette[n % palette.length],
        usd: isUsdColumn(s.columns[v]),
      })
    })
  return lineChart(host, series, theme)
}

const fmtMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`

function div(className: string): HTMLDivElement {
  const d = document.createElement('div')
  d.className = className
  return d
}
