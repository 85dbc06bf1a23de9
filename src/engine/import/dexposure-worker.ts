// Worker thread entry (bundled as out/node/dexposure-worker.js): decodes, validates and normalises
// DeXposure weeks sent by dexposure-pool.ts and replies with packed, hashed weeks.
import { parentPort } from 'node:worker_threads'
import { transferablesOf, withContentHash } from '../store/packed-week'
import { serializeError, type WorkerReply, type WorkerTask } from './dexposure-pool'
import { packSlice } from './dexposure'

const port = parentPort
if (!port) throw new Error('dexposure-worker must run in a worker thread')

port.on('message', (task: WorkerTask & { id: number }) => {
  let reply: WorkerReply
  let transfer: ArrayBuffer[] = []
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength)
    const week = packSlice({ ...task.meta, bytes }, task.file, task.strict)
    // Hashed here, so the thread that writes SQLite does not (packed-week.ts).
    const packed = withContentHash(week.packed)
    const counts = week.counts
    reply = { id: task.id, ok: true, packed, counts }
    transfer = transferablesOf(packed)
  } catch (e) {
    reply = { id: task.id, ok: false, error: serializeError(e) }
  }
  port.postMessage(reply, transfer)
})
