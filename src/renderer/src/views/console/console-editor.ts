// A query console tab: a toolbar (run, run all, cancel, format, save, time limit, row limit), the
// named parameters of the SQL as form fields with pickers, Monaco (loaded on first use) and the
// results below. Ctrl/Cmd+Enter runs the selection or the statement under the cursor,
// Ctrl/Cmd+Shift+Enter every statement; the engine's error position is underlined.
import type { QueryParamValueSchema } from '../../../../shared/api'
import {
  splitStatements,
  statementAt,
  statementParams,
  tokenize,
} from '../../../../shared/sql/tokens'
import type { Editor, EditorContext } from '../../workbench/editors'
import type { Workbench } from '../context'
import type { ConsoleCatalog } from './catalog'
import { searchNodes } from './completion'
import type { ResultGrid } from './grid'
import { ResultsPanel, type QueryResult } from './results'
import { openDialog } from '../../workbench/dialog'
import { chosenModelsInUse } from '../../services/model-choice'
import type { StatementResult } from './result-shape'
import type { z } from 'zod'

type MonacoModule = typeof import('./monaco')
type CodeEditor = import('./monaco').monaco.editor.IStandaloneCodeEditor

export interface ConsoleParams {
  sql?: string
  title?: string
  /** The saved query's file name (Save overwrites it). */
  name?: string
  timeoutS?: number
  maxRows?: number
  values?: Record<string, string>
}

/** Test and benchmark hooks, by editor id. */
export interface ConsoleStatus {
  ready: boolean
  running: boolean
  queryId: string | null
  runs: number
  rows: number | null
  error: { code: string; message: string; offset: number | null } | null
  /** ms from the engine's answer to the first frame with the result drawn. */
  lastShowMs: number | null
  /** ms the call took (request to answer). */
  lastCallMs: number | null
  markers: number
  /** The grid's renders and their total ms (the scroll benchmark). */
  grid: { renders: number; renderMs: number; drawnRows: number } | null
}

declare global {
  interface Window {
    __console?: Record<string, ConsoleStatus>
  }
}

const TIME_LIMITS = [2, 5, 10, 30, 60, 300]
const ROW_LIMITS = [1_000, 10_000, 100_000]
const HORIZONS = [1, 4, 8, 12]

type ParamValue = z.infer<typeof QueryParamValueSchema>

export class ConsoleEditor implements Editor {
  readonly element: HTMLElement
  private readonly toolbar: HTMLElement
  private readonly paramsBox: HTMLElement
  private readonly host: HTMLElement
  private readonly results: ResultsPanel
  private readonly runBtn: HTMLButtonElement
  private readonly runAllBtn: HTMLButtonElement
  private readonly cancelBtn: HTMLButtonElement
  private readonly timeSel: HTMLSelectElement
  private readonly rowsSel: HTMLSelectElement
  private readonly statusText: HTMLElement
  private m: MonacoModule | null = null
  private editor: CodeEditor | null = null
  private params: ConsoleParams
  private values: Record<string, string>
  private paramNames: string[] = []
  private running: { queryId: string; timer: ReturnType<typeof setInterval> } | null = null
  /** The SQL of the last run and where it started in the editor (error positions, export). */
  private ran: { sql: string; base: number; params: Record<string, ParamValue> } | null = null
  private readonly status: ConsoleStatus
  private saveTimer: ReturnType<typeof setTimeout> | null = null
  private disposed = false

