// The Log panel (problems and events): errors with the engine's location (file, week, field,
// offset), warnings such as fallbacks and skipped weeks, and notable events, newest first.
import type { LogEntry, LogService } from '../../services/log'

export function renderLogPanel(host: HTMLElement, log: LogService): void {
  host.classList.add('log-panel')
  const render = (): void => {
    if (!log.entries.length) {
      const p = document.createElement('p')
      p.className = 'muted'
      p.textContent =
        'No problems. Errors, warnings and notable events of this session appear here.'
      host.replaceChildren(p)
      return
    }
    host.replaceChildren(...[...log.entries].reverse().map(row))
  }
  const row = (e: LogEntry): HTMLElement => {
    const r = document.createElement('div')
    r.className = `log-entry ${e.level}`
    r.dataset.level = e.level
    const icon = document.createElement('i')
    icon.className = `codicon codicon-${e.level === 'error' ? 'error' : e.level === 'warning' ? 'warning' : 'info'}`
    const time = document.createElement('time')
    time.textContent = e.time.toLocaleTimeString()
    const src = document.createElement('span')
    src.className = 'log-source'
    src.textContent = e.source
    const msg = document.createElement('span')
    msg.className = 'log-message'
    msg.textContent = e.message
    r.append(icon, time, src, msg)
    if (e.location && Object.keys(e.location).length) {
      const loc = document.createElement('span')
      loc.className = 'log-location'
      loc.textContent = Object.entries(e.location)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')
      r.append(loc)
    }
    return r
  }
  render()
  log.changed.on(render)
}
