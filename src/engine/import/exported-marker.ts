// The mark the workbench's own DeXposure-JSON export leaves at the end of its file (after "data",
// which is all the reference loaders read): `"exported": {"by": "DeXposure Workbench", …,
// "synthetic": true|false, …}` (src/engine/export/dexposure-json.ts). An import of such a file
// keeps the synthetic label of the weeks it came from, so demo data exported and imported into a
// fresh archive is still labelled SYNTHETIC (issue 13 §2: an export re-imports unchanged).
// Only the file's last bytes are read, before the import starts, because the label is written with
// every week. A file that only claims to be an export gets at most a SYNTHETIC label, never loses
// one.
import { open } from 'node:fs/promises'

/** The top-level key of the mark and who wrote it. */
export const EXPORTED_KEY = 'exported'
export const EXPORTED_BY = 'DeXposure Workbench'

/** How far from the end the mark can start (its description is at most a few KiB). */
const TAIL_BYTES = 64 * 1024

/**
 * True when the DeXposure file ends with the workbench's export mark saying its weeks are
 * synthetic; false for any other file (no mark, a mark by someone else, `synthetic: false`).
 */
export async function exportedSynthetic(file: string): Promise<boolean> {
  const fh = await open(file, 'r')
  let tail: string
  try {
    const size = (await fh.stat()).size
    const length = Math.min(size, TAIL_BYTES)
    const buf = Buffer.alloc(length)
    const { bytesRead } = await fh.read(buf, 0, length, size - length)
    tail = buf.subarray(0, bytesRead).toString('utf8')
  } finally {
    await fh.close()
  }
  // the last `"exported":` of the file, then one JSON object and the top level's closing brace
  const keys = [...tail.matchAll(new RegExp(`"${EXPORTED_KEY}"\\s*:\\s*`, 'g'))]
  const last = keys.at(-1)
  if (!last) return false
  const rest = tail.slice(last.index + last[0].length).trimEnd()
  if (!rest.startsWith('{') || !rest.endsWith('}')) return false
  let mark: unknown
  try {
    mark = JSON.parse(rest.slice(0, -1))
  } catch {
    return false // not the mark: the import itself judges the file
  }
  return (
    typeof mark === 'object' &&
    mark !== null &&
    (mark as { by?: unknown }).by === EXPORTED_BY &&
    (mark as { synthetic?: unknown }).synthetic === true
  )
}
