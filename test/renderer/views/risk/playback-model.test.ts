// Contagion playback → graph overlays: per-step state applied from the engine's changes, colours
// by state, sizes by loss, carriers recoloured (or drawn as extra edges off the week), legend
// counts and the title; steps of two methods aligned by round.
import { describe, expect, it } from 'vitest'
import { encodePacked } from '../../../../src/shared/packed'
import {
  alignedStep,
  decodePlayback,
  lossSize,
  PLAYBACK_COLORS,
  PlaybackFrames,
  playbackTitle,
  type PlaybackResponse,
} from '../../../../src/renderer/src/views/risk/playback-model'
import { pairCode, type EdgePairs } from '../../../../src/renderer/src/views/graph/overlay'
import type { Carriers } from '../../../../src/shared/risk/carriers'
import { carrierChanges } from '../../../shared/risk/carrier-changes'

const ids = ['A', 'B', 'C', 'D', 'E']
/** An overlay's carriers as "holder→issuer" by id. */
/** The one set of lit pairs a playback overlay has, as "holder→issuer". */
const named = (sets: EdgePairs[] | undefined) => {
  expect(sets).toHaveLength(1)
  const p = sets![0]
  return Array.from(p.source, (s, k) => `${ids[s]}→${ids[p.target[k]]}`)
}
const i32 = (xs: number[]) => encodePacked(Int32Array.from(xs))
const f64 = (xs: number[]) => encodePacked(Float64Array.from(xs))

/** A step with its node changes and its carriers (holder, issuer, loss passed), whole. */
function step(
  round: number,
  loss: number,
  changed: [number, number, number][],
  edges: [number, number, number][] = [],
) {
  return {
    round,
    loss,
    distressed: 0,
    newlyDistressed: 0,
    changed: i32(changed.map((c) => c[0])),
    nodeLoss: f64(changed.map((c) => c[1])),
    nodeState: i32(changed.map((c) => c[2])),
    edges,
  }
}

/** Steps as the engine sends them: carriers as changes from the step before. */
function sent(steps: ReturnType<typeof step>[]): PlaybackResponse['steps'] {
  let before: Carriers = { source: new Int32Array(0), target: new Int32Array(0) }
  return steps.map(({ edges, ...s }) => {
    const after = {
      source: Int32Array.from(edges, (e) => e[0]),
      target: Int32Array.from(edges, (e) => e[1]),
    }
    const { changes, rebuilt } = carrierChanges(before, after, (a, b) => a * 100 + b)
    before = rebuilt
    return {
      ...s,
      edgeSource: encodePacked(changes.source),
      edgeTarget: encodePacked(changes.target),
      edgeStopped: encodePacked(changes.stopped),
    }
  })
}

// touched nodes: positions 0..3 → universe 4 (E), 1 (B), 2 (C), 0 (A); E is shocked
const response: PlaybackResponse = {
  runId: 7,
  scenario: 'custom',
  method: 'reference',
  variant: 'dexposure-fm',
  graph: 'observed',
  week: '2022-05-09',
  targetWeek: '2022-05-09',
  revision: 3,
  nodeCount: 4,
  nodes: i32([4, 1, 2, 0]),
  tvl: f64([100, 50, 40, 10]),
  shocked: i32([4]),
  matchesStored: true,
  steps: sent([
    step(0, 30, [[0, 30, 1]]),
    // E (issuer) passes loss to its holders B and C: edges B → E and C → E
    step(
      1,
      55,
      [
        [1, 20, 1],
        [2, 5, 0],
      ],
      [
        [1, 4, 20],
        [2, 4, 5],
      ],
    ),
    // B defaults, A (holder of B) takes a loss along A → B
    step(
      2,
      100,
      [
        [1, 50, 2],
        [3, 10, 2],
      ],
      [[0, 1, 40]],
    ),
  ]),
}

const usd = (x: number) => `$${x}`