  constructor(
    private readonly wb: Workbench,
    private readonly catalog: ConsoleCatalog,
    private readonly ctx: EditorContext,
    params: ConsoleParams,
    private readonly onRan: () => void,
  ) {
    this.params = { ...params }
    this.values = { ...(params.values ?? {}) }
    this.status = {
      ready: false,
      running: false,
      queryId: null,
      runs: 0,
      rows: null,
      error: null,
      lastShowMs: null,
      lastCallMs: null,
      markers: 0,
      grid: null,
    }
    ;(window.__console ??= {})[ctx.id] = this.status

    this.element = div('console-view')
    this.element.dataset.editor = ctx.id
    this.toolbar = div('console-toolbar')
    this.toolbar.setAttribute('role', 'toolbar')
    const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+'
    this.runBtn = button(
      'Run',
      'play',
      `Run the selection or the statement under the cursor (${mod}Enter)`,
      () => void this.run('cursor'),
    )
    this.runBtn.classList.add('primary')
    this.runAllBtn = button(
      'Run all',
      'run-all',
      `Run every statement (${mod}Shift+Enter)`,
      () => void this.run('all'),
    )
    this.cancelBtn = button(
      'Cancel',
      'debug-stop',
      'Stop the running query',
      () => void this.cancel(),
    )
    this.cancelBtn.disabled = true
    const formatBtn = button('Format', 'list-flat', 'Lay out the SQL (Shift+Alt+F)', () =>
      this.format(),
    )
    const saveBtn = button('Save…', 'save', 'Save as a .sql file in your saved queries', () =>
      this.saveDialog(),
    )
    this.timeSel = select(
      'Time limit',
      TIME_LIMITS.map((s) => [String(s), s < 60 ? `${s} s` : `${s / 60} min`]),
      String(params.timeoutS ?? 10),
    )
    this.rowsSel = select(
      'Rows shown',
      ROW_LIMITS.map((n) => [String(n), `${n.toLocaleString('en')} rows`]),
      String(params.maxRows ?? 10_000),
    )
    this.timeSel.addEventListener('change', () => this.persist())
    this.rowsSel.addEventListener('change', () => this.persist())
    this.statusText = document.createElement('span')
    this.statusText.className = 'console-status muted'
    this.statusText.setAttribute('role', 'status')
    this.toolbar.append(
      this.runBtn,
      this.runAllBtn,
      this.cancelBtn,
      sep(),
      formatBtn,
      saveBtn,
      sep(),
      labelled('Limit', this.timeSel),
      labelled('Show', this.rowsSel),
      this.statusText,
    )
    this.paramsBox = div('console-params')
    this.host = div('console-monaco')
    this.host.textContent = 'Loading the editor…'
    this.results = new ResultsPanel(wb, {
      statementSql: (s) => this.statementSql(s),
      params: () => this.ran?.params ?? {},
      weekParam: () => {
        const w = this.ran?.params.week
        return typeof w === 'string' ? w : null
      },
      exportFormats: () => this.catalog.schema()?.exportFormats ?? ['csv', 'json'],
      name: () => this.params.title ?? 'query',
    })
    const split = div('console-split')
    const handle = div('console-splitter')
    handle.setAttribute('role', 'separator')
    handle.setAttribute('aria-orientation', 'horizontal')
    handle.addEventListener('pointerdown', (e) => this.dragSplit(e, handle))
    split.append(this.host, handle, this.results.element)
    this.element.append(this.toolbar, this.paramsBox, split)
    void this.init().catch(wb.report)
  }

