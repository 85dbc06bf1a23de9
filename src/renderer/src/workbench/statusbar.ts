// The status bar: small items on the left (archive, synthetic badge, week) and right (model and
// execution provider, running jobs, theme), each optionally running a command when clicked.
export interface StatusItem {
  id: string
  align: 'left' | 'right'
  order: number
  text: string
  /** A codicon drawn before the text. */
  icon?: string
  title?: string
  /** Extra class, e.g. 'warning' or 'synthetic'. */
  tone?: string
  onClick?: () => void
  hidden?: boolean
}

export class StatusBar {
  private readonly items = new Map<string, StatusItem>()
  private readonly left: HTMLElement
  private readonly right: HTMLElement

  constructor(private readonly host: HTMLElement) {
    this.left = document.createElement('div')
    this.left.className = 'status-left'
    this.right = document.createElement('div')
    this.right.className = 'status-right'
    host.append(this.left, this.right)
  }

  set(item: StatusItem): void {
    this.items.set(item.id, item)
    this.render()
  }

  update(id: string, patch: Partial<StatusItem>): void {
    const item = this.items.get(id)
    if (!item) return
    Object.assign(item, patch)
    this.render()
  }

  private render(): void {
    const make = (i: StatusItem): HTMLElement => {
      const e = document.createElement(i.onClick ? 'button' : 'span')
      e.className = `status-item ${i.tone ?? ''}`.trim()
      e.dataset.item = i.id
      if (i.icon) {
        const icon = document.createElement('i')
        icon.className = `codicon codicon-${i.icon}`
        e.append(icon)
      }
      e.append(i.text)
      if (i.title) e.title = i.title
      if (i.onClick) {
        ;(e as HTMLButtonElement).type = 'button'
        e.addEventListener('click', i.onClick)
      }
      return e
    }
    const sorted = [...this.items.values()]
      .filter((i) => !i.hidden)
      .sort((a, b) => a.order - b.order)
    this.left.replaceChildren(...sorted.filter((i) => i.align === 'left').map(make))
    this.right.replaceChildren(...sorted.filter((i) => i.align === 'right').map(make))
  }
}
