// A model's card, opened from the Explorer: where it lives, whether forecasts on this archive use
// it by default, its training window and data, and the validation metrics its manifest records.
import type { CallResponse } from '../../../../shared/api'
import { factsList } from '../../ui/dom'
import type { Editor } from '../../workbench/editors'

type ModelEntry = CallResponse<'models.list'>[number]

/** What a card can do beyond showing the manifest (views/backtest adds "Use this model" and
 * "Backtest…"): an element shown under the heading, released with the card. */
export interface ModelCardActions {
  element: HTMLElement
  dispose(): void
}

export function modelEditor(m: ModelEntry, actions?: ModelCardActions): Editor {
  const element = document.createElement('div')
  element.className = 'doc-view model-view'
  const h = document.createElement('h2')
  h.textContent = `${m.name} — forecasts ${m.horizon} week${m.horizon === 1 ? '' : 's'} ahead`
  const facts: [string, string][] = [
    ['folder', m.dir],
    [
      'source',
      m.source === 'archive'
        ? 'trained for this archive (models/ beside it)'
        : 'shipped with the workbench',
    ],
    ['default here', m.isDefault ? `yes: forecasts at h=${m.horizon} use it` : 'no'],
    ...Object.entries(m.trainingWindow).map(
      ([k, v]) => [`window: ${k.replaceAll('_', ' ')}`, v] as [string, string],
    ),
    [
      'training data',
      m.synthetic === null ? 'not recorded' : m.synthetic ? 'synthetic (the demo archive)' : 'real',
    ],
    [
      'largest training week',
      m.maxNodes === null ? 'not recorded' : `${m.maxNodes.toLocaleString('en')} nodes`,
    ],
  ]
  if (m.problem) facts.unshift(['problem', m.problem])
  const dl = factsList(facts)
  const mh = document.createElement('h3')
  mh.textContent = 'Validation metrics (from the manifest)'
  const table = document.createElement('table')
  table.className = 'grid'
  for (const [k, v] of Object.entries(m.metrics)) {
    const tr = table.insertRow()
    tr.insertCell().textContent = k.replaceAll('_', ' ')
    const c = tr.insertCell()
    c.className = 'num'
    c.textContent =
      Math.abs(v) < 1 ? v.toFixed(4) : v.toLocaleString('en', { maximumFractionDigits: 3 })
  }
  const note = document.createElement('p')
  note.className = 'muted'
  note.textContent =
    'Backtests measure a model on weeks after its training window only (`dexposure backtest`); ' +
    'docs/evaluation.md has the figures of the shipped models.'
  element.append(h, ...(actions ? [actions.element] : []), dl, mh)
  element.append(Object.keys(m.metrics).length ? table : note, note)
  return { element, dispose: () => actions?.dispose() }
}
