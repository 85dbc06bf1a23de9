// The engine host's side of the Electron IPC, under plain Node (no Electron binary here): replies
// carry results or coded errors with their location, and job events are forwarded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../src/engine/service'
import { Archive } from '../../src/engine/store/archive'
import {
  serveEngine,
  type EngineMessage,
  type EngineRequest,
  type PortLike,
} from '../../src/main/engine-protocol'

const dir = mkdtempSync(join(tmpdir(), 'dx-engine-host-'))
let archive: Archive
let service: EngineService
const sent: EngineMessage[] = []
let deliver: (m: EngineRequest) => void = () => {}

beforeAll(() => {
  archive = Archive.open(join(dir, 'empty.sqlite'))
  service = new EngineService(archive)
  const port: PortLike = {
    on: (_event, listener) => (deliver = (data) => listener({ data })),
    postMessage: (m) => sent.push(m),
  }
  serveEngine(port, service)
})
afterAll(() => {
  archive.close()
  rmSync(dir, { recursive: true, force: true })
})

const reply = async (req: EngineRequest) => {
  deliver(req)
  await expect.poll(() => sent.some((m) => m.type === 'reply' && m.id === req.id)).toBe(true)
  return sent.find((m) => m.type === 'reply' && m.id === req.id)!
}

describe('engine host protocol', () => {
  it('says ready once serving', () => {
    expect(sent[0]).toEqual({ type: 'ready' })
  })

  it('answers a call with its result', async () => {
    const m = await reply({ id: 1, name: 'archive.info', request: {} })
    expect(m).toMatchObject({ type: 'reply', id: 1, result: { weeks: 0, synthetic: false } })
  })

  it('answers failures with the error code, message and location', async () => {
    expect(await reply({ id: 2, name: 'week.graph', request: { week: '2024-01-01' } })).toEqual({
      type: 'reply',
      id: 2,
      error: {
        code: 'NOT_FOUND',
        message: expect.stringContaining('2024-01-01'),
        location: { week: '2024-01-01' },
      },
    })
    expect(await reply({ id: 3, name: 'no.such', request: {} })).toMatchObject({
      error: { code: 'USAGE' },
    })
  })

  it('forwards job events', async () => {
    const id = service.jobs.start('test', async (ctx) => ctx.progress(1, 1, 'all'))
    await expect
      .poll(() => sent.filter((m) => m.type === 'event').map((m) => 'event' in m && m.event))
      .toEqual(['job.progress', 'job.done'])
    expect(sent.at(-1)).toMatchObject({ type: 'event', payload: { id, state: 'done' } })
  })
})
