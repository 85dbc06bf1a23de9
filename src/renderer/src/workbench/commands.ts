// The command registry: every action of the workbench is a command with an id, a title and an
// optional key binding, so the palette, the menus, the Help view and the keyboard share one list.
import { Emitter } from '../services/events'

export interface Command {
  id: string
  title: string
  /** Group shown before the title in the palette ("View", "Graph", "Week" …). */
  category: string
  /** tinykeys syntax: "$mod+Shift+P", "Alt+ArrowRight", "$mod+k $mod+t" (a chord). */
  keys?: string
  /** Keys that work even while typing in an input (e.g. the palette itself). */
  global?: boolean
  /**
   * Keys that also work while a control that takes no text has focus (a select, a slider, a
   * button): undo of a view change right after choosing a colour. Text fields keep their own keys.
   */
  inControls?: boolean
  /** Hidden from the palette when false (e.g. a graph command with no graph open). */
  enabled?: () => boolean
  run: () => unknown
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>()
  readonly changed = new Emitter<void>()

  register(...list: Command[]): () => void {
    for (const c of list) {
      if (this.commands.has(c.id)) throw new Error(`command ${c.id} is registered twice`)
      this.commands.set(c.id, c)
    }
    this.changed.emit()
    return () => {
      for (const c of list) this.commands.delete(c.id)
      this.changed.emit()
    }
  }

  get(id: string): Command | undefined {
    return this.commands.get(id)
  }

  all(): Command[] {
    return [...this.commands.values()]
  }

  /** Runs a command by id; unknown or disabled commands are an error the caller reports. */
  async run(id: string): Promise<void> {
    const c = this.commands.get(id)
    if (!c) throw new Error(`unknown command ${id}`)
    if (c.enabled && !c.enabled()) return
    await c.run()
  }
}

const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** "$mod+Shift+P" → "Ctrl+Shift+P" (or "⌘+Shift+P" on macOS), for menus and the Help view. */
export function keyLabel(keys: string): string {
  return keys
    .split(' ')
    .map((chord) =>
      chord
        .replace('$mod', IS_MAC ? '⌘' : 'Ctrl')
        .replace('ArrowRight', '→')
        .replace('ArrowLeft', '←')
        .replace('ArrowUp', '↑')
        .replace('ArrowDown', '↓'),
    )
    .join(' ')
}
