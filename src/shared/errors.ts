// One error type for every failure the user can act on. It names where the problem is (file,
// week, field, byte offset or line) so messages are specific; the CLI maps `code` to exit codes.

export type ErrorCode =
  | 'BAD_INPUT' // malformed or invalid input file
  | 'CONFLICT' // a week exists with different data (use --replace)
  | 'NOT_FOUND' // unknown week, node, model …
  | 'USAGE' // bad command-line or API arguments
  | 'ARCHIVE' // archive unreadable, wrong schema version …
  | 'CANCELLED'
  | 'MODEL' // model manifest, sha256 or shape mismatch
  | 'LIMIT' // a query ran past its time limit (or out of memory) and was stopped
  | 'INTERNAL'

export interface ErrorLocation {
  file?: string
  week?: string
  field?: string
  /** Byte offset in the file (0-based). */
  offset?: number
  /** Line number (1-based), for line-oriented formats. */
  line?: number
  /** Column (1-based, in UTF-16 code units), where a position in a text is known (SQL). */
  column?: number
  /** Length of the offending text from `offset` (SQL: the token an editor underlines). */
  length?: number
}

export class DexposureError extends Error {
  readonly code: ErrorCode
  readonly location: ErrorLocation

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}) {
    super(message)
    this.name = 'DexposureError'
    this.code = code
    this.location = location
  }

  /** `file:line` or `file@byte`, week and field, then the message. */
  describe(): string {
    const l = this.location
    const where: string[] = []
    if (l.file !== undefined) {
      let f = l.file
      if (l.line !== undefined) f += `:${l.line}`
      else if (l.offset !== undefined) f += ` (byte ${l.offset})`
      where.push(f)
    } else if (l.line !== undefined)
      where.push(l.column !== undefined ? `line ${l.line}, column ${l.column}` : `line ${l.line}`)
    else if (l.offset !== undefined) where.push(`byte ${l.offset}`)
    if (l.week !== undefined) where.push(`week ${l.week}`)
    // An empty field (the path of the whole document) names nothing: leave it out.
    if (l.field) where.push(`field ${l.field}`)
    return where.length ? `${where.join(', ')}: ${this.message}` : this.message
  }
}

export const isDexposureError = (e: unknown): e is DexposureError => e instanceof DexposureError
