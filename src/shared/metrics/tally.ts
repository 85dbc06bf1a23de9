// An exact, compact multiset of scored pairs (score, label) for ranking and calibration metrics
// over populations too large for arrays of objects: 10⁸ pairs pooled over backtest weeks.
//
// Storage is chosen by the scores, never by rounding them:
// - few distinct scores (binary baselines, a constant for unscored pairs): a map score → (positives,
//   negatives), a few bytes whatever the number of pairs;
// - continuous scores: one float64 per pair, kept per label in sorted runs (one run per seal(),
//   e.g. per week) and k-way merged when a metric walks the thresholds, so pooling weeks never
//   copies them;
// - tie groups: `addGroup(score, pos, neg)` counts many pairs at one score without listing them
//   (the non-candidate pairs of a large week, all scored at one probability).
// Every metric walks the distinct scores from the highest, so ties form one threshold exactly as in
// scikit-learn (checked in test/shared/metrics).

/** Distinct explicit scores kept in the map before explicit pairs go to float64 runs. */
const MAP_LIMIT = 256
const FIRST_CHUNK = 4096
const MAX_CHUNK = 1 << 20

/** Reliability bins are fixed at construction so calibration streams without keeping scores. */
export const DEFAULT_BINS = 15

class Float64Builder {
  private chunks: Float64Array[] = []
  private current = new Float64Array(FIRST_CHUNK)
  private used = 0
  length = 0

  push(x: number): void {
    if (this.used === this.current.length) {
      this.chunks.push(this.current)
      this.current = new Float64Array(Math.min(MAX_CHUNK, this.current.length * 2))
      this.used = 0
    }
    this.current[this.used++] = x
    this.length++
  }

  /** Everything pushed, as one sorted array of exact length; the builder is emptied. */
  takeSorted(): Float64Array {
    const out = new Float64Array(this.length)
    let o = 0
    for (const c of this.chunks) {
      out.set(c, o)
      o += c.length
    }
    out.set(this.current.subarray(0, this.used), o)
    this.chunks = []
    this.current = new Float64Array(FIRST_CHUNK)
    this.used = 0
    this.length = 0
    return out.sort() // typed-array sort is numeric and ascending
  }
}

export interface ReliabilityBin {
  lo: number
  hi: number
  count: number
  meanPredicted: number
  observedRate: number
}

export class ScoreTally {
  /** score → [positives, negatives] */
  private groups = new Map<number, [number, number]>()
  private explicitInMap = true
  private pending: [Float64Builder, Float64Builder] = [new Float64Builder(), new Float64Builder()]
  /** Sorted runs (ascending) of explicit scores: [negatives, positives]. */
  private runs: [Float64Array[], Float64Array[]] = [[], []]
  private binCount: Float64Array
  private binSumP: Float64Array
  private binSumY: Float64Array
  positives = 0
  count = 0

  constructor(readonly bins = DEFAULT_BINS) {
    this.binCount = new Float64Array(bins)
    this.binSumP = new Float64Array(bins)
    this.binSumY = new Float64Array(bins)
  }

  static of(labels: ArrayLike<number>, scores: ArrayLike<number>, bins = DEFAULT_BINS): ScoreTally {
    if (labels.length !== scores.length)
      throw new RangeError(`${labels.length} labels but ${scores.length} scores`)
    const t = new ScoreTally(bins)
    for (let i = 0; i < scores.length; i++) t.add(scores[i], labels[i] > 0)
    return t
  }

  /** One pair. A label is positive when the pair is an edge. */
  add(score: number, positive: boolean): void {
    if (Number.isNaN(score)) throw new RangeError('a score is NaN')
    this.bin(score, 1, positive ? 1 : 0)
    this.count++
    if (positive) this.positives++
    if (this.explicitInMap) {
      const g = this.groups.get(score)
      if (g) {
        g[positive ? 0 : 1]++
        return
      }
      if (this.groups.size < MAP_LIMIT) {
        this.groups.set(score, positive ? [1, 0] : [0, 1])
        return
      }
      this.explicitInMap = false
    }
    this.pending[positive ? 1 : 0].push(score)
  }

