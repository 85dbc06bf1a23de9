// The Console side bar: a new console, the example queries shipped with the app, the user's saved
// queries (.sql files; delete with the ✕) and the searchable history of this archive (time,
// duration, rows or error). Clicking an entry opens it in a console tab.
import type { CallResponse } from '../../../../shared/api'
import { count } from '../../ui/format'
import type { SideView } from '../../workbench/parts'
import type { Workbench } from '../context'
import type { ConsoleParams } from './console-editor'

type Saved = CallResponse<'query.saved.list'>[number]
type HistoryEntry = CallResponse<'query.history'>[number]

export interface ConsoleSideView extends SideView {
  /** Reads the saved queries and the history again (after a run or a save). */
  refresh(): void
}

export function consoleSideView(
  wb: Workbench,
  open: (p: ConsoleParams, newTab?: boolean) => void,
): ConsoleSideView {
  let examplesList: HTMLUListElement
  let savedList: HTMLUListElement
  let historyList: HTMLUListElement
  let search: HTMLInputElement
  let rendered = false

  const section = (title: string, list: HTMLUListElement, extra?: HTMLElement): HTMLElement => {
    const s = document.createElement('section')
    s.className = 'console-section'
    const h = document.createElement('h3')
    h.className = 'side-subtitle'
    h.textContent = title
    s.append(h)
    if (extra) s.append(extra)
    s.append(list)
    return s
  }
  const ul = (cls: string): HTMLUListElement => {
    const u = document.createElement('ul')
    u.className = `tree ${cls}`
    return u
  }
  const item = (
    primary: string,
    detail: string,
    title: string,
    onOpen: () => void,
  ): HTMLLIElement => {
    const li = document.createElement('li')
    li.tabIndex = 0
    li.title = title
    const l = document.createElement('span')
    l.className = 'primary'
    l.textContent = primary
    const d = document.createElement('small')
    d.textContent = detail
    li.append(l, d)
    li.addEventListener('click', onOpen)
    li.addEventListener('keydown', (e) => e.key === 'Enter' && onOpen())
    return li
  }

  const loadSaved = async (): Promise<void> => {
    const all = await wb.api.call('query.saved.list', {})
    const row = (q: Saved): HTMLLIElement => {
      const li = item(
        q.title,
        q.source === 'user' ? ` ${q.name}.sql` : '',
        `${q.sql}\n\n${q.path}`,
        () =>
          open(
            { sql: q.sql, title: q.title, name: q.source === 'user' ? q.name : undefined },
            true,
          ),
      )
      li.dataset.name = q.name
      if (q.source === 'user') {
        const del = document.createElement('button')
        del.type = 'button'
        del.className = 'icon codicon codicon-close'
        del.setAttribute('aria-label', `Delete ${q.title}`)
        del.title = `Delete ${q.name}.sql`
        del.addEventListener('click', (e) => {
          e.stopPropagation()
          if (!confirm(`Delete the saved query "${q.title}" (${q.path})?`)) return
          void wb.api
            .call('query.saved.delete', { name: q.name })
            .then(() => loadSaved())
            .catch(wb.report)
        })
        li.append(del)
      }
      return li
    }
    const examples = all.filter((q) => q.source === 'example')
    const saved = all.filter((q) => q.source === 'user')
    examplesList.replaceChildren(...examples.map(row))
    savedList.replaceChildren(
      ...(saved.length ? saved.map(row) : [note('No saved queries yet: Save… in a console tab.')]),
    )
  }

  const loadHistory = async (): Promise<void> => {
    const q = search.value.trim()
    const entries = await wb.api.call('query.history', { search: q || undefined, limit: 100 })
    historyList.replaceChildren(
      ...(entries.length
        ? entries.map((h: HistoryEntry) => {
            const when = new Date(h.time)
            const outcome = h.error ? `${h.error.code}` : `${count(h.rows ?? 0)} rows`
            const li = item(
              h.sql.replace(/\s+/g, ' ').slice(0, 80),
              ` ${when.toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })} · ${fmtMs(h.durationMs)} · ${outcome}`,
              `${h.sql}\n\n${when.toISOString()} · ${fmtMs(h.durationMs)} · ${h.error ? h.error.message : outcome}`,
              () => open({ sql: h.sql }, false),
            )
            li.classList.add('history-entry')
            if (h.error) li.classList.add('failed')
            return li
          })
        : [note(q ? 'No query in the history matches.' : 'Queries you run appear here.')]),
    )
  }

  const refresh = (): void => {
    if (!rendered) return
    void loadSaved().catch(wb.report)
    void loadHistory().catch(wb.report)
  }

  return {
    id: 'console',
    title: 'Console (SQL)',
    icon: 'terminal',
    order: 4,
    refresh,
    render(host) {
      rendered = true
      const head = document.createElement('div')
      head.className = 'side-title'
      head.textContent = 'Query Console'
      const actions = document.createElement('div')
      actions.className = 'side-actions'
      const nb = document.createElement('button')
      nb.type = 'button'
      nb.className = 'small primary'
      nb.dataset.action = 'new-console'
      nb.textContent = 'New console'
      nb.addEventListener('click', () => open({ sql: '' }, true))
      actions.append(nb)
      examplesList = ul('console-examples')
      savedList = ul('console-saved')
      historyList = ul('console-history')
      search = document.createElement('input')
      search.type = 'search'
      search.placeholder = 'Search the history'
      search.setAttribute('aria-label', 'Search the query history')
      let t: ReturnType<typeof setTimeout> | null = null
      search.addEventListener('input', () => {
        if (t) clearTimeout(t)
        t = setTimeout(() => void loadHistory().catch(wb.report), 150)
      })
      host.classList.add('console-side')
      host.append(
        head,
        actions,
        section('Examples', examplesList),
        section('Saved queries', savedList),
        section('History', historyList, search),
      )
      refresh()
    },
    onShow() {
      refresh()
    },
  }
}

function note(text: string): HTMLLIElement {
  const li = document.createElement('li')
  li.className = 'muted empty-note'
  li.textContent = text
  return li
}

const fmtMs = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
