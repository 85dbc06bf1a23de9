// The hand-written SVG charts of backtest reports.
import { describe, expect, it } from 'vitest'
import { lineChart, prCurve, reliabilityPoints } from '../../../src/engine/report/plots'
import { reliability } from '../../../src/shared/metrics'

describe('SVG charts', () => {
  it('draws a PR curve as steps, as average precision integrates it', () => {
    const svg = lineChart(
      'PR <h=1>',
      'recall',
      'precision',
      [
        {
          name: 'a & b',
          color: '#123456',
          points: [
            [0, 1],
            [0.5, 1],
            [1, 0.5],
          ],
        },
      ],
      { steps: true },
    )
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(svg).toContain('PR &#60;h=1&#62;')
    expect(svg).toContain('a &#38; b')
    // x: 56 + r·448, y: 372 − p·336; the step to (1, 0.5) goes down at recall 0.5 first
    expect(svg).toContain('d="M56.0,36.0L56.0,36.0L280.0,36.0L280.0,204.0L504.0,204.0"')
    expect(svg).not.toContain('<circle')
  })

  it('marks every reliability bin and draws the diagonal', () => {
    // 15 bins: 0.1 and 0.11 share bin 1; 0.9 and 0.95 fall in bins 13 and 14
    const bins = reliability([0, 1, 0, 1], [0.1, 0.11, 0.9, 0.95])
    const pts = reliabilityPoints(bins)
    const want = [
      [0.105, 0.5],
      [0.9, 0],
      [0.95, 1],
    ]
    expect(pts).toHaveLength(3)
    pts.forEach(([p, f], i) => {
      expect(p).toBeCloseTo(want[i][0], 12)
      expect(f).toBe(want[i][1])
    })
    const svg = lineChart('rel', 'p', 'freq', [{ name: 'm', color: '#000', points: pts }], {
      diagonal: true,
      markers: true,
    })
    expect(svg.match(/<circle/g)).toHaveLength(3)
    expect(svg).toContain('stroke-dasharray')
  })

  it('thins a long PR curve for drawing', () => {
    const n = 100_000
    const labels = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0))
    const scores = Array.from({ length: n }, (_, i) => (i * 7919) % n)
    expect(prCurve(labels, scores, 200).length).toBeLessThanOrEqual(202)
  })
})
