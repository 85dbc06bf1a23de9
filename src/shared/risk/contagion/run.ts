// Runs shock scenarios through the contagion methods on one graph, sharing what can be shared
// (SIS for top-K-by-SIS shocks, the unshocked clearing for Eisenberg–Noe).
import type { RiskGraph } from '../graph'
import { formatShockSpec, selectShock, type ShockSpec } from '../scenarios'
import { debtRank, type DebtRankVariant } from './debtrank'
import { clearingContext, eisenbergNoe, type ClearingContext } from './eisenberg-noe'
import { referenceCascade } from './reference'
import type { ContagionMethod, ContagionResult, ContagionTrace, Shock } from './types'

export interface ContagionParams {
  /** Reference cascade and summary threshold. Default 0.1. */
  distressThreshold?: number
  /** Reference cascade rounds. Default 10. */
  maxRounds?: number
  debtRankVariant?: DebtRankVariant
  /** Rogers–Veraart default costs; both 1 (default) is plain Eisenberg–Noe. */
  alpha?: number
  beta?: number
}

export interface ScenarioRun {
  scenario: string
  spec: string
  /** Node ids selected by the spec, in selection order. */
  selected: string[]
  results: ContagionResult[]
  warnings: string[]
}

export interface ScenarioInput {
  name: string
  spec: ShockSpec
}

/**
 * One method on one shock with the parameters every caller shares (scenarios, playback, Monte
 * Carlo draws). `clearing` caches the unshocked clearing of the graph across calls.
 */
export function runMethod(
  g: RiskGraph,
  shock: Shock,
  method: ContagionMethod,
  params: ContagionParams = {},
  cache: { clearing?: ClearingContext } = {},
  trace?: ContagionTrace,
): ContagionResult {
  const threshold = params.distressThreshold ?? 0.1
  if (method === 'reference')
    return referenceCascade(g, shock, {
      distressThreshold: threshold,
      maxRounds: params.maxRounds,
      trace,
    })
  if (method === 'debtrank')
    return debtRank(g, shock, {
      variant: params.debtRankVariant,
      distressThreshold: threshold,
      trace,
    })
  const opts = { alpha: params.alpha, beta: params.beta, distressThreshold: threshold }
  cache.clearing ??= clearingContext(g, opts)
  return eisenbergNoe(g, shock, { ...opts, trace }, cache.clearing)
}

export function runScenarios(
  g: RiskGraph,
  scenarios: ScenarioInput[],
  methods: ContagionMethod[],
  params: ContagionParams = {},
  ctx: { sis?: Float64Array; week?: string } = {},
): ScenarioRun[] {
  const cache: { clearing?: ClearingContext } = {}
  return scenarios.map((s) => {
    const sel = selectShock(g, s.spec, ctx)
    const results = methods.map((m) => runMethod(g, sel, m, params, cache))
    return {
      scenario: s.name,
      spec: formatShockSpec(s.spec),
      selected: sel.nodes.map((i) => g.nodeIds[i]),
      results,
      warnings: sel.warnings,
    }
  })
}
