// Binds every command's keys with tinykeys. Keys typed into inputs, text areas and editors are
// left alone (tinykeys' default filter), except for commands marked global (the palette).
import { tinykeys } from 'tinykeys'
import type { CommandRegistry } from './commands'

export function bindKeys(commands: CommandRegistry, report: (e: unknown) => void): () => void {
  let unbind = (): void => {}
  const bind = (): void => {
    unbind()
    const local: Record<string, (e: KeyboardEvent) => void> = {}
    const global: Record<string, (e: KeyboardEvent) => void> = {}
    for (const c of commands.all()) {
      if (!c.keys) continue
      ;(c.global ? global : local)[c.keys] = (e) => {
        if (c.enabled && !c.enabled()) return
        e.preventDefault()
        commands.run(c.id).catch(report)
      }
    }
    const offLocal = tinykeys(window, local)
    const offGlobal = tinykeys(window, global, { ignore: () => false })
    unbind = () => {
      offLocal()
      offGlobal()
    }
  }
  bind()
  const offChanged = commands.changed.on(bind)
  return () => {
    offChanged()
    unbind()
  }
}