  private async init(): Promise<void> {
    const [m] = await Promise.all([import('./monaco'), this.catalog.load()])
    if (this.disposed) return
    this.m = m
    m.setupMonaco(this.catalog)
    m.applyTheme(this.wb.theme.colors)
    this.host.textContent = ''
    const editor = m.monaco.editor.create(this.host, {
      value: this.params.sql ?? '',
      language: 'sql',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      lineNumbersMinChars: 3,
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      tabSize: 2,
      placeholder: 'SELECT … FROM edges_named WHERE week = :week ORDER BY weight DESC LIMIT 20',
      quickSuggestions: { other: true, strings: true, comments: false },
      suggestOnTriggerCharacters: true,
      // the schema-aware provider only: words of the buffer would crowd the list
      wordBasedSuggestions: 'off',
    })
    this.editor = editor
    const { KeyMod, KeyCode } = m.monaco
    editor.addAction({
      id: 'dx.console.run',
      label: 'Run the Statement under the Cursor or the Selection',
      keybindings: [KeyMod.CtrlCmd | KeyCode.Enter],
      run: () => void this.run('cursor'),
    })
    editor.addAction({
      id: 'dx.console.runAll',
      label: 'Run All Statements',
      keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.Enter],
      run: () => void this.run('all'),
    })
    editor.onDidChangeModelContent(() => {
      // an edit moves what the markers pointed at
      if (this.status.markers) this.setMarkers([])
      this.renderParams()
      this.persist()
    })
    this.wb.theme.changed.on((c) => !this.disposed && this.m?.applyTheme(c))
    this.renderParams()
    this.status.ready = true
    editor.focus()
  }

  /** Sets the editor's text (opening a saved query or a history entry into this tab). */
  load(p: ConsoleParams): void {
    this.params = { ...this.params, ...p }
    if (p.title) this.ctx.setTitle(p.title)
    if (p.sql !== undefined) this.editor?.setValue(p.sql)
    this.persist()
  }

  onActive(): void {
    this.editor?.focus()
  }

  onVisible(visible: boolean): void {
    if (visible) this.results.layout()
  }

  onResize(): void {
    this.results.layout()
  }

  dispose(): void {
    this.disposed = true
    if (this.running) void this.cancel()
    this.results.dispose()
    this.editor?.getModel()?.dispose()
    this.editor?.dispose()
    delete window.__console?.[this.ctx.id]
  }

  private persist(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = setTimeout(() => {
      if (this.disposed) return
      this.params = {
        ...this.params,
        sql: this.editor?.getValue() ?? this.params.sql,
        timeoutS: Number(this.timeSel.value),
        maxRows: Number(this.rowsSel.value),
        values: { ...this.values },
      }
      this.ctx.saveParams(this.params as Record<string, unknown>)
    }, 400)
  }

  // ---- parameters ------------------------------------------------------------------------------

  /** The named parameters of the whole text, in order of first use. */
  private namedParams(sql: string): string[] {
    const names: string[] = []
    for (const st of splitStatements(sql, tokenize(sql)))
      for (const p of statementParams(st.sig))
        if (typeof p.key === 'string' && !names.includes(p.key)) names.push(p.key)
    return names
  }

  private renderParams(): void {
    const names = this.namedParams(this.editor?.getValue() ?? this.params.sql ?? '')
    if (names.join('\n') === this.paramNames.join('\n')) return
    this.paramNames = names
    this.paramsBox.replaceChildren()
    this.paramsBox.hidden = names.length === 0
    for (const name of names) this.paramsBox.append(this.paramField(name))
  }

  private paramField(name: string): HTMLElement {
    const label = document.createElement('label')
    label.className = 'param-field'
    label.dataset.param = name
    const span = document.createElement('span')
    span.textContent = `:${name}`
    label.append(span)
    const key = name.toLowerCase()
    const set = (v: string): void => {
      this.values[name] = v
      this.persist()
    }
    if (key === 'week' || key.endsWith('_week')) {
      const weeks = [...this.wb.archive.weeks]
        .reverse()
        .map((w) => [w.week, w.week] as [string, string])
      const def =
        this.values[name] ?? this.wb.activeGraph()?.currentWeek ?? this.wb.archive.lastWeek ?? ''
      const s = select(`:${name}`, weeks, def)
      this.values[name] = s.value
      s.addEventListener('change', () => set(s.value))
      label.append(s)
    } else if (key === 'horizon' || key === 'h') {
      const s = select(
        `:${name}`,
        HORIZONS.map((h) => [String(h), `${h} week${h > 1 ? 's' : ''}`]),
        this.values[name] ?? '4',
      )
      this.values[name] = s.value
      s.addEventListener('change', () => set(s.value))
      label.append(s)
    } else if (['node', 'node_id', 'source', 'target', 'holder', 'issuer'].includes(key)) {
      const input = document.createElement('input')
      input.type = 'text'
      input.placeholder = 'node id or name'
      input.setAttribute('aria-label', `:${name}`)
      input.value = this.values[name] ?? this.wb.selection.current.node ?? ''
      this.values[name] = input.value
      const list = document.createElement('datalist')
      list.id = `${this.ctx.id}-${name}-nodes`
      input.setAttribute('list', list.id)
      const fill = (): void => {
        const nodes = this.catalog.nodes()
        if (!nodes) return
        list.replaceChildren(
          ...searchNodes(nodes, input.value, 50).map((i) => {
            const o = document.createElement('option')
            o.value = nodes.ids[i]
            o.label = nodes.names[i] ?? nodes.ids[i]
            return o
          }),
        )
      }
      input.addEventListener('input', () => {
        fill()
        set(input.value.trim())
      })
      input.addEventListener('focus', fill)
      label.append(input, list)
    } else {
      const input = document.createElement('input')
      input.type = 'text'
      input.setAttribute('aria-label', `:${name}`)
      input.value = this.values[name] ?? ''
      input.addEventListener('input', () => set(input.value))
      label.append(input)
    }
    return label
  }

  /** The values of the parameters `sql` names, typed (numbers where the field holds one). */
  private paramsFor(sql: string): Record<string, ParamValue> | string {
    const out: Record<string, ParamValue> = {}
    for (const name of this.namedParams(sql)) {
      const v = (this.values[name] ?? '').trim()
      if (!v) return name
      const key = name.toLowerCase()
      const textual = key.includes('week') || ['node', 'node_id', 'source', 'target'].includes(key)
      out[name] = !textual && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v
    }
    return out
  }

  // ---- running ---------------------------------------------------------------------------------

  async run(mode: 'cursor' | 'all'): Promise<void> {
    const editor = this.editor
    const model = editor?.getModel()
    if (!editor || !model || this.running) return
    const full = model.getValue()
    let from = 0
    let to = full.length
    const sel = editor.getSelection()
    if (mode === 'cursor') {
      if (sel && !sel.isEmpty()) {
        from = model.getOffsetAt(sel.getStartPosition())
        to = model.getOffsetAt(sel.getEndPosition())
      } else {
        const st = statementAt(full, model.getOffsetAt(editor.getPosition()!))
        if (!st) {
          this.results.message('There is no statement under the cursor.')
          return
        }
        from = st.start
        to = st.end
      }
    }
    const sql = full.slice(from, to)
    if (!sql.trim()) {
      this.results.message('There is nothing to run.')
      return
    }
    const params = this.paramsFor(sql)
    if (typeof params === 'string') {
      this.results.message(`Give :${params} a value in the fields above the editor.`, 'error')
      this.paramsBox
        .querySelector<HTMLElement>(
          `[data-param="${params}"] input, [data-param="${params}"] select`,
        )
        ?.focus()
      return
    }
    this.setMarkers([])
    const queryId = crypto.randomUUID()
    // a failure shows in the result box: it gets its Problems entry, not a toast repeating it
    this.wb.jobs.shownByItsView(queryId)
    const t0 = performance.now()
    this.running = {
      queryId,
      timer: setInterval(() => {
        this.statusText.textContent = `Running… ${((performance.now() - t0) / 1000).toFixed(1)} s`
      }, 100),
    }
    this.status.running = true
    this.status.queryId = queryId
    this.status.error = null
    this.setRunning(true)
    this.statusText.textContent = 'Running…'
    this.results.message(mode === 'all' ? 'Running every statement…' : 'Running…', 'running')
    this.ran = { sql, base: from, params }
    try {
      // the models chosen in the model manager: forecast functions named without a model read
      // (or compute) those models' runs, as the other views do
      const models = await chosenModelsInUse(this.wb)
      const res = await this.wb.api.call('query.run', {
        ...(models ? { models } : {}),
        sql,
        params,
        timeoutMs: Number(this.timeSel.value) * 1000,
        maxRows: Number(this.rowsSel.value),
        queryId,
      })
      const answered = performance.now()
      performance.mark('dx-console-answer', { detail: { queryId } })
      this.status.lastCallMs = answered - t0
      if (this.disposed) return
      this.showResult(res)
      // the first frame with the result drawn
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
      this.status.lastShowMs = performance.now() - answered
      performance.measure('dx-console-first-result', { start: answered, detail: { queryId } })
      this.statusText.textContent = `${fmtMs(res.elapsedMs)} in the engine · shown in ${fmtMs(this.status.lastShowMs)}`
    } catch (e) {
      this.showError(e, sql, from)
    } finally {
      clearInterval(this.running.timer)
      this.running = null
      this.status.running = false
      this.status.runs++
      this.setRunning(false)
      this.onRan()
    }
  }

  private showResult(res: QueryResult): void {
    this.status.rows = res.statements.reduce((a, s) => a + s.rowCount, 0)
    this.results.show(res)
    const grid = this.results.currentGrid
    // a live view of the grid's counters (read by tests and benchmarks)
    Object.defineProperty(this.status, 'grid', {
      configurable: true,
      enumerable: true,
      get: () =>
        grid ? { renders: grid.renders, renderMs: grid.renderMs, drawnRows: grid.drawnRows } : null,
    })
  }

  private showError(e: unknown, sql: string, base: number): void {
    const err = e as { code?: string; message?: string; location?: Record<string, string | number> }
    const code = err.code ?? 'INTERNAL'
    const message = err.message ?? String(e)
    const loc = err.location ?? {}
    const offset = typeof loc.offset === 'number' ? loc.offset : null
    this.status.error = { code, message, offset }
    this.statusText.textContent =
      code === 'CANCELLED' ? 'Cancelled' : code === 'LIMIT' ? 'Stopped at the limit' : 'Failed'
    if (code === 'CANCELLED') {
      this.results.error(
        code,
        'The query was cancelled; the console is ready for the next one.',
        null,
        null,
      )
      return
    }
    let where: string | null = null
    let goTo: (() => void) | null = null
    const model = this.editor?.getModel()
    if (offset !== null && model && this.m) {
      const length = typeof loc.length === 'number' && loc.length > 0 ? loc.length : 1
      const a = model.getPositionAt(base + Math.min(offset, sql.length))
      const b = model.getPositionAt(base + Math.min(offset + length, sql.length))
      const end =
        b.lineNumber === a.lineNumber && b.column === a.column ? { ...b, column: b.column + 1 } : b
      this.setMarkers([
        {
          severity: this.m.monaco.MarkerSeverity.Error,
          message,
          startLineNumber: a.lineNumber,
          startColumn: a.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        },
      ])
      where = `line ${a.lineNumber}, column ${a.column}`
      goTo = () => {
        this.editor?.setPosition(a)
        this.editor?.revealPositionInCenter(a)
        this.editor?.focus()
      }
    }
    // the engine's message starts with its own place for it (line and column in the statement
    // run, not in the editor): the box names the editor's place in its "Go to" link instead
    const text = where
      ? message.replace(/^line \d+(, column \d+)?(, field [\w.]+)?: /, '')
      : message
    this.results.error(code, text, where, goTo)
  }

  private setMarkers(markers: import('./monaco').monaco.editor.IMarkerData[]): void {
    const model = this.editor?.getModel()
    if (!model || !this.m) return
    this.m.monaco.editor.setModelMarkers(model, 'dx-query', markers)
    this.status.markers = markers.length
  }

  private setRunning(on: boolean): void {
    this.runBtn.disabled = on
    this.runAllBtn.disabled = on
    this.cancelBtn.disabled = !on
    this.element.classList.toggle('running', on)
  }

  async cancel(): Promise<void> {
    const r = this.running
    if (!r) return
    this.statusText.textContent = 'Cancelling…'
    await this.wb.api.call('query.cancel', { queryId: r.queryId })
  }

  /** The SQL of one statement of the last run (offsets are in the run's SQL). */
  private statementSql(s: StatementResult): string {
    return this.ran ? this.ran.sql.slice(s.from, s.to) : ''
  }

  /** The result grid (tests and the scroll benchmark). */
  get grid(): ResultGrid | null {
    return this.results.currentGrid
  }

  // ---- format, save, split ---------------------------------------------------------------------

  format(): void {
    const editor = this.editor
    if (!editor || !this.m) return
    try {
      const text = this.m.formatSql(editor.getValue())
      editor.executeEdits('format', [{ range: editor.getModel()!.getFullModelRange(), text }])
      editor.pushUndoStop()
    } catch (e) {
      // sql-formatter refuses what it cannot parse: say so rather than mangle the text
      this.wb.flash(
        `The SQL could not be formatted: ${(e as Error).message.split('\n')[0]}`,
        'warning',
      )
    }
  }

  private saveDialog(): void {
    const sql = this.editor?.getValue() ?? ''
    if (!sql.trim()) {
      this.wb.flash('There is no SQL to save.', 'warning')
      return
    }
    openDialog('Save the query', (body, close) => {
      const label = document.createElement('label')
      label.textContent = 'Title '
      const input = document.createElement('input')
      input.name = 'title'
      input.size = 50
      input.value = this.params.title ?? ''
      label.append(input)
      const note = document.createElement('p')
      note.className = 'muted'
      note.textContent =
        'Saved as a .sql file in your saved queries folder (beside the archives, never inside one).'
      const ok = document.createElement('button')
      ok.type = 'button'
      ok.className = 'primary'
      ok.textContent = 'Save'
      const save = (): void => {
        const title = input.value.trim()
        if (!title) return input.focus()
        ok.disabled = true
        void this.wb.api
          .call('query.saved.save', {
            title,
            sql,
            ...(this.params.name && title === this.params.title ? { name: this.params.name } : {}),
          })
          .then((saved) => {
            close()
            this.load({ title: saved.title, name: saved.name })
            this.wb.log.info('console', `saved "${saved.title}" as ${saved.path}`)
            this.onRan()
          })
          .catch((e: unknown) => {
            ok.disabled = false
            this.wb.report(e)
          })
      }
      ok.addEventListener('click', save)
      input.addEventListener('keydown', (e) => e.key === 'Enter' && save())
      const row = document.createElement('div')
      row.className = 'dialog-actions'
      row.append(ok)
      body.append(label, note, row)
      setTimeout(() => input.select(), 0)
    })
  }

  private dragSplit(e: PointerEvent, handle: HTMLElement): void {
    e.preventDefault()
    handle.setPointerCapture(e.pointerId)
    const y0 = e.clientY
    const h0 = this.host.getBoundingClientRect().height
    const move = (m: PointerEvent): void => {
      this.host.style.flexBasis = `${Math.max(60, h0 + m.clientY - y0)}px`
      this.results.layout()
    }
    const up = (): void => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', up)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', up)
  }
}

const fmtMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`

function div(className: string): HTMLDivElement {
  const d = document.createElement('div')
  d.className = className
  return d
}

function sep(): HTMLElement {
  return div('toolbar-sep')
}

function button(label: string, icon: string, title: string, fn: () => void): HTMLButtonElement {
  const b = document.createElement('button')
  b.type = 'button'
  b.className = 'small'
  b.title = title
  b.dataset.action = label
    .toLowerCase()
    .replace(/[^a-z]+/g, '-')
    .replace(/-$/, '')
  const i = document.createElement('span')
  i.className = `codicon codicon-${icon}`
  b.append(i, ` ${label}`)
  b.addEventListener('click', fn)
  return b
}

function select(label: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = document.createElement('select')
  s.setAttribute('aria-label', label)
  for (const [v, text] of options) {
    const o = document.createElement('option')
    o.value = v
    o.textContent = text
    s.append(o)
  }
  if (options.some(([v]) => v === value)) s.value = value
  return s
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = document.createElement('label')
  l.className = 'toolbar-field'
  l.append(`${text} `, control)
  return l
}
