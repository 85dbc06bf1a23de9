// The Jobs panel: every engine job of this session with a progress bar, its state and a Cancel
// button while it runs; failed jobs show the engine's message and where the problem is.
import type { JobsService, JobView } from '../../services/jobs'
import { count } from '../../ui/format'

/** One job's row, kept between renders: a running job reports progress many times a second, and
 *  rebuilding its row each time would detach the Cancel button under the analyst's pointer (a
 *  mousedown on the old button and a mouseup on the new one is no click). */
interface JobRow {
  row: HTMLElement
  title: HTMLElement
  bar: HTMLProgressElement
  msg: HTMLElement
  cancel: HTMLButtonElement
}

export function renderJobsPanel(
  host: HTMLElement,
  jobs: JobsService,
  report: (e: unknown) => void,
): void {
  host.classList.add('jobs-panel')
  const rows = new Map<string, JobRow>()
  const empty = document.createElement('p')
  empty.className = 'muted'
  empty.textContent =
    'No jobs yet. Imports, forecasts and re-layouts run here, with progress and Cancel.'
  const render = (): void => {
    const list = [...jobs.jobs.values()].reverse()
    for (const id of rows.keys()) if (!jobs.jobs.has(id)) rows.delete(id)
    if (!list.length) {
      host.replaceChildren(empty)
      return
    }
    const wanted = list.map((j) => update(rows.get(j.id) ?? created(j), j).row)
    // move rows only where the order changed, so unchanged rows keep their identity and focus
    if (host.children.length !== wanted.length || wanted.some((r, i) => host.children[i] !== r)) {
      host.replaceChildren(...wanted)
    }
  }
  const created = (j: JobView): JobRow => {
    const row = document.createElement('div')
    row.dataset.job = j.id
    const title = document.createElement('span')
    title.className = 'job-title'
    const bar = document.createElement('progress')
    const msg = document.createElement('span')
    msg.className = 'job-message'
    const cancel = document.createElement('button')
    cancel.type = 'button'
    cancel.className = 'small'
    cancel.textContent = 'Cancel'
    cancel.addEventListener('click', () => void jobs.cancel(j.id).catch(report))
    row.append(title, bar, msg, cancel)
    const made = { row, title, bar, msg, cancel }
    rows.set(j.id, made)
    return made
  }
  const update = (r: JobRow, j: JobView): JobRow => {
    r.row.className = `job ${j.state}`
    r.row.dataset.state = j.state
    // a view may name its job once the engine has accepted it
    r.title.textContent = j.label
    r.bar.max = j.total ?? 1
    if (j.total) r.bar.value = Math.min(j.done, j.total)
    else if (j.state !== 'running') r.bar.value = 1
    else r.bar.removeAttribute('value')
    const pct = j.total ? ` ${Math.floor((100 * j.done) / j.total)} %` : ''
    r.msg.textContent =
      j.state === 'running'
        ? `${pct}${j.message ? ` · ${j.message}` : ''}${j.total ? '' : j.done ? ` · ${count(j.done)}` : ''}`
        : j.state === 'failed'
          ? `failed: ${j.error?.message ?? j.message ?? ''}`
          : `${j.state}${j.message ? `: ${j.message}` : ''}`
    r.cancel.hidden = j.state !== 'running'
    return r
  }
  render()
  jobs.changed.on(render)
}
