// Small hand-made archives for the layout tests: a few weeks of ~60 nodes (protocols, tokens, one
// node without edges), deterministic, written in milliseconds. `addWeek` is a later import that
// brings new nodes.
import { Rng } from '../../../src/engine/demo/rng'
import type { Archive } from '../../../src/engine/store/archive'
import type { WeekInput } from '../../../src/shared/domain'

export const BASE_WEEKS = ['2024-01-01', '2024-01-08', '2024-01-15']
export const NEW_WEEK = '2024-01-22'
/** Nodes that first appear in NEW_WEEK; LONELY has no edge. */
export const NEW_NODES = ['p40', 'p41', 'TKNEW', 'LONELY']

const protocols = Array.from({ length: 40 }, (_, i) => `p${i}`)
const tokens = Array.from({ length: 20 }, (_, i) => `TK${i}`)

function week(id: string, seed: number, extra: string[]): WeekInput {
  const rng = new Rng(seed)
  const ids = [...protocols, ...tokens, 'ISO', ...extra]
  const nodes = ids.map((nodeId, i) => ({
    id: nodeId,
    size: Math.round(1e6 / (1 + i) + rng.uniform(0, 1e4)),
    composition: i % 3 === 0 ? { ETH: 10 + i, USDC: 5 } : null,
  }))
  const seen = new Set<string>()
  const edges: WeekInput['edges'] = []
  const holders = [...protocols, ...extra.filter((x) => x !== 'LONELY')]
  const issuers = [...protocols, ...tokens, ...extra.filter((x) => x !== 'LONELY')]
  for (const source of holders)
    for (let k = 0; k < 3; k++) {
      const target = issuers[rng.int(issuers.length)]
      if (target === source || seen.has(`${source}>${target}`)) continue
      seen.add(`${source}>${target}`)
      edges.push({ source, target, weight: Math.round(rng.uniform(1, 1e5)), composition: null })
    }
  return { week: id, nodes, edges }
}

const meta = (source: string) => ({
  source,
  format: 'dexposure' as const,
  sha256: source,
  bytes: 0,
})

/** Fills a fresh archive with the base weeks and protocol metadata for p0…p41. */
export async function fillTiny(archive: Archive): Promise<void> {
  await archive.runImport(meta('tiny-base'), (s) => {
    s.putProtocols(
      [...protocols, 'p40', 'p41'].map((id, i) => ({
        id,
        name: `Protocol ${id}`,
        category: ['Lending', 'Dexs', 'CDP'][i % 3],
        sector: ['Lending', 'Trading'][i % 2],
      })),
    )
    BASE_WEEKS.forEach((w, i) => s.putWeek(week(w, i + 1, [])))
  })
}

/** A later import: one more week with NEW_NODES. */
export async function addWeek(archive: Archive): Promise<void> {
  await archive.runImport(meta('tiny-new'), (s) => void s.putWeek(week(NEW_WEEK, 9, NEW_NODES)))
}