  /** `positives + negatives` pairs, all scored `score`. */
  addGroup(score: number, positives: number, negatives: number): void {
    if (Number.isNaN(score)) throw new RangeError('a group score is NaN')
    if (!(positives >= 0 && negatives >= 0))
      throw new RangeError(`a group needs counts ≥ 0, not ${positives}/${negatives}`)
    if (positives + negatives === 0) return
    this.bin(score, positives + negatives, positives)
    this.count += positives + negatives
    this.positives += positives
    const g = this.groups.get(score)
    if (g) {
      g[0] += positives
      g[1] += negatives
    } else this.groups.set(score, [positives, negatives])
  }

  private bin(score: number, n: number, pos: number): void {
    const p = Math.min(1, Math.max(0, score))
    const b = Math.min(this.bins - 1, Math.floor(p * this.bins))
    this.binCount[b] += n
    this.binSumP[b] += p * n
    this.binSumY[b] += pos
  }

  /** Sorts what was added since the last seal into one run per label (e.g. once per week). */
  seal(): this {
    for (const label of [0, 1] as const)
      if (this.pending[label].length) this.runs[label].push(this.pending[label].takeSorted())
    return this
  }

  /** Moves everything of `other` into this tally (no copy of its runs); `other` is left empty. */
  absorb(other: ScoreTally): void {
    if (other.bins !== this.bins) throw new RangeError('tallies with different bins')
    other.seal()
    for (const [s, [p, n]] of other.groups) {
      const g = this.groups.get(s)
      if (g) {
        g[0] += p
        g[1] += n
      } else this.groups.set(s, [p, n])
    }
    for (const label of [0, 1] as const) this.runs[label].push(...other.runs[label])
    for (let b = 0; b < this.bins; b++) {
      this.binCount[b] += other.binCount[b]
      this.binSumP[b] += other.binSumP[b]
      this.binSumY[b] += other.binSumY[b]
    }
    this.count += other.count
    this.positives += other.positives
    other.reset()
  }

  private reset(): void {
    this.groups = new Map()
    this.explicitInMap = true
    this.runs = [[], []]
    this.binCount = new Float64Array(this.bins)
    this.binSumP = new Float64Array(this.bins)
    this.binSumY = new Float64Array(this.bins)
    this.count = 0
    this.positives = 0
  }

  /** The union of several tallies as a view for metrics (runs shared, not copied). */
  static union(...parts: ScoreTally[]): ScoreTally {
    const u = new ScoreTally(parts[0]?.bins ?? DEFAULT_BINS)
    for (const t of parts) {
      t.seal()
      const view = new ScoreTally(t.bins)
      view.groups = new Map([...t.groups].map(([s, g]) => [s, [g[0], g[1]]]))
      view.runs = [[...t.runs[0]], [...t.runs[1]]]
      view.binCount = t.binCount.slice()
      view.binSumP = t.binSumP.slice()
      view.binSumY = t.binSumY.slice()
      view.count = t.count
      view.positives = t.positives
      u.absorb(view)
    }
    return u
  }

  /**
   * Calls `visit` for every distinct score, highest first, with its positive and negative counts.
   * Returning false stops the walk. A k-way merge of the sorted runs and the groups.
   */
  walk(visit: (score: number, positives: number, negatives: number) => boolean | void): void {
    this.seal()
    const groupScores = Float64Array.from(this.groups.keys()).sort()
    // Streams: each run read from its end (highest first); the groups are stream 0.
    const arrays: Float64Array[] = [groupScores]
    const labels: number[] = [-1]
    for (const label of [0, 1] as const)
      for (const r of this.runs[label])
        if (r.length) {
          arrays.push(r)
          labels.push(label)
        }
    const k = arrays.length
    const next = Int32Array.from(arrays, (a) => a.length - 1)
    // max-heap of stream indices by their current head
    const heap: number[] = []
    const head = (i: number) => arrays[i][next[i]]
    const up = (j: number) => {
      while (j > 0) {
        const p = (j - 1) >> 1
        if (head(heap[p]) >= head(heap[j])) break
        ;[heap[p], heap[j]] = [heap[j], heap[p]]
        j = p
      }
    }
    const down = (j: number) => {
      for (;;) {
        const l = 2 * j + 1
        const r = l + 1
        let m = j
        if (l < heap.length && head(heap[l]) > head(heap[m])) m = l
        if (r < heap.length && head(heap[r]) > head(heap[m])) m = r
        if (m === j) return
        ;[heap[m], heap[j]] = [heap[j], heap[m]]
        j = m
      }
    }
    for (let i = 0; i < k; i++)
      if (next[i] >= 0) {
        heap.push(i)
        up(heap.length - 1)
      }
    while (heap.length) {
      const s = head(heap[0])
      let pos = 0
      let neg = 0
      while (heap.length && head(heap[0]) === s) {
        const i = heap[0]
        const a = arrays[i]
        let j = next[i]
        if (labels[i] < 0) {
          const g = this.groups.get(s)!
          pos += g[0]
          neg += g[1]
          j--
        } else {
          const from = j
          while (j >= 0 && a[j] === s) j--
          if (labels[i] === 1) pos += from - j
          else neg += from - j
        }
        next[i] = j
        if (j < 0) {
          const last = heap.pop()!
          if (heap.length) {
            heap[0] = last
            down(0)
          }
        } else down(0)
      }
      if (visit(s, pos, neg) === false) return
    }
  }

