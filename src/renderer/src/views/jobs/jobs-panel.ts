// The Jobs panel: every engine job of this session with a progress bar, its state and a Cancel
// button while it runs; failed jobs show the engine's message and where the problem is.
import type { JobsService, JobView } from '../../services/jobs'
import { count } from '../../ui/format'

export function renderJobsPanel(
  host: HTMLElement,
  jobs: JobsService,
  report: (e: unknown) => void,
): void {
  host.classList.add('jobs-panel')
  const render = (): void => {
    const list = [...jobs.jobs.values()].reverse()
    if (!list.length) {
      const p = document.createElement('p')
      p.className = 'muted'
      p.textContent =
        'No jobs yet. Imports, forecasts and re-layouts run here, with progress and Cancel.'
      host.replaceChildren(p)
      return
    }
    host.replaceChildren(...list.map((j) => row(j)))
  }
  const row = (j: JobView): HTMLElement => {
    const r = document.createElement('div')
    r.className = `job ${j.state}`
    r.dataset.job = j.id
    r.dataset.state = j.state
    const title = document.createElement('span')
    title.className = 'job-title'
    title.textContent = j.label
    const bar = document.createElement('progress')
    bar.max = j.total ?? 1
    if (j.total) bar.value = Math.min(j.done, j.total)
    else if (j.state !== 'running') bar.value = 1
    else bar.removeAttribute('value')
    const msg = document.createElement('span')
    msg.className = 'job-message'
    const pct = j.total ? ` ${Math.floor((100 * j.done) / j.total)} %` : ''
    msg.textContent =
      j.state === 'running'
        ? `${pct}${j.message ? ` · ${j.message}` : ''}${j.total ? '' : j.done ? ` · ${count(j.done)}` : ''}`
        : j.state === 'failed'
          ? `failed: ${j.error?.message ?? j.message ?? ''}`
          : `${j.state}${j.message ? `: ${j.message}` : ''}`
    r.append(title, bar, msg)
    if (j.state === 'running') {
      const cancel = document.createElement('button')
      cancel.type = 'button'
      cancel.className = 'small'
      cancel.textContent = 'Cancel'
      cancel.addEventListener('click', () => void jobs.cancel(j.id).catch(report))
      r.append(cancel)
    }
    return r
  }
  render()
  jobs.changed.on(render)
}
