// The model choice of the views (services/model-choice.ts): chosen per archive and horizon, saved
// with the archive's workbench state (snapshot / restore), taken over once from the localStorage
// where earlier versions kept it, announced with the horizon that changed; the model in use falls
// back to the default for a stale choice; a stored run counts only for the model that made it.
import { beforeEach, describe, expect, it } from 'vitest'
import type { ModelChoiceEventDetail } from '../../../src/renderer/src/services/model-choice'
import type { CallResponse } from '../../../src/shared/api'

type ModelEntry = CallResponse<'models.list'>[number]

// the module runs in the renderer: its window (an EventTarget) and localStorage, in memory here
class MemoryStorage {
  private readonly m = new Map<string, string>()
  getItem(k: string): string | null {
    return this.m.get(k) ?? null
  }
  setItem(k: string, v: string): void {
    this.m.set(k, v)
  }
  removeItem(k: string): void {
    this.m.delete(k)
  }
}
const g = globalThis as unknown as { window: EventTarget; localStorage: MemoryStorage }
g.window = new EventTarget()
g.localStorage = new MemoryStorage()

const mc = await import('../../../src/renderer/src/services/model-choice')

const A = '/data/a.sqlite'
const B = '/data/b.sqlite'
const entry = (o: Partial<ModelEntry> & Pick<ModelEntry, 'dir' | 'horizon'>): ModelEntry => ({
  source: 'shipped',
  isDefault: false,
  name: `gnn-h${o.horizon}`,
  sha256: 'aa',
  trainingWindow: {},
  synthetic: true,
  maxNodes: null,
  metrics: {},
  problem: null,
  ...o,
})
const models = [
  entry({ dir: '/arch/models/h1', horizon: 1, source: 'archive', isDefault: true, sha256: 'bb' }),
  entry({ dir: '/ship/h1', horizon: 1 }),
  entry({ dir: '/ship/h4', horizon: 4, isDefault: true }),
  entry({ dir: '/broken/h4', horizon: 4, problem: 'no manifest' }),
]

let events: ModelChoiceEventDetail[]
g.window.addEventListener(mc.MODEL_CHOICE_EVENT, (e) =>
  events.push((e as CustomEvent<ModelChoiceEventDetail>).detail),
)

beforeEach(() => {
  events = []
  mc.restoreModelChoice(A, {})
  mc.restoreModelChoice(B, {})
  events = []
})

describe('model choice', () => {
  it('keeps a choice per archive and horizon, announces it, and snapshots it for the state', () => {
    expect(mc.chosenModel(A, 1)).toBeUndefined()
    mc.chooseModel(A, 1, '/ship/h1')
    mc.chooseModel(A, 4, '/ship/h4')
    expect(mc.chosenModel(A, 1)).toBe('/ship/h1')
    expect(mc.chosenModel(B, 1)).toBeUndefined()
    expect(mc.modelChoiceSnapshot(A)).toEqual({ '1': '/ship/h1', '4': '/ship/h4' })
    expect(mc.modelChoiceSnapshot(null)).toEqual({})
    mc.chooseModel(A, 4, null)
    expect(mc.modelChoiceSnapshot(A)).toEqual({ '1': '/ship/h1' })
    expect(events).toEqual([
      { archive: A, horizon: 1 },
      { archive: A, horizon: 4 },
      { archive: A, horizon: 4 },
    ])
  })

  it('restores from the saved state, dropping what is not a horizon → folder', () => {
    mc.restoreModelChoice(A, { '1': '/ship/h1', x: '/nope', '4': 3, '8': '' })
    expect(mc.chosenModels(A)).toEqual({ '1': '/ship/h1' })
    expect(events).toEqual([{ archive: A, horizon: null }])
  })

  it('takes over a choice kept in localStorage only while the state has none of its own', () => {
    localStorage.setItem(`dx.modelChoice:${A}`, JSON.stringify({ '4': '/ship/h4' }))
    // a state saved before choices were kept there: no `models`
    mc.restoreModelChoice(A, undefined)
    expect(mc.chosenModel(A, 4)).toBe('/ship/h4')
    // once the state has its own (even none), localStorage is not read
    mc.restoreModelChoice(A, {})
    expect(mc.chosenModel(A, 4)).toBeUndefined()
  })

  it('uses the default without a choice, the chosen model while usable, else says it is stale', () => {
    expect(mc.modelInUse(A, 1, models)).toEqual({ model: models[0], chosen: false, stale: null })
    mc.chooseModel(A, 1, '/ship/h1')
    expect(mc.modelInUse(A, 1, models)).toEqual({ model: models[1], chosen: true, stale: null })
    mc.chooseModel(A, 4, '/broken/h4')
    expect(mc.modelInUse(A, 4, models)).toEqual({
      model: models[2],
      chosen: false,
      stale: '/broken/h4',
    })
  })

  it('counts a stored run only for the model that made it: name and pair-head sha256', () => {
    const run = { model: 'gnn-h1', model_sha256: 'aa' }
    expect(mc.runMadeBy(run, models[1])).toBe(true)
    // the archive's own model has the shipped one's name but other weights
    expect(mc.runMadeBy(run, models[0])).toBe(false)
    expect(mc.runMadeBy(run, null)).toBe(true)
    expect(mc.modelLabel(models[0])).toBe('gnn-h1 (archive)')
  })

  it("sends only choices that still resolve as a call's `models`, and none without a choice", async () => {
    let listed = 0
    const wb = {
      api: {
        call: (name: string) => {
          expect(name).toBe('models.list')
          listed++
          return Promise.resolve(models)
        },
      } as unknown as Parameters<typeof mc.chosenModelsInUse>[0]['api'],
      archive: { info: { file: A } },
    }
    // nothing chosen: no models.list call, no `models`
    expect(await mc.chosenModelsInUse(wb)).toBeUndefined()
    expect(listed).toBe(0)
    mc.chooseModel(A, 1, '/ship/h1')
    mc.chooseModel(A, 4, '/broken/h4') // stale: the views fall back to the default, so no choice
    expect(await mc.chosenModelsInUse(wb)).toEqual({ '1': '/ship/h1' })
    expect(listed).toBe(1)
  })
})
