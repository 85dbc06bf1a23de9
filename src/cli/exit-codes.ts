// Exit codes of `dexposure`, documented in docs/cli.md. Scripts rely on them: keep them stable.
import type { ErrorCode } from '../shared/errors'

export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  BAD_INPUT: 3,
  CONFLICT: 4,
  NOT_FOUND: 5,
  ARCHIVE: 6,
  MODEL: 7,
  /** A query ran past its time limit (`--timeout`) or out of memory and was stopped. */
  LIMIT: 8,
  CANCELLED: 130,
} as const

export function exitCodeFor(code: ErrorCode): number {
  return code in EXIT ? EXIT[code as keyof typeof EXIT] : EXIT.INTERNAL
}
