// Eisenberg–Noe clearing (Eisenberg & Noe 2001, "Systemic risk in financial systems"), optionally
// with Rogers–Veraart default costs (Rogers & Veraart 2013, "Failure and rescue in an interbank
// network"): the greatest clearing payment vector p with
//   p_j = L̄_j                      if L̄_j ≤ e_j + Σ_k Π_kj p_k   (solvent)
//   p_j = α e_j + β Σ_k Π_kj p_k    otherwise                    (α = β = 1: Eisenberg–Noe)
// found by monotone iteration from p = L̄ (the greatest fixed point, as the Rogers–Veraart
// greatest-clearing-vector algorithm finds).
//
// Mapping from our data (docs/risk.md): issuer j owes each holder i the value of the tokens i holds,
// the weight w_ij of edge i → j, so L̄_j = in-strength of j and Π_ji = w_ij / L̄_j. Node j's
// assets are its TVL; the part not held as claims on other nodes is its external assets
// e_j = max(0, TVL_j − out-strength_j). A shock of fraction f is an outside loss of f·TVL_j taken
// from the external assets; where it exceeds them, the rest is a senior outside claim paid before
// network creditors (net external assets x_j = e_j − f·TVL_j may be negative):
//   p_j = max(0, min(L̄_j, α x_j⁺ + β Σ_k Π_kj p_k − x_j⁻)) when insolvent.
// TVL is not a balance sheet, so some nodes cannot pay in full even without a shock: every loss
// below is measured against the unshocked clearing of the same graph.
import type { RiskGraph } from '../graph'
import { totalOf } from '../graph'
import {
  lossPct,
  NO_CARRIERS,
  type ContagionResult,
  type ContagionTrace,
  type LossPathStep,
  type Shock,
} from './types'

/**
 * A node defaults when it pays less than L̄·(1 − 1e-9). One test for the unshocked and the shocked
 * clearing: an exact `L̄ ≤ assets` test would call 0.1 + 0.2 owed against 0.3 held a default in
 * one place and not in the other (issue 14 §5).
 */
export const DEFAULT_REL_TOL = 1e-9
/** A node is affected when it loses more than 1e-9 of its TVL: below that it is rounding noise. */
export const AFFECTED_REL_TOL = 1e-9

export function paysLess(payment: number, owed: number): boolean {
  return owed > 0 && payment < owed * (1 - DEFAULT_REL_TOL)
}

export interface ClearingOptions {
  /** Rogers–Veraart share of external assets realised in default. Default 1 (Eisenberg–Noe). */
  alpha?: number
  /** Rogers–Veraart share of interbank receipts realised in default. Default 1. */
  beta?: number
  distressThreshold?: number
  /** Relative payment change below which iteration stops. Default 1e-10. */
  tol?: number
  /** Default 10 000 sweeps over the nodes whose receipts changed. */
  maxSweeps?: number
  /** Playback (eisenbergNoe only): node losses, states and carrying edges of every path step. */
  trace?: ContagionTrace
}

export interface Clearing {
  payments: Float64Array
  /** p_j / L̄_j (1 for nodes that owe nothing). */
  recovery: Float64Array
  /** 1 where the node defaults (`paysLess`). */
  inDefault: Uint8Array
  defaults: number
  sweeps: number
  converged: boolean
}

export interface ClearingContext {
  external: Float64Array
  baseline: Clearing
  alpha: number
  beta: number
}

function clear(
  g: RiskGraph,
  external: Float64Array,
  alpha: number,
  beta: number,
  tol: number,
  maxSweeps: number,
  onSweep?: (
    sweep: number,
    payments: Float64Array,
    defaults: number,
    inDefault: Uint8Array,
  ) => void,
): Clearing {
  const n = g.n
  const L = g.inStrength
  const recovery = new Float64Array(n).fill(1)
  const payments = new Float64Array(n)
  for (let i = 0; i < n; i++) payments[i] = L[i]
  const inDefault = new Uint8Array(n)
  // Every node is evaluated once; afterwards only holders of issuers whose recovery changed.
  let work: number[] = []
  for (let i = 0; i < n; i++) if (L[i] > 0) work.push(i)
  const queued = new Uint8Array(n)
  let sweeps = 0
  let defaults = 0
  let converged = true
  while (work.length > 0) {
    if (sweeps >= maxSweeps) {
      converged = false
      break
    }
    sweeps++
    const changed: number[] = []
    for (const j of work) {
      queued[j] = 0
      let receipts = 0
      for (let k = g.outPtr[j], end = g.outPtr[j + 1]; k < end; k++) {
        const q = g.outEdge[k]
        receipts += g.weight[q] * recovery[g.dst[q]]
      }
      const x = external[j]
      const solvent = L[j] <= x + receipts
      const p = solvent
        ? L[j]
        : Math.max(0, Math.min(L[j], alpha * Math.max(x, 0) + beta * receipts + Math.min(x, 0)))
      // Payments only fall from p = L̄ (monotone iteration), so a default never reverts.
      if (!inDefault[j] && paysLess(p, L[j])) {
        inDefault[j] = 1
        defaults++
      }
      const r = p / L[j]
      if (Math.abs(r - recovery[j]) > tol) changed.push(j)
      recovery[j] = r
      payments[j] = p
    }
    onSweep?.(sweeps, payments, defaults, inDefault)
    const next: number[] = []
    for (const j of changed)
      for (let k = g.inPtr[j], end = g.inPtr[j + 1]; k < end; k++) {
        const i = g.src[g.inEdge[k]]
        if (!queued[i] && L[i] > 0) {
          queued[i] = 1
          next.push(i)
        }
      }
    work = next
  }
  return { payments, recovery, inDefault, defaults, sweeps, converged }
}

