// Playback of a stored contagion run: the run keeps totals, the loss path and each node's final
// loss, not every step's node losses (24 scenario × method results of a real-scale week would
// store ~10⁶ rows a run). So the one scenario and method asked for is computed again on the same
// graph with the stored parameters — deterministic, milliseconds to a second — with the method's
// trace on, and checked against the stored totals. Steps go out as changes only, in universe
// indices (graph.universe), so the renderer applies them to the graph it already draws.
import type { CallResponse } from '../../shared/api'
import { DexposureError } from '../../shared/errors'
import { encodePacked } from '../../shared/packed'
import { idChanges } from '../../shared/risk/carriers'
import { runMethod, type ContagionParams } from '../../shared/risk/contagion/run'
import type { ContagionMethod, ContagionTrace } from '../../shared/risk/contagion/types'
import { buildRiskGraph, type RiskGraph } from '../../shared/risk/graph'
import { needsSis, parseShockSpec, selectShock } from '../../shared/risk/scenarios'
import { computeSis, type SisWeights } from '../../shared/risk/sis'
import { GRAPH_RULE } from '../forecast/run'
import { findForecastRun, predictedGraphOfRun } from '../forecast/stored-run'
import type { UniverseView } from '../layout/graph-layout'
import type { Archive } from '../store/archive'
import { observedGraph } from './stats-runs'
import { contagionRun } from './views'

interface StoredParams extends ContagionParams {
  stats?: { sisWeights?: SisWeights; tailK?: number }
}

/** The graph a stored run measured: the observed or realised week, or its forecast run's Ĝ. */
export function graphOfRun(
  archive: Archive,
  run: { graph: string; target_week: string; forecast_run: number | null },
): RiskGraph {
  if (run.graph !== 'forecast') return observedGraph(archive, run.target_week).graph
  const f = run.forecast_run === null ? null : findForecastRun(archive, { runId: run.forecast_run })
  if (!f)
    throw new DexposureError(
      'NOT_FOUND',
      `forecast run ${run.forecast_run} of this risk run is no longer stored`,
      { field: 'runId' },
    )
  return buildRiskGraph(predictedGraphOfRun(archive, f, GRAPH_RULE).graph, {
    week: run.target_week,
  })
}

export function riskPlayback(
  archive: Archive,
  view: UniverseView,
  runId: number,
  scenario: string,
  method: ContagionMethod,
  /** Send the loss each carrier passes at each step too (`edgeLoss`). */
  withEdgeLoss = false,
): CallResponse<'risk.playback'> {
  const run = contagionRun(archive, runId)
  const stored = archive.db
    .prepare(
      `SELECT shock_spec, total_loss, distressed_count FROM contagion_results
       WHERE run_id = ? AND scenario = ? AND method = ?`,
    )
    .get(runId, scenario, method) as
    { shock_spec: string; total_loss: number; distressed_count: number } | undefined
  if (!stored)
    throw new DexposureError(
      'NOT_FOUND',
      `contagion run ${runId} has no result for scenario ${scenario} and method ${method}`,
      { field: 'scenario' },
    )
  const params = JSON.parse(run.params) as StoredParams
  const g = graphOfRun(archive, run)
  const spec = parseShockSpec(stored.shock_spec)
  const sis = needsSis(spec)
    ? computeSis(g, { weights: params.stats?.sisWeights, tailK: params.stats?.tailK }).scores
    : undefined
  const shock = selectShock(g, spec, { sis, week: run.target_week })
  const trace: ContagionTrace = { steps: [] }
  const result = runMethod(g, shock, method, params, {}, trace)
  const matchesStored =
    Math.abs(result.totalLoss - stored.total_loss) <=
      1e-9 * Math.max(1, Math.abs(stored.total_loss)) &&
    result.distressedCount === stored.distressed_count

  // the nodes that ever take a loss or change state, in graph order
  const touched = new Uint8Array(g.n)
  for (const s of trace.steps)
    for (let i = 0; i < g.n; i++) if (s.losses[i] > 0 || s.states[i] > 0) touched[i] = 1
  const local: number[] = []
  const slot = new Int32Array(g.n).fill(-1)
  for (let i = 0; i < g.n; i++)
    if (touched[i]) {
      slot[i] = local.length
      local.push(i)
    }
  const index = view.universe.index
  const universeOf = (i: number): number => {
    const u = index.get(g.nodeIds[i])
    if (u === undefined)
      throw new DexposureError(
        'INTERNAL',
        `node "${g.nodeIds[i]}" of week ${run.target_week} is not in the universe`,
      )
    return u
  }
  const uni = new Int32Array(g.n).fill(-1)
  const u = (i: number) => (uni[i] >= 0 ? uni[i] : (uni[i] = universeOf(i)))
  const prevLoss = new Float64Array(g.n)
  const prevState = new Uint8Array(g.n)
  // the previous step's carriers (graph edge ids) in the order the receiver holds them
  let prevCarriers = new Int32Array(0)
  const scratch = new Int32Array(g.e).fill(-1)
  const steps = trace.steps.map((s, k) => {
    const changed: number[] = []
    const loss: number[] = []
    const state: number[] = []
    for (const i of local)
      if (s.losses[i] !== prevLoss[i] || s.states[i] !== prevState[i]) {
        changed.push(slot[i])
        loss.push(s.losses[i])
        state.push(s.states[i])
        prevLoss[i] = s.losses[i]
        prevState[i] = s.states[i]
      }
    // carriers as changes from the previous step (shared/risk/carriers.ts)
    const carriers = s.carriers
    const { added, stopped, order } = idChanges(prevCarriers, carriers, scratch)
    // (plain loops: `Int32Array.from` over 74k carriers × 34 steps cost ≈ 0.5 s here)
    const next = new Int32Array(order.length)
    for (let j = 0; j < order.length; j++) next[j] = carriers[order[j]]
    prevCarriers = next
    const p = result.path[k]
    return {
      round: p.round,
      loss: p.loss,
      distressed: p.distressed,
      newlyDistressed: p.newlyDistressed,
      changed: encodePacked(Int32Array.from(changed)),
      nodeLoss: encodePacked(Float64Array.from(loss)),
      nodeState: encodePacked(Int32Array.from(state)),
      edgeSource: encodePacked(Int32Array.from(added, (c) => u(g.src[carriers[c]]))),
      edgeTarget: encodePacked(Int32Array.from(added, (c) => u(g.dst[carriers[c]]))),
      edgeStopped: encodePacked(stopped),
      ...(withEdgeLoss
        ? { edgeLoss: encodePacked(Float64Array.from(order, (c) => s.carried[c])) }
        : {}),
    }
  })
  return {
    runId,
    scenario,
    method,
    variant: result.variant,
    graph: run.graph,
    week: run.week,
    targetWeek: run.target_week,
    revision: view.revision,
    nodeCount: local.length,
    nodes: encodePacked(Int32Array.from(local, u)),
    tvl: encodePacked(Float64Array.from(local, (i) => g.sizes[i])),
    shocked: encodePacked(Int32Array.from(result.shocked, u)),
    matchesStored,
    steps,
  }
}
