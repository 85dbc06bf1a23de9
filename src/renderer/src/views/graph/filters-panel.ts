// The filter pipeline's controls: one block per step, in pipeline order, each with the nodes and
// edges left after it; the range filters carry a histogram of all (light) vs kept (dark) values.
import { smallButton as button } from '../../ui/dom'
import { count, parseUsd, usd, usdField } from '../../ui/format'
import {
  logHistogram,
  type EgoDirection,
  type FilterState,
  type StepCount,
  type Universe,
} from './filters'

export interface FiltersPanelInput {
  universe: Universe
  weekSizes: Float64Array
  weekNodes: Int32Array
  edgeWeights: Float64Array
  nodeKeep: Uint8Array
  edgeKeep: Uint8Array
  steps: StepCount[]
  filters: FilterState
  categoriesInWeek: Map<string, number>
}

export class FiltersPanel {
  readonly element: HTMLElement

  constructor(
    private readonly onChange: (f: FilterState) => void,
    private readonly onReset: () => void,
  ) {
    this.element = document.createElement('div')
    this.element.className = 'filters'
  }

  render(i: FiltersPanelInput): void {
    const f = i.filters
    const blocks: HTMLElement[] = []
    const set = (patch: Partial<FilterState>): void => this.onChange({ ...f, ...patch })
    const stepCount = (name: string): string => {
      const s = i.steps.find((x) => x.step === name)
      return s ? `${count(s.nodes)} nodes · ${count(s.edges)} edges` : ''
    }

    // categories
    const cats = [...i.categoriesInWeek.entries()].sort((a, b) => b[1] - a[1])
    const catBox = document.createElement('div')
    catBox.className = 'checklist'
    for (const [name, n] of cats) {
      const label = document.createElement('label')
      const cb = document.createElement('input')
      cb.type = 'checkbox'
      cb.checked = !f.categories || f.categories.includes(name)
      cb.dataset.category = name
      cb.addEventListener('change', () => {
        const all = cats.map(([c]) => c)
        const kept = new Set(f.categories ?? all)
        if (cb.checked) kept.add(name)
        else kept.delete(name)
        set({ categories: kept.size === all.length ? null : all.filter((c) => kept.has(c)) })
      })
      label.append(cb, ` ${name} `)
      const small = document.createElement('small')
      small.textContent = count(n)
      label.append(small)
      catBox.append(label)
    }
    const kind = document.createElement('select')
    kind.setAttribute('aria-label', 'Node kind')
    for (const [v, t] of [
      ['all', 'protocols and tokens'],
      ['protocol', 'protocols only'],
      ['token', 'tokens only'],
    ])
      kind.append(new Option(t, v, false, f.kind === v))
    kind.addEventListener('change', () => set({ kind: kind.value as FilterState['kind'] }))
    const only = document.createElement('div')
    only.className = 'row'
    const none = button('none', () => set({ categories: [] }))
    const all = button('all', () => set({ categories: null }))
    only.append(kind, all, none)
    blocks.push(block('Category and kind', stepCount('attributes'), only, catBox))

    // TVL range
    blocks.push(
      block(
        'TVL range',
        '',
        rangeControl(i.weekSizes, weekKeep(i), f.tvl, (r) => set({ tvl: r }), 'tvl'),
      ),
    )
    // exposure range
    blocks.push(
      block(
        'Exposure range',
        stepCount('exposure'),
        rangeControl(
          i.edgeWeights,
          i.edgeKeep,
          f.exposure,
          (r) => set({ exposure: r }),
          'exposure',
        ),
      ),
    )
    // ego network
    const ego = document.createElement('div')
    ego.className = 'row'
    const egoNode = document.createElement('input')
    egoNode.placeholder = 'node id (or select a node)'
    egoNode.value = f.ego?.node ?? ''
    egoNode.setAttribute('aria-label', 'Ego network centre')
    const depth = document.createElement('select')
    depth.setAttribute('aria-label', 'Ego depth')
    for (const d of [1, 2, 3])
      depth.append(new Option(`depth ${d}`, String(d), false, (f.ego?.depth ?? 1) === d))
    const dir = document.createElement('select')
    dir.setAttribute('aria-label', 'Ego direction')
    for (const [v, t] of [
      ['out', 'exposed to (out)'],
      ['in', 'exposed from (in)'],
      ['both', 'both directions'],
    ])
      dir.append(new Option(t, v, false, (f.ego?.direction ?? 'both') === v))
    const applyEgo = (): void =>
      set({
        ego: egoNode.value.trim()
          ? {
              node: egoNode.value.trim(),
              depth: Number(depth.value),
              direction: dir.value as EgoDirection,
            }
          : null,
      })
    egoNode.addEventListener('change', applyEgo)
    depth.addEventListener('change', applyEgo)
    dir.addEventListener('change', applyEgo)
    ego.append(egoNode, depth, dir)
    if (f.ego) ego.append(button('clear', () => set({ ego: null })))
    blocks.push(block('Ego network', stepCount('ego'), ego))

    // isolated
    const iso = document.createElement('label')
    const isoCb = document.createElement('input')
    isoCb.type = 'checkbox'
    isoCb.checked = f.hideIsolated
    isoCb.dataset.filter = 'isolated'
    isoCb.addEventListener('change', () => set({ hideIsolated: isoCb.checked }))
    iso.append(isoCb, ' hide nodes without a shown edge')
    blocks.push(block('Isolated nodes', stepCount('isolated'), iso))

    const reset = button('Reset all filters', this.onReset)
    reset.className = 'secondary'
    this.element.replaceChildren(...blocks, reset)
  }
}

