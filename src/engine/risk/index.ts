// Risk analytics over the archive: statistics, SIS, spillovers, contagion, forecast comparison and
// early warning, with results stored in the archive (see docs/risk.md).
export * from './store'
export * from './stats-runs'
export * from './contagion-runs'
export * from './alert-runs'
export * from './predicted-graph'
