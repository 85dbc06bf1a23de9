// Binds every command's keys with tinykeys. Keys typed into inputs, text areas and editors are
// left alone (tinykeys' default filter), except for commands marked global (the palette); those
// marked inControls work in selects and sliders too, but not where text is typed.
import { tinykeys } from 'tinykeys'
import type { CommandRegistry } from './commands'

/** Where typing goes to the element itself: text fields, text areas (Monaco), editable content. */
const TEXT_TARGET =
  '[contenteditable],textarea,input:not([type=range],[type=checkbox],[type=radio],[type=button])'

export function bindKeys(commands: CommandRegistry, report: (e: unknown) => void): () => void {
  let unbind = (): void => {}
  const bind = (): void => {
    unbind()
    const local: Record<string, (e: KeyboardEvent) => void> = {}
    const inControls: Record<string, (e: KeyboardEvent) => void> = {}
    const global: Record<string, (e: KeyboardEvent) => void> = {}
    for (const c of commands.all()) {
      if (!c.keys) continue
      ;(c.global ? global : c.inControls ? inControls : local)[c.keys] = (e) => {
        if (c.enabled && !c.enabled()) return
        e.preventDefault()
        commands.run(c.id).catch(report)
      }
    }
    const offs = [
      tinykeys(window, local),
      tinykeys(window, inControls, {
        ignore: (e) =>
          e.repeat ||
          e.isComposing ||
          (e.target instanceof Element && e.target.matches(TEXT_TARGET)),
      }),
      tinykeys(window, global, { ignore: () => false }),
    ]
    unbind = () => offs.forEach((off) => off())
  }
  bind()
  const offChanged = commands.changed.on(bind)
  return () => {
    offChanged()
    unbind()
  }
}
