// Waiting for a graph tab to show a week: views that open or switch a graph and then draw on it
// (an overlay, a selection) wait here, once, rather than each polling the graphs' test hooks.
import type { Workbench } from '../context'
import type { GraphView } from './view'

/** Resolves with graph editor `id` once it exists and has drawn `week` (a new tab loads the
 * archive's universe first); rejects when its tab is closed or after `timeoutMs`. */
export function whenGraphShows(
  wb: Pick<Workbench, 'graphById' | 'editors'>,
  id: string,
  week: string,
  timeoutMs = 120_000,
): Promise<GraphView> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const g = wb.graphById(id)
      if (g?.showsDrawn(week)) return resolve(g)
      if (g && !wb.editors.dock.getPanel(id)) return reject(new Error('the graph tab was closed'))
      if (performance.now() - t0 > timeoutMs)
        return reject(
          new Error(`the graph did not draw the week of ${week} within ${timeoutMs / 1000} s`),
        )
      requestAnimationFrame(tick)
    }
    tick()
  })
}
