// Names the contract's schemas are built from and the views show: plain constants, no zod, so
// the renderer can use them without constructing the contract's schemas (src/shared/api*.ts
// re-export them).

export const CONTAGION_METHOD_NAMES = ['reference', 'debtrank', 'eisenberg-noe'] as const

/** The SIS ranking's sort keys (`week.sis`). */
export const SIS_SORTS = [
  'rank',
  'score',
  'pagerank',
  'tail',
  'logTvl',
  'rankChange',
  'node',
  'name',
] as const

/** The report's sections in document order; their titles are fixed (tests and readers look for them). */
export const REPORT_SECTIONS = [
  'summary',
  'sis',
  'spillovers',
  'forecast',
  'contagion',
  'alerts',
  'provenance',
] as const
export type ReportSection = (typeof REPORT_SECTIONS)[number]

export const REPORT_SECTION_TITLES: Record<ReportSection, string> = {
  summary: 'Summary',
  sis: 'Systemic importance',
  spillovers: 'Spillovers',
  forecast: 'Forecast',
  contagion: 'Contagion scenarios',
  alerts: 'Alerts',
  provenance: 'Provenance',
}

/** Horizons a report asks when none are given (the shipped models' first two). */
export const REPORT_DEFAULT_HORIZONS = [1, 4]
