// A seeded generator of real-shaped exposure graphs for tests and bench/risk.ts: heavy-tailed TVL
// (lognormal, a few zero-TVL nodes), heavy-tailed in- and out-degrees (Chung–Lu style sampling by
// Pareto propensities), heavy-tailed edge weights, categories including bridges and lending.
import type { GraphInput } from '../../../src/shared/risk/graph'

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CATEGORIES: [string, string][] = [
  ['Dexes', 'Trading & Exchanges'],
  ['Lending', 'Lending, Borrowing & Real World Assets'],
  ['CDP', 'Lending, Borrowing & Real World Assets'],
  ['Liquid Staking', 'Asset Management'],
  ['Yield', 'Asset Management'],
  ['Bridge', 'Infrastructure, Services & Financial Products'],
  ['Canonical Bridge', 'Infrastructure, Services & Financial Products'],
  ['Cross Chain', 'Infrastructure, Services & Financial Products'],
  ['Algo-Stables', 'Lending, Borrowing & Real World Assets'],
  ['Derivatives', 'Trading & Exchanges'],
  ['RWA Lending', 'Lending, Borrowing & Real World Assets'],
  ['Unknown', 'Unknown'],
]

export interface SyntheticOptions {
  nodes: number
  edges: number
  seed: number
}

export function syntheticGraph({ nodes: n, edges: m, seed }: SyntheticOptions): GraphInput {
  const rnd = mulberry32(seed)
  const normal = () => {
    const u = Math.max(rnd(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd())
  }
  const pareto = (alpha: number) => Math.pow(Math.max(rnd(), 1e-12), -1 / alpha)
  const sizes = new Float64Array(n)
  const outP = new Float64Array(n)
  const inP = new Float64Array(n)
  const nodeIds: string[] = []
  const categories: string[] = []
  const sectors: string[] = []
  for (let i = 0; i < n; i++) {
    nodeIds.push(i % 7 === 3 ? `TOK${i}` : String(1000 + i))
    sizes[i] = rnd() < 0.03 ? 0 : Math.exp(13 + 2.5 * normal())
    outP[i] = pareto(1.6)
    inP[i] = pareto(1.1)
    const [c, s] = CATEGORIES[Math.floor(rnd() * rnd() * CATEGORIES.length)]
    categories.push(c)
    sectors.push(s)
  }
  const cum = (p: Float64Array) => {
    const c = new Float64Array(n)
    let s = 0
    for (let i = 0; i < n; i++) c[i] = s += p[i]
    return c
  }
  const co = cum(outP)
  const ci = cum(inP)
  const pick = (c: Float64Array) => {
    const x = rnd() * c[n - 1]
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (c[mid] < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const maxEdges = n * (n - 1)
  const target = Math.min(m, Math.floor(maxEdges * 0.5))
  const seen = new Set<number>()
  const src = new Int32Array(target)
  const dst = new Int32Array(target)
  const w = new Float64Array(target)
  let k = 0
  while (k < target) {
    const s = pick(co)
    const d = pick(ci)
    if (s === d || seen.has(s * n + d)) continue
    seen.add(s * n + d)
    src[k] = s
    dst[k] = d
    w[k++] = Math.exp(10 + 2.2 * normal())
  }
  return { nodeIds, sizes, categories, sectors, edgeSrc: src, edgeDst: dst, edgeWeight: w }
}
