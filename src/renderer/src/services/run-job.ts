// Runs an engine job from the UI: subscribes to job events *before* the call that starts the job,
// so a job that finishes quickly cannot complete unseen, then resolves with its final state.
import type { EventPayload, WorkbenchApi } from '../../../shared/api'

export async function runJob(
  api: WorkbenchApi,
  start: () => Promise<{ jobId: string }>,
  onProgress: (p: EventPayload<'job.progress'>) => void,
  onStarted: (jobId: string) => void = () => {},
): Promise<EventPayload<'job.done'>> {
  let jobId: string | null = null
  const early: EventPayload<'job.done'>[] = []
  let finish: ((d: EventPayload<'job.done'>) => void) | null = null
  const offProgress = api.on('job.progress', (p) => {
    if (p.id === jobId) onProgress(p)
  })
  const offDone = api.on('job.done', (d) => {
    if (jobId === null) early.push(d)
    else if (d.id === jobId) finish?.(d)
  })
  try {
    jobId = (await start()).jobId
    const id = jobId
    onStarted(id)
    return await new Promise<EventPayload<'job.done'>>((resolve) => {
      finish = resolve
      const seen = early.find((d) => d.id === id)
      if (seen) resolve(seen)
    })
  } finally {
    offProgress()
    offDone()
  }
}
