// A small seeded PRNG for the demo generator: xoshiro128** (Blackman & Vigna, 2018; period 2^128 − 1,
// passes BigCrush) seeded through splitmix32. Written here (a dozen lines) rather than taken from
// npm because the generator's output must stay byte-identical for a seed forever: a dependency
// upgrade must never be able to change the demo archive.

const GOLDEN = 0x9e3779b9

function splitmix32(state: { s: number }): number {
  state.s = (state.s + GOLDEN) | 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x21f0aab5)
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
  return (z ^ (z >>> 15)) >>> 0
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k))

export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  private spare = NaN

  /** `seed`: any safe integer; `stream`: an independent sequence for the same seed. */
  constructor(seed: number, stream = 0) {
    const lo = seed >>> 0
    const hi = Math.floor(seed / 2 ** 32) >>> 0
    const st = { s: lo ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) }
    this.s0 = splitmix32(st)
    this.s1 = splitmix32(st)
    this.s2 = splitmix32(st)
    this.s3 = splitmix32(st)
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Standard normal (Marsaglia polar method, the second value cached). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare
      this.spare = NaN
      return v
    }
    let u: number, v: number, s: number
    do {
      u = 2 * this.next() - 1
      v = 2 * this.next() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const f = Math.sqrt((-2 * Math.log(s)) / s)
    this.spare = v * f
    return u * f
  }

  /** exp(N(mu, sigma²)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal())
  }
}

/** Index drawn in proportion to `cumulative` weights (a non-decreasing prefix-sum array). */
export function pickCumulative(rng: Rng, cumulative: Float64Array, n = cumulative.length): number {
  const total = cumulative[n - 1]
  const x = rng.next() * total
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cumulative[mid] > x) hi = mid
    else lo = mid + 1
  }
  return lo
}
