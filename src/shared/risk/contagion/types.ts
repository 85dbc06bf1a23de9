// What every contagion method takes and returns, so scenarios, storage and the UI treat the
// reference cascade, DebtRank and Eisenberg–Noe clearing alike.

export type ContagionMethod = 'reference' | 'debtrank' | 'eisenberg-noe'
export const CONTAGION_METHODS: ContagionMethod[] = ['reference', 'debtrank', 'eisenberg-noe']

export interface Shock {
  /** Node indices (distinct). */
  nodes: number[]
  /** Share of each shocked node's TVL lost at once, in [0, 1]. */
  fraction: number
}

/** One round of a loss path, for playback: state after the round (round 0 = right after the shock). */
export interface LossPathStep {
  round: number
  /** Σ node losses so far (USD). */
  loss: number
  /** Nodes in distress so far (relative loss above the distress threshold, or defaulted). */
  distressed: number
  /** Nodes that became distressed in this round. */
  newlyDistressed: number
}

export interface ContagionResult {
  method: ContagionMethod
  /** Variant within the method (e.g. DebtRank 'linear' | 'single-hit', clearing 'en' | 'rv'). */
  variant: string
  /** Nodes the shock actually hit (TVL > 0), in selection order. */
  shocked: number[]
  shockFraction: number
  /** Σ node losses (USD), shocked nodes included. */
  totalLoss: number
  /** 100 · totalLoss / Σ TVL (0 when Σ TVL = 0). */
  totalLossPct: number
  /** Nodes with any loss. */
  affectedCount: number
  /** Nodes in distress (shocked nodes included). */
  distressedCount: number
  /**
   * Nodes at 100 % loss (reference, DebtRank), or paying less than owed in the shocked clearing
   * but not in the unshocked one (Eisenberg–Noe; all defaults in `outputs.defaults_total`).
   */
  defaultCount: number
  rounds: number
  converged: boolean
  path: LossPathStep[]
  /** Loss per node (USD). */
  nodeLoss: Float64Array
  /** Round in which each node became distressed; −1 if never. */
  distressRound: Int32Array
  /** Method-specific named outputs (documented in docs/risk.md). */
  outputs: Record<string, number>
  warnings: string[]
}

/** One step of a traced run (playback): the state after the step, aligned with `path`. */
export interface TraceStep {
  /** Loss per node (USD) after the step. */
  losses: Float64Array
  /** Per node: 0 healthy, 1 distressed, 2 defaulted (each method's own definitions). */
  states: Uint8Array
  /** Edges (indices into the RiskGraph's edge arrays) along which loss moved in this step. */
  carriers: Int32Array
  /** Loss each carrier passed on in this step (USD, before any cap at the holder's TVL). */
  carried: Float64Array
}

/**
 * Filled by a method when given (playback only: it costs a copy of the node losses per step).
 * `steps[k]` is the state after `path[k]`; step 0 is the shock and has no carriers.
 */
export interface ContagionTrace {
  steps: TraceStep[]
}

/** Collects the carriers of one step in growable typed arrays (a DebtRank step of a real-scale
 * week logs 74k, over 30 steps). */
export class CarrierLog {
  private edges = new Int32Array(1024)
  private amounts = new Float64Array(1024)
  private n = 0
  add(edge: number, amount: number): void {
    if (this.n === this.edges.length) {
      const edges = new Int32Array(2 * this.n)
      const amounts = new Float64Array(2 * this.n)
      edges.set(this.edges)
      amounts.set(this.amounts)
      this.edges = edges
      this.amounts = amounts
    }
    this.edges[this.n] = edge
    this.amounts[this.n++] = amount
  }
  take(): { carriers: Int32Array; carried: Float64Array } {
    const out = { carriers: this.edges.slice(0, this.n), carried: this.amounts.slice(0, this.n) }
    this.n = 0
    return out
  }
}

export const NO_CARRIERS = (): { carriers: Int32Array; carried: Float64Array } => ({
  carriers: new Int32Array(0),
  carried: new Float64Array(0),
})

export function lossPct(totalLoss: number, totalTvl: number): number {
  return totalTvl > 0 ? (100 * totalLoss) / totalTvl : 0
}
