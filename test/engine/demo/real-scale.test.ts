// The real scale, on its first year and a half only (the whole run takes about a minute and is
// measured by scripts/demo-stats.mjs instead): counts follow the real per-week curve.
import { describe, expect, it } from 'vitest'
import { countTargets, realCounts } from '../../../src/engine/demo/curves'
import { simulate } from '../../../src/engine/demo/generator'
import { loadRealMetadata } from '../../../src/engine/demo/real-metadata'
import { normalizeWeek } from '../../../src/engine/import/normalize'

describe('demo generator, real scale (first 80 weeks)', () => {
  it('has the real node counts and about the real link counts', () => {
    let t = 0
    for (const w of simulate({ scale: 'real', seed: 5 }, loadRealMetadata())) {
      const { input } = normalizeWeek(w.week, w.nodes, w.links, { file: 'demo' })
      const real = realCounts(t)
      expect(input.nodes.length).toBe(Math.round(real.nodes))
      expect(countTargets(t, 'real').nodes).toBe(Math.round(real.nodes))
      if (real.links > 500)
        expect(Math.abs(input.edges.length / real.links - 1), w.week).toBeLessThan(0.12)
      if (++t === 80) break
    }
    expect(t).toBe(80)
  })
})
