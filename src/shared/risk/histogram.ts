// Equal-width histogram of a sample (the Monte Carlo loss distribution drawn in the workbench):
// the report keeps quantiles, not every draw, so the bins travel with it (bounded: `bins` counts).

export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last (min and max of the sample). */
  from: number
  to: number
  /** Values per bin; bin b covers [from + b·w, from + (b+1)·w), the last bin includes `to`. */
  counts: number[]
}

/**
 * Counts `values` in `bins` equal-width bins between their min and max. A sample whose values are
 * all equal (a zero-width distribution) is one bin holding every value; an empty sample has none.
 * Non-finite values are left out.
 */
export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`histogram bins must be ≥ 1: ${bins}`)
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo > hi) return { from: 0, to: 0, counts: [] }
  if (lo === hi) {
    let n = 0
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++
    return { from: lo, to: hi, counts: [n] }
  }
  const counts = new Array<number>(bins).fill(0)
  const w = (hi - lo) / bins
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++
  }
  return { from: lo, to: hi, counts }
}
