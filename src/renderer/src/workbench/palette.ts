// The command palette (Ctrl/Cmd+Shift+P): one input, fuzzy-matched with uFuzzy over the items of
// a source chosen by the first character, as in VS Code: ">" commands, "@" go to a node
// (protocols and tokens by name, id or symbol), "#" go to a week.
import uFuzzy from '@leeoniya/ufuzzy'

export interface PaletteItem {
  label: string
  /** Shown dimmed after the label (category, id, key binding). */
  detail?: string
  hint?: string
  run: () => unknown
}

export interface PaletteSource {
  prefix: string
  title: string
  items: () => PaletteItem[]
}

const MAX_SHOWN = 60
// made on the first search: its constructor compiles Unicode regexes (≈ 20 ms of a cold start)
let fuzzy: uFuzzy | null = null

/** Items matching `needle`, best first (all items, in order, for an empty needle). */
export function rankItems(items: PaletteItem[], needle: string): PaletteItem[] {
  const q = needle.trim()
  if (!q) return items.slice(0, MAX_SHOWN)
  const haystack = items.map((i) => (i.detail ? `${i.label} ${i.detail}` : i.label))
  fuzzy ??= new uFuzzy({ intraMode: 1, intraIns: 1 })
  const [idxs, info, order] = fuzzy.search(haystack, q, 0, 1e3)
  if (!idxs) return []
  const ranked = order && info ? order.map((o) => info.idx[o]) : idxs
  return ranked.slice(0, MAX_SHOWN).map((i) => items[i])
}

export class CommandPalette {
  private readonly root: HTMLDivElement
  private readonly input: HTMLInputElement
  private readonly list: HTMLUListElement
  private shown: PaletteItem[] = []
  private active = 0
  private cache = new Map<string, PaletteItem[]>()
  private previousFocus: Element | null = null

  constructor(
    private readonly sources: PaletteSource[],
    private readonly report: (e: unknown) => void,
  ) {
    this.root = document.createElement('div')
    this.root.className = 'palette'
    this.root.hidden = true
    this.root.setAttribute('role', 'dialog')
    this.root.setAttribute('aria-label', 'Command palette')
    this.input = document.createElement('input')
    this.input.className = 'palette-input'
    this.input.setAttribute('aria-label', 'Type a command, @ for a node, # for a week')
    this.input.spellcheck = false
    this.list = document.createElement('ul')
    this.list.className = 'palette-list'
    this.list.setAttribute('role', 'listbox')
    this.root.append(this.input, this.list)
    document.body.append(this.root)
    this.input.addEventListener('input', () => this.update())
    this.input.addEventListener('keydown', (e) => this.onKey(e))
    // closing on blur waits a moment (a click on an item blurs first); a reopen cancels it
    this.input.addEventListener('blur', () => {
      if (this.blurTimer) clearTimeout(this.blurTimer)
      this.blurTimer = setTimeout(() => this.close(), 120)
    })
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  private blurTimer: ReturnType<typeof setTimeout> | null = null

  open(prefix = '>'): void {
    if (this.blurTimer) clearTimeout(this.blurTimer)
    this.blurTimer = null
    this.previousFocus = document.activeElement
    this.cache.clear()
    this.root.hidden = false
    this.input.value = prefix
    this.update()
    this.input.focus()
    this.input.setSelectionRange(prefix.length, prefix.length)
  }

  close(): void {
    if (this.root.hidden) return
    this.root.hidden = true
    if (this.previousFocus instanceof HTMLElement) this.previousFocus.focus()
  }

  private source(): { source: PaletteSource; needle: string } {
    const v = this.input.value
    const s = this.sources.find((x) => x.prefix && v.startsWith(x.prefix))
    if (s) return { source: s, needle: v.slice(s.prefix.length) }
    return { source: this.sources.find((x) => x.prefix === '')!, needle: v }
  }

  private update(): void {
    const { source, needle } = this.source()
    let items = this.cache.get(source.prefix)
    if (!items) this.cache.set(source.prefix, (items = source.items()))
    this.shown = rankItems(items, needle)
    this.active = 0
    this.render(source)
  }

  private render(source: PaletteSource): void {
    const rows = this.shown.map((item, i) => {
      const li = document.createElement('li')
      li.setAttribute('role', 'option')
      li.className = i === this.active ? 'active' : ''
      li.setAttribute('aria-selected', String(i === this.active))
      const label = document.createElement('span')
      label.className = 'label'
      label.textContent = item.label
      li.append(label)
      if (item.detail) {
        const d = document.createElement('span')
        d.className = 'detail'
        d.textContent = item.detail
        li.append(d)
      }
      if (item.hint) {
        const k = document.createElement('kbd')
        k.textContent = item.hint
        li.append(k)
      }
      li.addEventListener('mousedown', (e) => {
        e.preventDefault()
        this.choose(i)
      })
      return li
    })
    if (!rows.length) {
      const li = document.createElement('li')
      li.className = 'empty'
      li.textContent = `No ${source.title.toLowerCase()} match`
      rows.push(li)
    }
    this.list.replaceChildren(...rows)
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault()
      this.close()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      if (!this.shown.length) return
      const n = this.shown.length
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n
      ;[...this.list.children].forEach((li, i) => {
        li.classList.toggle('active', i === this.active)
        li.setAttribute('aria-selected', String(i === this.active))
      })
      this.list.children[this.active]?.scrollIntoView({ block: 'nearest' })
    } else if (e.key === 'Enter') {
      e.preventDefault()
      this.choose(this.active)
    }
  }

  private choose(i: number): void {
    const item = this.shown[i]
    if (!item) return
    this.close()
    Promise.resolve()
      .then(() => item.run())
      .catch(this.report)
  }
}
