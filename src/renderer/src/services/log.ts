// The problems/log panel's model: every error a view reports and notable events (fallbacks,
// skipped weeks, finished jobs), newest last. Errors are never swallowed: they land here.
import { Emitter } from './events'

export type LogLevel = 'info' | 'warning' | 'error'

export interface LogEntry {
  time: Date
  level: LogLevel
  message: string
  /** Where it came from: a view, a job kind, the engine. */
  source: string
  /** Location fields of an engine error (file, week, field, offset …). */
  location?: Record<string, string | number>
  /**
   * The view the user acted in already shows this message (the query console's error box): it is
   * recorded here once, without a toast repeating it.
   */
  shown?: boolean
}

export class LogService {
  readonly entries: LogEntry[] = []
  readonly changed = new Emitter<LogEntry>()

  add(
    level: LogLevel,
    source: string,
    message: string,
    location?: LogEntry['location'],
    shown = false,
  ): void {
    const entry: LogEntry = { time: new Date(), level, source, message, location }
    if (shown) entry.shown = true
    this.entries.push(entry)
    if (this.entries.length > 500) this.entries.shift()
    this.changed.emit(entry)
  }

  info(source: string, message: string): void {
    this.add('info', source, message)
  }

  /** Records a failure with the engine's code and location when it has them. */
  error(source: string, e: unknown): void {
    const err = e as { message?: string; location?: LogEntry['location'] }
    this.add('error', source, err?.message ?? String(e), err?.location)
  }

  count(level: LogLevel): number {
    return this.entries.filter((e) => e.level === level).length
  }
}
