// sigma's bookkeeping of which buffer positions each depth layer draws, updated by binary search.
// Why our own: when an item changes depth (a node lit on top by a hover or a playback step, and
// back), sigma 4.0.4 finds its fragment by scanning the depth's fragments from the first. Lit
// items leave one hole each in their depth, so lighting L items costs O(L²): when sigma still drew
// the edges, a real-scale DebtRank step (thousands of carriers) spent ≈ 240 ms there
// (bench/scenario-ui.mjs --profile); nodes are lit by the hundred. The fragments stay sigma's own arrays, sorted and disjoint,
// changed exactly as sigma changes them; only the search is faster. sigma calls these through its
// instance methods `updateNodeDepthRanges` / `updateEdgeDepthRanges`, which are replaced on the
// instance.
import type Sigma from 'sigma'

export interface Fragment {
  offset: number
  count: number
}

export type DepthRanges = Record<string, Fragment[] | undefined>

/** The index of the last fragment starting at or before `position`, or −1. */
function lastStartingAtOrBefore(fragments: Fragment[], position: number): number {
  let lo = 0
  let hi = fragments.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (fragments[mid].offset <= position) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** Takes `position` out of `depth`'s fragments, splitting the one that holds it. */
export function removePosition(ranges: DepthRanges, depth: string, position: number): void {
  const fragments = ranges[depth]
  if (!fragments) return
  const i = lastStartingAtOrBefore(fragments, position)
  if (i < 0) return
  const f = fragments[i]
  if (position >= f.offset + f.count) return
  if (f.count === 1) fragments.splice(i, 1)
  else if (position === f.offset) {
    f.offset++
    f.count--
  } else if (position === f.offset + f.count - 1) f.count--
  else {
    const second = position + 1
    fragments.splice(i + 1, 0, { offset: second, count: f.offset + f.count - second })
    f.count = position - f.offset
  }
}

/** Puts `position` (not in the depth) into `depth`'s fragments, joining its neighbours. */
export function addPosition(ranges: DepthRanges, depth: string, position: number): void {
  const fragments = ranges[depth]
  if (!fragments) {
    ranges[depth] = [{ offset: position, count: 1 }]
    return
  }
  const at = lastStartingAtOrBefore(fragments, position) + 1
  const prev = at > 0 ? fragments[at - 1] : null
  const next = at < fragments.length ? fragments[at] : null
  const joinsPrev = prev !== null && prev.offset + prev.count === position
  const joinsNext = next !== null && position + 1 === next.offset
  if (joinsPrev && joinsNext) {
    prev.count += 1 + next.count
    fragments.splice(at, 1)
  } else if (joinsPrev) prev.count++
  else if (joinsNext) {
    next.offset--
    next.count++
  } else fragments.splice(at, 0, { offset: position, count: 1 })
}

interface SigmaDepthInternals {
  depthRanges: { nodes: DepthRanges; edges: DepthRanges }
  nodeProgramIndex: Record<string, number | undefined>
  edgeProgramIndex: Record<string, number | undefined>
  updateNodeDepthRanges(key: string, oldDepth: string, newDepth: string): void
  updateEdgeDepthRanges(key: string, oldDepth: string, newDepth: string): void
}

/** Makes `sigma` move items between depths with the binary searches above. */
export function fastDepthRanges(sigma: Sigma): void {
  const s = sigma as unknown as SigmaDepthInternals
  s.updateNodeDepthRanges = (key, oldDepth, newDepth) => {
    const position = s.nodeProgramIndex[key]
    if (position === undefined) return
    removePosition(s.depthRanges.nodes, oldDepth, position)
    addPosition(s.depthRanges.nodes, newDepth, position)
  }
  s.updateEdgeDepthRanges = (key, oldDepth, newDepth) => {
    const position = s.edgeProgramIndex[key]
    if (position === undefined) return
    removePosition(s.depthRanges.edges, oldDepth, position)
    addPosition(s.depthRanges.edges, newDepth, position)
  }
}
