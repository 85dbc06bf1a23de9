// An engine job's end, awaited in tests through the service's `job.done` event (the event the
// workbench's Jobs panel listens to).
import type { EngineService } from '../../src/engine/service'
import type { EventPayload } from '../../src/shared/api'

export type JobDone = EventPayload<'job.done'>

/** The `job.done` event of job `id`. Listen right after starting it: a job ends asynchronously. */
export function jobDone(service: EngineService, id: string): Promise<JobDone> {
  return new Promise((resolve) => {
    const off = service.on('job.done', (p) => {
      const d = p as JobDone
      if (d.id === id) {
        off()
        resolve(d)
      }
    })
  })
}

/** Starts a job by a contract call (one that answers `{ jobId }`) and answers how it ended. */
export async function runJob(
  service: EngineService,
  call: string,
  request: unknown,
): Promise<JobDone> {
  const { jobId } = (await service.handle(call, request)) as { jobId: string }
  return jobDone(service, jobId)
}
