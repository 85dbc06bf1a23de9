// The pool of exposure relationships holder → issuer, as a growable struct of arrays (hundreds of
// thousands at real scale: typed arrays keep them compact and the weekly passes fast).

/** Universe indexes must stay below this for pair keys to be unique. */
export const MAX_UNIVERSE = 65536

/** Key of a (holder, issuer) pair of universe indexes. */
export const pairKey = (s: number, d: number) => s * MAX_UNIVERSE + d

export class Relationships {
  n = 0
  src = new Int32Array(1024)
  dst = new Int32Array(1024)
  /** Weekly probability (before the pool scale) that the relationship carries a flow. */
  q = new Float32Array(1024)
  /** Base weekly flow (relative units). */
  base = new Float64Array(1024)
  /** Weight of the holding in the holder's composition (relative units). */
  hold = new Float64Array(1024)
  /** Up to 3 token indexes per relationship (−1 = none). */
  tok = new Int32Array(3 * 1024)
  live = new Uint8Array(1024)
  private dead = 0
  private readonly pairs = new Set<number>()

  has(s: number, d: number): boolean {
    return this.pairs.has(pairKey(s, d))
  }

  add(s: number, d: number, q: number, base: number, hold: number, toks: number[]): void {
    if (this.n === this.src.length) this.grow(this.n * 2)
    const r = this.n++
    this.src[r] = s
    this.dst[r] = d
    this.q[r] = q
    this.base[r] = base
    this.hold[r] = hold
    this.tok[3 * r] = toks[0] ?? -1
    this.tok[3 * r + 1] = toks[1] ?? -1
    this.tok[3 * r + 2] = toks[2] ?? -1
    this.live[r] = 1
    this.pairs.add(pairKey(s, d))
  }

  /** Number of tokens relationship r carries (1–3). */
  tokenCount(r: number): number {
    return this.tok[3 * r + 1] < 0 ? 1 : this.tok[3 * r + 2] < 0 ? 2 : 3
  }

  kill(r: number): void {
    if (!this.live[r]) return
    this.live[r] = 0
    this.dead++
    this.pairs.delete(pairKey(this.src[r], this.dst[r]))
  }

  /** Drops dead relationships (order kept) once they are a third of the arrays. */
  compact(): void {
    if (this.dead * 3 < this.n) return
    let w = 0
    for (let r = 0; r < this.n; r++) {
      if (!this.live[r]) continue
      if (w !== r) {
        this.src[w] = this.src[r]
        this.dst[w] = this.dst[r]
        this.q[w] = this.q[r]
        this.base[w] = this.base[r]
        this.hold[w] = this.hold[r]
        this.tok.copyWithin(3 * w, 3 * r, 3 * r + 3)
        this.live[w] = 1
      }
      w++
    }
    this.live.fill(0, w, this.n)
    this.n = w
    this.dead = 0
  }

  private grow(cap: number): void {
    const grown = <T extends Int32Array | Float32Array | Float64Array | Uint8Array>(
      a: T,
      c: number,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(c)
      b.set(a)
      return b
    }
    this.src = grown(this.src, cap)
    this.dst = grown(this.dst, cap)
    this.q = grown(this.q, cap)
    this.base = grown(this.base, cap)
    this.hold = grown(this.hold, cap)
    this.tok = grown(this.tok, 3 * cap)
    this.live = grown(this.live, cap)
  }
}