describe('playback frames', () => {
  const run = decodePlayback(response)
  const frames = new PlaybackFrames(run, { ids, usd })

  it('applies the changes in order: a node keeps its loss and state until it changes again', () => {
    expect(frames.length).toBe(3)
    expect(frames.lastRound).toBe(2)
    const s1 = frames.frame(1).overlay
    expect([...s1.nodeColors!.entries()]).toEqual([
      ['E', PLAYBACK_COLORS.distressed],
      ['B', PLAYBACK_COLORS.distressed],
      ['C', PLAYBACK_COLORS.hit],
    ])
    const s2 = frames.frame(2).overlay
    expect(Object.fromEntries(s2.nodeColors!)).toEqual({
      E: PLAYBACK_COLORS.distressed,
      B: PLAYBACK_COLORS.defaulted,
      C: PLAYBACK_COLORS.hit,
      A: PLAYBACK_COLORS.defaulted,
    })
    // step 0: only the shocked node
    expect([...frames.frame(0).overlay.nodeColors!.keys()]).toEqual(['E'])
  })

  it('sizes nodes by loss on one scale for the whole run, the largest loss largest', () => {
    expect(frames.maxLoss).toBe(50)
    const sizes = frames.frame(2).overlay.nodeSizes!
    expect(sizes.get('B')).toBeCloseTo(lossSize(50, 50))
    expect(sizes.get('B')!).toBeGreaterThan(sizes.get('E')!)
    expect(sizes.get('E')!).toBeGreaterThan(sizes.get('C')!)
    expect(lossSize(0, 50)).toBe(2)
    expect(lossSize(50, 50)).toBe(12)
    // to a tenth of a pixel: a loss that changes by a hair leaves the size alone
    expect(lossSize(12.5, 50)).toBe(7)
    expect(lossSize(12.5 * (1 + 1e-6), 50)).toBe(7)
    expect(lossSize(0.5, 50)).toBe(3)
    expect(lossSize(0.51, 50)).toBe(3)
    expect(lossSize(0.6, 50)).toBe(3.1)
  })

  it('marks the shocked nodes and recolours only the edges that carried loss in the step', () => {
    const f1 = frames.frame(1)
    expect([...f1.overlay.marked!]).toEqual(['E'])
    expect(f1.overlay.dimOtherEdges).toBe(true)
    expect(named(f1.overlay.edgePairs)).toEqual(['B→E', 'C→E'])
    expect(f1.overlay.edgePairs![0].color).toBe(PLAYBACK_COLORS.carrier)
    expect(named(frames.frame(2).overlay.edgePairs)).toEqual(['A→B'])
    expect(named(frames.frame(0).overlay.edgePairs)).toEqual([])
    expect(f1.overlay.extraEdges).toBeUndefined()
  })

  it('counts the legend per state and names method, round and loss in the title', () => {
    const f2 = frames.frame(2)
    expect(f2.counts).toEqual({ hit: 1, distressed: 1, defaulted: 2, shocked: 1, carriers: 1 })
    expect(f2.overlay.legend.map((l) => [l.label, l.count])).toEqual([
      ['defaulted', 2],
      ['distressed', 1],
      ['loss, not distressed', 1],
      ['edges carrying loss', 1],
    ])
    expect(f2.overlay.title).toBe('Reference cascade · round 2 / 2 · loss $100')
    expect(playbackTitle('debtrank', 3, 7, 1.2e9, usd)).toBe(
      'DebtRank · round 3 / 7 · loss $1200000000',
    )
  })

  it('builds a step once and hands out the same overlay again (stepping back is a lookup)', () => {
    expect(frames.frame(1)).toBe(frames.frame(1))
    expect(frames.frame(1).overlay).toBe(frames.frame(1).overlay)
    expect(() => frames.frame(3)).toThrow(/no playback step 3/)
  })

  it('draws carriers that are not edges of the shown week as extra edges (a forecast graph)', () => {
    const weekEdges = new Set([pairCode(1, 4, ids.length)]) // B→E
    const f = new PlaybackFrames(run, { ids, usd, weekEdges })
    const o = f.frame(1).overlay
    expect(o.extraEdges?.map((e) => [e.source, e.target])).toEqual([['C', 'E']])
    expect(named(o.edgePairs)).toEqual(['B→E'])
  })

  it('refuses a universe index it does not know (an old universe revision)', () => {
    expect(() => new PlaybackFrames(run, { ids: ids.slice(0, 3), usd })).toThrow(/universe index 4/)
    // … a carrier's end too (carriers reach the graph by index, unnamed)
    const offUniverse = decodePlayback({
      ...response,
      steps: sent([step(0, 30, [[0, 30, 1]]), step(1, 40, [[1, 10, 0]], [[1, 9, 10]])]),
    })
    expect(() => new PlaybackFrames(offUniverse, { ids, usd })).toThrow(/universe index 9/)
  })

  it('aligns another method to the last step at or before the leading round', () => {
    const other = new PlaybackFrames(
      decodePlayback({
        ...response,
        method: 'eisenberg-noe',
        steps: sent([step(0, 30, [[0, 30, 1]]), step(5, 100, [[1, 50, 2]], [[0, 1, 40]])]),
      }),
      { ids, usd },
    )
    expect(alignedStep(other, 0)).toBe(0)
    expect(alignedStep(other, 4)).toBe(0)
    expect(alignedStep(other, 5)).toBe(1)
    expect(alignedStep(other, 50)).toBe(1)
  })
})
