// "Open archive": the recent archives the engine knows (per user), or a path typed in browser mode
// (a native dialog in Electron). The engine switches archives; `archive.changed` reloads the UI.
import type { WorkbenchApi } from '../../../../shared/api'
import { openDialog } from '../../workbench/dialog'

export async function openArchiveDialog(
  api: WorkbenchApi,
  report: (e: unknown) => void,
  /** Saves the open archive's workbench state: once the engine has switched, it is too late
   * (the state is kept per archive, and the engine files it under the archive now open). */
  beforeSwitch: () => Promise<void> = async () => {},
): Promise<void> {
  if (api.pickFile) {
    const path = await api.pickFile('archive')
    if (path) {
      await beforeSwitch()
      await api.call('archives.open', { path })
    }
    return
  }
  const recent = await api.call('archives.recent', {})
  openDialog('Open an archive', (body, close) => {
    const open = async (path: string, create: boolean): Promise<void> => {
      try {
        await beforeSwitch()
        await api.call('archives.open', { path, create })
        close()
      } catch (e) {
        error.textContent = (e as Error).message
        error.hidden = false
        report(e)
      }
    }
    const list = document.createElement('ul')
    list.className = 'tree recent'
    for (const r of recent) {
      const li = document.createElement('li')
      li.dataset.path = r.path
      li.tabIndex = 0
      const name = document.createElement('span')
      name.className = 'primary'
      name.textContent = r.path.split(/[\\/]/).pop() ?? r.path
      const small = document.createElement('small')
      small.textContent = ` ${r.path} · opened ${new Date(r.lastOpened).toLocaleString()}${r.exists ? '' : ' · missing'}`
      li.append(name, small)
      if (r.exists) {
        li.addEventListener('click', () => void open(r.path, false))
        li.addEventListener('keydown', (e) => e.key === 'Enter' && void open(r.path, false))
      } else li.classList.add('missing')
      list.append(li)
    }
    const h = document.createElement('h3')
    h.textContent = recent.length ? 'Recent archives' : 'No recent archives yet'
    const form = document.createElement('form')
    form.className = 'row'
    const input = document.createElement('input')
    input.placeholder = '/path/to/archive.sqlite'
    input.setAttribute('aria-label', 'Archive path')
    input.required = true
    const create = document.createElement('label')
    const cb = document.createElement('input')
    cb.type = 'checkbox'
    create.append(cb, ' create if missing')
    const go = document.createElement('button')
    go.type = 'submit'
    go.textContent = 'Open'
    form.append(input, create, go)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      void open(input.value.trim(), cb.checked)
    })
    const error = document.createElement('p')
    error.className = 'error-text'
    error.hidden = true
    error.setAttribute('role', 'alert')
    const hint = document.createElement('p')
    hint.className = 'muted'
    hint.textContent = 'Or start the workbench on a file: `dexposure serve --archive FILE`.'
    body.append(h, list, form, error, hint)
  })
}
