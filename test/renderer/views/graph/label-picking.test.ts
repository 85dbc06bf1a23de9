import { describe, expect, it } from 'vitest'
import type Sigma from 'sigma'
import type { RenderParams } from 'sigma/types'
import {
  labelEventsOn,
  skipLabelPicking,
} from '../../../../src/renderer/src/views/graph/label-picking'

describe('labelEventsOn', () => {
  it('reads sigma’s setting: false, a mode, or a mode per verb', () => {
    expect(labelEventsOn(false)).toBe(false)
    expect(labelEventsOn(undefined)).toBe(false)
    expect(labelEventsOn('extend')).toBe(true)
    expect(labelEventsOn('separate')).toBe(true)
    expect(labelEventsOn({ click: false, enter: false })).toBe(false)
    expect(labelEventsOn({ click: 'extend', enter: false })).toBe(true)
  })
})

describe('skipLabelPicking', () => {
  /** A stand-in for the two members of sigma the hook uses, recording the framebuffer each
   * label draw was given. */
  function fakeSigma(events: unknown) {
    const seen: (string | null)[] = []
    const sigma = {
      settings: { nodeLabelEvents: events },
      labelRenderer: {
        renderWebGLLabels(p: RenderParams, depth?: string) {
          seen.push(p.pickingFrameBuffer as unknown as string | null)
          expect(depth).toBe('labels')
        },
      },
      getSetting(name: 'nodeLabelEvents') {
        return this.settings[name]
      },
    }
    skipLabelPicking(sigma as unknown as Sigma)
    const draw = () =>
      sigma.labelRenderer.renderWebGLLabels(
        { pickingFrameBuffer: 'picking' } as unknown as RenderParams,
        'labels',
      )
    return { sigma, seen, draw }
  }

  it('draws labels on screen only while label events are off', () => {
    const { seen, draw } = fakeSigma(false)
    draw()
    expect(seen).toEqual([null])
  })

  it('keeps the picking pass when label events are on, read at each frame', () => {
    const { sigma, seen, draw } = fakeSigma('separate')
    draw()
    sigma.settings.nodeLabelEvents = false
    draw()
    expect(seen).toEqual(['picking', null])
  })
})
