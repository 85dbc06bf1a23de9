// The open archive as the views see it: its info and its weeks (with TVL and edge counts for the
// sparklines), loaded once and reloaded when the archive changes (import, another archive opened).
import type { CallResponse, WorkbenchApi } from '../../../shared/api'
import { Emitter } from './events'

export type ArchiveInfo = CallResponse<'archive.info'>
export type WeekSummary = CallResponse<'weeks.list'>[number]

export class ArchiveService {
  info: ArchiveInfo | null = null
  weeks: WeekSummary[] = []
  private index = new Map<string, number>()
  readonly changed = new Emitter<ArchiveService>()

  constructor(private readonly api: WorkbenchApi) {}

  async load(): Promise<void> {
    const [info, weeks] = await Promise.all([
      this.api.call('archive.info', {}),
      this.api.call('weeks.list', {}),
    ])
    this.info = info
    this.weeks = weeks
    this.index = new Map(weeks.map((w, i) => [w.week, i]))
    this.changed.emit(this)
  }

  get lastWeek(): string | null {
    return this.weeks.at(-1)?.week ?? null
  }

  has(week: string): boolean {
    return this.index.has(week)
  }

  position(week: string): number {
    return this.index.get(week) ?? -1
  }

  /** The archived week `steps` away from `week` (clamped to the archive), or null. */
  step(week: string | null, steps: number): string | null {
    if (!this.weeks.length) return null
    const at = week === null ? this.weeks.length - 1 : this.position(week)
    if (at < 0) return this.lastWeek
    const to = Math.max(0, Math.min(this.weeks.length - 1, at + steps))
    return this.weeks[to].week
  }

  /** The file name without its folder, for titles and the status bar. */
  get fileName(): string {
    const f = this.info?.file ?? ''
    return f.split(/[\\/]/).pop() ?? f
  }
}
