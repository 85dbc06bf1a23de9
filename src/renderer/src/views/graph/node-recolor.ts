// Recolours sigma nodes whose colour alone changed, in place: the colour is written into sigma's
// display data and each node is put back into the node program at its place, as sigma's own
// partial refresh does after restyling. Why not that refresh: sigma 4.0.4 evaluates every style
// rule of each node handed to it (updateNode ≈ 10 µs a node: 117 ms of the 11k nodes a
// real-scale forecast overlay recolours, CPU profile), where one field changed. Stories compare
// the picture with one sigma restyled whole (pages/graph.ts stageShotNodesRestyledBySigma).
import type Sigma from 'sigma'

/** The parts of sigma 4.0.4 a recolour touches (typed private there). */
interface SigmaRecolorInternals {
  internals: { nodeDataCache: Record<string, { color: string } | undefined> }
  /** Each node's position in the node program's buffer. */
  nodeProgramIndex: Record<string, number | undefined>
  addNodeToProgram(node: string, position: number): void
  nodeProgram: { invalidateBuffers(): void }
}

/** Whatever keeps a picture of the nodes (node-cache.ts): told which nodes changed look. */
interface NodePicture {
  invalidate(nodes?: readonly string[]): void
}

/**
 * Gives each of `keys` the colour `colorOf(key)` in sigma's display data and node program; the
 * caller has written that colour into the node's attributes already (sigma's next restyle of it
 * reads the same). Returns the keys sigma does not display yet (no program place): restyle those
 * with a refresh.
 */
export function recolorNodes(
  sigma: Sigma,
  picture: NodePicture,
  keys: readonly string[],
  colorOf: (key: string) => string,
): string[] {
  const s = sigma as unknown as SigmaRecolorInternals
  const cache = s.internals.nodeDataCache
  const done: string[] = []
  const rest: string[] = []
  for (const key of keys) {
    const data = cache[key]
    const at = s.nodeProgramIndex[key]
    if (!data || at === undefined) {
      rest.push(key)
      continue
    }
    data.color = colorOf(key)
    s.addNodeToProgram(key, at)
    done.push(key)
  }
  if (done.length) {
    s.nodeProgram.invalidateBuffers()
    picture.invalidate(done)
  }
  return rest
}
