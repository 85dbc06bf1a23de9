// Length limits on the text an import stores (docs/import-formats.md, "Limits"). Without them a
// 50 MB node id imports, and every later command that builds a string from a week's ids (stats,
// JSON output) fails with "Invalid string length". Lengths are JavaScript string lengths (UTF-16
// code units, so an emoji counts 2), checked before anything else reads the value.

/** Node ids, link endpoints, protocol ids and slugs, token symbols and composition keys, groups. */
export const MAX_ID_LENGTH = 512
/** Names, categories and sectors. */
export const MAX_NAME_LENGTH = 1024

/** The start of an over-long value, for messages (never the whole value). */
function preview(value: string): string {
  return JSON.stringify(value.slice(0, 24)).slice(0, -1) + '…"'
}

/** Why `value` is too long to be `what`, or null when it fits. */
export function lengthProblem(what: string, value: string, max: number): string | null {
  if (value.length <= max) return null
  return `${what} is ${value.length.toLocaleString('en-US')} characters long; at most ${max.toLocaleString('en-US')} are allowed (it starts ${preview(value)})`
}

/** The same for an id-like value (MAX_ID_LENGTH). */
export const idProblem = (what: string, value: string): string | null =>
  lengthProblem(what, value, MAX_ID_LENGTH)

/** The same for a name-like value (MAX_NAME_LENGTH). */
export const nameProblem = (what: string, value: string): string | null =>
  lengthProblem(what, value, MAX_NAME_LENGTH)
