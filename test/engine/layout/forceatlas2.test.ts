// The ForceAtlas2 worker: deterministic, fixed nodes stay put, progress in iterations, and a
// cancel stops the worker mid-run.
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/engine/demo/rng'
import { layoutSettings, runForceAtlas2 } from '../../../src/engine/layout/forceatlas2'
import type { UnionEdges } from '../../../src/engine/layout/universe'

function randomGraph(n: number, m: number, seed = 1) {
  const rng = new Rng(seed)
  const x = Float32Array.from({ length: n }, () => rng.uniform(-100, 100))
  const y = Float32Array.from({ length: n }, () => rng.uniform(-100, 100))
  const a = new Int32Array(m)
  const b = new Int32Array(m)
  for (let j = 0; j < m; j++) {
    a[j] = rng.int(n - 1)
    b[j] = a[j] + 1 + rng.int(n - 1 - a[j])
  }
  const edges: UnionEdges = { a, b, weight: new Float32Array(m).fill(1) }
  return { x, y, edges }
}

describe('runForceAtlas2', () => {
  it('is deterministic and keeps fixed nodes exactly in place', async () => {
    const g = randomGraph(300, 900)
    const fixed = new Uint8Array(300)
    for (let u = 0; u < 300; u += 10) fixed[u] = 1
    const progress: number[] = []
    const one = await runForceAtlas2(
      { ...g, fixed, iterations: 50 },
      { onProgress: (done, total) => progress.push(done / total) },
    )
    const two = await runForceAtlas2({ ...g, fixed, iterations: 50 })
    expect(Buffer.from(one.x.buffer)).toEqual(Buffer.from(two.x.buffer))
    expect(Buffer.from(one.y.buffer)).toEqual(Buffer.from(two.y.buffer))
    for (let u = 0; u < 300; u++)
      if (fixed[u]) expect([one.x[u], one.y[u]]).toEqual([g.x[u], g.y[u]])
      else expect(one.x[u] !== g.x[u] || one.y[u] !== g.y[u]).toBe(true)
    expect(progress.at(-1)).toBe(1)
    expect(one.settings.barnesHutOptimize).toBe(false)
  })

  it('uses Barnes-Hut above 2,000 nodes', () => {
    expect(layoutSettings(2001)).toMatchObject({ barnesHutOptimize: true, barnesHutTheta: 1 })
  })

  it('stops the worker when cancelled mid-run', async () => {
    const g = randomGraph(3000, 9000)
    const controller = new AbortController()
    let seen = 0
    const started = Date.now()
    const run = runForceAtlas2(
      { ...g, fixed: new Uint8Array(3000), iterations: 1_000_000 },
      {
        signal: controller.signal,
        onProgress: (done) => {
          seen = done
          controller.abort()
        },
      },
    )
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThan(1_000_000)
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('does not start when already cancelled', async () => {
    const g = randomGraph(10, 10)
    const controller = new AbortController()
    controller.abort()
    await expect(
      runForceAtlas2(
        { ...g, fixed: new Uint8Array(10), iterations: 5 },
        { signal: controller.signal },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
