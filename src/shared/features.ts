// Node features of reference-spec §3, computed once at import. Pure functions over plain arrays.
import { FEATURE_COUNT, isRawComposition, type CompositionInput } from './domain'

const EPS = 1e-12

export interface CompositionStats {
  nTokenTypes: number
  maxShare: number
  entropy: number
}

/** Token count, largest share and Shannon entropy (nats) of a composition, as the reference defines them. */
export function compositionStats(
  size: number,
  composition: CompositionInput | null,
): CompositionStats {
  if (!composition) return { nTokenTypes: 0, maxShare: 0, entropy: 0 }
  const values: ArrayLike<number> = isRawComposition(composition)
    ? composition.values
    : Object.values(composition)
  const n = values.length
  if (!(size > 0) || n === 0) return { nTokenTypes: n, maxShare: 0, entropy: 0 }
  let total = 0
  for (let i = 0; i < n; i++) if (values[i] > 0) total += values[i]
  let maxShare = 0
  let entropy = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    const s = (v > 0 ? v : 0) / (total + EPS)
    if (s > maxShare) maxShare = s
    entropy -= s * Math.log(s + EPS)
  }
  return { nTokenTypes: n, maxShare, entropy }
}

export const logTvl = (size: number): number => Math.log1p(size > 0 ? size : 0)

/** ln(1+size_t) − ln(1+size_{t−1}); 0 when the node is new or either size is not positive. */
export function tvlChange(size: number, prevSize: number | undefined): number {
  if (prevSize === undefined || !(size > 0) || !(prevSize > 0)) return 0
  return Math.log1p(size) - Math.log1p(prevSize)
}

/** Composition statistics per node, as parallel arrays. */
export interface CompositionStatsColumns {
  nTokens: ArrayLike<number>
  maxShare: ArrayLike<number>
  entropy: ArrayLike<number>
}

export interface FeatureInputs {
  sizes: ArrayLike<number>
  stats: CompositionStatsColumns
  /** Previous archived week's size per node (undefined when absent). */
  prevSizes: (number | undefined)[]
  inDegree: ArrayLike<number>
  outDegree: ArrayLike<number>
}

/** Row-major [N × FEATURE_COUNT] feature matrix (column order of FEATURE_NAMES). */
export function buildFeatures(input: FeatureInputs): Float32Array {
  const n = input.sizes.length
  const out = new Float32Array(n * FEATURE_COUNT)
  let maxIn = 0
  let maxOut = 0
  for (let i = 0; i < n; i++) {
    if (input.inDegree[i] > maxIn) maxIn = input.inDegree[i]
    if (input.outDegree[i] > maxOut) maxOut = input.outDegree[i]
  }
  const inDiv = maxIn > 0 ? maxIn : 1
  const outDiv = maxOut > 0 ? maxOut : 1
  for (let i = 0; i < n; i++) {
    const o = i * FEATURE_COUNT
    const st = input.stats
    out[o] = logTvl(input.sizes[i])
    out[o + 1] = st.nTokens[i]
    out[o + 2] = st.maxShare[i]
    out[o + 3] = st.entropy[i]
    out[o + 4] = tvlChange(input.sizes[i], input.prevSizes[i])
    out[o + 5] = input.inDegree[i] / inDiv
    out[o + 6] = input.outDegree[i] / outDiv
  }
  return out
}
