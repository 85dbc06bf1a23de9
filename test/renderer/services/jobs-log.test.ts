// A failed job is reported once: JobsService writes one Problems entry per failure, and a job whose
// view shows the failure itself (the query console's error box) gets its entry marked `shown`, the
// mark the shell reads to skip the toast that would repeat the message.
import { describe, expect, it } from 'vitest'
import { JobsService } from '../../../src/renderer/src/services/jobs'
import { LogService } from '../../../src/renderer/src/services/log'
import type { EventName, WorkbenchApi } from '../../../src/shared/api'

/** The event half of the api (the transport): what the engine would push. */
function events() {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const api = {
    on(name: EventName, fn: (p: unknown) => void) {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(fn)
      return () => set.delete(fn)
    },
  } as unknown as WorkbenchApi
  const emit = (name: EventName, payload: unknown) => {
    for (const fn of listeners.get(name) ?? []) fn(payload)
  }
  return { api, emit }
}

const failed = (id: string, message: string) => ({
  id,
  kind: 'query',
  state: 'failed',
  message: null,
  result: null,
  error: { code: 'BAD_INPUT', message, location: { offset: 7 } },
})

describe('failed jobs in the Problems log', () => {
  it('writes one entry per failure, marked shown only for a job its view reports', () => {
    const { api, emit } = events()
    const log = new LogService()
    const jobs = new JobsService(api, log)
    const toasts: string[] = []
    // what the shell does with each entry (src/renderer/src/main.ts)
    log.changed.on((e) => {
      if (e.level === 'error' && !e.shown) toasts.push(e.message)
    })
    jobs.shownByItsView('q-1')
    emit('job.done', failed('q-1', 'no such column: x'))
    // the same job's event again (a second window, a late echo) adds nothing
    emit('job.done', failed('q-1', 'no such column: x'))
    emit('job.done', failed('q-2', 'disk full'))
    expect(log.entries.map((e) => [e.message, e.shown ?? false])).toEqual([
      ['no such column: x', true],
      ['disk full', false],
    ])
    expect(log.count('error')).toBe(2)
    expect(toasts).toEqual(['disk full'])
    // the mark is used once: a later job with another id is reported as usual
    emit('job.done', failed('q-3', 'no such table: y'))
    expect(toasts).toEqual(['disk full', 'no such table: y'])
  })
})

describe('finished jobs in the Log', () => {
  const done = (id: string, state: 'done' | 'failed' | 'cancelled') => ({
    id,
    kind: 'report',
    state,
    message: null,
    result: null,
    ...(state === 'failed' ? { error: { code: 'INTERNAL', message: 'Chromium crashed' } } : {}),
  })

  it('leaves the line of a job its view logs to the view, and still logs its failure', () => {
    const { api, emit } = events()
    const log = new LogService()
    const jobs = new JobsService(api, log)
    // the report editor's save: the build's success is the save's own line
    jobs.loggedByItsView('r-1')
    emit('job.done', done('r-1', 'done'))
    // a preview build: logged here as usual
    emit('job.done', done('r-2', 'done'))
    jobs.loggedByItsView('r-3')
    emit('job.done', done('r-3', 'failed'))
    jobs.loggedByItsView('r-4')
    emit('job.done', done('r-4', 'cancelled'))
    expect(log.entries.map((e) => [e.level, e.source, e.message])).toEqual([
      ['info', 'Report', 'done'],
      ['error', 'Report', 'Chromium crashed'],
      ['warning', 'Report', 'cancelled'],
    ])
  })
})