function weekKeep(i: FiltersPanelInput): Uint8Array {
  const k = new Uint8Array(i.weekNodes.length)
  i.weekNodes.forEach((n, j) => (k[j] = i.nodeKeep[n]))
  return k
}

function block(title: string, counts: string, ...body: HTMLElement[]): HTMLElement {
  const s = document.createElement('section')
  s.className = 'filter-step'
  const h = document.createElement('h4')
  h.textContent = title
  if (counts) {
    const c = document.createElement('small')
    c.textContent = ` → ${counts}`
    h.append(c)
  }
  s.append(h, ...body)
  return s
}

/** A log-scale range with a histogram of all vs kept values and two amount fields (USD). */
function rangeControl(
  values: Float64Array,
  keep: Uint8Array,
  range: [number, number] | null,
  onChange: (r: [number, number] | null) => void,
  name: string,
): HTMLElement {
  const h = logHistogram(values, keep)
  const box = document.createElement('div')
  box.className = 'range'
  box.dataset.range = name
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('class', 'histogram')
  svg.setAttribute('viewBox', '0 0 240 40')
  svg.setAttribute('preserveAspectRatio', 'none')
  const max = Math.max(1, ...h.all)
  h.all.forEach((a, k) => {
    for (const [v, cls] of [
      [a, 'all'],
      [h.kept[k], 'kept'],
    ] as const) {
      const r = document.createElementNS(ns, 'rect')
      const bh = (v / max) * 38
      r.setAttribute('x', String((k * 240) / h.all.length + 0.5))
      r.setAttribute('y', String(40 - bh))
      r.setAttribute('width', String(240 / h.all.length - 1))
      r.setAttribute('height', String(bh))
      r.setAttribute('class', cls)
      svg.append(r)
    }
  })
  const row = document.createElement('div')
  row.className = 'row'
  const ends = (['minimum', 'maximum'] as const).map((label, end) => {
    const inp = document.createElement('input')
    const v = range?.[end]
    // Text, not type=number: "2.5M" and "$1.2B" are how amounts are written (parseUsd). The field
    // shows the value rounded (usdField); the filter keeps the exact one until the field is edited.
    inp.type = 'text'
    inp.inputMode = 'decimal'
    inp.placeholder = end === 0 ? usd(h.edges[0] ?? 0) : usd(h.edges.at(-1) ?? 0)
    inp.value = v !== undefined && v > 0 && Number.isFinite(v) ? usdField(v) : ''
    inp.setAttribute('aria-label', `${name} ${label} (USD)`)
    inp.addEventListener('change', () => {
      const typed = parseUsd(inp.value)
      if (typed === undefined) {
        inp.setAttribute('aria-invalid', 'true')
        inp.title = `"${inp.value}" is not an amount: type USD such as 250000, 2.5M or 1.2B`
        return
      }
      const next: [number, number] = [range?.[0] ?? 0, range?.[1] ?? Infinity]
      next[end] = typed ?? (end === 0 ? 0 : Infinity)
      onChange(next[0] <= 0 && next[1] === Infinity ? null : next)
    })
    return inp
  })
  row.append(ends[0], document.createTextNode('–'), ends[1])
  box.append(svg, row)
  return box
}
