// The Search side bar: fuzzy search over every protocol and token of the archive (name, id,
// category) and over weeks; choosing a node flies the active graph's camera to it.
import { count } from '../../ui/format'
import { rankItems, type PaletteItem } from '../../workbench/palette'
import type { SideView } from '../../workbench/parts'
import type { GraphData } from '../graph/data'

export function searchView(
  data: GraphData,
  goToNode: (id: string) => void,
  report: (e: unknown) => void,
): SideView {
  let input: HTMLInputElement
  return {
    id: 'search',
    title: 'Search (Ctrl+Shift+F)',
    icon: 'search',
    order: 1,
    render(host) {
      const head = document.createElement('div')
      head.className = 'side-title'
      head.textContent = 'Search'
      input = document.createElement('input')
      input.type = 'search'
      input.placeholder = 'Protocol, token, id or category'
      input.setAttribute('aria-label', 'Search nodes')
      const results = document.createElement('ul')
      results.className = 'tree search-hits'
      const summary = document.createElement('p')
      summary.className = 'muted'
      let items: PaletteItem[] | null = null
      const run = async (): Promise<void> => {
        if (!items) {
          const u = await data.loadUniverse()
          items = u.ids.map((id, i) => ({
            label: u.names[i] ?? id,
            detail: `${id} · ${u.categories[u.category[i]]} · ${u.kind[i] === 0 ? 'protocol' : 'token'}`,
            run: () => goToNode(id),
          }))
        }
        const hits = input.value.trim() ? rankItems(items, input.value) : []
        summary.textContent = input.value.trim()
          ? `${count(hits.length)} shown`
          : `${count(items.length)} nodes in the archive`
        results.replaceChildren(
          ...hits.map((h) => {
            const li = document.createElement('li')
            li.tabIndex = 0
            const l = document.createElement('span')
            l.className = 'primary'
            l.textContent = h.label
            const d = document.createElement('small')
            d.textContent = ` ${h.detail}`
            li.append(l, d)
            li.addEventListener('click', () => h.run())
            li.addEventListener('keydown', (e) => e.key === 'Enter' && h.run())
            return li
          }),
        )
      }
      input.addEventListener('input', () => void run().catch(report))
      host.append(head, input, summary, results)
      void run().catch(report)
    },
    onShow() {
      input?.focus()
    },
  }
}
