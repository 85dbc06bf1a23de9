// Store-level hooks: code above the store that keeps derived data in the archive (e.g. the
// forecast's pair-memory checkpoints) registers here what to do when weeks change, and the
// importers only say which weeks an import changed (weeksChanged), without knowing who listens.
// Hooks run after the import committed: the import stands whatever they do, and a hook that fails
// becomes a note on the import's report (derived data only costs time when it is stale).
import type { ImportReport, WeekId } from '../../shared/domain'
import type { Archive } from './archive'

export interface WeeksChangedHook {
  /** What the hook keeps up to date (for tests and messages). */
  name: string
  /** Brings the derived data up to date after `weeks` (ascending, never empty) were written. */
  run: (archive: Archive, weeks: readonly WeekId[]) => void
  /** The note an import's report gets when `run` throws. */
  failureNote: (error: Error) => string
}

const hooks: WeeksChangedHook[] = []

/** Registers a hook; returns the function that removes it. */
export function onWeeksChanged(hook: WeeksChangedHook): () => void {
  hooks.push(hook)
  return () => {
    const at = hooks.indexOf(hook)
    if (at >= 0) hooks.splice(at, 1)
  }
}

/**
 * What an importer calls once its import committed: every registered hook runs once with the
 * weeks the import inserted or replaced (none when it changed no week: unchanged re-imports and
 * metadata). Returns the report, with a note per hook that failed.
 */
export function weeksChanged(archive: Archive, report: ImportReport): ImportReport {
  const weeks = [...report.weeksInserted, ...report.weeksReplaced].sort()
  if (weeks.length === 0) return report
  const notes: string[] = []
  for (const hook of [...hooks]) {
    try {
      hook.run(archive, weeks)
    } catch (e) {
      notes.push(hook.failureNote(e instanceof Error ? e : new Error(String(e))))
    }
  }
  return notes.length ? { ...report, notes: [...(report.notes ?? []), ...notes] } : report
}
