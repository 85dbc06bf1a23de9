// The one-line summary printed after an import or a demo fill.
import type { ImportReport } from '../shared/domain'
import { shortNumber } from './format'

export function importSummary(r: ImportReport): string {
  const c = r.counts
  const dropped = Object.entries(c)
    .filter(([k, v]) => !k.endsWith('_kept') && v)
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${shortNumber(v as number)}`)
  const rows = Object.entries(r.rows).map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`)
  const parts = [
    `${r.weeksInserted.length} weeks added`,
    `${r.weeksReplaced.length} replaced`,
    `${r.weeksUnchanged.length} unchanged`,
  ]
  if (c.nodes_kept !== undefined) parts.push(`${shortNumber(c.nodes_kept)} nodes`)
  if (c.edges_kept !== undefined) parts.push(`${shortNumber(c.edges_kept)} edges kept`)
  parts.push(...rows)
  const tail = dropped.length ? `; ${dropped.join(', ')}` : ''
  return `imported ${r.file} (${r.format}) in ${(r.durationMs / 1000).toFixed(1)} s: ${parts.join(', ')}${tail}`
}
