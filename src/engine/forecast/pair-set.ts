// A set of ordered pairs of a week's n nodes (keys src · n + dst): a bitset for membership and the
// keys in insertion order for iteration. The forecast's candidate set holds up to 8 M pairs of
// 1.2·10⁸ on a real-scale week: a JS Set of that many numbers took 2.7 s to fill and ~0.4 GB;
// this takes n²/8 bytes (15 MB at 11k nodes) plus 8 bytes per member.

export class PairSet implements Iterable<number> {
  private readonly bits: Uint8Array
  private list = new Float64Array(1 << 16)
  size = 0

  constructor(readonly n: number) {
    this.bits = new Uint8Array(Math.ceil((n * n) / 8))
  }

  has(key: number): boolean {
    return (this.bits[Math.floor(key / 8)] & (1 << (key % 8))) !== 0
  }

  add(key: number): void {
    const byte = Math.floor(key / 8)
    const bit = 1 << (key % 8)
    if (this.bits[byte] & bit) return
    this.bits[byte] |= bit
    if (this.size === this.list.length) {
      const grown = new Float64Array(this.list.length * 2)
      grown.set(this.list)
      this.list = grown
    }
    this.list[this.size++] = key
  }

  /** Members in insertion order (a view: valid until the next add). */
  keys(): Float64Array {
    return this.list.subarray(0, this.size)
  }

  [Symbol.iterator](): Iterator<number> {
    return this.keys()[Symbol.iterator]()
  }
}