/** External assets and the unshocked clearing of a graph: compute once, reuse for every scenario. */
export function clearingContext(g: RiskGraph, opts: ClearingOptions = {}): ClearingContext {
  const alpha = opts.alpha ?? 1
  const beta = opts.beta ?? 1
  const external = new Float64Array(g.n)
  for (let i = 0; i < g.n; i++) external[i] = Math.max(0, g.sizes[i] - g.outStrength[i])
  return {
    external,
    baseline: clear(g, external, alpha, beta, opts.tol ?? 1e-10, opts.maxSweeps ?? 10_000),
    alpha,
    beta,
  }
}

export function eisenbergNoe(
  g: RiskGraph,
  shock: Shock,
  opts: ClearingOptions = {},
  ctx: ClearingContext = clearingContext(g, opts),
): ContagionResult {
  const { alpha, beta, baseline } = ctx
  const threshold = opts.distressThreshold ?? 0.1
  const tol = opts.tol ?? 1e-10
  const n = g.n
  const tvl = g.sizes
  const warnings: string[] = []
  const external = ctx.external.slice()
  const direct = new Float64Array(n)
  const shocked: number[] = []
  let ignored = 0
  for (const i of shock.nodes) {
    if (direct[i] > 0 || shocked.includes(i)) continue
    if (!(tvl[i] > 0)) {
      ignored++
      continue
    }
    direct[i] = shock.fraction * tvl[i]
    external[i] -= direct[i]
    shocked.push(i)
  }
  if (ignored) warnings.push(`${ignored} shocked nodes have TVL ≤ 0 and were ignored`)
  if (!baseline.converged)
    warnings.push(`the unshocked clearing did not converge in ${baseline.sweeps} sweeps`)
  // Clearing is a fixed point, not a cascade in rounds; the loss path shows the state after each
  // sweep of the iteration in which the set of defaulting nodes grew, and the cleared state. A
  // path loss is the direct shock plus Σ_j (p_j baseline − p_j), which is what holders lose.
  const directTotal = shocked.reduce((a, i) => a + direct[i], 0)
  const path: LossPathStep[] = [
    { round: 0, loss: directTotal, distressed: shocked.length, newlyDistressed: shocked.length },
  ]
  // Distressed (docs/risk.md): shocked, losing more than threshold·TVL, or a new default (one that
  // pays in full in the unshocked clearing). A node already in default before the shock is not
  // distressed merely because its payment fell; it needs the shock or the threshold loss.
  const baseDefault = baseline.inDefault
  let lastDefaults = baseline.defaults
  const trace = opts.trace
  // Playback: a step's node loss is the direct shock plus what the node no longer receives; its
  // carriers are the edges whose issuer's recovery fell since the previous step.
  let recoveryBefore = trace ? baseline.recovery.slice() : null
  const traceStep = (recovery: Float64Array, newDefault: (j: number) => boolean) => {
    const losses = direct.slice()
    const carriers: number[] = []
    const carried: number[] = []
    for (let q = 0; q < g.e; q++) {
      const d = g.dst[q]
      losses[g.src[q]] += g.weight[q] * Math.max(0, baseline.recovery[d] - recovery[d])
      const fall = recoveryBefore![d] - recovery[d]
      if (fall > 0) {
        carriers.push(q)
        carried.push(g.weight[q] * fall)
      }
    }
    recoveryBefore = recovery.slice()
    const states = new Uint8Array(n)
    for (let i = 0; i < n; i++)
      states[i] = newDefault(i)
        ? 2
        : direct[i] > 0 || (tvl[i] > 0 && losses[i] > threshold * tvl[i])
          ? 1
          : 0
    return {
      losses,
      states,
      carriers: Int32Array.from(carriers),
      carried: Float64Array.from(carried),
    }
  }
  if (trace) {
    const states = new Uint8Array(n)
    for (const i of shocked) states[i] = 1
    trace.steps.push({ losses: direct.slice(), states, ...NO_CARRIERS() })
  }
  const c = clear(g, external, alpha, beta, tol, opts.maxSweeps ?? 10_000, (sweep, p, d, inDef) => {
    if (d <= lastDefaults) return
    let lost = directTotal
    for (let j = 0; j < n; j++) lost += Math.max(0, baseline.payments[j] - p[j])
    const prev = path[path.length - 1]
    let now = 0
    for (let j = 0; j < n; j++) if (direct[j] > 0 || (inDef[j] && !baseDefault[j])) now++
    path.push({ round: sweep, loss: lost, distressed: now, newlyDistressed: now - prev.distressed })
    lastDefaults = d
    if (trace) {
      const L = g.inStrength
      const r = new Float64Array(n)
      for (let j = 0; j < n; j++) r[j] = L[j] > 0 ? p[j] / L[j] : 1
      trace.steps.push(traceStep(r, (j) => inDef[j] === 1 && !baseDefault[j]))
    }
  })
  if (!c.converged) warnings.push(`clearing did not converge in ${c.sweeps} sweeps`)
  // A holder's loss: its direct shock plus what it no longer receives compared with the baseline.
  const nodeLoss = new Float64Array(n)
  const distressRound = new Int32Array(n).fill(-1)
  let affected = 0
  let distressed = 0
  let defaults = 0
  let additionalDefaults = 0
  let shortfall = 0
  let additionalShortfall = 0
  for (let i = 0; i < n; i++) {
    let lost = direct[i]
    for (let k = g.outPtr[i], end = g.outPtr[i + 1]; k < end; k++) {
      const q = g.outEdge[k]
      const d = g.dst[q]
      lost += g.weight[q] * Math.max(0, baseline.recovery[d] - c.recovery[d])
    }
    nodeLoss[i] = lost
    // Relative to TVL, or to the node's holdings when it has no TVL (a loss cannot exceed either).
    const scale = Math.max(tvl[i], g.outStrength[i])
    if (direct[i] > 0 || lost > AFFECTED_REL_TOL * scale) affected++
    const owed = g.inStrength[i]
    shortfall += owed - c.payments[i]
    additionalShortfall += Math.max(0, baseline.payments[i] - c.payments[i])
    const isDefault = paysLess(c.payments[i], owed)
    const newDefault = isDefault && !baseDefault[i]
    if (isDefault) defaults++
    if (newDefault) additionalDefaults++
    if (direct[i] > 0) distressRound[i] = 0
    else if ((tvl[i] > 0 && lost > threshold * tvl[i]) || newDefault) distressRound[i] = 1
    if (distressRound[i] >= 0) distressed++
  }
  const totalLoss = totalOf(nodeLoss)
  const totalTvl = totalOf(tvl)
  const last = path[path.length - 1]
  const appended = last.loss !== totalLoss || last.distressed !== distressed
  if (appended)
    path.push({
      round: Math.max(c.sweeps, last.round + 1),
      loss: totalLoss,
      distressed,
      newlyDistressed: Math.max(0, distressed - last.distressed),
    })
  if (trace) {
    // the last step is the cleared state, exactly as the result reports it
    const final = traceStep(
      c.recovery,
      (j) => paysLess(c.payments[j], g.inStrength[j]) && !baseDefault[j],
    )
    final.losses = nodeLoss.slice()
    for (let i = 0; i < n; i++)
      if (final.states[i] === 0 && distressRound[i] >= 0) final.states[i] = 1
    if (appended) trace.steps.push(final)
    else {
      const prev = trace.steps[trace.steps.length - 1]
      trace.steps[trace.steps.length - 1] = {
        ...final,
        carriers: prev.carriers,
        carried: prev.carried,
      }
    }
  }
  const baseDefaults = baseline.defaults
  return {
    method: 'eisenberg-noe',
    variant: alpha === 1 && beta === 1 ? 'eisenberg-noe' : 'rogers-veraart',
    shocked,
    shockFraction: shock.fraction,
    totalLoss,
    totalLossPct: lossPct(totalLoss, totalTvl),
    affectedCount: affected,
    distressedCount: distressed,
    defaultCount: additionalDefaults,
    rounds: path.length - 1,
    converged: c.converged && baseline.converged,
    path,
    nodeLoss,
    distressRound,
    outputs: {
      alpha,
      beta,
      direct_loss: directTotal,
      contagion_loss: totalLoss - directTotal,
      total_liabilities: totalOf(g.inStrength),
      shortfall,
      additional_shortfall: additionalShortfall,
      baseline_shortfall: totalOf(g.inStrength) - totalOf(baseline.payments),
      baseline_defaults: baseDefaults,
      defaults_total: defaults,
      additional_defaults: additionalDefaults,
      sweeps: c.sweeps,
      distress_threshold: threshold,
    },
    warnings,
  }
}
