// The ordered pairs a backtest scores. Pairs of one week are keys src · n + dst over the n nodes of
// week t (positions in its frame); u ≠ v always.
import { Rng } from '../demo/rng'

/** Pairs per scoring call: bounds memory whatever the week size. */
export const PAIR_CHUNK = 262_144

export interface PairChunk {
  src: Int32Array
  dst: Int32Array
}

/**
 * Paper protocol negatives (reference-spec §4.4): `count` uniform random ordered pairs u ≠ v that are
 * not positives, without repeats, seeded. Gives up after 10 × count + 100 draws (a nearly complete
 * graph has too few non-edges), so it may return fewer.
 */
export function samplePaperNegatives(
  n: number,
  positives: { has(key: number): boolean },
  count: number,
  rng: Rng,
): number[] {
  const out = new Set<number>()
  for (let tries = 0; out.size < count && tries < 10 * count + 100 && n > 1; tries++) {
    const s = rng.int(n)
    const d = rng.int(n)
    const key = s * n + d
    if (s !== d && !positives.has(key)) out.add(key)
  }
  return [...out]
}

/** Every ordered pair u ≠ v of n nodes, in chunks of at most PAIR_CHUNK (arrays reused). */
export function* allPairs(n: number): Generator<PairChunk> {
  const src = new Int32Array(PAIR_CHUNK)
  const dst = new Int32Array(PAIR_CHUNK)
  let k = 0
  for (let s = 0; s < n; s++)
    for (let d = 0; d < n; d++) {
      if (s === d) continue
      src[k] = s
      dst[k] = d
      if (++k === PAIR_CHUNK) {
        yield { src, dst }
        k = 0
      }
    }
  if (k) yield { src: src.subarray(0, k), dst: dst.subarray(0, k) }
}

/** The given pair keys, in chunks of at most PAIR_CHUNK (arrays reused). */
export function* keyPairs(n: number, keys: Iterable<number>): Generator<PairChunk> {
  const src = new Int32Array(PAIR_CHUNK)
  const dst = new Int32Array(PAIR_CHUNK)
  let k = 0
  for (const key of keys) {
    src[k] = Math.floor(key / n)
    dst[k] = key - src[k] * n
    if (++k === PAIR_CHUNK) {
      yield { src, dst }
      k = 0
    }
  }
  if (k) yield { src: src.subarray(0, k), dst: dst.subarray(0, k) }
}

/** Every ordered pair u ≠ v not in `excluded`, as keys. */
export function pairsOutside(n: number, excluded: { has(key: number): boolean }): number[] {
  const out: number[] = []
  for (let s = 0; s < n; s++)
    for (let d = 0; d < n; d++) if (s !== d && !excluded.has(s * n + d)) out.push(s * n + d)
  return out
}

/**
 * `count` uniform random ordered pairs u ≠ v outside `excluded` (with replacement), seeded, as the
 * forecast samples its non-candidate pairs. The caller makes sure enough pairs lie outside.
 */
export function sampleOutside(
  n: number,
  excluded: { has(key: number): boolean },
  count: number,
  rng: Rng,
): number[] {
  const total = n * (n - 1)
  const out: number[] = []
  while (out.length < count) {
    const r = rng.int(total)
    const s = Math.floor(r / (n - 1))
    let d = r % (n - 1)
    if (d >= s) d++
    if (!excluded.has(s * n + d)) out.push(s * n + d)
  }
  return out
}
