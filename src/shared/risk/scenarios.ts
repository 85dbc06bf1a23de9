// Shock scenarios: the reference's three (reference-spec §7.5), the follow-up project's S1–S5, and
// custom shocks written in a small grammar (docs/risk.md, "Shock specs"):
//
//   SPEC     := TERM ('+' TERM)* ['@' FRACTION]
//   TERM     := 'nodes:' ID (',' ID)*            listed node ids (each must exist in the week)
//             | 'category:' NAME (',' NAME)*     fine category, exact match, case-insensitive
//             | 'category~:' TEXT               fine category containing TEXT, case-insensitive
//             | 'sector:' NAME (',' NAME)*       coarse sector, exact match, case-insensitive
//             | 'top:' K [':' BY]                K largest nodes, BY = tvl (default) | sis | exposure
//   FRACTION := a number in (0, 1] or a percentage in (0 %, 100 %]; default 1
//
// Terms are unioned (order kept, duplicates once). `exposure` ranks by total incident edge weight
// (in + out), as S1/S5 of the follow-up project do.
import { DexposureError } from '../errors'
import type { RiskGraph } from './graph'
import { rankDescending } from './graph'
import type { Shock } from './contagion/types'

export type ShockTerm =
  | { kind: 'nodes'; ids: string[] }
  | { kind: 'category'; names: string[] }
  | { kind: 'category-contains'; text: string }
  | { kind: 'sector'; names: string[] }
  | { kind: 'top'; k: number; by: 'tvl' | 'sis' | 'exposure' }

export interface ShockSpec {
  terms: ShockTerm[]
  fraction: number
}

/** Whether a shock ranks nodes by SIS (its selection needs the graph's SIS scores). */
export function needsSis(spec: ShockSpec): boolean {
  return spec.terms.some((t) => t.kind === 'top' && t.by === 'sis')
}

export interface ScenarioDefinition {
  /** Name used on the command line and in storage. */
  name: string
  title: string
  source: 'reference' | 'claw'
  spec: ShockSpec
}

const cats = (...names: string[]): ShockTerm => ({ kind: 'category', names })

export const SCENARIOS: ScenarioDefinition[] = [
  {
    name: 'top-protocol',
    title: 'Top Protocol Shock (top 1 by TVL, 50 %)',
    source: 'reference',
    spec: { terms: [{ kind: 'top', k: 1, by: 'tvl' }], fraction: 0.5 },
  },
  {
    name: 'top5-protocols',
    title: 'Top 5 Protocols Shock (top 5 by TVL, 30 %)',
    source: 'reference',
    spec: { terms: [{ kind: 'top', k: 5, by: 'tvl' }], fraction: 0.3 },
  },
  {
    name: 'bridge-sector',
    title: 'Bridge Sector Shock (category contains "bridge", 100 %)',
    source: 'reference',
    spec: { terms: [{ kind: 'category-contains', text: 'bridge' }], fraction: 1 },
  },
  {
    name: 'S1',
    title: 'S1 single protocol failure (top 1 by incident exposure, 100 %)',
    source: 'claw',
    spec: { terms: [{ kind: 'top', k: 1, by: 'exposure' }], fraction: 1 },
  },
  {
    name: 'S2',
    title: 'S2 bridge cluster (Bridge, Cross Chain, 100 %)',
    source: 'claw',
    spec: { terms: [cats('Bridge', 'Cross Chain')], fraction: 1 },
  },
  {
    name: 'S3',
    title: 'S3 stablecoin de-peg (Algo-Stables, Decentralized Stablecoin, CDP, 50 %)',
    source: 'claw',
    spec: { terms: [cats('Algo-Stables', 'Decentralized Stablecoin', 'CDP')], fraction: 0.5 },
  },
  {
    name: 'S4',
    title: 'S4 lending sector (Lending, Uncollateralized/RWA/NFT Lending, 30 %)',
    source: 'claw',
    spec: {
      terms: [cats('Lending', 'Uncollateralized Lending', 'RWA Lending', 'NFT Lending')],
      fraction: 0.3,
    },
  },
  {
    name: 'S5',
    title: 'S5 correlated stress (top 10 by incident exposure, 20 %)',
    source: 'claw',
    spec: { terms: [{ kind: 'top', k: 10, by: 'exposure' }], fraction: 0.2 },
  },
]

export function scenarioByName(name: string): ScenarioDefinition {
  const s = SCENARIOS.find((x) => x.name.toLowerCase() === name.toLowerCase())
  if (!s)
    throw new DexposureError(
      'USAGE',
      `unknown scenario "${name}" (known: ${SCENARIOS.map((x) => x.name).join(', ')})`,
      { field: 'scenario' },
    )
  return s
}

function bad(message: string, offset: number): DexposureError {
  return new DexposureError('BAD_INPUT', `shock spec: ${message}`, { field: 'shock', offset })
}

