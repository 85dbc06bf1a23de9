// Degree assortativity of a directed graph as networkx's `degree_assortativity_coefficient(G)`
// defines it (x = 'out', y = 'in', unweighted): the Pearson correlation, over edges u → v, of
// out-degree(u) and in-degree(v). networkx builds the joint degree distribution and takes its
// correlation; that equals the per-edge Pearson coefficient computed here in two passes.
import type { RiskGraph } from './graph'

/** null when undefined (no edges, or one side has a single degree value: zero variance). */
export function degreeAssortativity(g: RiskGraph): number | null {
  const m = g.e
  if (m === 0) return null
  let mx = 0
  let my = 0
  for (let j = 0; j < m; j++) {
    mx += g.outDegree[g.src[j]]
    my += g.inDegree[g.dst[j]]
  }
  mx /= m
  my /= m
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let j = 0; j < m; j++) {
    const a = g.outDegree[g.src[j]] - mx
    const b = g.inDegree[g.dst[j]] - my
    sxy += a * b
    sxx += a * a
    syy += b * b
  }
  if (!(sxx > 0 && syy > 0)) return null
  return sxy / Math.sqrt(sxx * syy)
}
