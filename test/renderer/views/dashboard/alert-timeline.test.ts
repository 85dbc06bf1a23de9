// The alert timeline: alerts grouped by archived week; and the SIS table's rank-change labels.
import { describe, expect, it } from 'vitest'
import {
  alertTimeline,
  rankChangeLabel,
} from '../../../../src/renderer/src/views/dashboard/alert-timeline'

const weeks = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22']

describe('alert timeline', () => {
  it('has one bin per week with alerts, oldest first, counting kinds and metrics', () => {
    const bins = alertTimeline(weeks, [
      { week: '2024-01-15', kind: 'zscore', metric: 'tvl_hhi' },
      { week: '2024-01-01', kind: 'gap', metric: null },
      { week: '2024-01-15', kind: 'zscore', metric: 'edge_hhi' },
      { week: '2024-01-15', kind: 'zscore', metric: 'tvl_hhi' },
      { week: '2024-01-15', kind: 'stale', metric: null },
    ])
    expect(bins).toEqual([
      { week: '2024-01-01', index: 0, zscore: 0, gap: 1, stale: 0, total: 1, metrics: [] },
      {
        week: '2024-01-15',
        index: 2,
        zscore: 3,
        gap: 0,
        stale: 1,
        total: 4,
        metrics: ['tvl_hhi', 'edge_hhi'],
      },
    ])
  })

  it('leaves out alerts on weeks that are not archived', () => {
    expect(alertTimeline(weeks, [{ week: '2023-12-25', kind: 'gap', metric: null }])).toEqual([])
  })
})

describe('rank change', () => {
  it('says up, down, unchanged or new', () => {
    expect(rankChangeLabel(3)).toBe('▲ 3')
    expect(rankChangeLabel(-2)).toBe('▼ 2')
    expect(rankChangeLabel(0)).toBe('=')
    expect(rankChangeLabel(null)).toBe('new')
  })
})