  /**
   * Average precision as scikit-learn's average_precision_score: Σₙ (Rₙ − Rₙ₋₁) Pₙ over distinct
   * score thresholds. NaN without positives.
   */
  averagePrecision(): number {
    const P = this.positives
    if (P === 0) return NaN
    let tp = 0
    let seen = 0
    let ap = 0
    this.walk((_, pos, neg) => {
      tp += pos
      seen += pos + neg
      if (pos) ap += (pos / P) * (tp / seen)
    })
    return ap
  }

  /** ROC AUC with ties counted half (= roc_auc_score). NaN with one class. */
  rocAuc(): number {
    const P = this.positives
    const N = this.count - P
    if (P === 0 || N === 0) return NaN
    let above = 0
    let sum = 0
    this.walk((_, pos, neg) => {
      sum += neg * (above + pos / 2)
      above += pos
    })
    // `sum` counts (positive, negative) pairs where the positive ranks higher (ties half).
    return sum / (P * N)
  }

  /**
   * Precision and recall among the K highest scores; ties at the cut are shared out in proportion
   * (the expectation over random tie-breaking), so binary scores are neither favoured nor punished
   * by an arbitrary order.
   */
  atK(k: number): { precision: number; recall: number } {
    const cut = Math.min(k, this.count)
    const P = this.positives
    if (cut <= 0) return { precision: NaN, recall: P ? 0 : NaN }
    let tp = 0
    let taken = 0
    this.walk((_, pos, neg) => {
      const size = pos + neg
      const take = Math.min(size, cut - taken)
      tp += (pos * take) / size
      taken += take
      return taken < cut
    })
    return { precision: tp / cut, recall: P ? tp / P : NaN }
  }

  /** Equal-width bins over [0, 1]; scores are clamped to [0, 1]; 1 falls in the last bin. */
  reliability(): ReliabilityBin[] {
    return [...this.binCount].map((c, b) => ({
      lo: b / this.bins,
      hi: (b + 1) / this.bins,
      count: c,
      meanPredicted: c ? this.binSumP[b] / c : NaN,
      observedRate: c ? this.binSumY[b] / c : NaN,
    }))
  }

  /** ECE = Σ_b (n_b / N) · |observed rate_b − mean predicted_b|. NaN when empty. */
  expectedCalibrationError(): number {
    if (this.count === 0) return NaN
    let ece = 0
    for (let b = 0; b < this.bins; b++) {
      const c = this.binCount[b]
      if (c) ece += (c / this.count) * Math.abs(this.binSumY[b] / c - this.binSumP[b] / c)
    }
    return ece
  }

  /**
   * Precision–recall points (recall, precision) at the distinct thresholds, highest first, thinned
   * to about `maxPoints` for drawing (a point is kept when recall moved by ≥ 1/maxPoints, and the
   * last one always). Starts at (0, precision of the top threshold).
   */
  prCurve(maxPoints = 1000): [number, number][] {
    const P = this.positives
    if (P === 0) return []
    const points: [number, number][] = []
    let tp = 0
    let seen = 0
    let lastRecall = -1
    let pending: [number, number] | null = null
    this.walk((_, pos, neg) => {
      tp += pos
      seen += pos + neg
      const pt: [number, number] = [tp / P, tp / seen]
      if (points.length === 0) points.push([0, pt[1]])
      if (pt[0] - lastRecall >= 1 / maxPoints) {
        points.push(pt)
        lastRecall = pt[0]
        pending = null
      } else pending = pt
    })
    if (pending) points.push(pending)
    return points
  }
}
