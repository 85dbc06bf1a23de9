// The Help view: every command with its key binding, grouped by category, generated from the
// command registry so it can never fall out of date, and a few words on the workbench's parts.
import { keyLabel, type CommandRegistry } from '../../workbench/commands'
import type { Editor } from '../../workbench/editors'

export function helpEditor(commands: CommandRegistry): Editor {
  const element = document.createElement('div')
  element.className = 'doc-view help'
  const render = (): void => {
    const h = document.createElement('h2')
    h.textContent = 'Keyboard shortcuts and commands'
    const intro = document.createElement('p')
    intro.className = 'muted'
    intro.textContent =
      'Every action is a command: open the palette with Ctrl+Shift+P (⌘⇧P on macOS) and type a few letters. ' +
      'Type @ in the palette to go to a protocol or token, # to go to a week. Keys typed in a text box stay in it.'
    const groups = new Map<string, ReturnType<CommandRegistry['all']>>()
    for (const c of commands.all()) {
      const list = groups.get(c.category) ?? []
      list.push(c)
      groups.set(c.category, list)
    }
    const tables = [...groups.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([cat, list]) => {
        const sec = document.createElement('section')
        const h3 = document.createElement('h3')
        h3.textContent = cat
        const table = document.createElement('table')
        table.className = 'grid shortcuts'
        for (const c of list.sort((a, b) => a.title.localeCompare(b.title))) {
          const tr = table.insertRow()
          tr.dataset.command = c.id
          tr.insertCell().textContent = c.title
          const k = tr.insertCell()
          if (c.keys) {
            const kbd = document.createElement('kbd')
            kbd.textContent = keyLabel(c.keys)
            k.append(kbd)
          }
        }
        sec.append(h3, table)
        return sec
      })
    element.replaceChildren(h, intro, ...tables)
  }
  render()
  const off = commands.changed.on(render)
  return { element, dispose: off }
}
