// Which of sigma's refreshes redraw the view's cached node layer (node-cache.ts). The edges are
// not sigma's (edge-layer.ts): the view says when they change.
import type Sigma from 'sigma'

interface Invalidated {
  /** `nodes`: only these changed look, and nothing is re-processed. */
  invalidate(nodes?: readonly string[]): void
}

interface SigmaGraphHandlers {
  bindGraphHandlers(): void
  unbindGraphHandlers(): void
}

/**
 * Routes every refresh of `sigma` through the node cache: one that touches nodes redraws them
 * (one that restyles a few nodes in place, without re-indexing, may redraw only those);
 * item states (hover) never refresh. sigma's graph listeners
 * are bound again so that their refreshes come this way too (they hold the refresh they were
 * bound with).
 * One refresh is turned into a render: the full refresh sigma's mouse captor asks for after a drag
 * so that edges hidden while moving are drawn again. It re-indexes and re-processes every node
 * and would throw the node layer away, though nothing but the
 * camera changed, and the layers are keyed by the camera already.
 */
export function routeRefreshes(sigma: Sigma, nodes: Invalidated): void {
  const refresh = sigma.refresh.bind(sigma)
  /** The graph under the drag that just ended (a refresh of another graph, as `setGraph` asks
   * for, is a real one), until the captor's deferred refresh has run. */
  let dragEnded: unknown = null
  sigma.refresh = (opts) => {
    if (!opts && dragEnded && dragEnded === sigma.getGraph()) {
      dragEnded = null
      sigma.scheduleRender()
      return sigma
    }
    const partial = opts?.partialGraph
    if (!partial) nodes.invalidate()
    else if (partial.nodes?.length)
      nodes.invalidate(opts.skipIndexation ? partial.nodes.map(String) : undefined)
    return refresh(opts)
  }
  const handlers = sigma as unknown as SigmaGraphHandlers
  handlers.unbindGraphHandlers()
  handlers.bindGraphHandlers()
  // the captor emits "mouseup" before its deferred refresh (a timer of 0 set just before): a
  // timer set now runs after it, so only that refresh is turned into a render
  const captor = sigma.getMouseCaptor()
  captor.on('mouseup', () => {
    if (!captor.draggedEvents) return
    dragEnded = sigma.getGraph()
    setTimeout(() => (dragEnded = null), 0)
  })
}
