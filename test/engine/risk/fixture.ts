// Small archives for the risk engine tests: real-shaped weeks from the seeded generator, with
// protocol metadata so categories and sectors are set.
import type { ProtocolInfo, WeekInput } from '../../../src/shared/domain'
import { Archive } from '../../../src/engine/store/archive'
import { syntheticGraph } from '../../shared/risk/synthetic-graph'

export function syntheticWeek(week: string, seed: number, nodes = 120, edges = 500): WeekInput {
  const g = syntheticGraph({ nodes, edges, seed })
  return {
    week,
    nodes: g.nodeIds.map((id, i) => ({ id, size: g.sizes[i], composition: null })),
    edges: Array.from(g.edgeSrc, (s, j) => ({
      source: g.nodeIds[s],
      target: g.nodeIds[g.edgeDst[j]],
      weight: g.edgeWeight[j],
      composition: null,
    })),
  }
}

export function protocolsOf(nodes = 120, seed = 1): ProtocolInfo[] {
  const g = syntheticGraph({ nodes, edges: 10, seed })
  return g.nodeIds.map((id, i) => ({
    id,
    name: `P${id}`,
    category: g.categories[i] === 'Unknown' ? null : g.categories[i],
    sector: g.sectors[i] === 'Unknown' ? null : g.sectors[i],
  }))
}

export async function buildArchive(
  file: string,
  weeks: WeekInput[],
  protocols = protocolsOf(),
): Promise<Archive> {
  const a = Archive.open(file)
  await a.runImport(
    { source: 'synthetic-test', format: 'dexposure', sha256: file, bytes: 0 },
    (s) => {
      s.putProtocols(protocols)
      for (const w of weeks) s.putWeek(w)
    },
  )
  return a
}
