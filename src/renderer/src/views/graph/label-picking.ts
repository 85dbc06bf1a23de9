// Node labels drawn on screen only, unless label events are on. Sigma 4.0.4 draws its WebGL
// labels a second time into the picking framebuffer on every frame, whatever `nodeLabelEvents`
// says, with a picking shader that discards every fragment (labels are not pickable there): the
// pass changes no pixel but costs a pipeline SwiftShader compiles in a view's first frame (≈ 45 ms
// of a real-scale cold load's first frame, BENCHMARKS.md) and the labels' vertex and fragment
// work again each frame. Its label backgrounds already skip the pass when the events are off.
import type Sigma from 'sigma'
import type { RenderParams } from 'sigma/types'

interface LabelInternals {
  labelRenderer: { renderWebGLLabels(params: RenderParams, depth?: string): void }
  getSetting(name: 'nodeLabelEvents'): unknown
}

const ON = (mode: unknown): boolean => mode === 'extend' || mode === 'separate'

/** Whether a `nodeLabelEvents` setting turns any label event on, as sigma reads it: `false`,
 * `'extend'`, `'separate'`, or one of those per verb. */
export function labelEventsOn(setting: unknown): boolean {
  if (setting && typeof setting === 'object') return Object.values(setting).some(ON)
  return ON(setting)
}

/** Makes `sigma` draw node labels on screen only while label events are off. */
export function skipLabelPicking(sigma: Sigma): void {
  const s = sigma as unknown as LabelInternals
  const renderer = s.labelRenderer
  const render = renderer.renderWebGLLabels.bind(renderer)
  renderer.renderWebGLLabels = (params, depth) =>
    render(
      labelEventsOn(s.getSetting('nodeLabelEvents'))
        ? params
        : { ...params, pickingFrameBuffer: null },
      depth,
    )
}
