// Where risk tools get a forecast graph Ĝ(t+h) from. The forecasting engine stores its runs in the
// archive; a provider turns the run for (anchor week, horizon) into a week-shaped graph. The
// forecasting module registers its provider (registerPredictedGraphProvider); until one is
// registered, or when no run exists, `--forecast` fails with a message that says what to run.
import type { WeekId } from '../../shared/domain'
import { DexposureError } from '../../shared/errors'
import type { GraphInput } from '../../shared/risk/graph'
import type { Archive } from '../store/archive'

/** A predicted graph: the WeekFrame fields the risk tools need (USD sizes and edge weights). */
export type PredictedGraph = GraphInput

export interface PredictedGraphRun {
  graph: PredictedGraph
  /** The forecast run's id in the archive (stored with the risk results for provenance). */
  forecastRunId: number
  anchorWeek: WeekId
  targetWeek: WeekId
  horizon: number
  /** What the forecast did that the user should know (e.g. an edge threshold), shown with results. */
  notes?: string[]
}

export type PredictedGraphProvider = (
  archive: Archive,
  anchorWeek: WeekId,
  horizon: number,
) => PredictedGraphRun | null

let provider: PredictedGraphProvider | null = null

export function registerPredictedGraphProvider(p: PredictedGraphProvider | null): void {
  provider = p
}

export function loadPredictedGraph(
  archive: Archive,
  week: WeekId,
  horizon: number,
): PredictedGraphRun {
  const run = provider ? provider(archive, week, horizon) : null
  if (!run)
    throw new DexposureError(
      'NOT_FOUND',
      `no forecast run for week ${week} horizon ${horizon}; run \`dexposure forecast --week ${week} --horizon ${horizon}\` first`,
      { week, field: 'forecast' },
    )
  return run
}