/** Parses a SPEC (grammar above). Errors name the character offset of the problem. */
export function parseShockSpec(text: string): ShockSpec {
  const spec = text.trim()
  if (!spec) throw bad('empty', 0)
  let body = spec
  let fraction = 1
  const at = spec.lastIndexOf('@')
  if (at >= 0) {
    body = spec.slice(0, at)
    const f = spec.slice(at + 1).trim()
    const pct = f.endsWith('%')
    const v = Number(pct ? f.slice(0, -1) : f)
    if (f === '' || (pct && f.length === 1) || !Number.isFinite(v))
      throw bad(`fraction "${f}" is not a number`, at + 1)
    fraction = pct ? v / 100 : v
    if (!(fraction > 0 && fraction <= 1))
      throw bad(`fraction ${f} is outside (0, 1] (or (0 %, 100 %])`, at + 1)
  }
  const terms: ShockTerm[] = []
  let offset = 0
  for (const raw of body.split('+')) {
    const term = raw.trim()
    const colon = term.indexOf(':')
    if (colon < 0)
      throw bad(`term "${term}" has no kind (nodes:, category:, category~:, sector:, top:)`, offset)
    const kind = term.slice(0, colon).trim().toLowerCase()
    const rest = term.slice(colon + 1)
    const list = rest
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
    if (kind === 'top') {
      const [kText, byText = 'tvl'] = rest.split(':').map((s) => s.trim())
      const k = Number(kText)
      if (!Number.isInteger(k) || k < 1)
        throw bad(`top: needs a positive integer, not "${kText}"`, offset)
      const by = byText.toLowerCase()
      if (by !== 'tvl' && by !== 'sis' && by !== 'exposure')
        throw bad(`top:K:BY ranks by tvl, sis or exposure, not "${byText}"`, offset)
      terms.push({ kind: 'top', k, by })
    } else if (list.length === 0) {
      throw bad(`term "${term}" lists nothing`, offset)
    } else if (kind === 'nodes') terms.push({ kind: 'nodes', ids: list })
    else if (kind === 'category') terms.push({ kind: 'category', names: list })
    else if (kind === 'category~') terms.push({ kind: 'category-contains', text: rest.trim() })
    else if (kind === 'sector') terms.push({ kind: 'sector', names: list })
    else throw bad(`unknown term kind "${kind}" (nodes, category, category~, sector, top)`, offset)
    offset += raw.length + 1
  }
  return { terms, fraction }
}

/** The canonical text of a spec (what is stored and shown). */
export function formatShockSpec(spec: ShockSpec): string {
  const t = spec.terms.map((x) => {
    switch (x.kind) {
      case 'nodes':
        return `nodes:${x.ids.join(',')}`
      case 'category':
        return `category:${x.names.join(',')}`
      case 'category-contains':
        return `category~:${x.text}`
      case 'sector':
        return `sector:${x.names.join(',')}`
      case 'top':
        return `top:${x.k}:${x.by}`
    }
  })
  return `${t.join('+')}@${spec.fraction}`
}

export interface ShockSelection extends Shock {
  /** Why nodes were left out (e.g. TVL 0), for the user to read. */
  warnings: string[]
}

/**
 * Resolves a spec to node indices on one graph. Unknown node ids are bad input. `sis` is needed
 * only for `top:K:sis`.
 */
export function selectShock(
  g: RiskGraph,
  spec: ShockSpec,
  ctx: { sis?: Float64Array; week?: string } = {},
): ShockSelection {
  const chosen: number[] = []
  const seen = new Uint8Array(g.n)
  const add = (i: number) => {
    if (!seen[i]) {
      seen[i] = 1
      chosen.push(i)
    }
  }
  for (const t of spec.terms) {
    if (t.kind === 'nodes') {
      const unknown = t.ids.filter((id) => !g.index.has(id))
      if (unknown.length)
        throw new DexposureError(
          'BAD_INPUT',
          `shock names node ids not in the graph: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` (+${unknown.length - 10} more)` : ''}`,
          { field: 'shock', week: ctx.week },
        )
      for (const id of t.ids) add(g.index.get(id)!)
    } else if (t.kind === 'category' || t.kind === 'sector') {
      const want = new Set(t.names.map((s) => s.toLowerCase()))
      const label = t.kind === 'category' ? g.categories : g.sectors
      for (let i = 0; i < g.n; i++) if (want.has(label[i].toLowerCase())) add(i)
    } else if (t.kind === 'category-contains') {
      const text = t.text.toLowerCase()
      for (let i = 0; i < g.n; i++) if (g.categories[i].toLowerCase().includes(text)) add(i)
    } else {
      let key: ArrayLike<number>
      if (t.by === 'tvl') key = g.sizes
      else if (t.by === 'sis') {
        if (!ctx.sis) throw new DexposureError('INTERNAL', 'top:K:sis needs SIS scores')
        key = ctx.sis
      } else {
        const inc = new Float64Array(g.n)
        for (let i = 0; i < g.n; i++) inc[i] = g.inStrength[i] + g.outStrength[i]
        key = inc
      }
      const order = rankDescending(key)
      for (let r = 0; r < Math.min(t.k, g.n); r++) add(order[r])
    }
  }
  const warnings: string[] = []
  const zero = chosen.filter((i) => !(g.sizes[i] > 0))
  if (chosen.length === 0) warnings.push('the shock selects no node in this graph: zero loss')
  else if (zero.length)
    warnings.push(
      `${zero.length} of ${chosen.length} selected nodes have TVL 0 and take no direct loss (${zero
        .slice(0, 5)
        .map((i) => g.nodeIds[i])
        .join(', ')}${zero.length > 5 ? ', …' : ''})`,
    )
  return { nodes: chosen, fraction: spec.fraction, warnings }
}
