// The query console's registration with the workbench: the Console side view (examples, saved
// queries, history), the 'console' editor type (several tabs) and its commands.
import type { Contribution } from '../context'
import { ConsoleCatalog } from './catalog'
import { ConsoleEditor, type ConsoleParams } from './console-editor'
import { consoleSideView } from './side-view'

export const contribute: Contribution = (wb) => {
  const catalog = new ConsoleCatalog(wb)
  let counter = 0
  /** The console tab used last (a history entry loads into it rather than opening another). */
  let last: string | null = null

  const current = (): ConsoleEditor | null => {
    const active = wb.editors.activeId
    const a = active ? wb.editors.instance(active) : undefined
    if (a instanceof ConsoleEditor) return a
    const l = last ? wb.editors.instance(last) : undefined
    return l instanceof ConsoleEditor ? l : null
  }

  /** Opens SQL in a new console tab, or (newTab false) in the console tab used last. */
  const open = (p: ConsoleParams, newTab = true): void => {
    const existing = newTab ? null : current()
    if (existing) {
      existing.load(p)
      const id = [...wb.editors.ids()].find((i) => wb.editors.instance(i) === existing)
      if (id) wb.editors.dock.getPanel(id)?.api.setActive()
      return
    }
    const id = `console-${Date.now().toString(36)}-${counter++}`
    wb.editors.open({
      id,
      type: 'console',
      title: p.title ?? `Console ${counter}`,
      params: p as Record<string, unknown>,
    })
    last = id
  }

  const side = consoleSideView(wb, open)
  wb.parts.addSideView(side)
  wb.editors.registerType('console', (params, ctx) => {
    last = ctx.id
    return new ConsoleEditor(wb, catalog, ctx, params as ConsoleParams, () => side.refresh())
  })
  wb.editors.activeChanged.on((id) => {
    if (id && wb.editors.instance(id) instanceof ConsoleEditor) last = id
  })

  wb.commands.register(
    {
      id: 'view.console',
      title: 'Show the Query Console',
      category: 'View',
      keys: '$mod+Shift+Q',
      run: () => wb.parts.showSideView('console'),
    },
    {
      id: 'console.new',
      title: 'New Query Console',
      category: 'Console',
      keys: '$mod+Alt+N',
      run: () => open({ sql: '' }, true),
    },
    {
      id: 'console.run',
      title: 'Run the Statement under the Cursor',
      category: 'Console',
      enabled: () => current() !== null,
      run: () => current()?.run('cursor'),
    },
    {
      id: 'console.runAll',
      title: 'Run All Statements',
      category: 'Console',
      enabled: () => current() !== null,
      run: () => current()?.run('all'),
    },
    {
      id: 'console.cancel',
      title: 'Cancel the Running Query',
      category: 'Console',
      enabled: () => current() !== null,
      run: () => current()?.cancel(),
    },
    {
      id: 'console.format',
      title: 'Format the SQL',
      category: 'Console',
      enabled: () => current() !== null,
      run: () => current()?.format(),
    },
  )
}
